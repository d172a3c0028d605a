// The QtKeychain implementation of KeychainBackend (macOS and Windows), built here against
// QtKeychain's own Linux backend so that its job and timeout handling runs under the
// sanitizers too.
#include "KeychainBackend.h"
#include "TestSupport.h"

#include <QTest>

#include <optional>

using namespace Choragen;

class TestQtKeychainBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { TestSupport::clearKeychain(); }

    // A job that answers after its timeout must not touch the timer the timeout deleted.
    void lateAnswerAfterTimeoutIsHarmless()
    {
        // 0 ms: the timeout fires on the next pass of the event loop, before any answer.
        KeychainBackend hasty(0);
        std::optional<Error> first;
        hasty.read(QStringLiteral("openai"), this,
                   [&](const Error &e, const QByteArray &) { first = e; });
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 10000);
        QCOMPARE(first->code, ErrorCode::TimedOut);
        // Once timed out, it answers at once rather than waiting again.
        std::optional<Error> second;
        hasty.read(QStringLiteral("openai"), this,
                   [&](const Error &e, const QByteArray &) { second = e; });
        QTRY_VERIFY_WITH_TIMEOUT(second.has_value(), 10000);
        QCOMPARE(second->code, ErrorCode::TimedOut);

        // QtKeychain runs one job at a time: once this one answers, the first one has too, and
        // its late answer has met the deleted timer.
        KeychainBackend patient;
        std::optional<Error> after;
        patient.read(QStringLiteral("openai"), this,
                     [&](const Error &e, const QByteArray &) { after = e; });
        QTRY_VERIFY_WITH_TIMEOUT(after.has_value(), 10000);
        QCOMPARE(after->code, ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestQtKeychainBackend)
#include "TestQtKeychainBackend.moc"
