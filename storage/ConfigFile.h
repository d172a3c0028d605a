#pragma once

#include "Error.h"
#include "Provider.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>

class QLockFile;
class QObject;

namespace Choragen {

/// Where new keys go. Absent from the file means nothing has been decided yet.
enum class StorageMode { Keychain, File };

QString storageModeName(StorageMode mode);
std::optional<StorageMode> storageModeFromName(const QString &name);

/// `<project>/.choragen/config.json`: loaded and validated with nlohmann (key order kept),
/// written atomically (a 0600 temporary file next to it, flushed to disk, renamed over it; on
/// Windows QSaveFile), in a 0700 folder. Members we do not know are
/// kept as they were. A file that cannot be understood is never rewritten.
class ConfigFile
{
public:
    /// Files larger than this are refused rather than read; real configs are a few KiB.
    static constexpr qint64 maxFileBytes = 1024 * 1024;

    explicit ConfigFile(QString path);

    /// The config path for @p projectDir, or, when it is empty, for the nearest ancestor of
    /// @p workingDir that has a `.choragen/` folder, or else for @p workingDir itself.
    static QString locate(const QString &projectDir, const QString &workingDir);

    QString path() const { return m_path; }
    bool exists() const { return m_exists; }

    /// Reads and validates the file. A missing file loads as an empty config. On error the
    /// message names the file (and line and column for syntax errors) and nothing is kept.
    Error load();
    /// Writes atomically (temp file, flush, rename), creating `.choragen/` 0700 when needed.
    /// A symlinked config stays a link: its target is replaced.
    Error save();
    /// Writes the same content atomically to another, existing folder, mode 0600; refuses to
    /// replace a file that exists. Used for exports to a separate file.
    Error saveCopyTo(const QString &path) const;

    /// Whether load() tightens a file other users can read to 0600 (the default). config:doctor
    /// turns it off: it reports loose permissions and changes nothing.
    void setTightenPermissions(bool tighten) { m_tighten = tighten; }

    /// Warnings gathered by load(), e.g. permissions that were tightened.
    QStringList warnings() const { return m_warnings; }

    std::optional<StorageMode> storageMode() const;
    void setStorageMode(StorageMode mode);

    /// `keyProfile`: the key profile this project uses; empty for the default profile.
    QString keyProfile() const;
    /// Sets `keyProfile` (a valid name, see isValidProfileName()), or removes it when empty.
    void setKeyProfile(const QString &profile);

    /// Providers with a non-empty plaintext key, in file order: `providers.<id>.apiKey` (the
    /// format Choragen itself writes) first, then keys found only in the `apiKeys` map that
    /// this app's 0.1 releases wrote.
    QStringList apiKeyProviders() const;
    /// The plaintext key for @p providerId, or an empty array when there is none. When both
    /// places hold a key and they differ (see keyConflict()), this is `providers.<id>.apiKey`.
    QByteArray apiKey(const QString &providerId) const;
    /// True when `providers.<id>.apiKey` and the 0.1 `apiKeys.<id>` hold different keys: the
    /// file is ambiguous for that provider, and nothing may choose between them silently.
    bool keyConflict(const QString &providerId) const;
    /// Sets `providers.<id>.apiKey`, keeping the provider's other members; the 0.1 `apiKeys`
    /// copy goes.
    void setApiKey(const QString &providerId, const QByteArray &secret);
    /// Removes the provider's key from both places, and a provider object (or `apiKeys` map)
    /// left empty. Returns whether a key was removed.
    bool removeApiKey(const QString &providerId);

    /// Providers declared under `providers` (every entry but the built-ins' own), in file order.
    QList<Provider> declaredProviders() const;

    /// Members holding a string that looks like a key in a place this app does not read keys
    /// from (a member named like `apiKey`, `api_key`, `key`, `token` or `secret` anywhere but
    /// `providers.<id>.apiKey` and `apiKeys.<id>`), as member paths such as `llm.apiKey`. Never
    /// holds a value; a member name that could itself be a key is replaced by its length.
    QStringList unrecognizedSecrets() const;

    const nlohmann::ordered_json &json() const { return m_json; }

    /// The file's content as it would be saved.
    QByteArray serialize() const;

private:
    Error validate(const nlohmann::ordered_json &json) const;
    Error serializeChecked(const QString &target, QByteArray &content) const;
    void tightenPermissions();

    QString m_path;
    nlohmann::ordered_json m_json = nlohmann::ordered_json::object();
    bool m_exists = false;
    bool m_tighten = true;
    QStringList m_warnings;
};

/// The error for a config whose unrecognizedSecrets() is not empty: names each member path (never
/// a value) and says where keys belong. Exit code 1; the file is left as it was.
Error unrecognizedSecretsError(const QString &configPath, const QStringList &paths);

/// The QLockFile every read-modify-write of a config file holds, for that short step only: never
/// across a keychain call. A lock left behind by a process that died is recovered; one held by a
/// live process makes tryAcquire() fail at once and acquire() wait, then fail.
class ConfigLock
{
public:
    explicit ConfigLock(const QString &configPath);
    ~ConfigLock();
    ConfigLock(const ConfigLock &) = delete;
    ConfigLock &operator=(const ConfigLock &) = delete;

    /// Creates `.choragen/` (0700) if needed and takes the lock if it is free now; never waits.
    /// ErrorCode::LockBusy when a live process holds it.
    Error tryAcquire();
    /// Like tryAcquire(), but waits up to @p timeoutMs, blocking the calling thread: never call
    /// it from the UI thread (use updateConfigLater()).
    Error acquire(int timeoutMs = 10000);
    void release();
    bool isLocked() const;

private:
    QString m_configPath;
    std::unique_ptr<QLockFile> m_lock;
};

/// Creates the folder holding @p configPath with mode 0700 if it does not exist.
Error ensureConfigFolder(const QString &configPath);

/// Edits a freshly loaded config under the lock; sets @p changed when it must be saved.
using ConfigChange = std::function<Error(ConfigFile &config, bool &changed)>;

/// How long a writer waits for another process's lock before it reports ErrorCode::LockBusy.
constexpr int configLockTimeoutMs = 10000;

/// Under the lock: load, let @p change edit the config, and save once if it returned true.
/// Returns the first error; the file is untouched when load() or @p change fails. Waits for the
/// lock up to @p lockTimeoutMs on the calling thread (0: one try, no wait).
Error updateConfig(const QString &configPath, const ConfigChange &change,
                   int lockTimeoutMs = configLockTimeoutMs);

/// updateConfig() without blocking the calling thread, for the window: the lock is tried now and,
/// while another process holds it, again from the event loop every few milliseconds, up to
/// @p lockTimeoutMs. @p done gets the result later from the event loop of @p context's thread,
/// once, unless @p context is gone by then. @p change must not capture locals by reference.
void updateConfigLater(const QString &configPath, QObject *context, ConfigChange change,
                       std::function<void(const Error &error)> done,
                       int lockTimeoutMs = configLockTimeoutMs);

} // namespace Choragen
