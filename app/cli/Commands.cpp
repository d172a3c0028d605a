#include "Commands.h"

#include "Await.h"
#include "CredentialStore.h"
#include "KeychainBackend.h"
#include "Migrator.h"
#include "ProviderRegistry.h"
#include "Secret.h"
#include "Terminal.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

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

} // namespace

Commands::Commands(Invocation invocation)
    : m_invocation(std::move(invocation))
{
    const QString path = ConfigFile::locate(m_invocation.projectDir, QDir::currentPath());
    m_store = std::make_unique<CredentialStore>(path, std::make_unique<KeychainBackend>());
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
        return fail(Error::make(
            ErrorCode::InvalidInput,
            QStringLiteral("The project folder %1 does not exist.").arg(m_invocation.projectDir)));
    if (Error error = m_store->reload(); !error.ok())
        return fail(error);
    printWarnings(m_store->config().warnings());
    m_registry = std::make_unique<ProviderRegistry>(m_store->config());

    const QString &command = m_invocation.command;
    if (command == QLatin1String("config:status"))
        return status();
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

bool Commands::resolveProvider(Provider &provider) const
{
    if (const auto found = m_registry->find(m_invocation.provider)) {
        provider = *found;
        return true;
    }
    printErr(QStringLiteral("choragen: unknown provider '%1'. Known providers: %2.\n"
                            "  fix: declare it under \"providers\" in %3.\n")
                 .arg(m_invocation.provider.left(64), m_registry->ids().join(QStringLiteral(", ")),
                      m_store->configPath()));
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
        QJsonObject chain;
        chain[QStringLiteral("available")] = keychain.available;
        chain[QStringLiteral("backend")] = keychain.backend;
        chain[QStringLiteral("detail")]
            = keychain.available ? keychain.detail : keychain.reason.message;
        if (!keychain.available) {
            chain[QStringLiteral("fix")] = keychain.reason.fix;
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
            if (row.info.conflict)
                entry[QStringLiteral("conflict")] = true;
            if (!row.info.error.ok())
                entry[QStringLiteral("error")] = row.info.error.message;
            providers.append(entry);
            wipeSecret(row.info.secret);
        }
        root[QStringLiteral("providers")] = providers;
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
    if (keychain.available)
        out += QStringLiteral("Keychain:    available (%1)\n").arg(keychain.backend);
    else
        out += QStringLiteral("Keychain:    unavailable: %1\n             fix: %2\n")
                   .arg(keychain.reason.message, keychain.reason.fix);
    out += u'\n';
    int idWidth = 8;
    for (const Row &row : rows)
        idWidth = std::max(idWidth, int(row.provider.id.size()));
    out += QStringLiteral("%1  %2  %3\n")
               .arg(QStringLiteral("PROVIDER"), -idWidth)
               .arg(QStringLiteral("LOCATION"), -8)
               .arg(QStringLiteral("KEY"));
    for (Row &row : rows) {
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
        out += QStringLiteral("%1  %2  %3%4\n")
                   .arg(row.provider.id, -idWidth)
                   .arg(row.info.error.ok() ? locationId(row.info.location) : QStringLiteral("?"),
                        -8)
                   .arg(preview, note);
        wipeSecret(row.info.secret);
    }
    if (inFile > 0 && keychain.available)
        out += QStringLiteral("\n%1 stored unencrypted in the config file. Move them into the "
                              "keychain with: choragen config:secure\n")
                   .arg(plural(inFile, QStringLiteral("key"))
                        + (inFile == 1 ? QStringLiteral(" is") : QStringLiteral(" are")));
    if (conflicts > 0)
        out += QStringLiteral("\n%1: the keychain's key is used. Remove the wrong one with "
                              "config:unset and set the right one again.\n")
                   .arg(plural(conflicts, QStringLiteral("conflict")));
    printOut(out);
    return failClosed ? 3 : 0;
}

int Commands::secure()
{
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
            printErr(QStringLiteral("Nothing was exported.\n"));
            return 1;
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
        printOut(QStringLiteral("Exported %1 to %2; storage is now \"file\".\n")
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
    std::fwrite(line.constData(), 1, std::size_t(line.size()), stdout);
    std::fflush(stdout);
    wipeSecret(line);
    wipeSecret(info.secret);
    return 0;
}

int Commands::unset()
{
    Provider provider;
    if (!resolveProvider(provider))
        return 2;
    CredentialStore &store = *m_store;
    const RemoveResult result = await<RemoveResult>(
        Start<RemoveResult>([&](QObject *context, std::function<void(RemoveResult)> done) {
            store.remove(provider, context, done);
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

int Commands::exec()
{
    CredentialStore &store = *m_store;
    // Only the child's environment gets the keys: never this process's, never a command line.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString gemini = QStringLiteral("GEMINI_API_KEY");
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
            if (provider.id == QLatin1String("google"))
                names << gemini;
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
