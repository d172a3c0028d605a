#include "Doctor.h"

#include "Await.h"
#include "CredentialStore.h"
#include "KeychainFix.h"
#include "KeychainNaming.h"
#include "ProjectExposure.h"
#include "ProviderRegistry.h"
#include "Secret.h"
#include "Terminal.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

#if CHORAGEN_WITH_KEYCHAIN && defined(Q_OS_LINUX)
#include <QFile>
#endif

namespace Choragen::Cli {

namespace {

template<typename T> using Start = std::function<void(QObject *, std::function<void(T)>)>;

struct Answer
{
    Error error;
    QByteArray secret;
};

Answer read(SecretBackend &backend, const QString &id)
{
    return await<Answer>(Start<Answer>([&](QObject *context, std::function<void(Answer)> done) {
        backend.read(id, context, [done](const Error &error, const QByteArray &secret) {
            done(Answer {error, secret});
        });
    }));
}

Error write(SecretBackend &backend, const QString &id, const QByteArray &value)
{
    return await<Error>(Start<Error>([&](QObject *context, std::function<void(Error)> done) {
        backend.write(id, value, context, done);
    }));
}

Error remove(SecretBackend &backend, const QString &id)
{
    return await<Error>(Start<Error>([&](QObject *context, std::function<void(Error)> done) {
        backend.remove(id, context, done);
    }));
}

QString randomHex(int bytes)
{
    QByteArray random(bytes, Qt::Uninitialized);
    for (char &c : random)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(random.toHex());
}

#ifndef Q_OS_WIN
// Qt's permission flags as a Unix mode, e.g. 0644.
int unixMode(QFileDevice::Permissions permissions)
{
    const int bits = int(permissions);
    return (((bits >> 12) & 7) << 6) | (((bits >> 4) & 7) << 3) | (bits & 7);
}

QString octal(int mode)
{
    return QStringLiteral("0%1").arg(mode, 3, 8, QLatin1Char('0'));
}
#endif

} // namespace

Doctor::Doctor(CredentialStore &store, bool json)
    : m_store(store)
    , m_json(json)
{
}

Doctor::~Doctor() = default;

int Doctor::run()
{
    // Loose permissions are reported below, not fixed behind the user's back.
    m_store.setTightenPermissions(false);
    checkConfigFile();
    checkKeychain();
    if (!m_configInvalid) {
        m_registry = std::make_unique<ProviderRegistry>(m_store.config());
        checkEnvironment();
        checkConflicts();
        checkExposure();
    }
    print();
    if (m_configInvalid)
        return 4;
    if (m_keychainUnavailable)
        return 3;
    for (const DoctorCheck &check : m_checks) {
        if (!check.ok)
            return 1;
    }
    return 0;
}

void Doctor::checkConfigFile()
{
    const QString path = m_store.configPath();
    const QFileInfo file(path);
    const QString folder = file.absolutePath();

    DoctorCheck permissions {QStringLiteral("permissions"), QStringLiteral("Permissions")};
#ifdef Q_OS_WIN
    permissions.detail
        = QStringLiteral("not checked on Windows (the profile folder's ACL applies)");
#else
    QStringList loose;
    QStringList fixes;
    if (file.exists()) {
        const int mode = unixMode(file.permissions());
        if (mode & 077) {
            loose << QStringLiteral("%1 is %2").arg(path, octal(mode));
            fixes << QStringLiteral("chmod 600 %1").arg(path);
        }
    }
    if (QFileInfo(folder).isDir()) {
        const int mode = unixMode(QFileInfo(folder).permissions());
        if (mode & 077) {
            loose << QStringLiteral("%1 is %2").arg(folder, octal(mode));
            fixes << QStringLiteral("chmod 700 %1").arg(folder);
        }
    }
    permissions.ok = loose.isEmpty();
    permissions.detail = permissions.ok
        ? QStringLiteral("the file is 0600 and its folder 0700 (or they do not exist yet)")
        : loose.join(QStringLiteral("; ")) + QStringLiteral(": other users may read the keys");
    if (!permissions.ok)
        permissions.fix = QStringLiteral("run: %1").arg(fixes.join(QStringLiteral(" && ")));
#endif

    DoctorCheck link {QStringLiteral("symlink"), QStringLiteral("Symbolic link")};
    if (file.isSymLink()) {
        const QString target = file.symLinkTarget();
        link.ok = QFileInfo::exists(target);
        link.detail = link.ok
            ? QStringLiteral("%1 is a link to %2; it is followed, and saves replace the target")
                  .arg(path, target)
            : QStringLiteral("%1 is a link to %2, which does not exist").arg(path, target);
        if (!link.ok)
            link.fix = QStringLiteral("point the link at an existing file, or remove it");
    } else {
        link.detail = QStringLiteral("not a symbolic link");
    }

    DoctorCheck temporaries {QStringLiteral("temporaries"), QStringLiteral("Leftover temporaries")};
    const QStringList leftovers = QDir(folder).entryList(
        {file.fileName() + QStringLiteral(".saving-*")}, QDir::Files | QDir::Hidden | QDir::System);
    temporaries.ok = leftovers.isEmpty();
    temporaries.detail = temporaries.ok
        ? QStringLiteral("none")
        : QStringLiteral("%1 in %2, left by a save that was interrupted; they may hold keys")
              .arg(leftovers.join(QStringLiteral(", ")), folder);
    if (!temporaries.ok)
        temporaries.fix = QStringLiteral("check that %1 is complete, then delete them").arg(path);

    DoctorCheck parse {QStringLiteral("config-file"), QStringLiteral("Config file")};
    const Error error = m_store.reload();
    if (!error.ok()) {
        parse.ok = false;
        parse.detail = error.message;
        parse.fix = error.fix;
        m_configInvalid = error.code == ErrorCode::ConfigInvalid;
    } else {
        parse.detail = m_store.config().exists()
            ? QStringLiteral("%1 parses").arg(path)
            : QStringLiteral("%1 does not exist yet").arg(path);
        for (const QString &warning : m_store.config().warnings())
            parse.detail += QStringLiteral("; ") + warning;
    }
    m_checks << parse << permissions << link << temporaries;
}

void Doctor::checkKeychain()
{
    DoctorCheck check {QStringLiteral("keychain"), QStringLiteral("Keychain round trip")};
    SecretBackend &keychain = m_store.keychain();
    CredentialStore &store = m_store;
    const BackendStatus status = await<BackendStatus>(
        Start<BackendStatus>([&](QObject *context, std::function<void(BackendStatus)> done) {
            store.probeKeychain(context, done);
        }));
    if (!status.available) {
        // A project that chose the file does not need the keychain: worth a line, not a failure.
        const bool needed = store.configuredMode() != StorageMode::File;
        check.ok = !needed;
        check.detail = QStringLiteral("%1: %2%3")
                           .arg(status.backend, status.reason.message,
                                needed ? QString()
                                       : QStringLiteral(" (not used: this project keeps its keys "
                                                        "in the file)"));
        if (needed)
            check.fix = fixForKeychainError(status.reason);
        m_keychainUnavailable = store.configuredMode() == StorageMode::Keychain;
        m_checks << check;
        return;
    }
    // A unique entry that no program uses, holding no key; removed whatever happens.
    const QString id = QStringLiteral("choragen-doctor-") + randomHex(6);
    const QByteArray value = QStringLiteral("doctor-check-%1").arg(randomHex(8)).toLatin1();
    const QString account = keychainKey(id);
    QString failure;
    QString fix;
    if (const Error written = write(keychain, id, value); !written.ok()) {
        failure = QStringLiteral("writing a test entry failed: %1").arg(written.message);
        fix = written.fix;
    } else {
        Answer back = read(keychain, id);
        if (!back.error.ok())
            failure
                = QStringLiteral("reading the test entry back failed: %1").arg(back.error.message);
        else if (back.secret != value)
            failure = QStringLiteral("the test entry read back differs from what was written");
    }
    const Error removed = remove(keychain, id);
    const Answer gone = read(keychain, id);
    if (!gone.error.isNotFound()) {
        // Say so even when the round trip failed earlier: a test entry must never stay behind.
        failure += QStringLiteral("%1the test entry %2 is still there after deleting it (%3)")
                       .arg(failure.isEmpty() ? QString() : QStringLiteral("; "), account,
                            removed.ok() ? QStringLiteral("the delete answered success")
                                         : removed.message);
        fix = QStringLiteral("unlock the keychain, then delete the entry %1 of service %2 "
                             "(e.g. secret-tool clear service %2 account %1)")
                  .arg(account, keychainService());
    } else if (failure.isEmpty() && !removed.ok()) {
        failure = QStringLiteral("deleting the test entry failed: %1").arg(removed.message);
    }
    // On Linux the backend's name says which program answers: "gnome-keyring Secret Service".
    const QString backend = keychain.name();
    check.ok = failure.isEmpty();
    check.detail = check.ok
        ? QStringLiteral("wrote, read back and deleted a test entry in %1").arg(backend)
        : QStringLiteral("%1: %2").arg(backend, failure);
    if (!check.ok && fix.isEmpty())
        fix = QStringLiteral("check that the keychain is unlocked and allows Choragen to store "
                             "entries, then run config:doctor again");
    check.fix = check.ok ? QString() : fix;
    m_checks << check;
}

void Doctor::checkEnvironment()
{
    DoctorCheck check {QStringLiteral("environment"), QStringLiteral("Environment variables")};
    QStringList overrides;
    QStringList differ;
    const bool keychainUsable = m_store.lastProbe() && m_store.lastProbe()->available
        && m_store.configuredMode() != StorageMode::File;
    for (const Provider &provider : m_registry->providers()) {
        QString variable;
        QByteArray fromEnv = environmentKey(provider, &variable);
        if (fromEnv.isEmpty() || !provider.needsKey)
            continue;
        QByteArray inFile = m_store.config().apiKey(provider.id);
        Answer inKeychain;
        if (keychainUsable)
            inKeychain = read(m_store.keychain(), provider.id);
        const bool fileDiffers = !inFile.isEmpty() && !secretsEqual(inFile, fromEnv);
        const bool keychainDiffers = inKeychain.error.ok() && !inKeychain.secret.isEmpty()
            && !secretsEqual(inKeychain.secret, fromEnv);
        overrides << QStringLiteral("$%1 (%2)").arg(variable, provider.id);
        if (fileDiffers || keychainDiffers)
            differ << QStringLiteral("$%1 overrides a different key stored for %2 in %3")
                          .arg(variable, provider.id,
                               fileDiffers ? QStringLiteral("the config file")
                                           : QStringLiteral("the keychain"));
        wipeSecret(fromEnv);
        wipeSecret(inFile);
        wipeSecret(inKeychain.secret);
    }
    check.ok = differ.isEmpty();
    if (!check.ok) {
        check.detail = differ.join(QStringLiteral("; "));
        check.fix = QStringLiteral("unset the variable to use the stored key, or store the "
                                   "variable's key with config:set");
    } else if (!overrides.isEmpty()) {
        check.detail = QStringLiteral("set, and used before any stored key: %1")
                           .arg(overrides.join(QStringLiteral(", ")));
    } else {
        check.detail = QStringLiteral("no provider variable is set");
    }
    m_checks << check;
}

void Doctor::checkConflicts()
{
    DoctorCheck conflicts {QStringLiteral("conflicts"), QStringLiteral("Keychain and file agree")};
    QStringList found;
    CredentialStore &store = m_store;
    for (const Provider &provider : m_registry->providers()) {
        if (!provider.needsKey)
            continue;
        KeyInfo info = await<KeyInfo>(
            Start<KeyInfo>([&](QObject *context, std::function<void(KeyInfo)> done) {
                store.lookup(provider, context, done);
            }));
        if (info.conflict)
            found << QStringLiteral("%1: the keychain and the config file hold different keys")
                         .arg(provider.id);
        else if (info.error.code == ErrorCode::Conflict)
            found << QStringLiteral("%1: %2").arg(provider.id, info.error.message);
        wipeSecret(info.secret);
    }
    conflicts.ok = found.isEmpty();
    conflicts.detail = conflicts.ok ? QStringLiteral("no provider has two different keys")
                                    : found.join(QStringLiteral("; "));
    if (!conflicts.ok)
        conflicts.fix = QStringLiteral("remove the wrong key with config:unset, then set the "
                                       "right one with config:set");

    DoctorCheck unrecognized {QStringLiteral("unrecognized-keys"),
                              QStringLiteral("Keys in unknown places")};
    const QStringList paths = m_store.config().unrecognizedSecrets();
    unrecognized.ok = paths.isEmpty();
    if (unrecognized.ok) {
        unrecognized.detail = QStringLiteral("none");
    } else {
        const Error error = unrecognizedSecretsError(m_store.configPath(), paths);
        unrecognized.detail = error.message;
        unrecognized.fix = error.fix;
    }
    m_checks << conflicts << unrecognized;
}

void Doctor::checkExposure()
{
    CredentialStore &store = m_store;
    const QList<Provider> providers = m_registry->providers();
    const ExposureReport report = await<ExposureReport>(
        Start<ExposureReport>([&](QObject *context, std::function<void(ExposureReport)> done) {
            checkProjectExposure(store, providers, context, done);
        }));

    DoctorCheck file {QStringLiteral("git-file"), QStringLiteral("Config file and git")};
    DoctorCheck history {QStringLiteral("git-history"), QStringLiteral("Keys in git history")};
    if (!report.file.gitChecked) {
        file.detail = QStringLiteral("not checked: %1").arg(report.file.detail);
        history.detail = file.detail;
        m_checks << file << history;
        return;
    }
    if (report.fileAtRisk()) {
        file.ok = false;
        file.detail = report.file.tracked
            ? QStringLiteral("%1 holds plaintext keys and git tracks it")
                  .arg(report.file.relativePath)
            : QStringLiteral("%1 holds plaintext keys and git does not ignore it")
                  .arg(report.file.relativePath);
        file.fix = fileExposureAdvice(store.configPath(), report.file);
    } else if (report.file.tracked) {
        file.detail = QStringLiteral("%1 is tracked and holds no keys: safe to commit")
                          .arg(report.file.relativePath);
    } else {
        file.detail = report.file.ignored
            ? QStringLiteral("%1 is ignored by git").arg(report.file.relativePath)
            : QStringLiteral("%1 holds no keys").arg(report.file.relativePath);
    }

    QStringList exposed;
    QStringList advice;
    for (const KeyExposure &key : report.keys) {
        exposed << QStringLiteral("%1 (commit %2, %3)").arg(key.providerId, key.commit, key.date);
        if (const auto provider = m_registry->find(key.providerId))
            advice << rotationAdvice(*provider, key);
    }
    history.ok = exposed.isEmpty();
    history.detail = history.ok
        ? QStringLiteral("no key in use appears in the %1 commits touching %2")
              .arg(report.commitsRead)
              .arg(report.file.relativePath)
        : QStringLiteral("keys in use were committed: %1").arg(exposed.join(QStringLiteral(", ")));
    history.fix = advice.join(u' ');
    m_checks << file << history;
}

void Doctor::print() const
{
    int problems = 0;
    for (const DoctorCheck &check : m_checks)
        problems += check.ok ? 0 : 1;
    if (m_json) {
        QJsonObject root;
        root[QStringLiteral("configFile")] = m_store.configPath();
        root[QStringLiteral("ok")] = problems == 0;
        QJsonArray checks;
        for (const DoctorCheck &check : m_checks) {
            QJsonObject entry;
            entry[QStringLiteral("id")] = check.id;
            entry[QStringLiteral("title")] = check.title;
            entry[QStringLiteral("ok")] = check.ok;
            entry[QStringLiteral("detail")] = check.detail;
            if (!check.fix.isEmpty())
                entry[QStringLiteral("fix")] = check.fix;
            checks.append(entry);
        }
        root[QStringLiteral("checks")] = checks;
        printOut(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented)));
        return;
    }
    QString out = QStringLiteral("Checking %1\n\n").arg(m_store.configPath());
    for (const DoctorCheck &check : m_checks) {
        out += QStringLiteral("%1 %2: %3\n")
                   .arg(check.ok ? QStringLiteral("[ok]     ") : QStringLiteral("[PROBLEM]"),
                        check.title, check.detail);
        if (!check.fix.isEmpty())
            out += QStringLiteral("          fix: %1\n").arg(check.fix);
    }
    out += problems == 0 ? QStringLiteral("\nAll checks passed.\n")
                         : QStringLiteral("\n%1 found.\n")
                               .arg(problems == 1 ? QStringLiteral("1 problem")
                                                  : QStringLiteral("%1 problems").arg(problems));
    printOut(out);
}

} // namespace Choragen::Cli
