#pragma once

#include "Error.h"

#include <QByteArray>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace Choragen {

/// Whether a backend can be used now, and if not why and how to fix it.
struct BackendStatus
{
    bool available = false;
    QString backend; ///< for people: "Secret Service", "KWallet", "macOS Keychain", "File", …
    Error reason; ///< why it is unavailable; Error::none() when available
    QString detail; ///< one line for people, e.g. "org.freedesktop.secrets answered"
};

/// VerifyFailed: the value @p backend returned for @p providerId differs from the one written.
Error verifyFailed(const QString &backend, const QString &providerId);

/// A store of API keys, addressed by provider id.
///
/// Every call is asynchronous and completes exactly once: @p done is called later from the
/// event loop of the calling thread, never before the call returns. If @p context is destroyed
/// first, @p done is not called at all. Implementations never block the caller.
///
/// Results:
/// - read(): Error::none() and the secret, or NotFound when there is no entry. Any other error
///   means the backend could not answer; it never means "no entry".
/// - write(): Error::none() once the backend has stored the value.
/// - remove(): Error::none() when an entry was deleted, NotFound when there was none.
/// - probe(): the backend's availability; a usable backend reports available = true.
/// - unlock(): Error::none() once the keychain is unlocked (or was not locked); KeychainLocked
///   when the user cancelled or dismissed the keychain's own unlock prompt.
class SecretBackend
{
public:
    using ReadDone = std::function<void(const Error &error, const QByteArray &secret)>;
    using Done = std::function<void(const Error &error)>;
    using ProbeDone = std::function<void(const BackendStatus &status)>;

    virtual ~SecretBackend() = default;

    /// The backend's name for people.
    virtual QString name() const = 0;

    virtual void probe(QObject *context, ProbeDone done) = 0;
    virtual void read(const QString &providerId, QObject *context, ReadDone done) = 0;
    virtual void write(const QString &providerId, const QByteArray &secret, QObject *context,
                       Done done)
        = 0;
    virtual void remove(const QString &providerId, QObject *context, Done done) = 0;

    /// The key profile whose entries a keychain backend reads and writes from now on; empty for
    /// the default profile. Backends without profiles (the file) ignore it.
    virtual void setProfile(const QString &profile) { Q_UNUSED(profile) }

    /// Whether unlock() can ask the keychain to unlock itself (with its own prompt).
    virtual bool canUnlock() const { return false; }

    /// Asks the keychain to unlock its default collection: the provider shows its own prompt
    /// (gnome-keyring, KeePassXC, KWallet) and @p done comes once the user answered it. Backends
    /// that cannot do that answer KeychainOther, "not supported".
    virtual void unlock(QObject *context, Done done)
    {
        QMetaObject::invokeMethod(
            context,
            [context = QPointer<QObject>(context), done = std::move(done), backend = name()] {
                if (context)
                    done(Error::make(
                        ErrorCode::KeychainOther,
                        QStringLiteral("The %1 cannot be unlocked from Choragen.").arg(backend),
                        QStringLiteral("Unlock it in its own application, then "
                                       "check again.")));
            },
            Qt::QueuedConnection);
    }

    /// From now on, a call that finds the keychain locked asks it to unlock with its own prompt
    /// (as secret-tool and keytar do), calls @p waiting so the user can be told, and runs again
    /// once it is unlocked. For command lines in a desktop session; the window offers Unlock…
    /// instead. Backends that cannot unlock ignore it.
    virtual void setUnlockOnDemand(std::function<void(const QString &backend)> waiting)
    {
        Q_UNUSED(waiting)
    }

    /// read(), for callers that expect no entry (a migration checking before it writes): a
    /// backend may answer NotFound through a cheaper question than a read. Same results.
    virtual void readIfPresent(const QString &providerId, QObject *context, ReadDone done)
    {
        read(providerId, context, std::move(done));
    }

    /// What writeIfAbsent() found, when it answers without an error.
    enum class Placed {
        Written, ///< there was no entry; @p secret was written and read back identical
        AlreadyThere, ///< the entry already held @p secret; nothing was written
        Different, ///< the entry holds another key (handed back); nothing was written
    };
    using PlaceDone
        = std::function<void(const Error &error, Placed placed, const QByteArray &existing)>;

    /// A migration's step for one key: unless an entry exists, writes @p secret and reads it
    /// back. An existing entry is never overwritten. A value read back that differs is
    /// VerifyFailed. The default makes it of readIfPresent(), write() and read(); a backend may
    /// answer it in fewer round trips (the Secret Service: one search, one write, one read of
    /// the item just written).
    virtual void writeIfAbsent(const QString &providerId, const QByteArray &secret,
                               QObject *context, PlaceDone done);

    /// Before writeIfAbsent() of many keys (a migration): the backend may find out in one
    /// question which of @p providerIds have no entry yet, so that their writeIfAbsent() need
    /// not search first. What it learns holds until forgetSurvey() or the next call for that
    /// entry. @p done comes when it is done; a survey that fails only means no shortcut.
    virtual void surveyBeforeWrites(const QStringList &providerIds, QObject *context,
                                    std::function<void()> done);
    virtual void forgetSurvey() { }
};

} // namespace Choragen
