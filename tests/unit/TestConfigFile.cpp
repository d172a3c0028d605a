#include "ConfigFile.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <optional>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace Choragen;

using namespace Qt::StringLiterals;

namespace {

// @p content as <dir>/.choragen/config.json; its path.
QString writeRaw(const QTemporaryDir &dir, const QByteArray &content)
{
    TestSupport::writeConfig(dir.path(), content);
    return TestSupport::configPath(dir.path());
}

QByteArray readRaw(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// @p content in a new config file: load() refuses it as invalid, with a message that names the
// file (followed by @p position, when given) and each of @p mentions and quotes no key, and the
// file is left as it was. @p refusal gets the error, for what else a test expects of it.
void verifyRefused(const QByteArray &content, const QString &position, const QStringList &mentions,
                   Error *refusal = nullptr)
{
    QTemporaryDir dir;
    const QString path = writeRaw(dir, content);
    ConfigFile config(path);
    const Error error = config.load();
    QCOMPARE(error.code, ErrorCode::ConfigInvalid);
    QVERIFY2(error.message.contains(path + position), qPrintable(error.message));
    for (const QString &mention : mentions)
        QVERIFY2(error.message.contains(mention), qPrintable(error.message));
    // The parser's "last read" text could hold part of a key: it must never be quoted.
    QVERIFY2(!error.message.contains(QStringLiteral("FAKE")), qPrintable(error.message));
    QCOMPARE(readRaw(path), content);
    if (refusal)
        *refusal = error;
}

// A config file whose lock another holder has, and the window's way to write to it: an
// updateConfigLater() that sets file storage.
struct HeldLockUpdate
{
    QTemporaryDir dir;
    QString path = writeRaw(dir, "{}");
    ConfigLock other {path};
    QObject context;
    std::optional<Error> result;

    // Has the other holder take the lock, then starts the update; false when the lock was busy.
    bool start(int lockTimeoutMs = configLockTimeoutMs)
    {
        if (!other.tryAcquire().ok())
            return false;
        const auto toFile = [](ConfigFile &config, bool &changed) {
            config.setStorageMode(StorageMode::File);
            changed = true;
            return Error::none();
        };
        updateConfigLater(
            path, &context, toFile, [this](const Error &error) { result = error; }, lockTimeoutMs);
        return true;
    }
    // True once the update has answered, within @p timeoutMs.
    bool finished(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([this] { return result.has_value(); }, timeoutMs);
    }
};

// The lock file a writer killed between creating it and writing its owner leaves: empty, and
// older than a live writer's would be. True when it was made.
bool leaveOwnerlessLock(const QString &lockPath)
{
    QFile lock(lockPath);
    if (!lock.open(QIODevice::WriteOnly))
        return false;
    const bool aged = lock.setFileTime(QDateTime::currentDateTime().addSecs(-60),
                                       QFileDevice::FileModificationTime);
    lock.close();
    return aged;
}

#ifdef Q_OS_UNIX
int modeOf(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 0777);
}

// Makes @p folder unwritable even for root (chattr +i), or with chmod for other users.
bool makeUnwritable(const QString &folder, bool on)
{
    if (::geteuid() != 0)
        return QFile::setPermissions(folder,
                                     on ? QFileDevice::ReadOwner | QFileDevice::ExeOwner
                                        : QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                             | QFileDevice::ExeOwner);
    return QProcess::execute(QStringLiteral("chattr"),
                             {on ? QStringLiteral("+i") : QStringLiteral("-i"), folder})
        == 0;
}

#endif

} // namespace

class TestConfigFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void missingFileLoadsEmpty()
    {
        QTemporaryDir dir;
        ConfigFile config(dir.filePath(QStringLiteral(".choragen/config.json")));
        QVERIFY(config.load().ok());
        QVERIFY(!config.exists());
        QVERIFY(config.apiKeyProviders().isEmpty());
        QVERIFY(!config.storageMode());
        // Loading must not create anything.
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".choragen"))));
    }

    void malformedNamesLineAndColumn_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("position");
        QTest::newRow("trailing comma")
            << QByteArray("{\n  \"a\": 1,\n}\n") << QStringLiteral(":3:1:");
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << QStringLiteral(":1:6:");
        QTest::newRow("unterminated string")
            << QByteArray("{\n\"providers\": {\"openai\": {\"apiKey\": \"sk-FAKE-unterminated")
            << QStringLiteral(":2:");
        QTest::newRow("bare word")
            << QByteArray("{\n\n    \"x\": nope\n}") << QStringLiteral(":3:");
        QTest::newRow("garbage after object") << QByteArray("{}\n}") << QStringLiteral(":2:1:");
        QTest::newRow("invalid utf-8")
            << QByteArray("{\"label\": \"caf\xff\"}") << QStringLiteral(":1:");
        QTest::newRow("empty file") << QByteArray("") << QString();
        QTest::newRow("only whitespace") << QByteArray("  \n ") << QString();
    }

    void malformedNamesLineAndColumn()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, position);
        Error error;
        verifyRefused(content, position, {}, &error);
        QVERIFY(!error.fix.isEmpty());
    }

    void wrongTypesAreRejected_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("top-level array") << QByteArray("[1, 2]") << QStringLiteral("top level");
        QTest::newRow("apiKeys array")
            << QByteArray("{\"apiKeys\": [\"sk-FAKE\"]}") << QStringLiteral("apiKeys");
        QTest::newRow("0.1 key is number")
            << QByteArray("{\"apiKeys\": {\"openai\": 42}}") << QStringLiteral("apiKeys.openai");
        QTest::newRow("key is number")
            << QByteArray("{\"providers\": {\"openai\": {\"apiKey\": 42}}}")
            << QStringLiteral("providers.openai.apiKey");
        QTest::newRow("key is null")
            << QByteArray("{\"providers\": {\"openai\": {\"apiKey\": null}}}")
            << QStringLiteral("providers.openai.apiKey");
        QTest::newRow("provider is a string")
            << QByteArray("{\"providers\": {\"openai\": \"sk-FAKE\"}}")
            << QStringLiteral("providers.openai");
        QTest::newRow("storage word") << QByteArray("{\"credentialStorage\": \"cloud\"}")
                                      << QStringLiteral("credentialStorage");
        QTest::newRow("storage number")
            << QByteArray("{\"credentialStorage\": 1}") << QStringLiteral("credentialStorage");
        QTest::newRow("providers string")
            << QByteArray("{\"providers\": \"mistral\"}") << QStringLiteral("providers");
        QTest::newRow("provider env number")
            << QByteArray("{\"providers\": {\"mistral\": {\"env\": 3}}}")
            << QStringLiteral("providers.mistral.env");
        QTest::newRow("bad provider id")
            << QByteArray("{\"providers\": {\"Open AI\": {\"apiKey\": \"sk-FAKE\"}}}")
            << QStringLiteral("provider id");
        QTest::newRow("key pasted as id")
            << QByteArray(R"({"providers": {"sk-FAKE-pasted-as-an-id-0000": {}}})")
            << QStringLiteral("provider id");
        QTest::newRow("key pasted as 0.1 id")
            << QByteArray(R"({"apiKeys": {"sk-FAKE-pasted-as-an-id-0000": "x"}})")
            << QStringLiteral("provider id");
        QTest::newRow("number out of range")
            << QByteArray(R"({"x": 1e400})") << QStringLiteral("out of range");
    }

    void wrongTypesAreRejected()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        verifyRefused(content, {}, {mentions});
    }

    void utf8BomIsAccepted()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir,
                                      QByteArray("\xEF\xBB\xBF{\"providers\": {\"openai\": "
                                                 "{\"apiKey\": \"sk-FAKE-bom-0000000000\"}}}"));
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        QCOMPARE(config.apiKeyProviders(), QStringList {QStringLiteral("openai")});
        QVERIFY(config.apiKey(QStringLiteral("openai")) == "sk-FAKE-bom-0000000000");
    }

    void hugeFileIsRefusedUntouched()
    {
        QTemporaryDir dir;
        QByteArray content = "{\"padding\": \"" + QByteArray(10 * 1024 * 1024, 'x') + "\"}";
        const QString path = writeRaw(dir, content);
        ConfigFile config(path);
        const Error error = config.load();
        QCOMPARE(error.code, ErrorCode::ConfigInvalid);
        QVERIFY2(error.message.contains(QStringLiteral("KiB")), qPrintable(error.message));
        QCOMPARE(QFileInfo(path).size(), qint64(content.size()));
    }

    void directoryInsteadOfFile()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral(".choragen/config.json"));
        ConfigFile config(dir.filePath(QStringLiteral(".choragen/config.json")));
        const Error error = config.load();
        QCOMPARE(error.code, ErrorCode::ConfigInvalid);
        QVERIFY(error.message.contains(QStringLiteral("folder")));
        QVERIFY(!config.save().ok());
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral(".choragen/config.json"))).isDir());
    }

#ifdef Q_OS_UNIX
    // POSIX permissions, umask and process ids; Windows has ACLs instead.
    void unwritableFolderFailsAndKeepsFile()
    {
        QTemporaryDir dir;
        const QByteArray original(
            "{\"providers\": {\"openai\": {\"apiKey\": \"sk-FAKE-keep-000000000\"}}}");
        const QString path = writeRaw(dir, original);
        const QString folder = QFileInfo(path).absolutePath();
        if (!makeUnwritable(folder, true))
            QSKIP("cannot make a folder unwritable here (needs chattr as root)");
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        config.setApiKey(QStringLiteral("anthropic"), "sk-ant-FAKE-new-00000000000");
        const Error error = config.save();
        makeUnwritable(folder, false);
        QCOMPARE(error.code, ErrorCode::Io);
        QVERIFY2(error.message.contains(path), qPrintable(error.message));
        QVERIFY(!error.message.contains(QStringLiteral("sk-")));
        QCOMPARE(readRaw(path), original);
    }

    void saveRemovesWhatAnInterruptedSaveLeft()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{\"credentialStorage\": \"file\"}");
        const QDir folder = QFileInfo(path).absoluteDir();
        // What a writer killed before its rename leaves, and files that only look alike.
        const QStringList leftovers {u"config.json.saving-a1B2c3"_s,
                                     u"config.json.saving-000000"_s};
        const QStringList kept {u"config.json.backup"_s, u"config.json.saving-old.json"_s,
                                u"other.json.saving-a1B2c3"_s};
        for (const QString &name : leftovers + kept) {
            QFile file(folder.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("{\"providers\": {\"openai\": {\"apiKey\": \"sk-FAKE-partial");
        }
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        config.setApiKey(QStringLiteral("openai"), "sk-FAKE-saved-000000000000");
        const Error error = config.save();
        QVERIFY2(error.ok(), qPrintable(error.message));
        QStringList expected = kept + QStringList {u"config.json"_s};
        expected.sort();
        QCOMPARE(folder.entryList(QDir::Files | QDir::Hidden, QDir::Name), expected);
    }

    void newFileIsPrivateUnderAnyUmask_data()
    {
        QTest::addColumn<int>("umaskValue");
        QTest::newRow("umask 000") << 0;
        QTest::newRow("umask 022") << 022;
        QTest::newRow("umask 077") << 077;
    }

    void newFileIsPrivateUnderAnyUmask()
    {
        QFETCH(int, umaskValue);
        QTemporaryDir dir;
        const mode_t old = ::umask(mode_t(umaskValue));
        ConfigFile config(dir.filePath(QStringLiteral(".choragen/config.json")));
        QVERIFY(config.load().ok());
        config.setStorageMode(StorageMode::File);
        const Error error = config.save();
        ::umask(old);
        QVERIFY2(error.ok(), qPrintable(error.message));
        QCOMPARE(modeOf(config.path()), 0600);
        QCOMPARE(modeOf(dir.filePath(QStringLiteral(".choragen"))), 0700);
    }

    void openFileIsTightenedWithWarning()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        QFile::setPermissions(path,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        QCOMPARE(modeOf(path), 0600);
        QCOMPARE(config.warnings().size(), 1);
        QVERIFY(config.warnings().first().contains(QStringLiteral("0600")));
        // An existing 0644 file stays 0600 after a save, too.
        config.setStorageMode(StorageMode::Keychain);
        QVERIFY(config.save().ok());
        QCOMPARE(modeOf(path), 0600);
    }

#endif

    void unknownMembersAndOrderArePreserved()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, QByteArray(R"({
  "zeta": {"nested": [1, 2, {"deep": true}]},
  "providers": {
    "openai": {"apiKey": "sk-FAKE-openai-0000000000", "organization": "org-kept"},
    "google": {"apiKey": "AIzaFAKE-google-000000000"}
  },
  "alpha": "kept",
  "number": 12345678901234,
  "credentialStorage": "file",
  "unicode": "héllo ✓"
})"));
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        QVERIFY(config.removeApiKey(QStringLiteral("openai")));
        QVERIFY(config.save().ok());

        ConfigFile again(path);
        QVERIFY(again.load().ok());
        const QByteArray text = readRaw(path);
        QVERIFY(text.indexOf("\"zeta\"") < text.indexOf("\"providers\""));
        QVERIFY(text.indexOf("\"providers\"") < text.indexOf("\"alpha\""));
        QVERIFY(text.indexOf("\"alpha\"") < text.indexOf("\"number\""));
        QVERIFY(text.indexOf("\"number\"") < text.indexOf("\"credentialStorage\""));
        QVERIFY(text.contains("12345678901234"));
        QVERIFY(text.contains("\"deep\": true"));
        QVERIFY(text.contains("héllo ✓"));
        // Only the key goes: the provider's other members stay.
        QVERIFY(!text.contains("sk-FAKE-openai"));
        QVERIFY(text.contains("\"organization\": \"org-kept\""));
        QCOMPARE(again.apiKeyProviders(), QStringList {QStringLiteral("google")});
        QCOMPARE(again.storageMode(), std::optional(StorageMode::File));

        // Removing the last key of a provider drops its object, left empty.
        QVERIFY(again.removeApiKey(QStringLiteral("google")));
        QVERIFY(again.save().ok());
        QVERIFY(!readRaw(path).contains("google"));
        QVERIFY(again.apiKeyProviders().isEmpty());
    }

    // The file Choragen's own settings page writes (JSON.stringify(config, null, 2), 0644).
    void choragensOwnFileIsReadAndRewrittenInItsShape()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, TestSupport::settingsPageConfig());
        const QJsonObject keys = TestSupport::keysInConfig(TestSupport::settingsPageConfig());
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        QCOMPARE(config.apiKeyProviders(), QStringList({u"anthropic"_s, u"openai"_s, u"google"_s}));
        QVERIFY(config.apiKey(u"google"_s) == keys.value(u"google"_s).toString().toUtf8());
        QVERIFY(config.apiKey(u"ollama"_s).isEmpty());
        QVERIFY(config.unrecognizedSecrets().isEmpty());
        const QList<Provider> declared = config.declaredProviders();
        const auto ollama = std::find_if(declared.begin(), declared.end(),
                                         [](const Provider &p) { return p.id == u"ollama"_s; });
        QVERIFY(ollama != declared.end());
        QVERIFY(!ollama->needsKey);

        for (const QString &id : {u"anthropic"_s, u"openai"_s, u"google"_s})
            QVERIFY(config.removeApiKey(id));
        QVERIFY(config.save().ok());
        QCOMPARE(readRaw(path), TestSupport::settingsPageConfigWithoutKeys());

        // A key set again goes where Choragen's loader reads it.
        config.setApiKey(u"openai"_s, "sk-FAKE-settings-page-0004");
        QVERIFY(config.save().ok());
        const QByteArray text = readRaw(path);
        QVERIFY(text.contains(R"("openai": {
      "apiKey": "sk-FAKE-settings-page-0004"
    })"));
        QVERIFY(!text.contains("apiKeys"));
    }

    void keysOfEarlierReleasesMoveToTheRealShape()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, QByteArray(R"({
  "apiKeys": {"openai": "sk-FAKE-legacy-openai-01", "mistral": "sk-FAKE-legacy-mistral-1"},
  "providers": {"anthropic": {"apiKey": "sk-ant-FAKE-current-0001"}},
  "credentialStorage": "file"
})"));
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        QCOMPARE(config.apiKeyProviders(),
                 QStringList({u"anthropic"_s, u"openai"_s, u"mistral"_s}));
        QVERIFY(config.apiKey(u"mistral"_s) == "sk-FAKE-legacy-mistral-1");
        QVERIFY(!config.keyConflict(u"openai"_s));

        // Any write moves them.
        config.setStorageMode(StorageMode::File);
        QVERIFY(config.save().ok());
        const QByteArray text = readRaw(path);
        QVERIFY2(!text.contains("apiKeys"), text.constData());
        ConfigFile again(path);
        QVERIFY(again.load().ok());
        QVERIFY(again.apiKey(u"openai"_s) == "sk-FAKE-legacy-openai-01");
        QVERIFY(again.apiKey(u"mistral"_s) == "sk-FAKE-legacy-mistral-1");
        QVERIFY(again.apiKey(u"anthropic"_s) == "sk-ant-FAKE-current-0001");
    }

    void differentKeysInBothPlacesAreAConflictAndBothKept()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, QByteArray(R"({
  "apiKeys": {"openai": "sk-FAKE-legacy-openai-01", "google": "AIzaFAKE-same-000001"},
  "providers": {"openai": {"apiKey": "sk-FAKE-current-openai-1"},
                "google": {"apiKey": "AIzaFAKE-same-000001"}}
})"));
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        QVERIFY(config.keyConflict(u"openai"_s));
        QVERIFY(!config.keyConflict(u"google"_s));
        config.setStorageMode(StorageMode::File);
        QVERIFY(config.save().ok());
        const QByteArray text = readRaw(path);
        // The same key in both places is simply moved; different ones are both kept.
        QVERIFY(text.contains("sk-FAKE-legacy-openai-01"));
        QVERIFY(text.contains("sk-FAKE-current-openai-1"));
        QCOMPARE(text.count("AIzaFAKE-same-000001"), 1);
    }

    void keyLikeValuesOutsideKnownPlacesAreFound_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("paths");
        QTest::newRow("key member instead of apiKey")
            << QByteArray(R"({"providers": {"anthropic": {"key": "sk-ant-FAKE-0001"}}})")
            << QStringList {u"providers.anthropic.key"_s};
        QTest::newRow("apiKey in another object")
            << QByteArray(R"({"llm": {"apiKey": "sk-FAKE-0002"}})")
            << QStringList {u"llm.apiKey"_s};
        QTest::newRow("snake case at the top")
            << QByteArray(R"({"api_key": "sk-FAKE-0003"})") << QStringList {u"api_key"_s};
        QTest::newRow("token in an array")
            << QByteArray(R"({"servers": [{"url": "x"}, {"token": "t-FAKE"}]})")
            << QStringList {u"servers[1].token"_s};
        QTest::newRow("secret under settings")
            << QByteArray(R"({"settings": {"clientSecret": "FAKE"}})")
            << QStringList {u"settings.clientSecret"_s};
        QTest::newRow("pasted key as a member name")
            << QByteArray(
                   R"({"x": {"sk-FAKE-pasted/name-000000000000000000000000": {"token": "y"}}})")
            << QStringList {u"x.<member of 44 characters>.token"_s};
        QTest::newRow("known places and harmless members")
            << QByteArray(R"({"providers": {"openai": {"apiKey": "sk-FAKE-1", "baseUrl": "u"}},
                              "apiKeys": {"google": "AIzaFAKE"}, "settings": {"key": ""},
                              "keyboard": "dvorak", "monkey": "x", "tokens": 5})")
            << QStringList {};
    }

    void keyLikeValuesOutsideKnownPlacesAreFound()
    {
        QFETCH(QByteArray, content);
        QFETCH(QStringList, paths);
        QTemporaryDir dir;
        ConfigFile config(writeRaw(dir, content));
        QVERIFY(config.load().ok());
        QCOMPARE(config.unrecognizedSecrets(), paths);
        for (const QString &path : config.unrecognizedSecrets())
            QVERIFY2(!path.contains(u"FAKE"_s), qPrintable(path));
    }

    void symlinkStaysALink()
    {
        QTemporaryDir dir;
        const QString real = dir.filePath(QStringLiteral("shared-config.json"));
        QFile file(real);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"keep\": 1}");
        file.close();
        QDir(dir.path()).mkpath(QStringLiteral(".choragen"));
        const QString link = dir.filePath(QStringLiteral(".choragen/config.json"));
        QVERIFY(QFile::link(real, link));

        ConfigFile config(link);
        QVERIFY(config.load().ok());
        config.setStorageMode(StorageMode::Keychain);
        QVERIFY(config.save().ok());
        QVERIFY(QFileInfo(link).isSymLink());
        QVERIFY(readRaw(real).contains("\"credentialStorage\": \"keychain\""));
        QVERIFY(readRaw(real).contains("\"keep\": 1"));
    }

    void declaredProvidersAreRead()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(
            dir,
            R"({"providers": {"mistral": {"label": "Mistral", "env": "MISTRAL_API_KEY"}, "local": {}, "lmstudio": {"baseUrl": "localhost:1234"}}})");
        ConfigFile config(path);
        QVERIFY(config.load().ok());
        const QList<Provider> providers = config.declaredProviders();
        QCOMPARE(providers.size(), 3);
        QCOMPARE(providers.at(0).id, QStringLiteral("mistral"));
        QCOMPARE(providers.at(0).label, QStringLiteral("Mistral"));
        QCOMPARE(providers.at(0).envVar, QStringLiteral("MISTRAL_API_KEY"));
        QVERIFY(providers.at(0).needsKey);
        QCOMPARE(providers.at(1).label, QStringLiteral("local"));
        // A server reached by its address alone needs no key.
        QVERIFY(!providers.at(2).needsKey);
    }

    void locateFindsNearestProject()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("repo/.choragen"));
        QDir(dir.path()).mkpath(QStringLiteral("repo/src/deep"));
        const QString repo = QDir(dir.filePath(QStringLiteral("repo"))).absolutePath();
        QCOMPARE(ConfigFile::locate({}, dir.filePath(QStringLiteral("repo/src/deep"))),
                 repo + QStringLiteral("/.choragen/config.json"));
        QCOMPARE(ConfigFile::locate(dir.filePath(QStringLiteral("repo/src")), repo),
                 repo + QStringLiteral("/src/.choragen/config.json"));
    }

#ifdef Q_OS_UNIX
    // POSIX permissions, umask and process ids; Windows has ACLs instead.
    void staleLockIsRecovered()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        // A lock left by a process that has exited.
        QProcess gone;
        gone.start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("echo $$")});
        QVERIFY(gone.waitForFinished());
        const qint64 deadPid = gone.readAllStandardOutput().trimmed().toLongLong();
        QVERIFY(deadPid > 0);
        QVERIFY(::kill(pid_t(deadPid), 0) != 0);
        QFile lock(path + QStringLiteral(".lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        lock.write(QByteArray::number(deadPid) + "\nchoragen\n"
                   + QSysInfo::machineHostName().toUtf8() + "\n");
        lock.close();

        ConfigLock configLock(path);
        const Error error = configLock.acquire(2000);
        QVERIFY2(error.ok(), qPrintable(error.message));
        QVERIFY(configLock.isLocked());
    }

#endif

    void ownerlessLockLeftByAKillIsRecovered()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        // A writer killed between creating the lock file and writing its owner into it.
        QVERIFY(leaveOwnerlessLock(path + QStringLiteral(".lock")));
        ConfigLock configLock(path);
        const Error error = configLock.acquire(3000);
        QVERIFY2(error.ok(), qPrintable(error.message));
    }

    void liveLockMakesWritersWait()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        ConfigLock first(path);
        QVERIFY(first.acquire().ok());
        ConfigLock second(path);
        const Error error = second.acquire(200);
        QCOMPARE(error.code, ErrorCode::LockBusy);
        QVERIFY(error.message.contains(QString::number(QCoreApplication::applicationPid())));
        first.release();
        QVERIFY(second.acquire(200).ok());
    }

    void tryAcquireNeverWaits()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        ConfigLock first(path);
        QVERIFY(first.tryAcquire().ok());
        ConfigLock second(path);
        QCOMPARE(second.tryAcquire().code, ErrorCode::LockBusy);
        QVERIFY(!second.isLocked());
        first.release();
        QVERIFY(second.tryAcquire().ok());
    }

    // The window's way to write: the call returns at once, and the write completes from the event
    // loop once the other holder lets go.
    void updateConfigLaterWaitsForTheLockInTheEventLoop()
    {
        HeldLockUpdate update;
        QVERIFY(update.start());
        QVERIFY(!update.result.has_value());
        update.other.release();
        QVERIFY(update.finished());
        QVERIFY2(update.result->ok(), qPrintable(update.result->message));
        ConfigFile config(update.path);
        QVERIFY(config.load().ok());
        QCOMPARE(config.storageMode(), std::optional(StorageMode::File));
    }

    void updateConfigLaterGivesUpAfterItsTimeout()
    {
        HeldLockUpdate update;
        QVERIFY(update.start(300));
        QVERIFY(update.finished());
        QCOMPARE(update.result->code, ErrorCode::LockBusy);
        QCOMPARE(readRaw(update.path), QByteArray("{}"));
    }

    void duplicateMembersAreRefusedWithPosition_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("position");
        QTest::addColumn<QString>("member");
        QTest::newRow("two keys for one provider")
            << QByteArray("{\"providers\": {\"anthropic\": {\"apiKey\": \"sk-ant-FAKE-A\",\n"
                          "  \"apiKey\": \"sk-ant-FAKE-B\"}}}\n")
            << u":2:3:"_s << u"\"apiKey\""_s;
        QTest::newRow("two providers members")
            << QByteArray("{\n  \"providers\": {\"anthropic\": {\"apiKey\": \"sk-ant-FAKE-A\"}},\n"
                          "  \"providers\": {\"openai\": {\"apiKey\": \"sk-FAKE-B\"}}\n}\n")
            << u":3:3:"_s << u"\"providers\""_s;
        QTest::newRow("nested in an array")
            << QByteArray("{\"list\": [{\"a\": 1}, {\"a\": 1, \"a\": 2}]}") << u":1:30:"_s
            << u"name"_s;
        QTest::newRow("a name the format does not define is not quoted")
            << QByteArray("{\"sk-ant-FAKE/x\": 1, \"sk-ant-FAKE/x\": 2}") << u":1:22:"_s
            << u"name"_s;
    }

    void duplicateMembersAreRefusedWithPosition()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, position);
        QFETCH(QString, member);
        verifyRefused(content, position, {u"duplicate member "_s + member});
    }

    void sameNamesInDifferentObjectsAreFine()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(
            dir,
            "{\"providers\": {\"anthropic\": {\"apiKey\": \"a\"}, \"openai\": {\"apiKey\": \"b\"}},"
            " \"x\": [{\"apiKey\": 1}, {\"apiKey\": 2}]}");
        ConfigFile config(path);
        const Error error = config.load();
        QVERIFY2(error.ok(), qPrintable(error.message));
    }

#ifdef Q_OS_UNIX
    void nonRegularFileIsRefusedWithoutOpening_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("fifo") << u"fifo"_s;
        QTest::newRow("link to a fifo") << u"link to fifo"_s;
        QTest::newRow("device") << u"device"_s;
    }

    void nonRegularFileIsRefusedWithoutOpening()
    {
        QFETCH(QString, kind);
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(u".choragen"_s);
        const QString path = dir.filePath(u".choragen/config.json"_s);
        const QString fifo = kind == u"link to fifo"_s ? dir.filePath(u"elsewhere"_s) : path;
        if (kind == u"device"_s) {
            QVERIFY(QFile::link(u"/dev/zero"_s, path));
        } else {
            QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
            if (fifo != path)
                QVERIFY(QFile::link(fifo, path));
        }
        // Opening a FIFO with no writer blocks for ever: load() must refuse before it opens.
        ConfigFile config(path);
        const Error error = config.load();
        QCOMPARE(error.code, ErrorCode::ConfigInvalid);
        QVERIFY2(error.message.contains(u"not a regular file"_s), qPrintable(error.message));
    }

    void lockFileThatIsAFifoIsRefused()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        QCOMPARE(::mkfifo(QFile::encodeName(path + u".lock"_s).constData(), 0600), 0);
        // Reading it to find its owner would block for ever.
        ConfigLock lock(path);
        const Error error = lock.acquire(200);
        QCOMPARE(error.code, ErrorCode::ConfigInvalid);
        QVERIFY2(error.message.contains(u"not a regular file"_s), qPrintable(error.message));
    }

    void guardFileThatIsAFifoIsNotWaitedOn()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        const QString lockPath = path + u".lock"_s;
        QVERIFY(leaveOwnerlessLock(lockPath));
        QCOMPARE(::mkfifo(QFile::encodeName(lockPath + u".rmlock"_s).constData(), 0600), 0);
        // The ownerless lock is not removed without its guard, and the wait ends on time.
        ConfigLock configLock(path);
        QCOMPARE(configLock.acquire(300).code, ErrorCode::LockBusy);
        QVERIFY(QFileInfo::exists(lockPath));
    }

    void guardedStaleLockRemovalWaitsForTheGuard()
    {
        QTemporaryDir dir;
        const QString path = writeRaw(dir, "{}");
        const QString lockPath = path + u".lock"_s;
        QVERIFY(leaveOwnerlessLock(lockPath));
        // Another contender is deciding about the same ownerless lock: its decision counts, and
        // nobody else may remove the lock file meanwhile.
        QLockFile guard(lockPath + u".rmlock"_s);
        QVERIFY(guard.tryLock(0));
        ConfigLock configLock(path);
        QCOMPARE(configLock.acquire(500).code, ErrorCode::LockBusy);
        QVERIFY(QFileInfo::exists(lockPath));
        guard.unlock();
        const Error error = configLock.acquire(3000);
        QVERIFY2(error.ok(), qPrintable(error.message));
    }

    void symlinkedConfigIsLockedAtItsTarget()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(u"shared"_s);
        const QString real = dir.filePath(u"shared/config.json"_s);
        QFile file(real);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{}");
        file.close();
        // Two projects share one config through links; their writers must exclude each other.
        QDir(dir.path()).mkpath(u"a/.choragen"_s);
        QDir(dir.path()).mkpath(u"b/.choragen"_s);
        const QString linkA = dir.filePath(u"a/.choragen/config.json"_s);
        const QString linkB = dir.filePath(u"b/.choragen/config.json"_s);
        QVERIFY(QFile::link(real, linkA));
        QVERIFY(QFile::link(real, linkB));
        ConfigLock first(linkA);
        QVERIFY(first.acquire().ok());
        QVERIFY(QFileInfo::exists(real + u".lock"_s));
        QVERIFY(!QFileInfo::exists(linkA + u".lock"_s));
        ConfigLock second(linkB);
        QCOMPARE(second.acquire(200).code, ErrorCode::LockBusy);
        first.release();
        QVERIFY(second.acquire(200).ok());
    }
#endif
};

QTEST_GUILESS_MAIN(TestConfigFile)
#include "TestConfigFile.moc"
