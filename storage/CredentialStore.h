#pragma once

#include "ConfigFile.h"
#include "Error.h"
#include "Provider.h"
#include "SecretBackend.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace Choragen {

/// Where a provider's effective key comes from.
enum class KeyLocation { None, Environment, Keychain, File };

/// "none", "env", "keychain" or "file", as in `config:status --json`.
QString locationId(KeyLocation location);

/// The effective key of one provider, found by the read rule of DESIGN.md: the environment,
/// then the project's storage (keychain: the keychain entry; file: the file only; undecided:
/// the file's key if it has one, else the keychain).
struct KeyInfo
{
    KeyLocation location = KeyLocation::None;
    QByteArray secret; ///< the effective key; empty when location is None
    QString envVar; ///< the variable, when location is Environment
    /// The keychain and the file both hold a key and they differ. The keychain's wins, by the
    /// read order, but this is reported and never resolved silently.
    bool conflict = false;
    /// The file holds the same key as the keychain (an interrupted migration; a rerun finishes it).
    bool alsoInFile = false;
    /// The lookup failed: the config could not be read, or the keychain could not be asked while
    /// storage is "keychain". Nothing else is set then.
    Error error;
    /// The keychain could not be asked and the file was used instead (file or undecided mode).
    Error keychainError;
};

/// What config:set / Save did.
struct StoreResult
{
    Error error; ///< failure; when set, the old key, if any, is still where it was
    KeyLocation location = KeyLocation::None; ///< where the key went
    QStringList warnings; ///< e.g. "keychain unavailable: stored in the file"
    /// Set when the key is stored (error is none) but the config file could not be updated
    /// afterwards (also given as a warning).
    Error fileError;
};

/// What config:unset / Remove did.
struct RemoveResult
{
    Error error;
    QList<KeyLocation> removedFrom;
    QStringList warnings;
};

/// The storage policy of DESIGN.md over a keychain backend and the config file:
/// - reads follow env var → keychain → file, everywhere;
/// - a fresh setup uses the keychain when it is usable, else the file, and says why;
/// - with `credentialStorage: "keychain"`, a keychain failure is an error, never a file write;
/// - keys moved between stores are written and verified before the old copy goes.
///
/// Asynchronous like its backends: every callback comes later from the event loop, once.
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    /// @p keychain is usually a KeychainBackend; unit tests of the UI pass a fake.
    CredentialStore(const QString &configPath, std::unique_ptr<SecretBackend> keychain,
                    QObject *parent = nullptr);
    ~CredentialStore() override;

    QString configPath() const { return m_configPath; }
    SecretBackend &keychain() { return *m_keychain; }

    /// Reloads the config from disk, and points the keychain at the project's profile.
    Error reload();

    /// A profile that overrides the config's `keyProfile` (`--profile`); empty: none.
    void setProfileOverride(const QString &profile);
    /// The key profile in use: the override, else the config's `keyProfile`; empty: default.
    QString profile() const;
    /// See ConfigFile::setTightenPermissions(); for config:doctor, which changes nothing.
    void setTightenPermissions(bool tighten) { m_config.setTightenPermissions(tighten); }
    const ConfigFile &config() const { return m_config; }
    /// The configured mode; nullopt when nothing has been decided yet.
    std::optional<StorageMode> configuredMode() const { return m_config.storageMode(); }

    /// Probes the keychain once and remembers the answer until forgetProbe().
    void probeKeychain(QObject *context, SecretBackend::ProbeDone done);
    void forgetProbe();
    /// The last probe's answer, if there was one.
    std::optional<BackendStatus> lastProbe() const { return m_probe; }

    /// The effective key of @p provider.
    void lookup(const Provider &provider, QObject *context, std::function<void(KeyInfo)> done);

    /// Stores @p secret (validated with normalizeSecret()) for @p provider. With @p target unset
    /// the policy picks the place; an explicit target also becomes the configured mode.
    void store(const Provider &provider, QByteArray secret, std::optional<StorageMode> target,
               QObject *context, std::function<void(StoreResult)> done);

    /// Deletes @p provider's key from where this project reads it: the file in file mode, else
    /// the file and the keychain entry (shared with every project that uses it: the result
    /// warns so). An explicit @p target deletes from that place only.
    void remove(const Provider &provider, std::optional<StorageMode> target, QObject *context,
                std::function<void(RemoveResult)> done);

private:
    void storeInKeychain(const Provider &provider, const QByteArray &secret, bool explicitTarget,
                         QObject *context, std::function<void(StoreResult)> done);
    void storeInFile(const Provider &provider, const QByteArray &secret, bool explicitTarget,
                     QStringList warnings, QObject *context, std::function<void(StoreResult)> done);

    QString m_configPath;
    ConfigFile m_config;
    std::unique_ptr<SecretBackend> m_keychain;
    std::optional<BackendStatus> m_probe;
    QString m_profileOverride;
};

/// The value of @p provider's environment variable (its second one when the first is unset),
/// or empty; @p variable, when given, is set to the variable that held it.
QByteArray environmentKey(const Provider &provider, QString *variable = nullptr);

/// The file holds two different keys for @p providerId (the current and the 0.1 place).
Error fileKeyConflict(const QString &providerId, const QString &configPath);

} // namespace Choragen
