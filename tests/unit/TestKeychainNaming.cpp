#include "KeychainNaming.h"

#include <QTest>

using namespace Choragen;

class TestKeychainNaming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accountPerProfile_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("account");
        QTest::newRow("default profile")
            << QStringLiteral("anthropic") << QString() << QStringLiteral("anthropic-api-key");
        QTest::newRow("named profile") << QStringLiteral("openai") << QStringLiteral("work")
                                       << QStringLiteral("openai-api-key@work");
        QTest::newRow("profile with dots") << QStringLiteral("google") << QStringLiteral("ci.v2")
                                           << QStringLiteral("google-api-key@ci.v2");
        QTest::newRow("custom provider")
            << QStringLiteral("mistral") << QString() << QStringLiteral("mistral-api-key");
    }

    void accountPerProfile()
    {
        QFETCH(QString, provider);
        QFETCH(QString, profile);
        QFETCH(QString, account);
        QCOMPARE(keychainAccount(provider, profile), account);
        QCOMPARE(keychainService(), QStringLiteral("choragen"));
    }

    void keyPerPlatform_data()
    {
        QTest::addColumn<int>("platform");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("key");
        QTest::newRow("linux") << int(KeychainPlatform::Linux) << QStringLiteral("anthropic")
                               << QString() << QStringLiteral("anthropic-api-key");
        QTest::newRow("macos") << int(KeychainPlatform::MacOS) << QStringLiteral("openai")
                               << QString() << QStringLiteral("openai-api-key");
        // The Windows target carries the namespace itself: "choragen/<account>", keytar's name.
        QTest::newRow("windows") << int(KeychainPlatform::Windows) << QStringLiteral("anthropic")
                                 << QString() << QStringLiteral("choragen/anthropic-api-key");
        QTest::newRow("windows profile")
            << int(KeychainPlatform::Windows) << QStringLiteral("mistral") << QStringLiteral("work")
            << QStringLiteral("choragen/mistral-api-key@work");
        QTest::newRow("macos profile")
            << int(KeychainPlatform::MacOS) << QStringLiteral("google") << QStringLiteral("home")
            << QStringLiteral("google-api-key@home");
    }

    void keyPerPlatform()
    {
        QFETCH(int, platform);
        QFETCH(QString, provider);
        QFETCH(QString, profile);
        QFETCH(QString, key);
        QCOMPARE(keychainKey(provider, profile, KeychainPlatform(platform)), key);
    }

    // QtKeychain 0.17 names a Windows credential "<key>@<service>" unless the service is empty;
    // the empty service keeps the target "choragen/<account>" under every version.
    void windowsServiceIsEmpty()
    {
        QVERIFY(qtKeychainService(KeychainPlatform::Windows).isEmpty());
        QCOMPARE(qtKeychainService(KeychainPlatform::MacOS), QStringLiteral("choragen"));
        QCOMPARE(keychainTarget(QStringLiteral(".probe"), KeychainPlatform::Windows),
                 QStringLiteral("choragen/.probe"));
    }
};

QTEST_GUILESS_MAIN(TestKeychainNaming)
#include "TestKeychainNaming.moc"
