// A build without keychain support (CHORAGEN_WITH_KEYCHAIN=OFF) keeps keys in the file, says
// why, fails closed when the config asks for the keychain, and does not link QtKeychain.
#include "TestSupport.h"

#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

class TestNoKeychainBuild : public QObject, ProjectFixture
{
    Q_OBJECT

private:
private Q_SLOTS:
    void init() { setUpProject(); }

    void binaryDoesNotLinkQtKeychain()
    {
        QProcess readelf;
        readelf.start(QStringLiteral("readelf"), {QStringLiteral("-d"), choragenBinary()});
        QVERIFY(readelf.waitForFinished());
        const QByteArray dynamic = readelf.readAllStandardOutput();
        QVERIFY2(dynamic.contains("NEEDED"), "readelf printed no dependencies");
        QVERIFY(dynamic.contains("libQt6Core"));
        QVERIFY(!dynamic.contains("keychain"));
        QVERIFY(!dynamic.contains("libsecret"));
    }

    void statusSaysNotBuiltIn()
    {
        const Run run = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject json = jsonOut(run);
        QCOMPARE(json.value(QStringLiteral("storage")).toString(), QStringLiteral("file"));
        const QJsonObject keychain = json.value(QStringLiteral("keychain")).toObject();
        QCOMPARE(keychain.value(QStringLiteral("available")).toBool(), false);
        QCOMPARE(keychain.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("not-built-in"));
        const Run text = choragen(at({QStringLiteral("config:status")}));
        QVERIFY(text.out.contains("no keychain support"));
    }

    void keysGoToTheFileWithAWarning()
    {
        const QByteArray key = fakeKey(QStringLiteral("anthropic"));
        const Run set
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), key);
        QCOMPARE(set.exitCode, 0);
        QVERIFY2(set.err.contains("no keychain support"), set.err.constData());
        QVERIFY(!set.all().contains("not-a-real-key"));
        QVERIFY(readConfig(project()).contains(key));
        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}));
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.out.trimmed() == key);
        const Run unset
            = choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")}));
        QCOMPARE(unset.exitCode, 0);
        QVERIFY(unset.err.isEmpty());
        QVERIFY(!readConfig(project()).contains(key));
    }

    void keychainModeFailsClosed()
    {
        const QByteArray original = R"({"credentialStorage": "keychain"})";
        writeConfig(project(), original);
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("openai")}),
                          fakeKey(QStringLiteral("openai")))
                     .exitCode,
                 3);
        QCOMPARE(choragen(at({QStringLiteral("config:get"), QStringLiteral("openai")})).exitCode,
                 3);
        QCOMPARE(readConfig(project()), original);
        writeConfig(project(),
                    R"({"providers": {"openai": {"apiKey": "sk-FAKE-openai-not-a-real-key-1"}}})");
        const Run migrate = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(migrate.exitCode, 3);
        QVERIFY(migrate.err.contains("no keychain support"));
    }
};

QTEST_GUILESS_MAIN(TestNoKeychainBuild)
#include "TestNoKeychainBuild.moc"
