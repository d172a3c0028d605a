#include "CredentialStore.h"

#include "FaultInjection.h"
#include "Log.h"
#include "PostTo.h"
#include "Secret.h"

#include <QPointer>

#include <utility>

namespace Choragen {

Error fileKeyConflict(const QString &providerId, const QString &configPath)
{
    return Error::make(ErrorCode::Conflict,
                       QStringLiteral("%1 holds two different keys for %2: "
                                      "\"providers.%2.apiKey\" and \"apiKeys.%2\" (written by "
                                      "an earlier version of this app).")
                           .arg(configPath, providerId),
                       QStringLiteral("Delete the one you do not want from the file; neither is "
                                      "used until then."));
}

QString locationId(KeyLocation location)
{
    switch (location) {
    case KeyLocation::Environment:
        return QStringLiteral("env");
    case KeyLocation::Keychain:
        return QStringLiteral("keychain");
    case KeyLocation::File:
        return QStringLiteral("file");
    case KeyLocation::None:
        break;
    }
    return QStringLiteral("none");
}

QByteArray environmentKey(const Provider &provider, QString *variable)
{
    for (const QString &name : {provider.envVar, provider.altEnvVar}) {
        if (name.isEmpty())
            continue;
        QByteArray value = qgetenv(name.toLocal8Bit().constData()).trimmed();
        if (value.isEmpty())
            continue;
        if (variable)
            *variable = name;
        return value;
    }
    return {};
}

CredentialStore::CredentialStore(const QString &configPath, std::unique_ptr<SecretBackend> keychain,
                                 QObject *parent)
    : QObject(parent)
    , m_configPath(configPath)
    , m_config(configPath)
    , m_keychain(std::move(keychain))
{
}

CredentialStore::~CredentialStore() = default;

Error CredentialStore::reload()
{
    Error error = m_config.load();
    m_keychain->setProfile(profile());
    return error;
}

void CredentialStore::setProfileOverride(const QString &profile)
{
    m_profileOverride = profile;
    m_keychain->setProfile(this->profile());
}

QString CredentialStore::profile() const
{
    return m_profileOverride.isEmpty() ? m_config.keyProfile() : m_profileOverride;
}

void CredentialStore::probeKeychain(QObject *context, SecretBackend::ProbeDone done)
{
    if (m_probe) {
        postTo(context, [done, status = *m_probe] { done(status); });
        return;
    }
    QPointer<CredentialStore> self(this);
    m_keychain->probe(context, [self, done](const BackendStatus &status) {
        if (self)
            self->m_probe = status;
        qCDebug(lcKeychain) << "probe:" << status.backend << status.available << status.detail;
        done(status);
    });
}

void CredentialStore::forgetProbe()
{
    m_probe.reset();
}

void CredentialStore::lookup(const Provider &provider, QObject *context,
                             std::function<void(KeyInfo)> done)
{
    KeyInfo info;
    const auto answer = [&info, context, &done] {
        postTo(context, [done, info] { done(info); });
    };
    if (QByteArray fromEnv = environmentKey(provider, &info.envVar); !fromEnv.isEmpty()) {
        info.location = KeyLocation::Environment;
        info.secret = fromEnv;
        return answer();
    }
    if (!provider.needsKey)
        return answer();
    if (Error error = reload(); !error.ok()) {
        info.error = error;
        return answer();
    }
    if (m_config.keyConflict(provider.id)) {
        info.error = fileKeyConflict(provider.id, m_configPath);
        return answer();
    }
    const QByteArray inFile = m_config.apiKey(provider.id);
    const std::optional<StorageMode> mode = m_config.storageMode();
    // "file" never consults the shared keychain, and an undecided project prefers its own file:
    // another project's keychain entry can neither override nor conflict with it.
    if (mode == StorageMode::File || (!mode && !inFile.isEmpty())) {
        if (!inFile.isEmpty()) {
            info.location = KeyLocation::File;
            info.secret = inFile;
        }
        return answer();
    }
    const auto settle = [done, inFile, mode](const Error &error, const QByteArray &secret) {
        KeyInfo result;
        if (error.ok()) {
            result.location = KeyLocation::Keychain;
            result.secret = secret;
            result.conflict = !inFile.isEmpty() && !secretsEqual(inFile, secret);
            result.alsoInFile = !inFile.isEmpty() && !result.conflict;
        } else if (!error.isNotFound() && mode == StorageMode::Keychain) {
            // Fail closed: the keychain may hold a newer key than the file.
            result.error = error;
        } else {
            if (!error.isNotFound())
                result.keychainError = error;
            if (!inFile.isEmpty()) {
                result.location = KeyLocation::File;
                result.secret = inFile;
            }
        }
        done(result);
    };
    // A keychain already found unusable is not asked again: a hung one would cost a timeout
    // per provider.
    if (m_probe && !m_probe->available) {
        const Error reason = m_probe->reason;
        postTo(context, [settle, reason] { settle(reason, {}); });
        return;
    }
    // Read first; probe only to interpret "not found", which is also what a locked keyring
    // answers to everything. The common case, a key that is there, costs one call.
    QPointer<CredentialStore> self(this);
    m_keychain->read(provider.id, context,
                     [self, context, settle](const Error &error, const QByteArray &secret) {
                         if (!error.isNotFound() || !self)
                             return settle(error, secret);
                         self->probeKeychain(context, [settle, error](const BackendStatus &status) {
                             settle(status.available ? error : status.reason, {});
                         });
                     });
}

void CredentialStore::store(const Provider &provider, QByteArray secret,
                            std::optional<StorageMode> target, QObject *context,
                            std::function<void(StoreResult)> done)
{
    const auto fail = [context, done](const Error &error) {
        StoreResult result;
        result.error = error;
        postTo(context, [done, result] { done(result); });
    };
    if (Error error = normalizeSecret(secret); !error.ok())
        return fail(error);
    if (Error error = reload(); !error.ok())
        return fail(error);

    if (target)
        return *target == StorageMode::Keychain
            ? storeInKeychain(provider, secret, true, context, std::move(done))
            : storeInFile(provider, secret, true, {}, context, std::move(done));
    if (const auto mode = m_config.storageMode())
        return *mode == StorageMode::Keychain
            ? storeInKeychain(provider, secret, false, context, std::move(done))
            : storeInFile(provider, secret, false, {}, context, std::move(done));

    // Nothing decided yet: the keychain if it is usable, else the file, saying why.
    QPointer<CredentialStore> self(this);
    probeKeychain(context, [self, provider, secret, context, done](const BackendStatus &status) {
        if (!self)
            return;
        if (status.available) {
            self->storeInKeychain(provider, secret, false, context, done);
            return;
        }
        const QString warning
            = QStringLiteral("The keychain is unavailable (%1): the key for %2 "
                             "is stored unencrypted in %3. %4")
                  .arg(status.reason.message, provider.id, self->m_configPath, status.reason.fix);
        self->storeInFile(provider, secret, false, {warning}, context, done);
    });
}

void CredentialStore::storeInKeychain(const Provider &provider, const QByteArray &secret,
                                      bool explicitTarget, QObject *context,
                                      std::function<void(StoreResult)> done)
{
    const QString configPath = m_configPath;
    const bool undecided = !m_config.storageMode().has_value();
    QPointer<CredentialStore> self(this);
    m_keychain->write(
        provider.id, secret, context,
        [self, provider, secret, explicitTarget, undecided, configPath, context,
         done](const Error &writeError) {
            if (!self)
                return;
            if (!writeError.ok()) {
                if (undecided && !explicitTarget && writeError.isKeychainUnavailable()) {
                    const QString warning
                        = QStringLiteral("The keychain refused the key (%1): it is stored "
                                         "unencrypted in %2 instead. %3")
                              .arg(writeError.message, configPath, writeError.fix);
                    self->storeInFile(provider, secret, false, {warning}, context, done);
                    return;
                }
                StoreResult result;
                result.error = writeError;
                done(result);
                return;
            }
            crashPoint(QStringLiteral("set:keychain-written"));
            self->m_keychain->read(
                provider.id, context,
                [provider, secret, explicitTarget, undecided, configPath, context,
                 done](const Error &readError, const QByteArray &readBack) {
                    if (!readError.ok() || !secretsEqual(readBack, secret)) {
                        StoreResult result;
                        result.error = readError.ok() || readError.isNotFound()
                            ? Error::make(ErrorCode::VerifyFailed,
                                          QStringLiteral("The keychain returned a different value "
                                                         "for %1 than was written.")
                                              .arg(provider.id),
                                          QStringLiteral("Try again; nothing in the file was "
                                                         "changed."))
                            : readError;
                        done(result);
                        return;
                    }
                    crashPoint(QStringLiteral("set:verified"));
                    // The key is safe in the keychain: now the file copy may go.
                    const auto change = [provider, explicitTarget, undecided](ConfigFile &config,
                                                                              bool &changed) {
                        changed = config.removeApiKey(provider.id);
                        // Never "secured" while the file holds a key-like string we cannot read.
                        if ((explicitTarget || undecided)
                            && config.unrecognizedSecrets().isEmpty()) {
                            changed = changed
                                || config.storageMode() != std::optional(StorageMode::Keychain);
                            config.setStorageMode(StorageMode::Keychain);
                        }
                        return Error::none();
                    };
                    updateConfigLater(
                        configPath, context, change, [provider, done](const Error &fileError) {
                            crashPoint(QStringLiteral("set:committed"));
                            StoreResult result;
                            result.location = KeyLocation::Keychain;
                            if (!fileError.ok()) {
                                result.warnings << QStringLiteral("The key is in the keychain, "
                                                                  "but the config file could not "
                                                                  "be updated: %1")
                                                       .arg(fileError.message);
                                result.fileError = fileError;
                            }
                            if (QString variable; !environmentKey(provider, &variable).isEmpty())
                                result.warnings << QStringLiteral("%1 is set in the environment "
                                                                  "and overrides the stored key.")
                                                       .arg(variable);
                            done(result);
                        });
                });
        });
}

void CredentialStore::storeInFile(const Provider &provider, const QByteArray &secret,
                                  bool explicitTarget, QStringList warnings, QObject *context,
                                  std::function<void(StoreResult)> done)
{
    const auto change
        = [id = provider.id, secret, explicitTarget](ConfigFile &config, bool &changed) {
              config.setApiKey(id, secret);
              if (explicitTarget)
                  config.setStorageMode(StorageMode::File);
              changed = true;
              return Error::none();
          };
    updateConfigLater(m_configPath, context, change,
                      [provider, warnings = std::move(warnings), done](const Error &error) {
                          StoreResult result;
                          if (!error.ok()) {
                              result.error = error;
                              done(result);
                              return;
                          }
                          crashPoint(QStringLiteral("set:file-written"));
                          result.warnings = warnings;
                          result.location = KeyLocation::File;
                          // The shared keychain entry, if any, is left alone: other projects may
                          // read it, and this project now reads its file first.
                          if (QString variable; !environmentKey(provider, &variable).isEmpty())
                              result.warnings
                                  << QStringLiteral("%1 is set in the environment and overrides "
                                                    "the stored key.")
                                         .arg(variable);
                          done(result);
                      });
}

void CredentialStore::remove(const Provider &provider, std::optional<StorageMode> target,
                             QObject *context, std::function<void(RemoveResult)> done)
{
    if (Error error = reload(); !error.ok()) {
        RemoveResult result;
        result.error = error;
        postTo(context, [done, result] { done(result); });
        return;
    }
    const QString configPath = m_configPath;
    const std::optional<StorageMode> mode = target ? target : m_config.storageMode();
    const bool keychainOnly = target == StorageMode::Keychain;
    const auto removeFromFile = [provider, configPath, keychainOnly, context,
                                 done](RemoveResult result) {
        crashPoint(QStringLiteral("unset:keychain-removed"));
        if (keychainOnly)
            return done(result);
        if (QString variable; !environmentKey(provider, &variable).isEmpty())
            result.warnings << QStringLiteral("%1 is still set in the environment and provides "
                                              "a key.")
                                   .arg(variable);
        auto removed = std::make_shared<bool>(false);
        const auto change = [id = provider.id, removed](ConfigFile &config, bool &changed) {
            *removed = config.removeApiKey(id);
            changed = *removed;
            return Error::none();
        };
        updateConfigLater(configPath, context, change,
                          [result, removed, done](const Error &error) mutable {
                              result.error = error;
                              if (error.ok() && *removed)
                                  result.removedFrom << KeyLocation::File;
                              done(result);
                          });
    };
    // A project keeping its keys in its file never touches the keychain other projects share.
    if (mode == StorageMode::File) {
        postTo(context, [removeFromFile] { removeFromFile({}); });
        return;
    }
    const bool keychainMode = mode == StorageMode::Keychain;
    m_keychain->remove(
        provider.id, context, [provider, keychainMode, removeFromFile, done](const Error &error) {
            RemoveResult result;
            if (error.ok()) {
                result.removedFrom << KeyLocation::Keychain;
                result.warnings << QStringLiteral("The keychain entry for %1 is shared: every "
                                                  "project that reads it from the keychain "
                                                  "no longer has this key.")
                                       .arg(provider.id);
            } else if (!error.isNotFound()) {
                if (keychainMode) {
                    result.error = error;
                    done(result);
                    return;
                }
                if (error.code != ErrorCode::NotBuiltIn)
                    result.warnings << QStringLiteral("Could not check the keychain "
                                                      "(%1).")
                                           .arg(error.message);
            }
            removeFromFile(result);
        });
}

} // namespace Choragen
