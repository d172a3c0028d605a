// Black-box tests of the exposure checks and config:doctor, in real git repositories: a key that
// reached git must be reported (provider and oldest commit, never the key), a rotated one not.
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

namespace {

const QByteArray canary = "sk-ant-FAKE-CANARY-EXPOSED-4b7c1d9e2f";
const QByteArray canaryCore = "CANARY-EXPOSED-4b7c";

QByteArray configWith(const QByteArray &anthropicKey)
{
    return configWithKey(QStringLiteral("anthropic"), anthropicKey);
}

// Every keychain entry of service choragen, as secret-tool lists them (attributes only).
QByteArray keychainEntries()
{
    const Run run = runProgram(QStringLiteral("secret-tool"),
                               {QStringLiteral("search"), QStringLiteral("--all"),
                                QStringLiteral("service"), QStringLiteral("choragen")},
                               {}, cleanEnvironment());
    return run.out + run.err;
}

} // namespace

class TestExposure : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    QString repo() const { return project(); }
    using ProjectFixture::at;
    QStringList at(const QString &project, const QStringList &more) const
    {
        return QStringList {QStringLiteral("--project"), project} + more;
    }
    static bool leaks(const Run &run) { return run.all().contains(canaryCore); }
    Run statusJson() const
    {
        return choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}));
    }
    // config:status --json after a config holding the canary is written to the repository.
    Run statusOfCanaryConfig() const
    {
        writeConfig(repo(), configWith(canary));
        return statusJson();
    }
    Run doctorJson() const
    {
        return choragen(at({QStringLiteral("config:doctor"), QStringLiteral("--json")}));
    }
    // Whether a config:status --json report says @p providerId's key is in a commit.
    static bool reportsCommitted(const Run &status, const QString &providerId)
    {
        return providerStatus(jsonOut(status), providerId)
            .value(QStringLiteral("exposure"))
            .toObject()
            .value(QStringLiteral("committed"))
            .toBool();
    }
    // Whether the check @p checkId passed in a config:doctor --json report.
    static bool checkPasses(const Run &doctor, const QString &checkId)
    {
        return doctorCheck(jsonOut(doctor), checkId).value(QStringLiteral("ok")).toBool();
    }
    // The config file's "exposure" in a config:status --json report.
    static QJsonObject fileExposure(const Run &status)
    {
        return jsonOut(status).value(QStringLiteral("exposure")).toObject();
    }

    // No file in the work tree but the config itself may hold the canary; git's objects are
    // compressed, so a plain copy there would be one we left.
    void verifyNoFileHoldsCanary(bool configMayHoldIt)
    {
        QDirIterator it(repo(), QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (configMayHoldIt && path.endsWith(QLatin1String(".choragen/config.json")))
                continue;
            QFile file(path);
            if (file.open(QIODevice::ReadOnly))
                QVERIFY2(!file.readAll().contains(canaryCore), qPrintable(path));
        }
    }

private Q_SLOTS:
    void init()
    {
        setUpKeychainProject();
        QVERIFY(gitInit(repo()));
    }
    void cleanup() { clearKeychain(); }

    void trackedFileWithKeys()
    {
        writeConfig(repo(), configWith(canary));
        const QString commit = gitCommitAll(repo(), QStringLiteral("add config"));
        QVERIFY(!commit.isEmpty());

        const Run status = statusJson();
        QCOMPARE(status.exitCode, 0);
        QVERIFY(!leaks(status));
        const QJsonObject file = fileExposure(status);
        QCOMPARE(file.value(QStringLiteral("gitChecked")).toBool(), true);
        QCOMPARE(file.value(QStringLiteral("tracked")).toBool(), true);
        QCOMPARE(file.value(QStringLiteral("atRisk")).toBool(), true);
        const QJsonObject exposure = providerStatus(jsonOut(status), QStringLiteral("anthropic"))
                                         .value(QStringLiteral("exposure"))
                                         .toObject();
        QCOMPARE(exposure.value(QStringLiteral("committed")).toBool(), true);
        QCOMPARE(exposure.value(QStringLiteral("commit")).toString(), commit);
        QCOMPARE(exposure.value(QStringLiteral("rotate")).toString(),
                 QStringLiteral("https://console.anthropic.com/settings/keys"));

        const Run text = choragen(at({QStringLiteral("config:status")}));
        QVERIFY(!leaks(text));
        QVERIFY(text.out.contains("git tracks it"));
        QVERIFY(text.out.contains(commit.toLatin1()));
        verifyNoFileHoldsCanary(true);
    }

    void untrackedAndNotIgnored()
    {
        const Run status = statusOfCanaryConfig();
        QVERIFY(!leaks(status));
        const QJsonObject file = fileExposure(status);
        QCOMPARE(file.value(QStringLiteral("gitChecked")).toBool(), true);
        QCOMPARE(file.value(QStringLiteral("tracked")).toBool(), false);
        QCOMPARE(file.value(QStringLiteral("ignored")).toBool(), false);
        QCOMPARE(file.value(QStringLiteral("atRisk")).toBool(), true);
        QCOMPARE(reportsCommitted(status, QStringLiteral("anthropic")), false);
        const Run doctor = choragen(at({QStringLiteral("config:doctor")}));
        QCOMPARE(doctor.exitCode, 1);
        QVERIFY(!leaks(doctor));
        QVERIFY(doctor.out.contains("git add -A"));
    }

    void ignoredFileIsNotAtRisk()
    {
        QVERIFY(writeGitignore(repo(), ".choragen/\n"));
        gitCommitAll(repo(), QStringLiteral("ignore"));
        const Run status = statusOfCanaryConfig();
        QVERIFY(!leaks(status));
        const QJsonObject file = fileExposure(status);
        QCOMPARE(file.value(QStringLiteral("ignored")).toBool(), true);
        QCOMPARE(file.value(QStringLiteral("atRisk")).toBool(), false);
        const Run doctor = doctorJson();
        QVERIFY(!leaks(doctor));
        QCOMPARE(checkPasses(doctor, QStringLiteral("git-file")), true);
        QCOMPARE(doctor.exitCode, 0);
    }

    // The case that blocked a push: a nested project whose config the top-level pattern missed.
    // The key moves to the keychain, stays in use, and its oldest commit is named.
    void historyHoldingAKeyInUse()
    {
        const QString project = QDir(repo()).filePath(QStringLiteral("packages/web"));
        QVERIFY(QDir().mkpath(project));
        writeConfig(project, configWith(canary));
        const QString oldest = gitCommitAll(repo(), QStringLiteral("add config"));
        writeConfig(project, configWith(canary).replace("dark", "light"));
        const QString newer = gitCommitAll(repo(), QStringLiteral("theme"));
        QVERIFY(!oldest.isEmpty() && !newer.isEmpty() && oldest != newer);

        const Run migrate = choragen(at(project, {QStringLiteral("--migrate")}));
        QCOMPARE(migrate.exitCode, 0);
        QVERIFY(!leaks(migrate));
        QVERIFY(migrate.out.contains("MUST ROTATE"));
        QVERIFY(migrate.out.contains("anthropic"));
        QVERIFY(migrate.out.contains(oldest.toLatin1()));
        QVERIFY(!migrate.out.contains(newer.toLatin1()));
        QVERIFY(migrate.out.contains("https://console.anthropic.com/settings/keys"));
        QVERIFY(migrate.out.contains("now safe to commit"));
        QVERIFY(!readConfig(project).contains(canaryCore));

        // The key is now only in the keychain, and still exposed.
        const Run doctor
            = choragen(at(project, {QStringLiteral("config:doctor"), QStringLiteral("--json")}));
        QCOMPARE(doctor.exitCode, 1);
        QVERIFY(!leaks(doctor));
        const QJsonObject history = doctorCheck(jsonOut(doctor), QStringLiteral("git-history"));
        QCOMPARE(history.value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(history.value(QStringLiteral("detail")).toString().contains(oldest));
        QCOMPARE(checkPasses(doctor, QStringLiteral("git-file")), true);
        verifyNoFileHoldsCanary(false);
    }

    // A cloned config must never choose where a user goes to paste a key: no link for it.
    void declaredProviderGetsNoLink()
    {
        writeConfig(repo(),
                    "{\"providers\": {\"mistral\": {\"label\": \"Mistral\", "
                    "\"env\": \"MISTRAL_API_KEY\", \"apiKey\": \""
                        + canary + "\"}}}");
        const QString commit = gitCommitAll(repo(), QStringLiteral("add config"));
        const Run status = statusJson();
        QVERIFY(!leaks(status));
        const QJsonObject exposure = providerStatus(jsonOut(status), QStringLiteral("mistral"))
                                         .value(QStringLiteral("exposure"))
                                         .toObject();
        QCOMPARE(exposure.value(QStringLiteral("committed")).toBool(), true);
        QCOMPARE(exposure.value(QStringLiteral("commit")).toString(), commit);
        QVERIFY(!exposure.contains(QStringLiteral("rotate")));
        const Run text = choragen(at({QStringLiteral("config:status")}));
        QVERIFY(text.out.contains("MUST ROTATE"));
        QVERIFY(text.out.contains("Mistral's own site"));
        QVERIFY(!text.out.contains("http"));
    }

    // Any commit reachable from any ref counts, not only the checked-out branch's.
    void keyOnAnotherBranchIsReported()
    {
        writeConfig(repo(), R"({"settings": {"ui": {"theme": "dark"}}})");
        QVERIFY(!gitCommitAll(repo(), QStringLiteral("config without keys")).isEmpty());
        QCOMPARE(git(repo(),
                     {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"),
                      QStringLiteral("experiment")})
                     .exitCode,
                 0);
        writeConfig(repo(), configWith(canary));
        const QString leaked = gitCommitAll(repo(), QStringLiteral("try a key"));
        QVERIFY(!leaked.isEmpty());
        QCOMPARE(
            git(repo(), {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-")})
                .exitCode,
            0);
        QVERIFY(!readConfig(repo()).contains(canaryCore));
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic"),
                              QStringLiteral("--storage"), QStringLiteral("keychain")}),
                          canary)
                     .exitCode,
                 0);
        const Run doctor = doctorJson();
        QCOMPARE(doctor.exitCode, 1);
        QVERIFY(!leaks(doctor));
        const QJsonObject history = doctorCheck(jsonOut(doctor), QStringLiteral("git-history"));
        QCOMPARE(history.value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(history.value(QStringLiteral("detail")).toString().contains(leaked));
    }

    void rotatedKeyIsNotReported()
    {
        writeConfig(repo(), configWith(fakeKey(QStringLiteral("anthropic"), 1)));
        QVERIFY(!gitCommitAll(repo(), QStringLiteral("old key")).isEmpty());
        QVERIFY(QFile::remove(configPath(repo())));
        gitCommitAll(repo(), QStringLiteral("remove config"));
        const Run set = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic"),
                                     QStringLiteral("--storage"), QStringLiteral("keychain")}),
                                 canary);
        QCOMPARE(set.exitCode, 0);

        const Run doctor = doctorJson();
        QVERIFY(!leaks(doctor));
        QCOMPARE(checkPasses(doctor, QStringLiteral("git-history")), true);
        const Run status = statusJson();
        QCOMPARE(reportsCommitted(status, QStringLiteral("anthropic")), false);
        QCOMPARE(doctor.exitCode, 0);
    }

    void withoutGitNothingIsChecked()
    {
        writeConfig(repo(), configWith(canary));
        gitCommitAll(repo(), QStringLiteral("add config"));
        QTemporaryDir emptyBin;
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("PATH"), emptyBin.path());
        const Run status
            = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}), {}, env);
        QCOMPARE(status.exitCode, 0);
        QVERIFY(!leaks(status));
        QVERIFY(status.err.isEmpty());
        const QJsonObject file = fileExposure(status);
        QCOMPARE(file.value(QStringLiteral("gitChecked")).toBool(), false);
        QVERIFY(!providerStatus(jsonOut(status), QStringLiteral("anthropic"))
                     .contains(QStringLiteral("exposure")));
        const Run doctor = choragen(at({QStringLiteral("config:doctor")}), {}, env);
        QCOMPARE(doctor.exitCode, 0);
        QVERIFY(doctor.out.contains("not checked"));
    }

    void doctorPassesOnAHealthyProject()
    {
        // Escaped: moc reads a "//" inside a raw string as a comment.
        writeConfig(
            repo(),
            "{\"providers\": {\"ollama\": {\"baseUrl\": \"http:/\u002flocalhost:11434\"}}}");
        gitCommitAll(repo(), QStringLiteral("config without keys"));
        const Run doctor = doctorJson();
        QCOMPARE(doctor.exitCode, 0);
        const QJsonObject report = jsonOut(doctor);
        QCOMPARE(report.value(QStringLiteral("ok")).toBool(), true);
        for (const char *id :
             {"config-file", "permissions", "symlink", "temporaries", "keychain", "environment",
              "conflicts", "unrecognized-keys", "git-file", "git-history"})
            QVERIFY2(
                doctorCheck(report, QString::fromLatin1(id)).value(QStringLiteral("ok")).toBool(),
                id);
        QVERIFY(doctorCheck(report, QStringLiteral("keychain"))
                    .value(QStringLiteral("detail"))
                    .toString()
                    .contains(QStringLiteral("gnome-keyring Secret Service")));
    }

    void doctorLeavesNoKeychainEntry()
    {
        QVERIFY(keychainEntries().trimmed().isEmpty());
        const Run doctor = choragen(at({QStringLiteral("config:doctor")}));
        QVERIFY(doctor.out.contains("wrote, read back and deleted"));
        QVERIFY(keychainEntries().trimmed().isEmpty());
        const Run byServer = runProgram(QStringLiteral("secret-tool"),
                                        {QStringLiteral("search"), QStringLiteral("--all"),
                                         QStringLiteral("server"), QStringLiteral("choragen")},
                                        {}, cleanEnvironment());
        QVERIFY(byServer.all().trimmed().isEmpty());
    }

    void doctorFindsProblems()
    {
        writeConfig(repo(), configWith(canary));
        QFile::setPermissions(configPath(repo()),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        QFile leftover(configPath(repo()) + QStringLiteral(".saving-abc123"));
        QVERIFY(leftover.open(QIODevice::WriteOnly));
        leftover.close();
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"),
                   QString::fromLatin1(fakeKey(QStringLiteral("anthropic"), 2)));
        const Run doctor
            = choragen(at({QStringLiteral("config:doctor"), QStringLiteral("--json")}), {}, env);
        QCOMPARE(doctor.exitCode, 1);
        QVERIFY(!leaks(doctor));
        const QJsonObject report = jsonOut(doctor);
        QCOMPARE(report.value(QStringLiteral("ok")).toBool(), false);
        const QJsonObject permissions = doctorCheck(report, QStringLiteral("permissions"));
        QCOMPARE(permissions.value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(permissions.value(QStringLiteral("detail"))
                    .toString()
                    .contains(QStringLiteral("0644")));
        QVERIFY(permissions.value(QStringLiteral("fix"))
                    .toString()
                    .contains(QStringLiteral("chmod 600")));
        QCOMPARE(
            doctorCheck(report, QStringLiteral("temporaries")).value(QStringLiteral("ok")).toBool(),
            false);
        QCOMPARE(
            doctorCheck(report, QStringLiteral("environment")).value(QStringLiteral("ok")).toBool(),
            false);
        // The doctor changes nothing: not even the permissions it found too loose.
        QVERIFY(QFile::exists(leftover.fileName()));
        QVERIFY(QFile::permissions(configPath(repo())) & QFileDevice::ReadOther);
    }

    void doctorExitCodes()
    {
        writeConfig(repo(), "{\"providers\": [");
        const QByteArray before = readConfig(repo());
        const Run invalid = choragen(at({QStringLiteral("config:doctor")}));
        QCOMPARE(invalid.exitCode, 4);
        QCOMPARE(readConfig(repo()), before);

        writeConfig(repo(), R"({"credentialStorage": "keychain"})");
        const QProcessEnvironment env = withoutSessionBus(cleanEnvironment(), repo());
        const Run noKeychain = choragen(at({QStringLiteral("config:doctor")}), {}, env);
        QCOMPARE(noKeychain.exitCode, 3);
        QVERIFY(noKeychain.out.contains("[PROBLEM] Keychain round trip"));

        // A project that keeps its keys in the file does not need the keychain.
        writeConfig(repo(), R"({"credentialStorage": "file"})");
        const Run fileMode = choragen(at({QStringLiteral("config:doctor")}), {}, env);
        QCOMPARE(fileMode.exitCode, 0);
        QVERIFY(fileMode.out.contains("[ok]      Keychain round trip"));
    }
};

QTEST_GUILESS_MAIN(TestExposure)
#include "TestExposure.moc"
