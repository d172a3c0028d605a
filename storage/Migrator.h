#pragma once

#include "ConfigFile.h"
#include "Error.h"
#include "Provider.h"

#include <QList>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace Choragen {

class CredentialStore;

/// What happened to one key in a migration or an export.
struct MigrationItem
{
    enum class Outcome {
        Moved, ///< written, read back, identical, and gone from the source
        AlreadyThere, ///< the destination already held the same value
        WouldMove, ///< dry run: would be moved
        Conflict, ///< the destination holds a different value; both kept, nothing overwritten
        Failed, ///< stays where it was; see error
    };
    QString providerId;
    QString preview; ///< masked
    Outcome outcome = Outcome::Failed;
    Error error;
};

/// One step of one key, for progress lines; never holds a secret.
struct MigrationStep
{
    enum class Stage { Writing, Verifying, Done, Failed, Conflict, Skipped };
    QString providerId;
    Stage stage = Stage::Writing;
    int index = 0; ///< 0-based position of this key
    int count = 0; ///< keys in this run
    QString message;
};

struct MigrationReport
{
    Error error; ///< the run could not start or finish: lock, config, keychain unavailable
    QList<MigrationItem> items;
    bool fileRewritten = false;
    bool dryRun = false;

    bool succeeded() const;
    /// 0 all moved, 1 a key failed or conflicted (nothing lost), 3 keychain unavailable,
    /// 4 config invalid.
    int exitCode() const;
};

struct MigrationOptions
{
    bool dryRun = false;
    /// Only these providers; empty means every key in the file.
    QStringList only;
};

/// Moves keys between the file and the keychain so that a crash at any instant leaves every key
/// in the file, in the keychain, or in both with the same value:
/// - migrate(): write each key to the keychain, read it back and compare byte for byte; then,
///   under the config lock, re-read the file and rewrite it once, atomically, without the
///   verified keys that still hold the verified value (and with `credentialStorage: "keychain"`
///   when all were verified). A key changed in the file meanwhile stays, as a Conflict.
/// - exportToFile(): reads the keys from the keychain, then under the lock re-reads the file and
///   copies them into it in one atomic write and sets "file"; a different key that appeared in
///   the file meanwhile is kept, as a Conflict. The keychain entries stay, because other
///   projects may read them.
/// The lock is held only for that read-compare-write, never across a keychain call, and waited
/// for without blocking the thread (see updateConfigLater()).
/// The window's wizard and `--migrate` share this class.
class Migrator : public QObject
{
    Q_OBJECT
public:
    using Progress = std::function<void(const MigrationStep &)>;
    using Done = std::function<void(const MigrationReport &)>;

    explicit Migrator(CredentialStore &store, QObject *parent = nullptr);
    ~Migrator() override;

    void migrate(const MigrationOptions &options, Progress progress, Done done);
    /// Copies the keys of @p providers from the keychain into the file; storage becomes "file".
    /// The keychain entries are left alone.
    void exportToFile(const QList<Provider> &providers, Progress progress, Done done);
    /// Writes a 0600 copy of the config holding every effective stored key to @p path; the
    /// configured storage does not change.
    void exportCopy(const QList<Provider> &providers, const QString &path, Progress progress,
                    Done done);

private:
    struct Run;
    /// Reads the config and probes the keychain, then runs @p next.
    void begin(std::shared_ptr<Run> run, void (Migrator::*next)(std::shared_ptr<Run>));
    void migrateNext(std::shared_ptr<Run> run);
    void commitMigration(std::shared_ptr<Run> run);
    void exportNext(std::shared_ptr<Run> run);
    void commitExport(std::shared_ptr<Run> run);
    void finish(std::shared_ptr<Run> run);

    CredentialStore &m_store;
};

} // namespace Choragen
