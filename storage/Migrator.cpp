#include "Migrator.h"

#include "CredentialStore.h"
#include "FaultInjection.h"
#include "Log.h"
#include "PostTo.h"
#include "Secret.h"

#include <QPointer>

namespace Choragen {

using Outcome = MigrationItem::Outcome;
using Stage = MigrationStep::Stage;

bool MigrationReport::succeeded() const
{
    return exitCode() == 0;
}

int MigrationReport::exitCode() const
{
    if (!error.ok())
        return exitCodeFor(error);
    int code = 0;
    for (const MigrationItem &item : items) {
        if (item.outcome == Outcome::Failed && item.error.isKeychainUnavailable())
            return 3;
        if (item.outcome == Outcome::Failed || item.outcome == Outcome::Conflict)
            code = 1;
    }
    return code;
}

struct Migrator::Run
{
    enum class Kind { Migrate, Export, Copy };
    Kind kind = Kind::Migrate;
    MigrationOptions options;
    QList<Provider> providers;
    QString copyPath;
    Progress progress;
    Done done;
    // The file as read at the start; the commit re-reads it under the lock.
    ConfigFile config;
    QStringList ids;
    int index = 0;
    // Secrets that passed through this run, by item index; wiped when it ends.
    QList<QByteArray> secrets;
    MigrationReport report;

    explicit Run(const QString &configPath)
        : config(configPath)
    {
    }
    ~Run()
    {
        for (QByteArray &secret : secrets)
            wipeSecret(secret);
    }

    void step(const QString &id, Stage stage, const QString &message = {})
    {
        if (progress)
            progress(MigrationStep {id, stage, index, int(ids.size()), message});
    }
    MigrationItem &add(const QString &id, const QByteArray &secret, Outcome outcome,
                       const Error &error = Error::none())
    {
        report.items << MigrationItem {id, maskSecret(secret), outcome, error};
        secrets << secret;
        return report.items.last();
    }
};

Migrator::Migrator(CredentialStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
}

Migrator::~Migrator() = default;

void Migrator::finish(std::shared_ptr<Run> run)
{
    m_store.keychain().forgetSurvey();
    const MigrationReport report = run->report;
    const Done done = run->done;
    postTo(this, [done, report] { done(report); });
}

void Migrator::migrate(const MigrationOptions &options, Progress progress, Done done)
{
    auto run = std::make_shared<Run>(m_store.configPath());
    run->kind = Run::Kind::Migrate;
    run->options = options;
    run->progress = std::move(progress);
    run->done = std::move(done);
    run->report.dryRun = options.dryRun;
    begin(run, &Migrator::migrateNext);
}

void Migrator::begin(std::shared_ptr<Run> run, void (Migrator::*next)(std::shared_ptr<Run>))
{
    // No lock to read: every write replaces the file by an atomic rename.
    if (Error error = run->config.load(); !error.ok()) {
        run->report.error = error;
        return finish(run);
    }
    // The keychain entries are those of the profile of the config just read.
    m_store.reload();
    if (run->kind == Run::Kind::Migrate) {
        // Never "secured" while a key-like string stays behind in a place no key is read from.
        if (const QStringList unknown = run->config.unrecognizedSecrets(); !unknown.isEmpty()) {
            run->report.error = unrecognizedSecretsError(run->config.path(), unknown);
            return finish(run);
        }
        for (const QString &id : run->config.apiKeyProviders()) {
            if (run->options.only.isEmpty() || run->options.only.contains(id))
                run->ids << id;
        }
    } else {
        for (const Provider &provider : std::as_const(run->providers))
            run->ids << provider.id;
    }
    QPointer<Migrator> self(this);
    m_store.probeKeychain(this, [self, run, next](const BackendStatus &status) {
        if (!self)
            return;
        if (!status.available) {
            run->report.error = status.reason;
            return self->finish(run);
        }
        if (run->kind != Run::Kind::Migrate || run->options.dryRun)
            return (self.data()->*next)(run);
        // Which keys have no entry at all, asked once: their writes need not search first.
        self->m_store.keychain().surveyBeforeWrites(
            run->ids, self, [self, run, next] { (self.data()->*next)(run); });
    });
}

void Migrator::migrateNext(std::shared_ptr<Run> run)
{
    if (run->index >= run->ids.size())
        return commitMigration(run);
    const QString id = run->ids.at(run->index);
    const QByteArray secret = run->config.apiKey(id);
    QPointer<Migrator> self(this);
    SecretBackend &keychain = m_store.keychain();
    if (run->config.keyConflict(id)) {
        run->add(id, secret, Outcome::Conflict, fileKeyConflict(id, run->config.path()));
        run->step(id, Stage::Conflict, run->report.items.last().error.message);
        ++run->index;
        return migrateNext(run);
    }
    const auto next = [self, run] {
        if (!self)
            return;
        ++run->index;
        self->migrateNext(run);
    };
    const auto failed = [run, id, secret, next](const Error &error) {
        run->add(id, secret, Outcome::Failed, error);
        run->step(id, Stage::Failed, error.message);
        next();
    };

    // The limit config:set applies holds for keys that come from the file too.
    if (Error invalid = checkStoredSecret(secret); !invalid.ok())
        return failed(Error::make(invalid.code,
                                  QStringLiteral("The key for %1 in the config file is refused: "
                                                 "%2. It stays in the file.")
                                      .arg(id, invalid.message),
                                  QStringLiteral("Check that the value is one API key; fix it by "
                                                 "hand or remove it with `choragen config:unset "
                                                 "%1`.")
                                      .arg(id)));
    const auto conflict = [run, id, secret, next](const QByteArray &existing) {
        run->add(id, secret, Outcome::Conflict,
                 Error::make(ErrorCode::Conflict,
                             QStringLiteral("The keychain already holds a different key for %1 "
                                            "(%2); both were kept.")
                                 .arg(id, maskSecret(existing)),
                             QStringLiteral("Remove the one you do not want: `choragen "
                                            "config:unset %1` clears both, then set the right "
                                            "one.")
                                 .arg(id)));
        run->step(id, Stage::Conflict, run->report.items.last().error.message);
        next();
    };
    const auto alreadyThere = [run, id, secret, next] {
        run->add(id, secret, Outcome::AlreadyThere);
        run->step(id, Stage::Done, QStringLiteral("already in the keychain"));
        next();
    };

    if (run->options.dryRun) {
        run->step(id, Stage::Verifying, QStringLiteral("checking the keychain"));
        keychain.readIfPresent(id, this,
                               [self, run, id, secret, next, failed, conflict,
                                alreadyThere](const Error &error, const QByteArray &existing) {
                                   if (!self)
                                       return;
                                   if (error.ok())
                                       return secretsEqual(existing, secret) ? alreadyThere()
                                                                             : conflict(existing);
                                   if (!error.isNotFound())
                                       return failed(error);
                                   run->add(id, secret, Outcome::WouldMove);
                                   run->step(id, Stage::Skipped, QStringLiteral("would be moved"));
                                   next();
                               });
        return;
    }
    // One step in the keychain: an entry already there is left alone; otherwise the key is
    // written and read back, byte for byte.
    run->step(id, Stage::Writing, QStringLiteral("writing and reading back"));
    keychain.writeIfAbsent(
        id, secret, this,
        [self, run, id, secret, next, failed, conflict, alreadyThere](
            const Error &error, SecretBackend::Placed placed, const QByteArray &existing) {
            if (!self)
                return;
            if (error.code == ErrorCode::VerifyFailed)
                return failed(Error::make(ErrorCode::VerifyFailed,
                                          QStringLiteral("The keychain returned a different value "
                                                         "for %1 than was written; it stays in "
                                                         "the file.")
                                              .arg(id),
                                          QStringLiteral("Run the migration again.")));
            if (!error.ok())
                return failed(error);
            switch (placed) {
            case SecretBackend::Placed::AlreadyThere:
                return alreadyThere();
            case SecretBackend::Placed::Different:
                return conflict(existing);
            case SecretBackend::Placed::Written:
                break;
            }
            crashPoint(QStringLiteral("migrate:verified:") + id);
            run->add(id, secret, Outcome::Moved);
            run->step(id, Stage::Done, QStringLiteral("verified"));
            next();
        });
}

void Migrator::commitMigration(std::shared_ptr<Run> run)
{
    if (run->options.dryRun)
        return finish(run);
    const QString configPath = run->config.path();
    // Under the lock, on the file as it is now: another writer may have changed it while the
    // keychain was asked. Only keys still holding the value that was verified go.
    const auto change = [run, configPath](ConfigFile &config, bool &changed) {
        bool anyFailed = false;
        for (int i = 0; i < run->report.items.size(); ++i) {
            MigrationItem &item = run->report.items[i];
            if (item.outcome != Outcome::Moved && item.outcome != Outcome::AlreadyThere) {
                anyFailed = true;
                continue;
            }
            const QByteArray now = config.apiKey(item.providerId);
            if (config.keyConflict(item.providerId)
                || (!now.isEmpty() && !secretsEqual(now, run->secrets.at(i)))) {
                item.outcome = Outcome::Conflict;
                item.error = Error::make(
                    ErrorCode::Conflict,
                    QStringLiteral("The key for %1 in %2 was changed while it was being moved; "
                                   "the new one stays in the file, and the keychain holds the "
                                   "one read before (%3).")
                        .arg(item.providerId, configPath, item.preview),
                    QStringLiteral("Keep the one you want: run `choragen config:set %1` with it.")
                        .arg(item.providerId));
                run->step(item.providerId, Stage::Conflict, item.error.message);
                anyFailed = true;
                continue;
            }
            changed = config.removeApiKey(item.providerId) || changed;
        }
        // Never "secured" while a key-like string stays behind in a place no key is read from.
        if (!anyFailed && config.unrecognizedSecrets().isEmpty()
            && config.storageMode() != std::optional(StorageMode::Keychain)) {
            config.setStorageMode(StorageMode::Keychain);
            changed = true;
        }
        run->report.fileRewritten = changed;
        return Error::none();
    };
    QPointer<Migrator> self(this);
    updateConfigLater(configPath, this, change, [self, run](const Error &error) {
        if (!self)
            return;
        if (!error.ok()) {
            run->report.fileRewritten = false;
            run->report.error = Error::make(
                error.code,
                error.message
                    + QStringLiteral(" The keys are in the keychain and still in the file; run "
                                     "the migration again to finish."),
                error.fix);
        } else if (run->report.fileRewritten) {
            crashPoint(QStringLiteral("migrate:committed"));
        }
        self->m_store.reload();
        self->finish(run);
    });
}

void Migrator::exportToFile(const QList<Provider> &providers, Progress progress, Done done)
{
    auto run = std::make_shared<Run>(m_store.configPath());
    run->kind = Run::Kind::Export;
    run->providers = providers;
    run->progress = std::move(progress);
    run->done = std::move(done);
    begin(run, &Migrator::exportNext);
}

void Migrator::exportCopy(const QList<Provider> &providers, const QString &path, Progress progress,
                          Done done)
{
    auto run = std::make_shared<Run>(m_store.configPath());
    run->kind = Run::Kind::Copy;
    run->providers = providers;
    run->copyPath = path;
    run->progress = std::move(progress);
    run->done = std::move(done);
    begin(run, &Migrator::exportNext);
}

void Migrator::exportNext(std::shared_ptr<Run> run)
{
    if (run->index >= run->ids.size())
        return commitExport(run);
    const QString id = run->ids.at(run->index);
    QPointer<Migrator> self(this);
    run->step(id, Stage::Verifying, QStringLiteral("reading the keychain"));
    m_store.keychain().read(
        id, this, [self, run, id](const Error &error, const QByteArray &secret) {
            if (!self)
                return;
            const QByteArray inFile = run->config.apiKey(id);
            if (error.isNotFound()) {
                run->step(id, Stage::Skipped, QStringLiteral("not in the keychain"));
            } else if (!error.ok()) {
                run->add(id, {}, Outcome::Failed, error);
                run->step(id, Stage::Failed, error.message);
            } else if (Error invalid = checkStoredSecret(secret); !invalid.ok()) {
                // Refused before it reaches the JSON, which can hold neither.
                run->add(id, {}, Outcome::Failed,
                         Error::make(invalid.code,
                                     QStringLiteral("The keychain's key for %1 is not exported: "
                                                    "%2. It stays in the keychain.")
                                         .arg(id, invalid.message),
                                     QStringLiteral("Set a valid key with `choragen config:set "
                                                    "%1`, then export again.")
                                         .arg(id)));
                run->step(id, Stage::Failed, run->report.items.last().error.message);
            } else if (run->kind == Run::Kind::Copy || inFile.isEmpty()) {
                run->add(id, secret, Outcome::Moved);
                run->step(id, Stage::Done, QStringLiteral("read"));
            } else if (secretsEqual(inFile, secret)) {
                run->add(id, secret, Outcome::AlreadyThere);
                run->step(id, Stage::Done, QStringLiteral("already in the file"));
            } else {
                run->add(id, secret, Outcome::Conflict,
                         Error::make(ErrorCode::Conflict,
                                     QStringLiteral("The file already holds a different key for %1 "
                                                    "(%2); both were kept.")
                                         .arg(id, maskSecret(inFile)),
                                     QStringLiteral("Remove the one you do not want, then export "
                                                    "again.")));
                run->step(id, Stage::Conflict, run->report.items.last().error.message);
            }
            ++run->index;
            self->exportNext(run);
        });
}

void Migrator::commitExport(std::shared_ptr<Run> run)
{
    if (run->kind == Run::Kind::Copy) {
        // A copy elsewhere leaves this config alone, so it needs no lock.
        ConfigFile copy = run->config;
        for (int i = 0; i < run->report.items.size(); ++i) {
            const MigrationItem &item = run->report.items.at(i);
            if (item.outcome == Outcome::Moved)
                copy.setApiKey(item.providerId, run->secrets.at(i));
        }
        copy.setStorageMode(StorageMode::File);
        if (Error error = copy.saveCopyTo(run->copyPath); !error.ok())
            run->report.error = error;
        else
            run->report.fileRewritten = true;
        return finish(run);
    }
    const QString configPath = run->config.path();
    // Under the lock, on the file as it is now: a key that appeared in it while the keychain was
    // read is never overwritten.
    const auto change = [run](ConfigFile &config, bool &changed) {
        bool anyFailed = false;
        for (int i = 0; i < run->report.items.size(); ++i) {
            MigrationItem &item = run->report.items[i];
            if (item.outcome != Outcome::Moved && item.outcome != Outcome::AlreadyThere) {
                anyFailed = true;
                continue;
            }
            const QByteArray &secret = run->secrets.at(i);
            const QByteArray now = config.apiKey(item.providerId);
            if (config.keyConflict(item.providerId)
                || (!now.isEmpty() && !secretsEqual(now, secret))) {
                item.outcome = Outcome::Conflict;
                item.error = Error::make(
                    ErrorCode::Conflict,
                    QStringLiteral("The file already holds a different key for %1 (%2); both "
                                   "were kept.")
                        .arg(item.providerId, maskSecret(now)),
                    QStringLiteral("Remove the one you do not want, then export again."));
                run->step(item.providerId, Stage::Conflict, item.error.message);
                anyFailed = true;
            } else if (now.isEmpty()) {
                config.setApiKey(item.providerId, secret);
            }
        }
        if (!anyFailed)
            config.setStorageMode(StorageMode::File);
        changed = true;
        return Error::none();
    };
    QPointer<Migrator> self(this);
    // The keychain entries stay: they are shared with every other project of this user, and
    // removing them is an explicit, separate act (config:unset).
    updateConfigLater(configPath, this, change, [self, run](const Error &error) {
        if (!self)
            return;
        if (!error.ok()) {
            run->report.error = error;
            return self->finish(run);
        }
        run->report.fileRewritten = true;
        crashPoint(QStringLiteral("export:committed"));
        self->m_store.reload();
        self->finish(run);
    });
}

} // namespace Choragen
