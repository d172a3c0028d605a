#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

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

QByteArray secretToolLookup(const QString &providerId, bool *found)
{
    return secretToolLookupAccount(providerId + QStringLiteral("-api-key"), found);
}

QByteArray secretToolLookupAccount(const QString &account, bool *found)
{
    QProcess process;
    process.start(QStringLiteral("secret-tool"),
                  {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("choragen"),
                   QStringLiteral("user"), account});
    process.waitForFinished(30000);
    const QByteArray out = process.readAllStandardOutput();
    if (found)
        *found = process.exitCode() == 0 && !out.isEmpty();
    return out;
}

bool secretToolStore(const QString &providerId, const QByteArray &secret)
{
    const QString account = providerId + QStringLiteral("-api-key");
    QProcess process;
    process.start(QStringLiteral("secret-tool"),
                  {QStringLiteral("store"), QStringLiteral("--label"), account,
                   QStringLiteral("service"), QStringLiteral("choragen"), QStringLiteral("account"),
                   account, QStringLiteral("username"), account, QStringLiteral("server"),
                   QStringLiteral("choragen"), QStringLiteral("user"), account,
                   QStringLiteral("type"), QStringLiteral("plaintext")});
    if (!process.waitForStarted(30000))
        return false;
    // secret-tool stores what it reads on standard input, without a trailing newline if none.
    process.write(secret);
    process.closeWriteChannel();
    process.waitForFinished(30000);
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

void clearKeychain()
{
    QProcess process;
    process.start(QStringLiteral("secret-tool"),
                  {QStringLiteral("clear"), QStringLiteral("server"), QStringLiteral("choragen")});
    process.waitForFinished(30000);
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

QByteArray configWithKeys(const QStringList &ids, int generation)
{
    QJsonObject providers;
    for (const QString &id : ids)
        providers.insert(
            id,
            QJsonObject {{QStringLiteral("apiKey"), QString::fromUtf8(fakeKey(id, generation))}});
    QJsonObject root;
    root.insert(QStringLiteral("providers"), providers);
    root.insert(QStringLiteral("settings"),
                QJsonObject {{QStringLiteral("ui"),
                              QJsonObject {{QStringLiteral("theme"), QStringLiteral("dark")}}}});
    return QJsonDocument(root).toJson();
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

} // namespace TestSupport
