#include "Secret.h"

#include <QTest>

using namespace Choragen;

class TestSecret : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizeAccepts_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QByteArray("sk-ant-FAKE-0001") << QByteArray("sk-ant-FAKE-0001");
        QTest::newRow("echo newline") << QByteArray("sk-FAKE-0002\n") << QByteArray("sk-FAKE-0002");
        QTest::newRow("crlf") << QByteArray("sk-FAKE-0003\r\n") << QByteArray("sk-FAKE-0003");
        QTest::newRow("surrounding spaces")
            << QByteArray("  \tAIzaFAKE-0004  \n\n") << QByteArray("AIzaFAKE-0004");
        QTest::newRow("exactly 2048") << QByteArray(2048, 'k') << QByteArray(2048, 'k');
        QTest::newRow("utf-8") << QByteArray("sk-FAKE-clé") << QByteArray("sk-FAKE-clé");
    }

    void normalizeAccepts()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        const Error error = normalizeSecret(input);
        QVERIFY2(error.ok(), qPrintable(error.message));
        QVERIFY(input == expected);
    }

    void normalizeRefuses_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
        QTest::newRow("only newline") << QByteArray("\n") << QStringLiteral("empty");
        QTest::newRow("2049 bytes") << QByteArray(2049, 'k') << QStringLiteral("2049 bytes");
        QTest::newRow("inner space") << QByteArray("sk-FAKE one") << QStringLiteral("whitespace");
        QTest::newRow("two lines")
            << QByteArray("sk-FAKE-1\nsk-FAKE-2\n") << QStringLiteral("whitespace");
        QTest::newRow("nul byte") << QByteArray("sk-FAKE\0x", 9) << QStringLiteral("control");
        QTest::newRow("escape") << QByteArray("sk-FAKE\x1b[0m") << QStringLiteral("control");
        QTest::newRow("delete") << QByteArray("sk-FAKE\x7f") << QStringLiteral("control");
        QTest::newRow("invalid utf-8") << QByteArray("sk-FAKE-\xff\xfe") << QStringLiteral("UTF-8");
    }

    void normalizeRefuses()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, reason);
        const QByteArray original = input;
        const Error error = normalizeSecret(input);
        QCOMPARE(error.code, ErrorCode::InvalidInput);
        QCOMPARE(exitCodeFor(error), 2);
        QVERIFY2(error.message.contains(reason), qPrintable(error.message));
        QVERIFY(!error.message.contains(QStringLiteral("FAKE")));
        QVERIFY(!original.isEmpty() || input.isEmpty());
    }

    void mask_data()
    {
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("preview");
        QTest::newRow("anthropic")
            << QByteArray("sk-ant-api03-FAKEFAKEFAKE-9f3a") << QStringLiteral("sk-ant-…9f3a");
        QTest::newRow("openai project")
            << QByteArray("sk-proj-FAKEFAKEFAKEFAKE-1234") << QStringLiteral("sk-proj-…1234");
        QTest::newRow("openai") << QByteArray("sk-FAKEFAKEFAKEFAKEFAKE-abcd")
                                << QStringLiteral("sk-…abcd");
        QTest::newRow("google") << QByteArray("AIzaFAKEFAKEFAKEFAKEFAKE-wxyz")
                                << QStringLiteral("AIza…wxyz");
        QTest::newRow("unknown prefix")
            << QByteArray("FAKEFAKEFAKEFAKE-5678") << QStringLiteral("…5678");
        QTest::newRow("short") << QByteArray("short-FAKE")
                               << QStringLiteral("•••• (10 characters)");
        QTest::newRow("empty") << QByteArray() << QString();
    }

    void mask()
    {
        QFETCH(QByteArray, secret);
        QFETCH(QString, preview);
        const QString masked = maskSecret(secret);
        QCOMPARE(masked, preview);
        // Whatever the prefix, the middle of a real-length key never shows.
        if (secret.size() >= 16)
            QVERIFY(!masked.contains(QStringLiteral("FAKEFAKE")));
    }

    void equalityComparesEveryByte()
    {
        QVERIFY(secretsEqual("sk-FAKE-a", "sk-FAKE-a"));
        QVERIFY(!secretsEqual("sk-FAKE-a", "sk-FAKE-b"));
        QVERIFY(!secretsEqual("sk-FAKE-a", "sk-FAKE-a "));
        QVERIFY(!secretsEqual("", "x"));
    }

    void zeroBytesOverwritesInPlace()
    {
        QByteArray secret("sk-FAKE-wipe-me");
        const char *before = secret.constData();
        zeroBytes(secret);
        QCOMPARE(secret.constData(), before);
        QCOMPARE(secret, QByteArray(15, '\0'));
    }

    void wipeLeavesSharedCopiesAlone()
    {
        QByteArray secret("sk-FAKE-shared");
        const QByteArray copy = secret;
        wipeSecret(secret);
        QVERIFY(secret.isEmpty());
        QVERIFY(copy == "sk-FAKE-shared");
    }

    void zeroStringOverwritesInPlace()
    {
        QString text = QStringLiteral("sk-FAKE-utf16-wipe");
        text.detach();
        const QChar *before = text.constData();
        zeroString(text);
        QCOMPARE(text.constData(), before);
        QCOMPARE(text, QString(18, QChar()));
    }

    void wipeStringLeavesSharedCopiesAlone()
    {
        QString text = QString::fromUtf8("sk-FAKE-utf16-shared");
        const QString copy = text;
        wipeString(text);
        QVERIFY(text.isEmpty());
        QCOMPARE(copy, QStringLiteral("sk-FAKE-utf16-shared"));
    }
};

QTEST_GUILESS_MAIN(TestSecret)
#include "TestSecret.moc"
