// What happens without a usable keychain: no D-Bus, no Secret Service, a locked keyring;
// and the environment variable that overrides every store.
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;
using namespace Qt::StringLiterals;

namespace {

// The environment of a process with no session bus at all.
QProcessEnvironment noBusEnvironment(const QString &runtimeDir)
{
    return withoutSessionBus(cleanEnvironment(), runtimeDir);
}

// A session bus with no service folders: nothing, not even a keyring, can be activated.
const char *const busConfigWithoutServices
    = "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
      " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
      "<busconfig>\n"
      "  <type>session</type>\n"
      "  <listen>unix:tmpdir=/tmp</listen>\n"
      "  <policy context=\"default\">\n"
      "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
      "    <allow eavesdrop=\"true\"/>\n"
      "    <allow own=\"*\"/>\n"
      "  </policy>\n"
      "</busconfig>\n";

} // namespace

class TestFallback : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    // Runs choragen inside a second, private D-Bus session with its own HOME, after
    // @p keyringSetup (a shell command) has run there.
    Run inOwnSession(const QString &home, const QString &keyringSetup, const QStringList &arguments,
                     const QByteArray &input = {}, const QStringList &busOptions = {})
    {
        QProcessEnvironment env = cleanEnvironment();
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("CHORAGEN_KEYCHAIN_TIMEOUT_MS"));
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/run"));
        QDir(home).mkpath(QStringLiteral("run"));
        QFile::setPermissions(home + QStringLiteral("/run"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ExeOwner);
        QDir(home).mkpath(QStringLiteral(".local/share/keyrings"));
        const QString script
            = keyringSetup + QStringLiteral(" >/dev/null 2>&1; exec \"$0\" \"$@\"");
        return runProgram(QStringLiteral("dbus-run-session"),
                          busOptions
                              + QStringList {QStringLiteral("--"), QStringLiteral("sh"),
                                             QStringLiteral("-c"), script, choragenBinary()}
                              + arguments,
                          input, env);
    }

    // The dbus-run-session options of a bus that can start no service (busConfigWithoutServices);
    // empty when its configuration could not be written.
    QStringList busWithoutServices() const
    {
        const QString busConfig = scratchPath(QStringLiteral("bus.conf"));
        QFile conf(busConfig);
        if (!conf.open(QIODevice::WriteOnly) || conf.write(busConfigWithoutServices) < 0)
            return {};
        return {QStringLiteral("--config-file=") + busConfig};
    }

private Q_SLOTS:
    void init()
    {
        setUpKeychainProject(QStringLiteral("project"));
        QDir().mkpath(scratchPath(QStringLiteral("runtime")));
    }

    void cleanup() { clearKeychain(); }

    void noDBusFallsBackToFileAndSaysWhy()
    {
        const QProcessEnvironment env = noBusEnvironment(scratchPath(QStringLiteral("runtime")));
        const Run status
            = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}), {}, env);
        QCOMPARE(status.exitCode, 0);
        const QJsonObject json = jsonOut(status);
        QCOMPARE(json.value(QStringLiteral("storage")).toString(), QStringLiteral("file"));
        const QJsonObject keychain = json.value(QStringLiteral("keychain")).toObject();
        QCOMPARE(keychain.value(QStringLiteral("available")).toBool(), false);
        QCOMPARE(keychain.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("no-dbus-session"));
        QVERIFY(keychain.value(QStringLiteral("fix"))
                    .toString()
                    .contains(QStringLiteral("dbus-run-session")));

        const QByteArray key = fakeKey(QStringLiteral("openai"));
        const Run set
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("openai")}), key, env);
        QCOMPARE(set.exitCode, 0);
        // Loud, with the reason: never a silent downgrade.
        QVERIFY2(set.err.contains("D-Bus") && set.err.contains("unencrypted"), set.err.constData());
        QVERIFY(!set.all().contains("not-a-real-key"));
        const QJsonObject config = QJsonDocument::fromJson(readConfig(project())).object();
        QVERIFY(keysInConfig(readConfig(project())).value(u"openai"_s).toString().toUtf8() == key);
        // The fallback is not a decision: once a keychain shows up, keys can move there.
        QVERIFY(!config.contains(QStringLiteral("credentialStorage")));
        QCOMPARE(QFileInfo(configPath(project())).permissions() & 0x0077,
                 QFileDevice::Permissions());

        const Run get
            = choragen(at({QStringLiteral("config:get"), QStringLiteral("openai")}), {}, env);
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.out.trimmed() == key);
    }

    void noDBusInKeychainModeFailsClosed()
    {
        const QByteArray original = R"({"credentialStorage": "keychain", "other": true})";
        writeConfig(project(), original);
        const QProcessEnvironment env = noBusEnvironment(scratchPath(QStringLiteral("runtime")));
        const Run set = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
                                 fakeKey(QStringLiteral("anthropic")), env);
        QCOMPARE(set.exitCode, 3);
        QVERIFY(set.err.contains("fix:"));
        QCOMPARE(readConfig(project()), original);
        QCOMPARE(choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}), {}, env)
                     .exitCode,
                 3);
        QCOMPARE(choragen(at({QStringLiteral("config:status")}), {}, env).exitCode, 3);
        QCOMPARE(
            choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")}), {}, env)
                .exitCode,
            3);
        QCOMPARE(readConfig(project()), original);
    }

    void migrateWithoutKeychainKeepsFile()
    {
        const QByteArray original
            = R"({"providers": {"openai": {"apiKey": "sk-FAKE-openai-not-a-real-key-1"}}})";
        writeConfig(project(), original);
        const Run run = choragen(at({QStringLiteral("--migrate")}), {},
                                 noBusEnvironment(scratchPath(QStringLiteral("runtime"))));
        QCOMPARE(run.exitCode, 3);
        QVERIFY(run.err.contains("D-Bus"));
        QVERIFY(!run.all().contains("not-a-real-key"));
        QCOMPARE(readConfig(project()), original);
    }

    void noSecretServiceIsNamedWithFix()
    {
        const QStringList options = busWithoutServices();
        QVERIFY(!options.isEmpty());
        const QString home = scratchPath(QStringLiteral("home"));
        const Run status = inOwnSession(
            home, QStringLiteral("true"),
            at({QStringLiteral("config:status"), QStringLiteral("--json")}), {}, options);
        QVERIFY2(status.exitCode == 0, status.err.constData());
        const QJsonObject keychain = jsonOut(status).value(QStringLiteral("keychain")).toObject();
        QCOMPARE(keychain.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("no-secret-service"));
        QVERIFY(keychain.value(QStringLiteral("fix"))
                    .toString()
                    .contains(QStringLiteral("gnome-keyring")));

        const Run set = inOwnSession(home, QStringLiteral("true"),
                                     at({QStringLiteral("config:set"), QStringLiteral("google")}),
                                     fakeKey(QStringLiteral("google")), options);
        QCOMPARE(set.exitCode, 0);
        QVERIFY(set.err.contains("gnome-keyring"));
        QVERIFY(keysInConfig(readConfig(project())).contains(QStringLiteral("google")));

        // A write in keychain mode that finds no Secret Service says so in words, not with the
        // bus's ServiceUnknown error.
        const Run strict
            = inOwnSession(home, QStringLiteral("true"),
                           at({QStringLiteral("config:set"), QStringLiteral("openai"),
                               QStringLiteral("--storage"), QStringLiteral("keychain")}),
                           fakeKey(QStringLiteral("openai")), options);
        QCOMPARE(strict.exitCode, 3);
        QVERIFY2(strict.err.contains("No Secret Service is running on the session bus")
                     && !strict.err.contains("GDBus.Error"),
                 strict.err.constData());
        QVERIFY(!keysInConfig(readConfig(project())).contains(QStringLiteral("openai")));
    }

    void hungKeychainTimesOut()
    {
        const QStringList options = busWithoutServices();
        QVERIFY(!options.isEmpty());
        const QString home = scratchPath(QStringLiteral("home"));
        // Start the silent service, wait until it owns the name, then run choragen. Each session
        // starts its own service, so the previous one's "ready" must not count.
        const QString hung
            = QStringLiteral(
                  "rm -f %2/ready; %1 > %2/ready & for i in $(seq 600); do grep -q ready %2/ready "
                  "2>/dev/null && break; sleep 0.1; done; grep -q ready %2/ready || exit 99; "
                  "export CHORAGEN_KEYCHAIN_TIMEOUT_MS=1500")
                  .arg(QStringLiteral(HUNG_SECRET_SERVICE), scratchPath());
        const QByteArray original
            = R"({"credentialStorage": "keychain", "providers": {"openai": {"apiKey": "sk-FAKE-openai-not-a-real-key-9"}}})";
        writeConfig(project(), original);

        QElapsedTimer elapsed;
        elapsed.start();
        const Run status = inOwnSession(
            home, hung, at({QStringLiteral("config:status"), QStringLiteral("--json")}), {},
            options);
        QCOMPARE(status.exitCode, 3);
        // Once timed out, the keychain is not asked again for each of the four providers.
        QVERIFY2(elapsed.elapsed() < 3 * 1500, qPrintable(QString::number(elapsed.elapsed())));
        const QJsonObject keychain = jsonOut(status).value(QStringLiteral("keychain")).toObject();
        QCOMPARE(keychain.value(QStringLiteral("reason")).toString(), QStringLiteral("timed-out"));
        QVERIFY(keychain.value(QStringLiteral("fix"))
                    .toString()
                    .contains(QStringLiteral("unlock prompt")));

        const Run migrate
            = inOwnSession(home, hung, at({QStringLiteral("--migrate")}), {}, options);
        QCOMPARE(migrate.exitCode, 3);
        QVERIFY2(migrate.err.contains("did not answer within 1.5 s"), migrate.err.constData());
        QCOMPARE(readConfig(project()), original);

        const Run set = inOwnSession(
            home, hung, at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
            fakeKey(QStringLiteral("anthropic")), options);
        QCOMPARE(set.exitCode, 3);
        QCOMPARE(readConfig(project()), original);
    }

    void lockedKeyringLosesNothing()
    {
        const QString home = scratchPath(QStringLiteral("home"));
        // Create a login keyring holding one key, then come back with it locked.
        const QString unlock = QStringLiteral(
            "printf test-password | gnome-keyring-daemon --unlock --components=secrets");
        QTemporaryDir seedProject;
        const Run seed = inOwnSession(home, unlock,
                                      {QStringLiteral("--project"), seedProject.path(),
                                       QStringLiteral("config:set"), QStringLiteral("openai"),
                                       QStringLiteral("--storage"), QStringLiteral("keychain")},
                                      fakeKey(QStringLiteral("openai"), 5));
        QVERIFY2(seed.exitCode == 0, seed.err.constData());
        const QString locked = QStringLiteral("gnome-keyring-daemon --start --components=secrets");

        const QByteArray original
            = R"({"providers": {"anthropic": {"apiKey": "sk-ant-FAKE-not-a-real-key-0001"}}})";
        writeConfig(project(), original);
        const Run migrate = inOwnSession(home, locked, at({QStringLiteral("--migrate")}));
        QCOMPARE(migrate.exitCode, 3);
        QVERIFY2(migrate.err.contains("locked"), migrate.err.constData());
        QVERIFY(migrate.err.contains("Unlock"));
        QVERIFY(!migrate.all().contains("not-a-real-key"));
        QCOMPARE(readConfig(project()), original);

        // The locked keyring holds a key: it must not be reported as absent.
        writeConfig(project(), R"({"credentialStorage": "keychain"})");
        const Run get = inOwnSession(home, locked,
                                     at({QStringLiteral("config:get"), QStringLiteral("openai")}));
        QCOMPARE(get.exitCode, 3);
        QVERIFY(get.err.contains("locked"));
        const Run set = inOwnSession(
            home, locked, at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
            fakeKey(QStringLiteral("anthropic")));
        QCOMPARE(set.exitCode, 3);
        QCOMPARE(readConfig(project()), QByteArray(R"({"credentialStorage": "keychain"})"));

        // Unlocked again, the key is still there.
        const Run after = inOwnSession(
            home, unlock, at({QStringLiteral("config:get"), QStringLiteral("openai")}));
        QCOMPARE(after.exitCode, 0);
        QVERIFY(after.out.trimmed() == fakeKey(QStringLiteral("openai"), 5));
    }

    void environmentVariableWins()
    {
        writeConfig(
            project(),
            R"({"providers": {"anthropic": {"apiKey": "sk-ant-FAKE-file-not-a-real-key-1"}}})");
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("openai"),
                              QStringLiteral("--storage"), QStringLiteral("keychain")}),
                          fakeKey(QStringLiteral("openai")))
                     .exitCode,
                 0);
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"),
                   QStringLiteral("sk-ant-FAKE-env-not-a-real-key-2"));
        env.insert(QStringLiteral("OPENAI_API_KEY"),
                   QStringLiteral("sk-FAKE-env-openai-not-a-real-key-3"));
        QVERIFY(choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}), {}, env)
                    .out.trimmed()
                == "sk-ant-FAKE-env-not-a-real-key-2");
        QVERIFY(choragen(at({QStringLiteral("config:get"), QStringLiteral("openai")}), {}, env)
                    .out.trimmed()
                == "sk-FAKE-env-openai-not-a-real-key-3");
        const Run status
            = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}), {}, env);
        QCOMPARE(providerStatus(jsonOut(status), QStringLiteral("anthropic"))
                     .value(QStringLiteral("location"))
                     .toString(),
                 QStringLiteral("env"));
        QCOMPARE(providerStatus(jsonOut(status), QStringLiteral("openai"))
                     .value(QStringLiteral("location"))
                     .toString(),
                 QStringLiteral("env"));
        QVERIFY(!status.out.contains("not-a-real-key"));
        // Without the variables the stored keys are back, in read order.
        const QJsonObject plain
            = jsonOut(choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")})));
        QCOMPARE(providerStatus(plain, QStringLiteral("anthropic"))
                     .value(QStringLiteral("location"))
                     .toString(),
                 QStringLiteral("file"));
        QCOMPARE(providerStatus(plain, QStringLiteral("openai"))
                     .value(QStringLiteral("location"))
                     .toString(),
                 QStringLiteral("keychain"));
    }
};

QTEST_GUILESS_MAIN(TestFallback)
#include "TestFallback.moc"
