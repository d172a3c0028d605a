#pragma once

#include "SecretBackend.h"

#include <QObject>
#include <QSet>

namespace QKeychain {
class Job;
}

namespace Choragen {

struct SecretServiceOutcome;
struct SecretServiceCall;

/// The operating system's keychain. One implementation per platform, one file each:
/// - Linux: the Secret Service through libsecret (KeychainBackendSecretService.cpp), on every
///   provider (gnome-keyring, KeePassXC, KWallet), with the item attributes every other client
///   searches (see DESIGN.md, "The keychain entries");
/// - macOS and Windows: QtKeychain (KeychainBackend.cpp);
/// - builds configured with CHORAGEN_WITH_KEYCHAIN=OFF: every call reports NotBuiltIn
///   (KeychainBackendNotBuiltIn.cpp), so the storage policy keeps keys in the file and says why.
/// Never falls back to an insecure store.
///
/// Every call has a timeout (default 30 s, or CHORAGEN_KEYCHAIN_TIMEOUT_MS): a keychain that
/// hangs, e.g. behind an unlock prompt, must not hang the caller. Once a call timed out, later
/// calls answer TimedOut at once, until the next probe() asks the keychain again.
class KeychainBackend : public QObject, public SecretBackend
{
    Q_OBJECT
public:
    static constexpr int defaultTimeoutMs = 30000;

    explicit KeychainBackend(QObject *parent = nullptr);
    explicit KeychainBackend(int timeoutMs, QObject *parent = nullptr);

    int timeoutMs() const { return m_timeoutMs; }

    /// The key profile whose entries this backend reads and writes; empty is the default
    /// profile. See keychainAccount().
    void setProfile(const QString &profile) override { m_profile = profile; }
    QString profile() const { return m_profile; }

    /// False in builds without keychain support.
    static bool isBuiltIn();

    /// For people; on Linux it names the Secret Service provider that answered the last probe,
    /// e.g. "KeePassXC Secret Service".
    QString name() const override;
    void probe(QObject *context, ProbeDone done) override;
    void read(const QString &providerId, QObject *context, ReadDone done) override;
    void write(const QString &providerId, const QByteArray &secret, QObject *context,
               Done done) override;
    void remove(const QString &providerId, QObject *context, Done done) override;
    void readIfPresent(const QString &providerId, QObject *context, ReadDone done) override;
#if CHORAGEN_SECRET_SERVICE
    // The Secret Service answers these in fewer round trips than the defaults.
    void writeIfAbsent(const QString &providerId, const QByteArray &secret, QObject *context,
                       PlaceDone done) override;
    /// One search for every item under the service name.
    void surveyBeforeWrites(const QStringList &providerIds, QObject *context,
                            std::function<void()> done) override;
    void forgetSurvey() override;
#endif
    /// Linux: asks the Secret Service to unlock its default collection with the provider's own
    /// prompt, waiting up to the timeout. macOS and Windows: not supported (the default).
    bool canUnlock() const override;
    void unlock(QObject *context, Done done) override;
#if CHORAGEN_SECRET_SERVICE
    /// A call that finds the keychain locked asks it to unlock (its own prompt), calls
    /// @p waiting with the backend's name (on a worker thread) and, once unlocked, runs again.
    /// (macOS and Windows unlock on their own.)
    void setUnlockOnDemand(std::function<void(const QString &backend)> waiting) override;
#endif

    /// Maps a finished QtKeychain job's error to ours, with a message and a fix for people.
    static Error classify(int keychainError, const QString &errorString, const QString &backend);

private:
    // QtKeychain (macOS, Windows).
    void start(QKeychain::Job *job, QObject *context, std::function<void(const Error &)> finish);
    void sentinelRead(QObject *context, ProbeDone done);

    // Secret Service (Linux): libsecret calls on a worker thread.
    using Outcome = SecretServiceOutcome;
    using Work = std::function<Outcome(SecretServiceCall &call)>;
    // Runs @p work on a worker thread, with what earlier calls learnt (the provider, the
    // default collection). A call that times out makes later calls answer TimedOut at once,
    // unless @p remembersTimeout is false (an unlock prompt the user did not answer).
    void runOnWorker(Work work, QObject *context, std::function<void(const Outcome &)> finish,
                     bool remembersTimeout = true);

    int m_timeoutMs;
    QString m_profile;
    QString m_provider;
    QByteArray m_collection; // the default collection's path, once known
    QSet<QString> m_absent; // accounts a survey found without any item
    std::function<void(const QString &)> m_unlockWaiting;
    bool m_timedOut = false;
};

} // namespace Choragen
