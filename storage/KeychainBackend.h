#pragma once

#include "SecretBackend.h"

#include <QObject>

namespace QKeychain {
class Job;
}

namespace Choragen {

/// The operating system's keychain through QtKeychain: the Secret Service (or KWallet) on Linux,
/// the macOS Keychain, the Windows Credential Manager. Never falls back to an insecure store.
///
/// Builds configured with CHORAGEN_WITH_KEYCHAIN=OFF have the same class without QtKeychain: it
/// reports every call as NotBuiltIn, so the storage policy keeps keys in the file and says why.
///
/// Every call has a timeout (default 30 s, or CHORAGEN_KEYCHAIN_TIMEOUT_MS): QtKeychain runs one
/// job at a time, and one that hangs, e.g. behind an unlock prompt, must not hang the caller.
class KeychainBackend : public QObject, public SecretBackend
{
    Q_OBJECT
public:
    static constexpr int defaultTimeoutMs = 30000;

    explicit KeychainBackend(QObject *parent = nullptr);
    explicit KeychainBackend(int timeoutMs, QObject *parent = nullptr);

    int timeoutMs() const { return m_timeoutMs; }

    /// False in builds without keychain support.
    static bool isBuiltIn();

    QString name() const override;
    void probe(QObject *context, ProbeDone done) override;
    void read(const QString &providerId, QObject *context, ReadDone done) override;
    void write(const QString &providerId, const QByteArray &secret, QObject *context,
               Done done) override;
    void remove(const QString &providerId, QObject *context, Done done) override;
    void readIfPresent(const QString &providerId, QObject *context, ReadDone done) override;
    void setProfile(const QString &profile) override { m_profile = profile; }

    /// Maps a finished QtKeychain job's error to ours, with a message and a fix for people.
    static Error classify(int keychainError, const QString &errorString, const QString &backend);

private:
    void start(QKeychain::Job *job, QObject *context, std::function<void(const Error &)> finish);
    void sentinelRead(QObject *context, ProbeDone done);
    void checkLocked(QObject *context, BackendStatus status, ProbeDone done);

    int m_timeoutMs;
    QString m_profile;
};

} // namespace Choragen
