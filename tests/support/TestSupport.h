#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

// Helpers shared by the black-box and integration tests: run the real `choragen` binary and
// the real `secret-tool` against the private keyring session `make test` starts.
namespace TestSupport {

struct Run
{
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
    /// Both streams, for checks that a secret appears in neither.
    QByteArray all() const { return out + err; }
};

/// The environment tests run commands in: the test's own, without any provider variables.
QProcessEnvironment cleanEnvironment();

/// @p environment without a session bus, nor a display that could start one: a command run in it
/// finds no keychain. @p runtimeDir, where no bus listens, becomes XDG_RUNTIME_DIR.
QProcessEnvironment withoutSessionBus(QProcessEnvironment environment, const QString &runtimeDir);

/// The path of the choragen binary under test.
QString choragenBinary();

/// Runs any program; the building block of choragen().
Run runProgram(const QString &program, const QStringList &arguments, const QByteArray &input,
               const QProcessEnvironment &environment, int timeoutMs = 60000);

/// Runs the choragen binary with @p arguments, feeding @p input on standard input.
Run choragen(const QStringList &arguments, const QByteArray &input = {},
             const QProcessEnvironment &environment = cleanEnvironment(), int timeoutMs = 60000);

/// `secret-tool lookup service choragen account <provider>-api-key` (the names keytar uses);
/// @p found says whether it hit.
QByteArray secretToolLookup(const QString &providerId, bool *found = nullptr);
/// The same for a whole account name, e.g. "openai-api-key@work" (a key profile's entry).
QByteArray secretToolLookupAccount(const QString &account, bool *found = nullptr);
/// Stores @p secret, byte for byte, as the keychain entry of @p providerId, the way another tool
/// would (`secret-tool store` with the attributes of DESIGN.md); true when it was stored.
bool secretToolStore(const QString &providerId, const QByteArray &secret);
/// `secret-tool lookup ATTRIBUTE VALUE …`.
QByteArray secretToolLookupBy(const QStringList &attributes, bool *found = nullptr);
/// `secret-tool store --label=LABEL ATTRIBUTE VALUE …`, the secret on stdin; true on success.
bool secretToolStore(const QStringList &attributes, const QByteArray &secret);
/// Deletes every keychain entry with service=choragen or server=choragen (ours, and those
/// other programs write under our name), so each test starts clean.
void clearKeychain();

/// The attributes of every Secret Service item another client could take for @p account's
/// entry: service+account (keytar), service+username (Python keyring), server+user (QtKeychain).
QList<QMap<QString, QString>> keychainItems(const QString &account);
/// The attributes one item written by choragen carries (DESIGN.md, "The keychain entries").
QMap<QString, QString> fullAttributes(const QString &account);

/// Another program's keychain client, reading or writing service "choragen", @p account; the
/// key goes to the client through its environment, never its command line. A read returns the
/// key, or an empty array with @p found false when the client finds nothing.
enum class Client { PythonKeyring, Keytar, NapiKeyring };
QByteArray clientGet(Client client, const QString &account, bool *found = nullptr);
bool clientSet(Client client, const QString &account, const QByteArray &secret);
/// Builds keytar (and installs @napi-rs/keyring) once into the build tree
/// (tests/support/keytar-fixture.sh). Returns 0 when it is ready, 77 when the npm registry cannot
/// be reached, anything else on failure; @p log gets the fixture's output.
int prepareKeytar(QByteArray *log = nullptr);

/// Writes @p content to <project>/.choragen/config.json (0600, folder 0700).
void writeConfig(const QString &projectDir, const QByteArray &content);
QByteArray readConfig(const QString &projectDir);
QString configPath(const QString &projectDir);
/// True when the file parses as a JSON object.
bool isValidJsonObject(const QByteArray &content);

/// An obviously fake key, distinct per provider and number.
QByteArray fakeKey(const QString &providerId, int number = 0);

/// @p count provider ids: the built-ins anthropic, openai and google for 3, otherwise p000, p001,
/// …, which no provider declares (a config may hold a key for any id).
QStringList providerIds(int count);

/// A config in the format Choragen's own settings page writes: `providers.<id>.apiKey` holding
/// fakeKey(id, @p generation) for each of @p ids, beside a `settings` member.
QByteArray configWithKeys(const QStringList &ids, int generation = 0);
/// The same with one key, @p key, for @p providerId.
QByteArray configWithKey(const QString &providerId, const QByteArray &key);
/// The same with the keys in the `apiKeys` map of this app's 0.1 releases.
QByteArray legacyConfigWithKeys(const QStringList &ids, int generation = 0);
/// Exactly the file Choragen's own settings page writes (JSON.stringify(config, null, 2)):
/// providers.<id>.apiKey for anthropic, openai and google, a local model server that needs no
/// key (ollama, at settingsPageServerUrl()), and the page's own settings.
QByteArray settingsPageConfig();
/// That file as our writer leaves it once its keys are gone: the other members as they were, in
/// their order, and a final newline; @p members (JSON object members, such as
/// `"credentialStorage": "keychain"`) follow them.
QByteArray settingsPageConfigWithoutKeys(const QByteArray &members = {});
/// The local model server's address in settingsPageConfig().
QByteArray settingsPageServerUrl();
/// The plaintext keys a config file's content holds, id → key: `providers.<id>.apiKey`, and
/// entries of the 0.1 `apiKeys` map not already there.
QJsonObject keysInConfig(const QByteArray &content);
/// The JSON object a command printed on standard output (`config:status --json`, …).
QJsonObject jsonOut(const Run &run);
/// The entry for @p providerId in `config:status --json`'s "providers".
QJsonObject providerStatus(const QJsonObject &status, const QString &providerId);
/// The check @p checkId in `config:doctor --json`'s "checks".
QJsonObject doctorCheck(const QJsonObject &doctor, const QString &checkId);

/// Runs `git -c user.name=… -c user.email=… ARGUMENTS` in @p workDir (a fixed identity and
/// date, so tests need no git configuration of their own).
Run git(const QString &workDir, const QStringList &arguments);
/// `git init` in @p workDir; true when it worked.
bool gitInit(const QString &workDir);
/// Writes @p workDir/.gitignore with @p patterns; true when it was written.
bool writeGitignore(const QString &workDir, const QByteArray &patterns);
/// `git add -A` and a commit with @p message in @p workDir; returns the commit's short hash.
QString gitCommitAll(const QString &workDir, const QString &message);

/// The rows of a data table whose column "profile" runs a test with the default key profile and
/// with profile "work": the same checks on a profile's keychain entries.
void profileRows();

/// True when a Secret Service answers on the session bus (make test provides one).
bool secretServiceRunning();
/// What a test of the keychain says when secretServiceRunning() is false.
inline constexpr char needsSecretService[] = "needs the Secret Service that `make test` starts";
/// What a test that writes to the keychain says outside the private session of
/// scripts/with-keyring.sh, the only keyring it may write to.
inline constexpr char runInPrivateKeyring[] = "run inside scripts/with-keyring.sh (make test does)";

/// What the tests of the binary share: a fresh project folder for each test, and the command
/// line of a command run in it. A test class derives from it and calls setUpProject() (or
/// setUpKeychainProject()) in init().
class ProjectFixture
{
protected:
    /// A new temporary folder and the project in it: the folder itself, or its @p subfolder
    /// (created) when the test keeps other files beside the project.
    void setUpProject(const QString &subfolder = {});
    /// clearKeychain(), then setUpProject(): for tests of the session's keychain.
    void setUpKeychainProject(const QString &subfolder = {});

    QString project() const { return m_project; }
    /// A path in the temporary folder (the folder itself when @p name is empty): beside the
    /// project, when the project is a subfolder.
    QString scratchPath(const QString &name = {}) const;
    /// `--project <project()>` followed by @p arguments.
    QStringList at(const QStringList &arguments) const;

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_project;
};

/// Reads @p process's standard error into @p err until it holds @p text, the process ends, or
/// 30 s pass; true when it holds @p text. For a program that stays up, such as the window.
bool waitForStandardError(QProcess &process, QString &err, const QString &text);

} // namespace TestSupport
