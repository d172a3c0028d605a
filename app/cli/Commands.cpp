#include "Commands.h"

#include "Await.h"
#include "CredentialStore.h"
#include "Doctor.h"
#include "Exposure.h"
#include "KeychainBackend.h"
#include "KeychainFix.h"
#include "KeychainNaming.h"
#include "Migrator.h"
#include "ProjectExposure.h"
#include "ProviderRegistry.h"
#include "Secret.h"
#include "Terminal.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>

namespace Choragen::Cli {

namespace {

template<typename T> using Start = std::function<void(QObject *, std::function<void(T)>)>;

QString plural(int n, const QString &one)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(one, n == 1 ? QString() : QStringLiteral("s"));
}

void printWarnings(const QStringList &warnings)
{
    for (const QString &warning : warnings)
        printErr(QStringLiteral("choragen: warning: %1\n").arg(warning));
}

QString locationLabel(KeyLocation location, const QString &backend)
{
    switch (location) {
    case KeyLocation::Keychain:
        return QStringLiteral("the keychain (%1)").arg(backend);
    case KeyLocation::File:
        return QStringLiteral("the config file");
    case KeyLocation::Environment:
        return QStringLiteral("the environment");
    case KeyLocation::None:
        break;
    }
    return QStringLiteral("nowhere");
}

QJsonObject exposureJson(const Provider &provider, const ExposureReport &report)
{
    QJsonObject exposure;
    const KeyExposure *key = report.find(provider.id);
    exposure[QStringLiteral("committed")] = key != nullptr;
    if (key) {
        exposure[QStringLiteral("commit")] = key->commit;
        exposure[QStringLiteral("date")] = key->date;
        if (const QString url = keyPageUrl(provider); !url.isEmpty())
            exposure[QStringLiteral("rotate")] = url;
    }
    return exposure;
}

} // namespace

Commands::Commands(Invocation invocation)
    : m_invocation(std::move(invocation))
{
    const QString path = ConfigFile::locate(m_invocation.projectDir, QDir::currentPath());
    m_store = std::make_unique<CredentialStore>(path, std::make_unique<KeychainBackend>());
    m_store->setProfileOverride(m_invocation.profile);
}

Commands::~Commands() = default;

int Commands::fail(const Error &error) const
{
    printErr(QStringLiteral("choragen: error: %1\n").arg(error.message));
    if (!error.fix.isEmpty())
        printErr(QStringLiteral("  fix: %1\n").arg(error.fix));
    return exitCodeFor(error);
}

int Commands::run()
{
    if (!m_invocation.projectDir.isEmpty() && !QFileInfo(m_invocation.projectDir).isDir())
        return fail(Error::make(ErrorCode::InvalidInput,
                                QStringLiteral("The project folder %1 does not exist.")
                                    .arg(m_invocation.projectDir.contains(u'/')
                                             ? m_invocation.projectDir
                                             : quotedArgument(m_invocation.projectDir))));
    // Before anything reads the file: the doctor reports its state as it found it.
    if (m_invocation.command == QLatin1String("config:doctor"))
        return doctor();
    if (Error error = m_store->reload(); !error.ok())
        return fail(error);
    printWarnings(m_store->config().warnings());
    m_registry = std::make_unique<ProviderRegistry>(m_store->config());

    const QString &command = m_invocation.command;
    if (command == QLatin1String("config:status"))
        return status();
    // A key the environment supplies needs no keychain, locked or not.
    const auto provider = m_registry->find(m_invocation.provider);
    const bool fromEnvironment = command == QLatin1String("config:get") && provider
        && !environmentKey(*provider).isEmpty();
    if (!fromEnvironment)
        unlockIfLocked();
    if (command == QLatin1String("config:secure"))
        return secure();
    if (command == QLatin1String("config:export"))
        return exportKeys();
    if (command == QLatin1String("config:set"))
        return set();
    if (command == QLatin1String("config:get"))
        return get();
    if (command == QLatin1String("config:unset"))
        return unset();
    if (command == QLatin1String("exec"))
        return exec();
    return 2;
}

void Commands::unlockIfLocked()
{
    // Without a display no prompt can appear: the locked error's fix says how to unlock from a
    // terminal. Keys kept in the file by choice do not need the keychain unlocked.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        return;
    CredentialStore &store = *m_store;
    if (!store.keychain().canUnlock() || store.configuredMode() == StorageMode::File)
        return;
    // Asked only when a call finds the keychain locked: an unlocked one costs nothing more.
    store.keychain().setUnlockOnDemand([](const QString &backend) {
        QString provider = backend;
        provider.remove(QStringLiteral(" Secret Service"));
        if (provider == QLatin1String("Secret Service") || provider.isEmpty())
            provider = QStringLiteral("its own prompt");
        printErr(QStringLiteral("choragen: waiting for you to unlock the keychain in %1…\n")
                     .arg(provider));
    });
}

bool Commands::resolveProvider(Provider &provider) const
{
    if (const auto found = m_registry->find(m_invocation.provider)) {
        if (!found->needsKey) {
            printErr(QStringLiteral("choragen: %1 is a local model server and needs no API key; "
                                    "its address stays in %2.\n")
                         .arg(found->id, m_store->configPath()));
            return false;
        }
        provider = *found;
        return true;
    }
    // Only a well-formed id is repeated back: anything else may be a key pasted in its place.
    if (isValidProviderId(m_invocation.provider)) {
        printErr(QStringLiteral("choragen: unknown provider '%1'. Known providers: %2.\n"
                                "  fix: declare it under \"providers\" in %3.\n")
                     .arg(m_invocation.provider, m_registry->ids().join(QStringLiteral(", ")),
                          m_store->configPath()));
    } else {
        printErr(QStringLiteral("choragen: the provider argument (%1 characters) is not a "
                                "provider id. Known providers: %2.\n"
                                "  fix: name a provider, and pipe the key on standard input, "
                                "e.g. 'choragen config:set anthropic < key.txt'.\n")
                     .arg(m_invocation.provider.size())
                     .arg(m_registry->ids().join(QStringLiteral(", "))));
    }
    return false;
}

void Commands::printProgress(const MigrationStep &step) const
{
    static const char *const stages[]
        = {"writing", "verifying", "done", "FAILED", "CONFLICT", "skipped"};
    // One line per key: only the stage that settles it.
    if (step.stage == MigrationStep::Stage::Writing
        || step.stage == MigrationStep::Stage::Verifying)
        return;
    const QString stage = QString::fromLatin1(stages[int(step.stage)]);
    QString line = QStringLiteral("[%1/%2] %3: %4")
                       .arg(step.index + 1)
                       .arg(step.count)
                       .arg(step.providerId, stage);
    if (!step.message.isEmpty() && step.message != stage)
        line += QStringLiteral(" (%1)").arg(step.message);
    printErr(line + u'\n');
}

int Commands::status()
{
    CredentialStore &store = *m_store;
    const BackendStatus keychain = await<BackendStatus>(
        Start<BackendStatus>([&](QObject *context, std::function<void(BackendStatus)> done) {
            store.probeKeychain(context, done);
        }));
    const std::optional<StorageMode> configured = store.configuredMode();
    const StorageMode effective
        = configured.value_or(keychain.available ? StorageMode::Keychain : StorageMode::File);

    struct Row
    {
        Provider provider;
        KeyInfo info;
    };
    QList<Row> rows;
    for (const Provider &provider : m_registry->providers()) {
        KeyInfo info = await<KeyInfo>(
            Start<KeyInfo>([&](QObject *context, std::function<void(KeyInfo)> done) {
                store.lookup(provider, context, done);
            }));
        if (info.error.code == ErrorCode::ConfigInvalid)
            return fail(info.error);
        rows << Row {provider, info};
    }

    const bool failClosed = configured == StorageMode::Keychain && !keychain.available;
    const ExposureReport exposed = exposure();
    const QStringList unrecognized = store.config().unrecognizedSecrets();
    int inFile = 0;
    int conflicts = 0;
    for (Row &row : rows) {
        if (row.info.location == KeyLocation::File || row.info.alsoInFile)
            ++inFile;
        if (row.info.conflict)
            ++conflicts;
    }

    if (m_invocation.json) {
        QJsonObject root;
        root[QStringLiteral("storage")] = storageModeName(effective);
        root[QStringLiteral("configured")]
            = configured ? QJsonValue(storageModeName(*configured)) : QJsonValue(QJsonValue::Null);
        root[QStringLiteral("configFile")] = store.configPath();
        root[QStringLiteral("profile")] = store.profile().isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                    : QJsonValue(store.profile());
        QJsonObject chain;
        chain[QStringLiteral("available")] = keychain.available;
        chain[QStringLiteral("backend")] = keychain.backend;
        chain[QStringLiteral("detail")]
            = keychain.available ? keychain.detail : keychain.reason.message;
        if (!keychain.available) {
            chain[QStringLiteral("fix")] = fixForKeychainError(keychain.reason);
            chain[QStringLiteral("reason")] = errorCodeId(keychain.reason.code);
        }
        root[QStringLiteral("keychain")] = chain;
        QJsonArray providers;
        for (Row &row : rows) {
            QJsonObject entry;
            entry[QStringLiteral("id")] = row.provider.id;
            entry[QStringLiteral("label")] = row.provider.label;
            entry[QStringLiteral("location")] = locationId(row.info.location);
            entry[QStringLiteral("preview")] = maskSecret(row.info.secret);
            if (!row.provider.envVar.isEmpty())
                entry[QStringLiteral("env")] = row.provider.envVar;
            if (!row.provider.altEnvVar.isEmpty())
                entry[QStringLiteral("envFallback")] = row.provider.altEnvVar;
            if (!row.provider.needsKey)
                entry[QStringLiteral("keyNeeded")] = false;
            if (row.info.conflict)
                entry[QStringLiteral("conflict")] = true;
            if (!row.info.error.ok())
                entry[QStringLiteral("error")] = row.info.error.message;
            if (row.provider.needsKey && exposed.file.gitChecked)
                entry[QStringLiteral("exposure")] = exposureJson(row.provider, exposed);
            providers.append(entry);
            wipeSecret(row.info.secret);
        }
        root[QStringLiteral("providers")] = providers;
        QJsonObject file;
        file[QStringLiteral("gitChecked")] = exposed.file.gitChecked;
        file[QStringLiteral("tracked")] = exposed.file.tracked;
        file[QStringLiteral("ignored")] = exposed.file.ignored;
        file[QStringLiteral("atRisk")] = exposed.fileAtRisk();
        root[QStringLiteral("exposure")] = file;
        if (!unrecognized.isEmpty())
            root[QStringLiteral("unrecognized")] = QJsonArray::fromStringList(unrecognized);
        if (!m_registry->warnings().isEmpty())
            root[QStringLiteral("warnings")] = QJsonArray::fromStringList(m_registry->warnings());
        printOut(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented)));
        return failClosed ? 3 : 0;
    }

    QString out;
    out += QStringLiteral("Config file: %1%2\n")
               .arg(store.configPath(),
                    store.config().exists() ? QString() : QStringLiteral(" (not created yet)"));
    out += QStringLiteral("Storage:     %1%2\n")
               .arg(storageModeName(effective),
                    configured ? QString() : QStringLiteral(" (not chosen yet; the default)"));
    out += QStringLiteral("Profile:     %1 (keychain accounts %2)\n")
               .arg(store.profile().isEmpty() ? QStringLiteral("default") : store.profile(),
                    keychainAccount(QStringLiteral("<provider>"), store.profile()));
    if (keychain.available)
        out += QStringLiteral("Keychain:    available (%1)\n").arg(keychain.backend);
    else
        out += QStringLiteral("Keychain:    unavailable: %1\n             fix: %2\n")
                   .arg(keychain.reason.message, fixForKeychainError(keychain.reason));
    out += u'\n';
    int idWidth = 8;
    for (const Row &row : rows)
        idWidth = std::max(idWidth, int(row.provider.id.size()));
    out += QStringLiteral("%1  %2  %3  %4\n")
               .arg(QStringLiteral("PROVIDER"), -idWidth)
               .arg(QStringLiteral("LOCATION"), -8)
               .arg(QStringLiteral("KEY"), -14)
               .arg(QStringLiteral("VARIABLE"));
    for (Row &row : rows) {
        if (!row.provider.needsKey) {
            out += QStringLiteral("%1  %2  %3  -\n")
                       .arg(row.provider.id, -idWidth)
                       .arg(QStringLiteral("-"), -8)
                       .arg(QStringLiteral("no key needed"), -14);
            continue;
        }
        QString note;
        if (row.info.location == KeyLocation::Environment)
            note = QStringLiteral("  from $%1").arg(row.info.envVar);
        if (row.info.conflict)
            note = QStringLiteral("  CONFLICT: the file holds a different key");
        else if (row.info.alsoInFile)
            note = QStringLiteral("  also in the file (run config:secure to finish)");
        if (!row.info.error.ok())
            note = QStringLiteral("  unknown: %1").arg(row.info.error.message);
        const QString preview
            = row.info.secret.isEmpty() ? QStringLiteral("-") : maskSecret(row.info.secret);
        QString variables
            = row.provider.envVar.isEmpty() ? QStringLiteral("-") : row.provider.envVar;
        if (!row.provider.altEnvVar.isEmpty())
            variables += QStringLiteral(", then ") + row.provider.altEnvVar;
        out += QStringLiteral("%1  %2  %3  %4%5\n")
                   .arg(row.provider.id, -idWidth)
                   .arg(row.info.error.ok() ? locationId(row.info.location) : QStringLiteral("?"),
                        -8)
                   .arg(preview, -14)
                   .arg(variables, note);
        wipeSecret(row.info.secret);
    }
    if (inFile > 0 && keychain.available)
        out += QStringLiteral("\n%1 stored unencrypted in the config file. Move them into the "
                              "keychain with: choragen config:secure\n")
                   .arg(plural(inFile, QStringLiteral("key"))
                        + (inFile == 1 ? QStringLiteral(" is") : QStringLiteral(" are")));
    if (!unrecognized.isEmpty()) {
        const Error error = unrecognizedSecretsError(store.configPath(), unrecognized);
        out += QStringLiteral("\nNot secured: %1\n  fix: %2\n").arg(error.message, error.fix);
    }
    for (const QString &warning : m_registry->warnings())
        out += QStringLiteral("\nwarning: %1\n").arg(warning);
    if (exposed.fileAtRisk())
        out += QStringLiteral("\nExposed: %1\n")
                   .arg(fileExposureAdvice(store.configPath(), exposed.file));
    out += exposureAdvice(exposed);
    if (conflicts > 0)
        out += QStringLiteral("\n%1: the keychain's key is used. Remove the wrong one with "
                              "config:unset and set the right one again.\n")
                   .arg(plural(conflicts, QStringLiteral("conflict")));
    printOut(out);
    return failClosed ? 3 : 0;
}

int Commands::secure()
{
    // The file's keys as the migration starts: those it moves are the keychain's afterwards.
    QList<KeyInUse> fileKeys;
    for (const QString &id : m_store->config().apiKeyProviders())
        fileKeys << KeyInUse {id, m_store->config().apiKey(id)};
    const auto wipeFileKeys = qScopeGuard([&fileKeys] {
        for (KeyInUse &key : fileKeys)
            wipeSecret(key.second);
    });
    Migrator migrator(*m_store);
    MigrationOptions options;
    options.dryRun = m_invocation.dryRun;
    const MigrationReport report = await<MigrationReport>(
        Start<MigrationReport>([&](QObject *, std::function<void(MigrationReport)> done) {
            migrator.migrate(
                options, [this](const MigrationStep &step) { printProgress(step); }, done);
        }));
    if (!report.error.ok() && report.items.isEmpty())
        return fail(report.error);

    int moved = 0;
    int already = 0;
    int wouldMove = 0;
    QString problems;
    for (const MigrationItem &item : report.items) {
        switch (item.outcome) {
        case MigrationItem::Outcome::Moved:
            ++moved;
            break;
        case MigrationItem::Outcome::AlreadyThere:
            ++already;
            break;
        case MigrationItem::Outcome::WouldMove:
            ++wouldMove;
            break;
        case MigrationItem::Outcome::Conflict:
        case MigrationItem::Outcome::Failed:
            problems += QStringLiteral("  %1 stays in the file: %2\n")
                            .arg(item.providerId, item.error.text());
            break;
        }
    }
    const QString backend = m_store->lastProbe() ? m_store->lastProbe()->backend : QString();
    if (report.dryRun) {
        printOut(QStringLiteral("Dry run: %1 would move to the keychain (%2)%3; nothing was "
                                "changed.\n")
                     .arg(plural(wouldMove, QStringLiteral("key")), backend,
                          already ? QStringLiteral(", %1 already there").arg(already) : QString()));
    } else if (report.items.isEmpty()) {
        printOut(QStringLiteral("No keys in %1 to move. New keys will be stored in the keychain "
                                "(%2).\n")
                     .arg(m_store->configPath(), backend));
    } else {
        printOut(
            QStringLiteral("Moved %1 to the keychain (%2)%3.\n")
                .arg(plural(moved + already, QStringLiteral("key")), backend,
                     report.fileRewritten
                         ? QStringLiteral(" and removed them from %1").arg(m_store->configPath())
                         : QString()));
    }
    if (!problems.isEmpty())
        printErr(QStringLiteral("choragen: some keys were not moved:\n") + problems);
    // Moving a key does not un-leak it: say which ones were committed before, and where the
    // file stands with git now. A key just moved or found already there is not read again.
    QList<KeyInUse> inKeychain;
    for (const MigrationItem &item : report.items) {
        if (item.outcome != MigrationItem::Outcome::Moved
            && item.outcome != MigrationItem::Outcome::AlreadyThere)
            continue;
        for (const KeyInUse &key : std::as_const(fileKeys)) {
            if (key.first == item.providerId)
                inKeychain << key;
        }
    }
    const ExposureReport exposed = exposure(inKeychain);
    printOut(exposureAdvice(exposed));
    if (exposed.fileAtRisk())
        printOut(
            QStringLiteral("\n%1\n").arg(fileExposureAdvice(m_store->configPath(), exposed.file)));
    else if (!report.dryRun && exposed.file.tracked && !exposed.fileHoldsKeys)
        printOut(QStringLiteral("\n%1 is tracked by git and no longer holds keys: it is now safe "
                                "to commit.\n")
                     .arg(m_store->configPath()));
    if (!report.error.ok())
        fail(report.error);
    return report.exitCode();
}

int Commands::exportKeys()
{
    const bool toCopy = !m_invocation.output.isEmpty();
    const QString target
        = toCopy ? QFileInfo(m_invocation.output).absoluteFilePath() : m_store->configPath();
    printErr(QStringLiteral("WARNING: this writes your API keys UNENCRYPTED to %1.\n"
                            "Anyone who can read that file, its backups or a commit that includes "
                            "it can use your keys.\n")
                 .arg(target));
    if (!m_invocation.yes) {
        if (!stdinIsTerminal()) {
            printErr(QStringLiteral("choragen: refusing to export without --yes when standard "
                                    "input is not a terminal.\n"));
            return 2;
        }
        if (!confirm(QStringLiteral("Type 'yes' to continue: "))) {
            // Like a missing --yes: no consent, a usage outcome (exit 2), nothing changed.
            printErr(QStringLiteral("Nothing was exported.\n"));
            return 2;
        }
    }
    QList<Provider> providers = m_registry->providers();
    Migrator migrator(*m_store);
    const auto progress = [this](const MigrationStep &step) {
        printProgress(step);
    };
    const MigrationReport report = await<MigrationReport>(
        Start<MigrationReport>([&](QObject *, std::function<void(MigrationReport)> done) {
            if (toCopy)
                migrator.exportCopy(providers, target, progress, done);
            else
                migrator.exportToFile(providers, progress, done);
        }));
    if (!report.error.ok())
        return fail(report.error);
    int exported = 0;
    for (const MigrationItem &item : report.items) {
        if (item.outcome == MigrationItem::Outcome::Moved
            || item.outcome == MigrationItem::Outcome::AlreadyThere)
            ++exported;
        else
            printErr(QStringLiteral("  %1: %2\n").arg(item.providerId, item.error.text()));
    }
    if (toCopy)
        printOut(QStringLiteral("Wrote %1 with %2; storage is unchanged.\n")
                     .arg(target, plural(exported, QStringLiteral("key"))));
    else
        printOut(QStringLiteral("Exported %1 to %2; storage is now \"file\". The keychain "
                                "entries stay, for other projects that use them; remove one with "
                                "`choragen config:unset PROVIDER --storage keychain`.\n")
                     .arg(plural(exported, QStringLiteral("key")), target));
    return report.exitCode();
}

int Commands::set()
{
    Provider provider;
    if (!resolveProvider(provider))
        return 2;
    std::optional<StorageMode> target;
    if (!m_invocation.storage.isEmpty())
        target = storageModeFromName(m_invocation.storage);
    QByteArray secret;
    readSecret(QStringLiteral("API key for %1: ").arg(provider.label), secret);
    if (Error error = normalizeSecret(secret); !error.ok())
        return fail(error);
    CredentialStore &store = *m_store;
    const StoreResult result = await<StoreResult>(
        Start<StoreResult>([&](QObject *context, std::function<void(StoreResult)> done) {
            store.store(provider, secret, target, context, done);
        }));
    wipeSecret(secret);
    printWarnings(result.warnings);
    if (!result.error.ok())
        return fail(result.error);
    const QString backend = store.keychain().name();
    printOut(QStringLiteral("Stored the key for %1 in %2.\n")
                 .arg(provider.id, locationLabel(result.location, backend)));
    // Stored, but the file still says otherwise (an old key, no storage choice): not a success.
    if (!result.fileError.ok())
        return fail(Error::make(
            result.fileError.code,
            QStringLiteral("%1 was not updated (see the warning above).").arg(store.configPath()),
            QStringLiteral("Make the file writable and run the command "
                           "again.")));
    return 0;
}

int Commands::get()
{
    Provider provider;
    if (!resolveProvider(provider))
        return 2;
    CredentialStore &store = *m_store;
    KeyInfo info
        = await<KeyInfo>(Start<KeyInfo>([&](QObject *context, std::function<void(KeyInfo)> done) {
              store.lookup(provider, context, done);
          }));
    if (!info.error.ok())
        return fail(info.error);
    if (info.conflict)
        printErr(QStringLiteral("choragen: warning: the keychain and %1 hold different keys for "
                                "%2; printing the keychain's. Run config:status for details.\n")
                     .arg(store.configPath(), provider.id));
    if (!info.keychainError.ok() && info.location == KeyLocation::File)
        printErr(QStringLiteral("choragen: warning: the keychain could not be asked (%1); "
                                "using the config file.\n")
                     .arg(info.keychainError.message));
    if (info.location == KeyLocation::None) {
        printErr(QStringLiteral("choragen: no key is set for %1.\n  fix: choragen config:set %1 "
                                "< key.txt%2\n")
                     .arg(provider.id,
                          provider.envVar.isEmpty()
                              ? QString()
                              : QStringLiteral(", or set %1").arg(provider.envVar)));
        return 1;
    }
    QByteArray line = info.secret + '\n';
    const bool written = writeOut(line);
    wipeSecret(line);
    wipeSecret(info.secret);
    // main() reports the failed write.
    return written ? 0 : 1;
}

int Commands::unset()
{
    Provider provider;
    if (!resolveProvider(provider))
        return 2;
    CredentialStore &store = *m_store;
    const RemoveResult result = await<RemoveResult>(
        Start<RemoveResult>([&](QObject *context, std::function<void(RemoveResult)> done) {
            store.remove(provider, storageModeFromName(m_invocation.storage), context, done);
        }));
    printWarnings(result.warnings);
    if (!result.error.ok())
        return fail(result.error);
    if (result.removedFrom.isEmpty()) {
        printOut(QStringLiteral("No stored key for %1; nothing to remove.\n").arg(provider.id));
        return 0;
    }
    QStringList places;
    for (KeyLocation location : result.removedFrom)
        places << locationLabel(location, store.keychain().name());
    printOut(QStringLiteral("Removed the key for %1 from %2.\n")
                 .arg(provider.id, places.join(QStringLiteral(" and "))));
    return 0;
}

ExposureReport Commands::exposure(const QList<KeyInUse> &inKeychain)
{
    CredentialStore &store = *m_store;
    // The keys as they are now, after whatever the command changed.
    store.reload();
    const QList<Provider> providers = m_registry->providers();
    return await<ExposureReport>(
        Start<ExposureReport>([&](QObject *context, std::function<void(ExposureReport)> done) {
            checkProjectExposure(store, providers, context, done, inKeychain);
        }));
}

QString Commands::exposureAdvice(const ExposureReport &report) const
{
    QString out;
    for (const KeyExposure &key : report.keys) {
        if (const auto provider = m_registry->find(key.providerId))
            out += QStringLiteral("\nMUST ROTATE: %1\n").arg(rotationAdvice(*provider, key));
    }
    return out;
}

int Commands::doctor()
{
    Doctor doctor(*m_store, m_invocation.json);
    return doctor.run();
}

int Commands::exec()
{
    CredentialStore &store = *m_store;
    // Only the child's environment gets the keys: never this process's, never a command line.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const Provider &provider : m_registry->providers()) {
        if (provider.envVar.isEmpty())
            continue;
        KeyInfo info = await<KeyInfo>(
            Start<KeyInfo>([&](QObject *context, std::function<void(KeyInfo)> done) {
                store.lookup(provider, context, done);
            }));
        // Keychain mode with the keychain unavailable: stop before the command runs (exit 3).
        if (!info.error.ok())
            return fail(info.error);
        if (!info.keychainError.ok() && info.location == KeyLocation::File)
            printErr(QStringLiteral("choragen: warning: the keychain could not be asked (%1); "
                                    "using the config file for %2.\n")
                         .arg(info.keychainError.message, provider.id));
        if (info.conflict)
            printErr(QStringLiteral("choragen: warning: the keychain and %1 hold different keys "
                                    "for %2; using the keychain's. Run config:status for "
                                    "details.\n")
                         .arg(store.configPath(), provider.id));
        if (info.location == KeyLocation::Keychain || info.location == KeyLocation::File) {
            QStringList names {provider.envVar};
            // Choragen's agent command line reads Google's key as GEMINI_API_KEY.
            if (!provider.altEnvVar.isEmpty())
                names << provider.altEnvVar;
            for (const QString &name : names) {
                if (!environment.contains(name))
                    environment.insert(name, QString::fromUtf8(info.secret));
            }
        }
        wipeSecret(info.secret);
    }

    QProcess child;
    child.setProgram(m_invocation.execCommand.first());
    child.setArguments(m_invocation.execCommand.mid(1));
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.setInputChannelMode(QProcess::ForwardedInputChannel);
    child.start();
    if (!child.waitForStarted(-1)) {
        printErr(QStringLiteral("choragen: cannot run %1: %2\n")
                     .arg(m_invocation.execCommand.first(), child.errorString()));
        return 127;
    }
    environment.clear();
    child.waitForFinished(-1);
    // Like a shell: a child killed by a signal gives 128 + the signal's number.
    if (child.exitStatus() == QProcess::CrashExit)
        return 128 + child.exitCode();
    return child.exitCode();
}

} // namespace Choragen::Cli
