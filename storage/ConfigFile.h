#pragma once

// Beside the model, what every user of a config needs: the lock, the locked update, and the
// error for key-like values in places this app does not read.
#include "ConfigLock.h"
#include "ConfigUpdate.h"
#include "ConfigValidation.h"
#include "Error.h"
#include "Provider.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

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
    /// @p workingDir that has a `.choragen/` folder, or else for @p workingDir itself
    /// (locateConfigFile()).
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
    Error serializeChecked(const QString &target, QByteArray &content) const;
    void tightenPermissions();

    QString m_path;
    nlohmann::ordered_json m_json = nlohmann::ordered_json::object();
    bool m_exists = false;
    bool m_tighten = true;
    QStringList m_warnings;
};

} // namespace Choragen
