// Black-box tests of every command and exit code. A canary key is fed in, and no output but
// config:get's may contain it.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace TestSupport;

namespace {

const QByteArray canary = "sk-ant-FAKE-CANARY-7f3e9a1b2c4d5e6f";
// Any run of the canary's middle would be a leak; the masked preview shows only its tail.
const QByteArray canaryCore = "CANARY-7f3e9a1b";

} // namespace

class TestCli : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    static bool leaks(const Run &run) { return run.all().contains(canaryCore); }
    // `config:set PROVIDER [--storage STORAGE]` with the canary as the key: its exit code.
    int setCanary(const QString &providerId, const QString &storage = {}) const
    {
        QStringList arguments {QStringLiteral("config:set"), providerId};
        if (!storage.isEmpty())
            arguments << QStringLiteral("--storage") << storage;
        return choragen(at(arguments), canary).exitCode;
    }
    // Runs @p arguments, the canary on stdin, on the project's config, which cannot be used: exit
    // 4, @p why on stderr, and no sign of the canary.
    void verifyConfigRefused(const QStringList &arguments, const QByteArray &why)
    {
        const Run run = choragen(at(arguments), canary);
        QCOMPARE(run.exitCode, 4);
        QVERIFY2(run.err.contains(why), run.err.constData());
        QVERIFY(!leaks(run));
    }

private Q_SLOTS:
    void init() { setUpKeychainProject(); }
    void cleanup() { clearKeychain(); }

    void helpAndVersion()
    {
        const Run help = choragen({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        for (const char *word : {"config:secure", "config:export", "config:status", "config:set",
                                 "config:get", "config:unset", "--migrate", "Exit codes",
                                 "keychain unavailable", "config file invalid"})
            QVERIFY2(help.out.contains(word), word);
        const Run version = choragen({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("choragen 0."));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("mentions");
        QTest::newRow("unknown command")
            << QStringList {QStringLiteral("config:frobnicate")} << QByteArray("unknown command");
        QTest::newRow("unknown option")
            << QStringList {QStringLiteral("--frobnicate")} << QByteArray("frobnicate");
        QTest::newRow("set without provider")
            << QStringList {QStringLiteral("config:set")} << QByteArray("needs a provider");
        QTest::newRow("unknown provider")
            << QStringList {QStringLiteral("config:get"), QStringLiteral("nosuch")}
            << QByteArray("anthropic, openai, google");
        QTest::newRow("dry-run on get")
            << QStringList {QStringLiteral("config:get"), QStringLiteral("openai"),
                            QStringLiteral("--dry-run")}
            << QByteArray("--dry-run");
        QTest::newRow("json on set")
            << QStringList {QStringLiteral("config:set"), QStringLiteral("openai"),
                            QStringLiteral("--json")}
            << QByteArray("--json");
        QTest::newRow("bad storage")
            << QStringList {QStringLiteral("config:set"), QStringLiteral("openai"),
                            QStringLiteral("--storage"), QStringLiteral("cloud")}
            << QByteArray("keychain' or 'file");
        QTest::newRow("secret on argv")
            << QStringList {QStringLiteral("config:set"), QStringLiteral("anthropic"),
                            QString::fromUtf8(canary)}
            << QByteArray("standard input");
        QTest::newRow("missing project")
            << QStringList {QStringLiteral("--project"), QStringLiteral("/nonexistent/dir"),
                            QStringLiteral("config:status")}
            << QByteArray("does not exist");
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, mentions);
        const Run run
            = choragen(arguments.contains(QStringLiteral("--project")) ? arguments : at(arguments));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(mentions), run.err.constData());
        QVERIFY(!leaks(run));
        QVERIFY(!QFileInfo::exists(configPath(project())));
    }

    void rejectedSecretsExitTwo_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("blank line") << QByteArray("\n");
        QTest::newRow("too long") << QByteArray(4096, 'k');
        QTest::newRow("two keys") << canary + " " + canary;
        QTest::newRow("control character") << canary + "\x01";
    }

    void rejectedSecretsExitTwo()
    {
        QFETCH(QByteArray, input);
        const Run run
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), input);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("fix:"));
        QVERIFY(!leaks(run));
        QVERIFY(!QFileInfo::exists(configPath(project())));
        bool found = true;
        secretToolLookup(QStringLiteral("anthropic"), &found);
        QVERIFY(!found);
    }

    void setGetUnsetRoundTrip()
    {
        const Run set = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
                                 canary + "\n");
        QCOMPARE(set.exitCode, 0);
        QVERIFY(set.out.contains("keychain"));
        QVERIFY(!leaks(set));
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == canary);
        QVERIFY(!readConfig(project()).contains(canaryCore));

        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}));
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.out == canary + "\n");
        QVERIFY(!get.err.contains(canaryCore));

        const Run text = choragen(at({QStringLiteral("config:status")}));
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("anthropic  keychain  sk-ant-…5e6f"));
        QVERIFY(!leaks(text));

        const Run unset
            = choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")}));
        QCOMPARE(unset.exitCode, 0);
        QVERIFY(!leaks(unset));
        bool found = true;
        secretToolLookup(QStringLiteral("anthropic"), &found);
        QVERIFY(!found);
        const Run gone = choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}));
        QCOMPARE(gone.exitCode, 1);
        QVERIFY(gone.out.isEmpty());
        QVERIFY(gone.err.contains("no key is set"));
        // Unsetting again is not an error.
        QCOMPARE(
            choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")})).exitCode,
            0);
    }

    void setToFileAndBack()
    {
        QCOMPARE(setCanary(QStringLiteral("openai"), QStringLiteral("file")), 0);
        const QJsonObject config = QJsonDocument::fromJson(readConfig(project())).object();
        QCOMPARE(config.value(QStringLiteral("credentialStorage")).toString(),
                 QStringLiteral("file"));
        QVERIFY(config.value(QStringLiteral("providers"))
                    .toObject()
                    .value(QStringLiteral("openai"))
                    .toObject()
                    .value(QStringLiteral("apiKey"))
                    .toString()
                    .toUtf8()
                == canary);
        // Back into the keychain: written there, verified, and only then gone from the file.
        const Run back = choragen(at({QStringLiteral("config:set"), QStringLiteral("openai"),
                                      QStringLiteral("--storage"), QStringLiteral("keychain")}),
                                  canary);
        QCOMPARE(back.exitCode, 0);
        QVERIFY(!readConfig(project()).contains(canaryCore));
        QVERIFY(secretToolLookup(QStringLiteral("openai")) == canary);
    }

    void statusJsonHasTheContract()
    {
        writeConfig(project(),
                    R"({"providers": {"mistral": {"label": "Mistral", "env": "MISTRAL_API_KEY",
                                                  "apiKey": "sk-FAKE-CANARY-7f3e9a1b-mistral"}}})");
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), canary)
                     .exitCode,
                 0);
        const Run run = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(!leaks(run));
        QJsonParseError error {};
        const QJsonObject json = QJsonDocument::fromJson(run.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json.value(QStringLiteral("storage")).toString(), QStringLiteral("keychain"));
        QCOMPARE(json.value(QStringLiteral("configFile")).toString(),
                 QFileInfo(configPath(project())).absoluteFilePath());
        const QJsonObject keychain = json.value(QStringLiteral("keychain")).toObject();
        QCOMPARE(keychain.value(QStringLiteral("available")).toBool(), true);
        // The provider really answering (make test runs gnome-keyring).
        QCOMPARE(keychain.value(QStringLiteral("backend")).toString(),
                 QStringLiteral("gnome-keyring Secret Service"));
        QVERIFY(keychain.contains(QStringLiteral("detail")));
        const QJsonArray providers = json.value(QStringLiteral("providers")).toArray();
        QCOMPARE(providers.size(), 4);
        const QJsonObject anthropic = providerStatus(json, QStringLiteral("anthropic"));
        const QJsonObject mistral = providerStatus(json, QStringLiteral("mistral"));
        const QJsonObject google = providerStatus(json, QStringLiteral("google"));
        QCOMPARE(anthropic.value(QStringLiteral("location")).toString(),
                 QStringLiteral("keychain"));
        QCOMPARE(anthropic.value(QStringLiteral("preview")).toString(),
                 QStringLiteral("sk-ant-…5e6f"));
        QCOMPARE(mistral.value(QStringLiteral("location")).toString(), QStringLiteral("file"));
        QCOMPARE(mistral.value(QStringLiteral("label")).toString(), QStringLiteral("Mistral"));
        QCOMPARE(google.value(QStringLiteral("location")).toString(), QStringLiteral("none"));
        QCOMPARE(google.value(QStringLiteral("preview")).toString(), QString());
        // The variables each provider reads; google's second is the name Choragen's agent reads.
        QCOMPARE(google.value(QStringLiteral("env")).toString(), QStringLiteral("GOOGLE_API_KEY"));
        QCOMPARE(google.value(QStringLiteral("envFallback")).toString(),
                 QStringLiteral("GEMINI_API_KEY"));
        QCOMPARE(mistral.value(QStringLiteral("env")).toString(),
                 QStringLiteral("MISTRAL_API_KEY"));
        const Run text = choragen(at({QStringLiteral("config:status")}));
        QVERIFY(text.out.contains("config:secure"));
    }

    void invalidConfigExitsFourAndIsUntouched_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("status") << QStringList {QStringLiteral("config:status")};
        QTest::newRow("status json")
            << QStringList {QStringLiteral("config:status"), QStringLiteral("--json")};
        QTest::newRow("migrate") << QStringList {QStringLiteral("--migrate")};
        QTest::newRow("export") << QStringList {QStringLiteral("config:export"),
                                                QStringLiteral("--yes")};
        QTest::newRow("set") << QStringList {QStringLiteral("config:set"),
                                             QStringLiteral("openai")};
        QTest::newRow("get") << QStringList {QStringLiteral("config:get"),
                                             QStringLiteral("openai")};
        QTest::newRow("unset") << QStringList {QStringLiteral("config:unset"),
                                               QStringLiteral("openai")};
    }

    void invalidConfigExitsFourAndIsUntouched()
    {
        QFETCH(QStringList, arguments);
        const QByteArray broken
            = "{\n  \"providers\": {\"openai\": {\"apiKey\": \"sk-FAKE-CANARY-7f3e9a1b\",}}\n}\n";
        writeConfig(project(), broken);
        verifyConfigRefused(arguments, "config.json:2:");
        QCOMPARE(readConfig(project()), broken);
    }

    void exportNeedsConsent()
    {
        QCOMPARE(setCanary(QStringLiteral("google")), 0);
        const QByteArray before = readConfig(project());
        const Run refused = choragen(at({QStringLiteral("config:export")}));
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(refused.err.contains("--yes"));
        QVERIFY(refused.err.contains("UNENCRYPTED"));
        QCOMPARE(readConfig(project()), before);
        const Run done = choragen(at({QStringLiteral("config:export"), QStringLiteral("--yes")}));
        QCOMPARE(done.exitCode, 0);
        QVERIFY(!leaks(done));
        QVERIFY(readConfig(project()).contains(canary));
    }

    void keychainUnavailableExitsThree()
    {
        writeConfig(project(),
                    R"({"providers": {"openai": {"apiKey": "sk-FAKE-CANARY-7f3e9a1b-openai"}}})");
        const QProcessEnvironment env = withoutSessionBus(cleanEnvironment(), project());
        const Run migrate = choragen(at({QStringLiteral("--migrate")}), {}, env);
        QCOMPARE(migrate.exitCode, 3);
        QVERIFY(!leaks(migrate));
        const Run exportRun
            = choragen(at({QStringLiteral("config:export"), QStringLiteral("--yes")}), {}, env);
        QCOMPARE(exportRun.exitCode, 3);
        QVERIFY(!leaks(exportRun));
    }

    void conflictExitsOne()
    {
        QCOMPARE(setCanary(QStringLiteral("openai"), QStringLiteral("keychain")), 0);
        // A project in keychain mode that still has a different key in its file.
        writeConfig(
            project(),
            R"({"credentialStorage": "keychain", "providers": {"openai": {"apiKey": "sk-FAKE-CANARY-7f3e9a1b-other"}}})");
        const Run run = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(run.exitCode, 1);
        QVERIFY(!leaks(run));
        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("openai")}));
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.err.contains("different keys"));
        QVERIFY(!get.err.contains(canaryCore));
    }

    void terminalInputIsNotEchoed()
    {
        const QStringList drive {QStringLiteral(PTY_DRIVE),
                                 QStringLiteral("API key for Anthropic:"),
                                 QString::fromUtf8(canary), QStringLiteral("--"), choragenBinary()};
        const Run run
            = runProgram(QStringLiteral("python3"),
                         drive + at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
                         {}, cleanEnvironment());
        QVERIFY2(run.exitCode == 0, "the prompt never appeared, or config:set failed");
        QVERIFY(run.out.contains("Stored the key for anthropic"));
        QVERIFY2(!leaks(run), "the key was echoed to the terminal");
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == canary);
    }

    void exportOnTerminalAsksFirst()
    {
        QCOMPARE(setCanary(QStringLiteral("google")), 0);
        const QByteArray before = readConfig(project());
        const QStringList drive {QStringLiteral(PTY_DRIVE),
                                 QStringLiteral("Type 'yes' to continue:"), QStringLiteral("no"),
                                 QStringLiteral("--"), choragenBinary()};
        const Run declined
            = runProgram(QStringLiteral("python3"), drive + at({QStringLiteral("config:export")}),
                         {}, cleanEnvironment());
        // No consent, like a missing --yes: a usage outcome.
        QCOMPARE(declined.exitCode, 2);
        QVERIFY(declined.out.contains("UNENCRYPTED"));
        QVERIFY(declined.out.contains("Nothing was exported"));
        QCOMPARE(readConfig(project()), before);
        QVERIFY(secretToolLookup(QStringLiteral("google")) == canary);
    }

    void progressIsOneLinePerKeyOnStderr()
    {
        writeConfig(
            project(),
            R"({"providers": {"anthropic": {"apiKey": "sk-ant-FAKE-CANARY-7f3e9a1b-1"}, "openai": {"apiKey": "sk-FAKE-CANARY-7f3e9a1b-2"}}})");
        const Run run = choragen(at({QStringLiteral("config:secure")}));
        QCOMPARE(run.exitCode, 0);
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines.at(0).startsWith("[1/2] anthropic: done"));
        QVERIFY(lines.at(1).startsWith("[2/2] openai: done"));
        QVERIFY(run.out.contains("Moved 2 keys"));
        QVERIFY(!leaks(run));
    }

    void pastedKeyIsNeverEchoed_data()
    {
        QTest::addColumn<QStringList>("arguments");
        const QString key = QString::fromUtf8(canary);
        QTest::newRow("set") << QStringList {QStringLiteral("config:set"), key};
        QTest::newRow("get") << QStringList {QStringLiteral("config:get"), key};
        QTest::newRow("unset") << QStringList {QStringLiteral("config:unset"), key};
        QTest::newRow("as the command") << QStringList {key};
        QTest::newRow("as an option") << QStringList {QStringLiteral("--") + key};
        QTest::newRow("as a single-dash option") << QStringList {QStringLiteral("-") + key};
        QTest::newRow("as the project folder")
            << QStringList {QStringLiteral("--project"), key, QStringLiteral("config:status")};
    }

    void pastedKeyIsNeverEchoed()
    {
        QFETCH(QStringList, arguments);
        const Run run = choragen(at(arguments), canary);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(!leaks(run), run.err.constData());
        // What was wrong is still said, by the argument's length.
        QVERIFY2(run.err.contains(QByteArray(QByteArray::number(canary.size()) + " characters")),
                 run.err.constData());
    }

    void storedButFileNotUpdatedExitsOne()
    {
        // No file may grow (RLIMIT_FSIZE 0, which binds root too): the lock file cannot be
        // written, so the config file cannot be updated after the keychain took the key.
        const QString script = QStringLiteral("ulimit -f 0; trap '' XFSZ; exec \"$0\" \"$@\"");
        const Run run
            = runProgram(QStringLiteral("sh"),
                         QStringList {QStringLiteral("-c"), script, choragenBinary()}
                             + at({QStringLiteral("config:set"), QStringLiteral("anthropic"),
                                   QStringLiteral("--storage"), QStringLiteral("keychain")}),
                         canary, cleanEnvironment());
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("not updated"), run.err.constData());
        QVERIFY(!leaks(run));
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == canary);
    }

    void stdoutWriteErrorsFail_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QStringList>("arguments");
        const QString full = QStringLiteral("exec \"$0\" \"$@\" > /dev/full");
        // A reader that went away: the pipe's read end is closed before choragen writes.
        const QString closed = QStringLiteral(
            "exec python3 -c 'import os, subprocess, sys\n"
            "r, w = os.pipe()\nos.close(r)\n"
            "p = subprocess.run(sys.argv[1:], stdout=w)\n"
            "sys.exit(p.returncode if p.returncode >= 0 else 128 - p.returncode)' \"$0\" \"$@\"");
        QTest::newRow("status, full disk") << full << QStringList {QStringLiteral("config:status")};
        QTest::newRow("get, full disk")
            << full << QStringList {QStringLiteral("config:get"), QStringLiteral("anthropic")};
        QTest::newRow("help, full disk") << full << QStringList {QStringLiteral("--help")};
        QTest::newRow("status, closed pipe")
            << closed << QStringList {QStringLiteral("config:status")};
        QTest::newRow("get, closed pipe")
            << closed << QStringList {QStringLiteral("config:get"), QStringLiteral("anthropic")};
    }

    void stdoutWriteErrorsFail()
    {
        QFETCH(QString, script);
        QFETCH(QStringList, arguments);
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), canary)
                     .exitCode,
                 0);
        const Run run = runProgram(QStringLiteral("sh"),
                                   QStringList {QStringLiteral("-c"), script, choragenBinary()}
                                       + at(arguments),
                                   {}, cleanEnvironment());
        QVERIFY2(run.exitCode != 0, run.err.constData());
        // Killed by SIGPIPE would be 141 and say nothing.
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("could not write to standard output"), run.err.constData());
        QVERIFY(!leaks(run));
    }

    void configThatIsNotARegularFileExitsFour()
    {
        QDir(project()).mkpath(QStringLiteral(".choragen"));
        QCOMPARE(::mkfifo(QFile::encodeName(configPath(project())).constData(), 0600), 0);
        for (const QStringList &arguments :
             {QStringList {QStringLiteral("config:status")},
              QStringList {QStringLiteral("config:get"), QStringLiteral("anthropic")},
              QStringList {QStringLiteral("--migrate")}}) {
            // Opening a FIFO without a writer would block: a hang ends here as a failure.
            const Run run = choragen(at(arguments), {}, cleanEnvironment(), 15000);
            QCOMPARE(run.exitCode, 4);
            QVERIFY2(run.err.contains("not a regular file"), run.err.constData());
        }
        QVERIFY(!QFileInfo(configPath(project())).isFile());
    }

    void duplicateMembersExitFour()
    {
        const QByteArray ambiguous
            = "{\"providers\": {\"anthropic\": {\"apiKey\": \"sk-ant-FAKE-CANARY-7f3e9a1b-A\",\n"
              "  \"apiKey\": \"sk-ant-FAKE-CANARY-7f3e9a1b-B\"}}}\n";
        writeConfig(project(), ambiguous);
        for (const QStringList &arguments :
             {QStringList {QStringLiteral("config:status")},
              QStringList {QStringLiteral("--migrate")},
              QStringList {QStringLiteral("config:set"), QStringLiteral("openai")}})
            verifyConfigRefused(arguments, "config.json:2:3: duplicate member \"apiKey\"");
        QCOMPARE(readConfig(project()), ambiguous);
    }

    void exportRefusesAKeyThatIsNotUtf8()
    {
        QCOMPARE(setCanary(QStringLiteral("google")), 0);
        // Written by another tool: the keychain holds bytes, JSON only text.
        const QByteArray notUtf8 = "sk-ant-FAKE-\xff\xfe-not-utf8";
        QVERIFY(secretToolStore(QStringLiteral("anthropic"), notUtf8));
        const QString copy = QDir(project()).filePath(QStringLiteral("copy.json"));
        for (const QStringList &arguments :
             {QStringList {QStringLiteral("config:export"), QStringLiteral("--output"), copy,
                           QStringLiteral("--yes")},
              QStringList {QStringLiteral("config:export"), QStringLiteral("--yes")}}) {
            const Run run = choragen(at(arguments));
            QVERIFY(!run.crashed);
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains("anthropic") && run.err.contains("not valid UTF-8"),
                     run.err.constData());
            QVERIFY(!run.all().contains("FAKE-\xff"));
        }
        QFile written(copy);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray copied = written.readAll();
        QVERIFY(copied.contains(canary));
        QVERIFY(!copied.contains("anthropic"));
        QVERIFY(readConfig(project()).contains(canary));
        QVERIFY(!readConfig(project()).contains("anthropic"));
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == notUtf8);
    }

    void exportRefusesAnOversizedKey()
    {
        QCOMPARE(setCanary(QStringLiteral("google")), 0);
        // Only another tool can store one: config:set refuses it.
        const QByteArray huge = "sk-ant-FAKE-" + QByteArray(3000, 'k');
        QVERIFY(secretToolStore(QStringLiteral("anthropic"), huge));
        const Run run = choragen(at({QStringLiteral("config:export"), QStringLiteral("--yes")}));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("anthropic") && run.err.contains("at most 2048"),
                 run.err.constData());
        QVERIFY(!run.all().contains("kkkkkkkkkkkkkkkk"));
        QVERIFY(readConfig(project()).contains(canary));
        QVERIFY(!readConfig(project()).contains("kkkkkkkkkkkkkkkk"));
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == huge);
    }

    void migrationRefusesAnOversizedKeyAndMovesTheRest()
    {
        // An over-long value under "apiKeys" (the 0.1 format, still read): config:set would refuse
        // it, so it can only come from a file.
        const QByteArray huge = "sk-ant-FAKE-" + QByteArray(3000, 'k');
        const QByteArray openai = fakeKey(QStringLiteral("openai"));
        writeConfig(project(),
                    "{\"apiKeys\": {\"anthropic\": \"" + huge + "\", \"openai\": \"" + openai
                        + "\"}}");
        const Run run = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("anthropic") && run.err.contains("at most 2048"),
                 run.err.constData());
        QVERIFY(!run.all().contains("kkkkkkkkkkkkkkkk"));
        QVERIFY(secretToolLookup(QStringLiteral("openai")) == openai);
        bool found = true;
        secretToolLookup(QStringLiteral("anthropic"), &found);
        QVERIFY(!found);
        QVERIFY(readConfig(project()).contains(huge));
        QVERIFY(!readConfig(project()).contains(openai));
    }

    void commandsRunUnderAnotherAllocator()
    {
#if defined(__SANITIZE_ADDRESS__)
        QSKIP("AddressSanitizer's allocator must come first; another cannot be preloaded");
#endif
        // Debian's libjemalloc2 (scripts/setup-deps.sh), in the multiarch folder.
        QString jemalloc;
        for (const QString &dir : QDir(QStringLiteral("/usr/lib")).entryList(QDir::Dirs)) {
            const QString candidate = QStringLiteral("/usr/lib/%1/libjemalloc.so.2").arg(dir);
            if (QFileInfo::exists(candidate))
                jemalloc = candidate;
        }
        QVERIFY2(!jemalloc.isEmpty(), "libjemalloc2 is missing: run scripts/setup-deps.sh");
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("LD_PRELOAD"), jemalloc);

        const Run status = choragen(at({QStringLiteral("config:status")}), {}, env);
        QCOMPARE(status.exitCode, 0);
        QVERIFY(status.out.contains("PROVIDER"));
        const Run set = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
                                 canary + "\n", env);
        QCOMPARE(set.exitCode, 0);
        QVERIFY(set.out.contains("Stored the key for anthropic"));
        const Run get
            = choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}), {}, env);
        QCOMPARE(get.exitCode, 0);
        QCOMPARE(get.out, canary + "\n");
        const Run unset
            = choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")}), {}, env);
        QCOMPARE(unset.exitCode, 0);
        QVERIFY(unset.out.contains("Removed the key for anthropic"));
        const QByteArray openai = fakeKey(QStringLiteral("openai"));
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("openai"),
                              QStringLiteral("--storage"), QStringLiteral("file")}),
                          openai, env)
                     .exitCode,
                 0);
        const Run migrate = choragen(at({QStringLiteral("--migrate")}), {}, env);
        QCOMPARE(migrate.exitCode, 0);
        QVERIFY(migrate.out.contains("Moved 1 key"));
        QVERIFY(secretToolLookup(QStringLiteral("openai")) == openai);
        QVERIFY(!readConfig(project()).contains(openai));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
