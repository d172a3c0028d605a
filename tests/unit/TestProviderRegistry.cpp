#include "ConfigFile.h"
#include "ProviderRegistry.h"
#include "TestSupport.h"

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

    static ConfigFile loadConfig(const QTemporaryDir &dir, const QByteArray &content)
    {
        TestSupport::writeConfig(dir.path(), content);
        ConfigFile config(TestSupport::configPath(dir.path()));
        if (!config.load().ok())
            qFatal("test config does not load");
        return config;
    }

    void configAddsProviders()
    {
        QTemporaryDir dir;
        const ConfigFile config = loadConfig(
            dir, R"({"providers": {"mistral": {"label": "Mistral", "env": "MISTRAL_API_KEY"},
                                   "anthropic": {"apiKey": "sk-ant-FAKE-000000000"},
                                   "ollama": {"baseUrl": "localhost:11434"}},
                     "apiKeys": {"orphan": "sk-FAKE-orphan-000000000"}})");
        const ProviderRegistry registry(config);
        QCOMPARE(registry.ids(),
                 (QStringList {QStringLiteral("anthropic"), QStringLiteral("openai"),
                               QStringLiteral("google"), QStringLiteral("mistral"),
                               QStringLiteral("ollama"), QStringLiteral("orphan")}));
        QCOMPARE(registry.find(QStringLiteral("mistral"))->envVar,
                 QStringLiteral("MISTRAL_API_KEY"));
        QVERIFY(!registry.find(QStringLiteral("mistral"))->builtIn);
        QCOMPARE(registry.find(QStringLiteral("ollama"))->label, QStringLiteral("Ollama"));
        QVERIFY(!registry.find(QStringLiteral("ollama"))->needsKey);
        QVERIFY(registry.find(QStringLiteral("anthropic"))->needsKey);
        QVERIFY(registry.warnings().isEmpty());
    }

    void googleAlsoReadsGeminiApiKey()
    {
        const ProviderRegistry registry;
        QCOMPARE(registry.find(QStringLiteral("google"))->envVar, QStringLiteral("GOOGLE_API_KEY"));
        QCOMPARE(registry.find(QStringLiteral("google"))->altEnvVar,
                 QStringLiteral("GEMINI_API_KEY"));
    }

    // A project's config may come from a cloned repository.
    void builtInsCannotBeRedefined()
    {
        QTemporaryDir dir;
        const ConfigFile config
            = loadConfig(dir, R"({"providers": {"anthropic": {"label": "A", "env": "PATH"},
                                   "google": {"label": "Gemini", "env": "GITHUB_TOKEN"}}})");
        const ProviderRegistry registry(config);
        QCOMPARE(registry.find(QStringLiteral("anthropic"))->envVar,
                 QStringLiteral("ANTHROPIC_API_KEY"));
        QCOMPARE(registry.find(QStringLiteral("anthropic"))->label, QStringLiteral("Anthropic"));
        QCOMPARE(registry.find(QStringLiteral("google"))->envVar, QStringLiteral("GOOGLE_API_KEY"));
        QCOMPARE(registry.ids().size(), 3);
    }

    void declaredVariables_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("provider key") << QStringLiteral("MISTRAL_API_KEY") << true;
        QTest::newRow("with digits") << QStringLiteral("X2_API_KEY") << true;
        QTest::newRow("path") << QStringLiteral("PATH") << false;
        QTest::newRow("aws secret") << QStringLiteral("AWS_SECRET_ACCESS_KEY") << false;
        QTest::newRow("github token") << QStringLiteral("GITHUB_TOKEN") << false;
        QTest::newRow("a built-in's") << QStringLiteral("ANTHROPIC_API_KEY") << false;
        QTest::newRow("gemini's") << QStringLiteral("GEMINI_API_KEY") << false;
        QTest::newRow("only the suffix") << QStringLiteral("_API_KEY") << false;
        QTest::newRow("lower case") << QStringLiteral("mistral_api_key") << false;
        QTest::newRow("leading digit") << QStringLiteral("1_API_KEY") << false;
    }

    void declaredVariables()
    {
        QFETCH(QString, variable);
        QFETCH(bool, allowed);
        QCOMPARE(isAllowedDeclaredVariable(variable), allowed);
        QTemporaryDir dir;
        const ConfigFile config = loadConfig(
            dir, R"({"providers": {"mistral": {"env": ")" + variable.toUtf8() + R"("}}})");
        const ProviderRegistry registry(config);
        QCOMPARE(registry.find(QStringLiteral("mistral"))->envVar, allowed ? variable : QString());
        QCOMPARE(registry.warnings().size(), allowed ? 0 : 1);
        // The rejected name is not quoted: a key pasted into "env" would land in the message.
        if (!allowed && variable != QStringLiteral("_API_KEY"))
            QVERIFY(!registry.warnings().first().contains(variable));
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
