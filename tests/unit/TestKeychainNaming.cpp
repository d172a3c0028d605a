#include "KeychainNaming.h"

#include <QTest>

using namespace Choragen;

class TestKeychainNaming : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keyPerPlatform_data()
    {
        QTest::addColumn<int>("platform");
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("key");
        QTest::newRow("linux") << int(KeychainPlatform::Linux) << QStringLiteral("anthropic")
                               << QStringLiteral("anthropic-api-key");
        QTest::newRow("macos") << int(KeychainPlatform::MacOS) << QStringLiteral("openai")
                               << QStringLiteral("openai-api-key");
        // QtKeychain ignores the service on Windows: the target itself carries the namespace.
        QTest::newRow("windows") << int(KeychainPlatform::Windows) << QStringLiteral("anthropic")
                                 << QStringLiteral("choragen/anthropic-api-key");
        QTest::newRow("windows custom")
            << int(KeychainPlatform::Windows) << QStringLiteral("mistral")
            << QStringLiteral("choragen/mistral-api-key");
    }

    void keyPerPlatform()
    {
        QFETCH(int, platform);
        QFETCH(QString, provider);
        QFETCH(QString, key);
        QCOMPARE(keychainKey(provider, KeychainPlatform(platform)), key);
        QCOMPARE(keychainService(), QStringLiteral("choragen"));
    }
};

QTEST_GUILESS_MAIN(TestKeychainNaming)
#include "TestKeychainNaming.moc"
