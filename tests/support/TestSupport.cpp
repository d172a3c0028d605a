#include "TestSupport.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusReply>
#include <QDBusVariant>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

namespace TestSupport {

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : env.keys()) {
        if (name.endsWith(QLatin1String("_API_KEY"))
            || name.startsWith(QLatin1String("CHORAGEN_CRASH")))
            env.remove(name);
    }
    return env;
}

QProcessEnvironment withoutSessionBus(QProcessEnvironment environment, const QString &runtimeDir)
{
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtimeDir);
    return environment;
}

QString choragenBinary()
{
    return QStringLiteral(CHORAGEN_BINARY);
}

Run choragen(const QStringList &arguments, const QByteArray &input,
             const QProcessEnvironment &environment, int timeoutMs)
{
    return runProgram(choragenBinary(), arguments, input, environment, timeoutMs);
}

Run runProgram(const QString &program, const QStringList &arguments, const QByteArray &input,
               const QProcessEnvironment &environment, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    Run run;
    if (!process.waitForStarted(10000))
        return run;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    run.crashed = process.exitStatus() == QProcess::CrashExit;
    run.exitCode = run.crashed ? -1 : process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QByteArray secretToolLookupBy(const QStringList &attributes, bool *found)
{
    QProcess process;
    process.start(QStringLiteral("secret-tool"),
                  QStringList {QStringLiteral("lookup")} + attributes);
    process.waitForFinished(30000);
    const QByteArray out = process.readAllStandardOutput();
    if (found)
        *found = process.exitCode() == 0 && !out.isEmpty();
    return out;
}

QByteArray secretToolLookup(const QString &providerId, bool *found)
{
    return secretToolLookupAccount(providerId + QStringLiteral("-api-key"), found);
}

QByteArray secretToolLookupAccount(const QString &account, bool *found)
{
    return secretToolLookupBy(
        {QStringLiteral("service"), QStringLiteral("choragen"), QStringLiteral("account"), account},
        found);
}

bool secretToolStore(const QString &providerId, const QByteArray &secret)
{
    const QString account = providerId + QStringLiteral("-api-key");
    return secretToolStore(
        {QStringLiteral("xdg:schema"), QStringLiteral("org.freedesktop.Secret.Generic"),
         QStringLiteral("service"), QStringLiteral("choragen"), QStringLiteral("account"), account,
         QStringLiteral("username"), account, QStringLiteral("server"), QStringLiteral("choragen"),
         QStringLiteral("user"), account, QStringLiteral("type"), QStringLiteral("plaintext")},
        secret);
}

bool secretToolStore(const QStringList &attributes, const QByteArray &secret)
{
    QProcess process;
    process.start(QStringLiteral("secret-tool"),
                  QStringList {QStringLiteral("store"), QStringLiteral("--label=test item")}
                      + attributes);
    process.waitForStarted(30000);
    process.write(secret);
    process.closeWriteChannel();
    process.waitForFinished(30000);
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void clearKeychain()
{
    for (const QString &attribute : {QStringLiteral("service"), QStringLiteral("server")}) {
        QProcess process;
        process.start(QStringLiteral("secret-tool"),
                      {QStringLiteral("clear"), attribute, QStringLiteral("choragen")});
        process.waitForFinished(30000);
    }
}

QList<QMap<QString, QString>> keychainItems(const QString &account)
{
    static const QMetaType registered = qDBusRegisterMetaType<QMap<QString, QString>>();
    Q_UNUSED(registered)
    const QString service = QStringLiteral("org.freedesktop.secrets");
    QDBusConnection bus = QDBusConnection::sessionBus();
    QStringList paths;
    const QList<std::pair<QString, QString>> forms {
        {QStringLiteral("service"), QStringLiteral("account")},
        {QStringLiteral("service"), QStringLiteral("username")},
        {QStringLiteral("server"), QStringLiteral("user")}};
    for (const auto &[serviceKey, accountKey] : forms) {
        QDBusMessage search = QDBusMessage::createMethodCall(
            service, QStringLiteral("/org/freedesktop/secrets"),
            QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("SearchItems"));
        search << QVariant::fromValue(QMap<QString, QString> {
            {serviceKey, QStringLiteral("choragen")}, {accountKey, account}});
        const QDBusMessage reply = bus.call(search, QDBus::Block, 30000);
        for (int i = 0; i < reply.arguments().size(); ++i) {
            const auto list = qdbus_cast<QList<QDBusObjectPath>>(reply.arguments().at(i));
            for (const QDBusObjectPath &path : list) {
                if (!paths.contains(path.path()))
                    paths.append(path.path());
            }
        }
    }
    QList<QMap<QString, QString>> items;
    for (const QString &path : paths) {
        QDBusInterface properties(service, path, QStringLiteral("org.freedesktop.DBus.Properties"),
                                  bus);
        const QDBusReply<QDBusVariant> attributes
            = properties.call(QStringLiteral("Get"), QStringLiteral("org.freedesktop.Secret.Item"),
                              QStringLiteral("Attributes"));
        items.append(attributes.isValid()
                         ? qdbus_cast<QMap<QString, QString>>(attributes.value().variant())
                         : QMap<QString, QString>());
    }
    return items;
}

QMap<QString, QString> fullAttributes(const QString &account)
{
    return {{QStringLiteral("xdg:schema"), QStringLiteral("org.freedesktop.Secret.Generic")},
            {QStringLiteral("service"), QStringLiteral("choragen")},
            {QStringLiteral("account"), account},
            {QStringLiteral("username"), account},
            {QStringLiteral("server"), QStringLiteral("choragen")},
            {QStringLiteral("user"), account},
            {QStringLiteral("type"), QStringLiteral("plaintext")}};
}

namespace {

Run runClient(Client client, const QString &script, const QString &account,
              const QByteArray &secret)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CHORAGEN_TEST_ACCOUNT"), account);
    if (!secret.isNull())
        env.insert(QStringLiteral("CHORAGEN_TEST_KEY"), QString::fromUtf8(secret));
    if (client == Client::PythonKeyring)
        // Debian's interpreter, which has python3-keyring.
        return runProgram(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script}, {},
                          env);
    env.insert(QStringLiteral("CHORAGEN_TEST_KEYTAR"),
               QStringLiteral(KEYTAR_DIR "/node_modules/keytar"));
    env.insert(QStringLiteral("CHORAGEN_TEST_NAPI"),
               QStringLiteral(KEYTAR_DIR "/node_modules/@napi-rs/keyring"));
    return runProgram(QStringLiteral("node"), {QStringLiteral("-e"), script}, {}, env);
}

} // namespace

QByteArray clientGet(Client client, const QString &account, bool *found)
{
    QString script;
    switch (client) {
    case Client::PythonKeyring:
        script = QStringLiteral(
            "import keyring, os, sys\n"
            "v = keyring.get_password('choragen', os.environ['CHORAGEN_TEST_ACCOUNT'])\n"
            "sys.exit(3) if v is None else sys.stdout.write(v)\n");
        break;
    case Client::Keytar:
        script = QStringLiteral(
            "require(process.env.CHORAGEN_TEST_KEYTAR)"
            ".getPassword('choragen', process.env.CHORAGEN_TEST_ACCOUNT)"
            ".then(v => { if (v === null) process.exit(3); process.stdout.write(v); })"
            ".catch(() => process.exit(1));");
        break;
    case Client::NapiKeyring:
        script = QStringLiteral(
            "const {Entry} = require(process.env.CHORAGEN_TEST_NAPI);"
            "const v = new Entry('choragen', process.env.CHORAGEN_TEST_ACCOUNT).getPassword();"
            "if (v === null || v === undefined) process.exit(3); process.stdout.write(v);");
        break;
    }
    const Run run = runClient(client, script, account, QByteArray());
    if (found)
        *found = run.exitCode == 0;
    return run.exitCode == 0 ? run.out : QByteArray();
}

bool clientSet(Client client, const QString &account, const QByteArray &secret)
{
    QString script;
    switch (client) {
    case Client::PythonKeyring:
        script = QStringLiteral(
            "import keyring, os\n"
            "keyring.set_password('choragen', os.environ['CHORAGEN_TEST_ACCOUNT'], "
            "os.environ['CHORAGEN_TEST_KEY'])\n");
        break;
    case Client::Keytar:
        script = QStringLiteral("require(process.env.CHORAGEN_TEST_KEYTAR)"
                                ".setPassword('choragen', process.env.CHORAGEN_TEST_ACCOUNT, "
                                "process.env.CHORAGEN_TEST_KEY).catch(() => process.exit(1));");
        break;
    case Client::NapiKeyring:
        script = QStringLiteral("const {Entry} = require(process.env.CHORAGEN_TEST_NAPI);"
                                "new Entry('choragen', process.env.CHORAGEN_TEST_ACCOUNT)"
                                ".setPassword(process.env.CHORAGEN_TEST_KEY);");
        break;
    }
    return runClient(client, script, account, secret).exitCode == 0;
}

int prepareKeytar(QByteArray *log)
{
    const Run run = runProgram(QStringLiteral("sh"),
                               {QStringLiteral(KEYTAR_FIXTURE), QStringLiteral(KEYTAR_DIR)}, {},
                               QProcessEnvironment::systemEnvironment(), 600000);
    if (log)
        *log = run.all();
    return run.exitCode;
}

QString configPath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".choragen/config.json"));
}

void writeConfig(const QString &projectDir, const QByteArray &content)
{
    QDir(projectDir).mkpath(QStringLiteral(".choragen"));
    QFile::setPermissions(QDir(projectDir).filePath(QStringLiteral(".choragen")),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QFile file(configPath(projectDir));
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(content);
    file.close();
    QFile::setPermissions(configPath(projectDir), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

QByteArray readConfig(const QString &projectDir)
{
    QFile file(configPath(projectDir));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

Run git(const QString &workDir, const QStringList &arguments)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_CONFIG_GLOBAL"), QStringLiteral("/dev/null"));
    const QStringList identity
        = {QStringLiteral("-C"), workDir,
           QStringLiteral("-c"), QStringLiteral("user.name=Choragen Test"),
           QStringLiteral("-c"), QStringLiteral("user.email=test@example.invalid"),
           QStringLiteral("-c"), QStringLiteral("init.defaultBranch=main")};
    return runProgram(QStringLiteral("git"), identity + arguments, {}, env);
}

bool gitInit(const QString &workDir)
{
    return git(workDir, {QStringLiteral("init"), QStringLiteral("-q")}).exitCode == 0;
}

bool writeGitignore(const QString &workDir, const QByteArray &patterns)
{
    QFile file(QDir(workDir).filePath(QStringLiteral(".gitignore")));
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(patterns) == patterns.size();
}

QString gitCommitAll(const QString &workDir, const QString &message)
{
    git(workDir, {QStringLiteral("add"), QStringLiteral("-A")});
    if (git(workDir,
            {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), message})
            .exitCode
        != 0)
        return {};
    return QString::fromLatin1(
        git(workDir,
            {QStringLiteral("rev-parse"), QStringLiteral("--short"), QStringLiteral("HEAD")})
            .out.trimmed());
}

bool isValidJsonObject(const QByteArray &content)
{
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(content, &error);
    return error.error == QJsonParseError::NoError && doc.isObject();
}

QByteArray fakeKey(const QString &providerId, int number)
{
    return QStringLiteral("sk-FAKE-%1-%2-not-a-real-key-0000")
        .arg(providerId)
        .arg(number, 4, 10, QLatin1Char('0'))
        .toUtf8();
}

QStringList providerIds(int count)
{
    if (count == 3)
        return {QStringLiteral("anthropic"), QStringLiteral("openai"), QStringLiteral("google")};
    QStringList ids;
    for (int i = 0; i < count; ++i)
        ids << QStringLiteral("p%1").arg(i, 3, 10, QLatin1Char('0'));
    return ids;
}

namespace {

// The settings page's shape: @p keys (id → key) as providers.<id>.apiKey, beside its settings.
QByteArray settingsPageShape(const QList<std::pair<QString, QByteArray>> &keys)
{
    QJsonObject providers;
    for (const auto &[id, key] : keys)
        providers.insert(id, QJsonObject {{QStringLiteral("apiKey"), QString::fromUtf8(key)}});
    QJsonObject root;
    root.insert(QStringLiteral("providers"), providers);
    root.insert(QStringLiteral("settings"),
                QJsonObject {{QStringLiteral("ui"),
                              QJsonObject {{QStringLiteral("theme"), QStringLiteral("dark")}}}});
    return QJsonDocument(root).toJson();
}

QJsonObject withId(const QJsonArray &entries, const QString &id)
{
    for (const QJsonValue &value : entries) {
        if (value.toObject().value(QStringLiteral("id")).toString() == id)
            return value.toObject();
    }
    return {};
}

} // namespace

QByteArray configWithKeys(const QStringList &ids, int generation)
{
    QList<std::pair<QString, QByteArray>> keys;
    for (const QString &id : ids)
        keys.append({id, fakeKey(id, generation)});
    return settingsPageShape(keys);
}

QByteArray configWithKey(const QString &providerId, const QByteArray &key)
{
    return settingsPageShape({{providerId, key}});
}

QJsonObject jsonOut(const Run &run)
{
    return QJsonDocument::fromJson(run.out).object();
}

QJsonObject providerStatus(const QJsonObject &status, const QString &providerId)
{
    return withId(status.value(QStringLiteral("providers")).toArray(), providerId);
}

QJsonObject doctorCheck(const QJsonObject &doctor, const QString &checkId)
{
    return withId(doctor.value(QStringLiteral("checks")).toArray(), checkId);
}

QByteArray legacyConfigWithKeys(const QStringList &ids, int generation)
{
    QJsonObject keys;
    for (const QString &id : ids)
        keys.insert(id, QString::fromUtf8(fakeKey(id, generation)));
    QJsonObject root;
    root.insert(QStringLiteral("model"), QStringLiteral("claude-test"));
    root.insert(QStringLiteral("apiKeys"), keys);
    return QJsonDocument(root).toJson();
}

QByteArray settingsPageServerUrl()
{
    return QByteArrayLiteral("http://localhost:11434");
}

namespace {

// The settings page's file from its local server on: what stays once the keys are gone.
QByteArray settingsPageTail()
{
    return QByteArray(R"(
    "ollama": {
      "baseUrl": "SERVER_URL"
    }
  },
  "settings": {
    "projectsFolder": "/home/me/work",
    "ui": {
      "theme": "dark"
    }
  })")
        .replace("SERVER_URL", settingsPageServerUrl());
}

} // namespace

QByteArray settingsPageConfig()
{
    return R"({
  "providers": {
    "anthropic": {
      "apiKey": "sk-ant-FAKE-settings-page-not-a-real-key-1"
    },
    "openai": {
      "apiKey": "sk-FAKE-settings-page-not-a-real-key-2"
    },
    "google": {
      "apiKey": "AIzaFAKE-settings-page-not-a-real-key-3"
    },)" + settingsPageTail()
        + "\n}";
}

QByteArray settingsPageConfigWithoutKeys(const QByteArray &members)
{
    QByteArray content = "{\n  \"providers\": {" + settingsPageTail();
    if (!members.isEmpty())
        content += ",\n  " + members;
    return content + "\n}\n";
}

QJsonObject keysInConfig(const QByteArray &content)
{
    const QJsonObject root = QJsonDocument::fromJson(content).object();
    QJsonObject keys;
    const QJsonObject providers = root.value(QStringLiteral("providers")).toObject();
    for (auto it = providers.begin(); it != providers.end(); ++it) {
        const QJsonValue key = it.value().toObject().value(QStringLiteral("apiKey"));
        if (key.isString() && !key.toString().isEmpty())
            keys.insert(it.key(), key);
    }
    const QJsonObject legacy = root.value(QStringLiteral("apiKeys")).toObject();
    for (auto it = legacy.begin(); it != legacy.end(); ++it) {
        if (!keys.contains(it.key()) && it.value().isString())
            keys.insert(it.key(), it.value());
    }
    return keys;
}

void profileRows()
{
    QTest::addColumn<QString>("profile");
    QTest::newRow("default profile") << QString();
    QTest::newRow("profile work") << QStringLiteral("work");
}

bool secretServiceRunning()
{
    QProcess process;
    process.start(
        QStringLiteral("secret-tool"),
        {QStringLiteral("search"), QStringLiteral("server"), QStringLiteral("choragen-probe")});
    process.waitForFinished(30000);
    return process.exitStatus() == QProcess::NormalExit
        && !process.readAllStandardError().contains("not activate");
}

bool waitForStandardError(QProcess &process, QString &err, const QString &text)
{
    process.setReadChannel(QProcess::StandardError);
    const QDeadlineTimer deadline(30000);
    while (!err.contains(text) && !deadline.hasExpired()) {
        if (!process.waitForReadyRead(200) && process.state() == QProcess::NotRunning)
            break;
        err += QString::fromLocal8Bit(process.readAllStandardError());
    }
    err += QString::fromLocal8Bit(process.readAllStandardError());
    return err.contains(text);
}

void ProjectFixture::setUpProject(const QString &subfolder)
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_project = m_dir->path();
    if (!subfolder.isEmpty()) {
        QDir(m_project).mkpath(subfolder);
        m_project = m_dir->filePath(subfolder);
    }
}

void ProjectFixture::setUpKeychainProject(const QString &subfolder)
{
    clearKeychain();
    setUpProject(subfolder);
}

QString ProjectFixture::scratchPath(const QString &name) const
{
    return m_dir->filePath(name);
}

QStringList ProjectFixture::at(const QStringList &arguments) const
{
    return QStringList {QStringLiteral("--project"), m_project} + arguments;
}

} // namespace TestSupport
