#include "ConfigFile.h"
#include "ProviderRegistry.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Choragen;

class TestProviderRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInsComeFirst()
    {
        const ProviderRegistry registry;
        QCOMPARE(registry.ids(),
                 (QStringList {QStringLiteral("anthropic"), QStringLiteral("openai"),
                               QStringLiteral("google")}));
        QCOMPARE(registry.find(QStringLiteral("anthropic"))->envVar,
                 QStringLiteral("ANTHROPIC_API_KEY"));
        QCOMPARE(registry.find(QStringLiteral("openai"))->envVar, QStringLiteral("OPENAI_API_KEY"));
        QCOMPARE(registry.find(QStringLiteral("google"))->envVar, QStringLiteral("GOOGLE_API_KEY"));
        QVERIFY(!registry.find(QStringLiteral("mistral")));
    }

    void configAddsAndRelabels()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral(".choragen"));
        const QString path = dir.filePath(QStringLiteral(".choragen/config.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"providers": {"mistral": {"label": "Mistral", "env": "MISTRAL_API_KEY"},
                       "google": {"label": "Gemini"}},
                       "apiKeys": {"orphan": "sk-FAKE-orphan-000000000"}})");
        file.close();
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        const ProviderRegistry registry(config);
        QCOMPARE(registry.ids(),
                 (QStringList {QStringLiteral("anthropic"), QStringLiteral("openai"),
                               QStringLiteral("google"), QStringLiteral("mistral"),
                               QStringLiteral("orphan")}));
        QCOMPARE(registry.find(QStringLiteral("google"))->label, QStringLiteral("Gemini"));
        QCOMPARE(registry.find(QStringLiteral("google"))->envVar, QStringLiteral("GOOGLE_API_KEY"));
        QCOMPARE(registry.find(QStringLiteral("mistral"))->envVar,
                 QStringLiteral("MISTRAL_API_KEY"));
        QVERIFY(!registry.find(QStringLiteral("mistral"))->builtIn);
    }

    void providerIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("simple") << QStringLiteral("mistral") << true;
        QTest::newRow("dash") << QStringLiteral("azure-openai") << true;
        QTest::newRow("digits") << QStringLiteral("x2") << true;
        QTest::newRow("upper") << QStringLiteral("Mistral") << false;
        QTest::newRow("space") << QStringLiteral("my provider") << false;
        QTest::newRow("slash") << QStringLiteral("a/b") << false;
        QTest::newRow("leading dash") << QStringLiteral("-x") << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("too long") << QString(65, u'a') << false;
    }

    void providerIds()
    {
        QFETCH(QString, id);
        QFETCH(bool, valid);
        QCOMPARE(isValidProviderId(id), valid);
    }
};

QTEST_GUILESS_MAIN(TestProviderRegistry)
#include "TestProviderRegistry.moc"
