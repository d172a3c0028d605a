// KeychainBackend against the real Secret Service: the SecretBackend contract, for real.
#include "KeychainBackend.h"
#include "TestSupport.h"

#include <QTest>

#include <optional>

using namespace Choragen;

class TestKeychainBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { TestSupport::clearKeychain(); }
    void cleanup() { TestSupport::clearKeychain(); }

    void probeFindsTheSecretService()
    {
        KeychainBackend backend;
        std::optional<BackendStatus> status;
        backend.probe(this, [&](const BackendStatus &s) { status = s; });
        QVERIFY(!status); // never before the call returns
        QTRY_VERIFY_WITH_TIMEOUT(status.has_value(), 10000);
        QVERIFY2(status->available, qPrintable(status->reason.message));
        QCOMPARE(status->backend, QStringLiteral("Secret Service"));
    }

    void writeReadRemoveRoundTrip()
    {
        KeychainBackend backend;
        const QByteArray key = TestSupport::fakeKey(QStringLiteral("openai"));
        std::optional<Error> written;
        backend.write(QStringLiteral("openai"), key, this, [&](const Error &e) { written = e; });
        QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 10000);
        QVERIFY(written->ok());
        // Readable by other tools under the documented names.
        QVERIFY(TestSupport::secretToolLookup(QStringLiteral("openai")) == key);

        std::optional<Error> readError;
        QByteArray readBack;
        backend.read(QStringLiteral("openai"), this, [&](const Error &e, const QByteArray &s) {
            readError = e;
            readBack = s;
        });
        QTRY_VERIFY_WITH_TIMEOUT(readError.has_value(), 10000);
        QVERIFY(readError->ok());
        QVERIFY(readBack == key);

        std::optional<Error> removed;
        backend.remove(QStringLiteral("openai"), this, [&](const Error &e) { removed = e; });
        QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 10000);
        QVERIFY(removed->ok());
        bool found = true;
        TestSupport::secretToolLookup(QStringLiteral("openai"), &found);
        QVERIFY(!found);
    }

    void absentEntryIsNotFound()
    {
        KeychainBackend backend;
        std::optional<Error> readError;
        backend.read(QStringLiteral("google"), this,
                     [&](const Error &e, const QByteArray &) { readError = e; });
        QTRY_VERIFY_WITH_TIMEOUT(readError.has_value(), 10000);
        QCOMPARE(readError->code, ErrorCode::NotFound);
    }

    void goneContextGetsNoCallback()
    {
        KeychainBackend backend;
        auto *context = new QObject;
        bool called = false;
        backend.read(QStringLiteral("google"), context,
                     [&](const Error &, const QByteArray &) { called = true; });
        delete context;
        // A later call on a live context completes, so the first one had time to.
        std::optional<Error> later;
        backend.read(QStringLiteral("google"), this,
                     [&](const Error &e, const QByteArray &) { later = e; });
        QTRY_VERIFY_WITH_TIMEOUT(later.has_value(), 10000);
        QVERIFY(!called);
    }

    void backendMayGoWhileCallsAreInFlight()
    {
        auto backend = std::make_unique<KeychainBackend>();
        int callbacks = 0;
        for (int i = 0; i < 5; ++i)
            backend->read(QStringLiteral("anthropic"), this,
                          [&](const Error &, const QByteArray &) { ++callbacks; });
        // Let the first job reach libsecret, so its reply is pending when the backend goes.
        QCoreApplication::processEvents();
        backend.reset();
        // The jobs finish after their backend is gone; that must not crash.
        QTest::qWait(500);
        KeychainBackend another;
        std::optional<Error> after;
        another.read(QStringLiteral("anthropic"), this,
                     [&](const Error &e, const QByteArray &) { after = e; });
        QTRY_VERIFY_WITH_TIMEOUT(after.has_value(), 10000);
        QCOMPARE(after->code, ErrorCode::NotFound);
        QCOMPARE(callbacks, 0);
    }
};

QTEST_GUILESS_MAIN(TestKeychainBackend)
#include "TestKeychainBackend.moc"
