#include "KeychainBackend.h"

#include "KeychainNaming.h"
#include "Log.h"
#include "Secret.h"

#include <qt6keychain/keychain.h>

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QLibrary>
#include <QPointer>
#include <QTimer>

#include <memory>

#ifdef Q_OS_LINUX
#include <dlfcn.h>
#endif

namespace Choragen {

namespace {

// An account no provider can have: provider accounts all end in "-api-key".
const QString probeAccount = QStringLiteral(".probe");

int timeoutFromEnvironment()
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue("CHORAGEN_KEYCHAIN_TIMEOUT_MS", &ok);
    return ok && value > 0 ? value : KeychainBackend::defaultTimeoutMs;
}

bool usesKWallet()
{
    // QtKeychain picks KWallet on KDE Plasma and the Secret Service everywhere else.
    const QString desktop = qEnvironmentVariable("XDG_CURRENT_DESKTOP").toUpper();
    return desktop.contains(QStringLiteral("KDE"));
}

// Whether QtKeychain can load libsecret; cheap once QtKeychain has loaded it already.
bool libsecretLoadable()
{
#ifdef Q_OS_LINUX
    if (void *handle = ::dlopen("libsecret-1.so.0", RTLD_LAZY | RTLD_NOLOAD)) {
        ::dlclose(handle);
        return true;
    }
#endif
    return QLibrary(QStringLiteral("secret-1"), 0).load();
}

QString serviceToFind()
{
    return usesKWallet() ? QStringLiteral("org.kde.kwalletd5")
                         : QStringLiteral("org.freedesktop.secrets");
}

QString fixFor(ErrorCode code, int timeoutMs)
{
    switch (code) {
    case ErrorCode::NoDBusSession:
        return QStringLiteral("Log in to a desktop session, or start a session bus with "
                              "`dbus-run-session -- $SHELL` and a keyring in it.");
    case ErrorCode::NoSecretService:
        return QStringLiteral("Install and start a Secret Service provider: gnome-keyring, or "
                              "KeePassXC with Secret Service integration enabled.");
    case ErrorCode::KeychainLocked:
        return QStringLiteral("Unlock the login keyring (for example in Passwords and Keys, or "
                              "with `gnome-keyring-daemon --unlock`), then try again.");
    case ErrorCode::AccessDenied:
        return QStringLiteral("Allow Choragen when the keychain asks, or check the keychain's "
                              "access settings.");
    case ErrorCode::TimedOut:
        return QStringLiteral("The keychain did not answer within %1 s; it may be waiting for "
                              "an unlock prompt. Answer it and try again.")
            .arg(timeoutMs / 1000.0);
    case ErrorCode::NotBuiltIn:
        return QStringLiteral("This build of Choragen has no keychain support.");
    default:
        return QStringLiteral("Check that the keychain works, e.g. with `secret-tool`.");
    }
}

Error timedOut(const QString &backend, int timeoutMs)
{
    return Error::make(
        ErrorCode::TimedOut,
        QStringLiteral("The %1 did not answer within %2 s.").arg(backend).arg(timeoutMs / 1000.0),
        fixFor(ErrorCode::TimedOut, timeoutMs));
}

struct JobState
{
    bool settled = false;
    QPointer<QObject> context;
    std::function<void(const Error &)> finish;
};

} // namespace

KeychainBackend::KeychainBackend(QObject *parent)
    : KeychainBackend(timeoutFromEnvironment(), parent)
{
}

KeychainBackend::KeychainBackend(int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_timeoutMs(timeoutMs)
{
}

bool KeychainBackend::isBuiltIn()
{
    return true;
}

QString KeychainBackend::name() const
{
    switch (currentKeychainPlatform()) {
    case KeychainPlatform::MacOS:
        return QStringLiteral("macOS Keychain");
    case KeychainPlatform::Windows:
        return QStringLiteral("Windows Credential Manager");
    case KeychainPlatform::Linux:
        break;
    }
    return usesKWallet() ? QStringLiteral("KWallet") : QStringLiteral("Secret Service");
}

Error KeychainBackend::classify(int keychainError, const QString &errorString,
                                const QString &backend)
{
    ErrorCode code = ErrorCode::KeychainOther;
    switch (static_cast<QKeychain::Error>(keychainError)) {
    case QKeychain::NoError:
        return Error::none();
    case QKeychain::EntryNotFound:
        return Error::make(ErrorCode::NotFound, QStringLiteral("No entry in the %1.").arg(backend));
    case QKeychain::AccessDeniedByUser:
        code = ErrorCode::AccessDenied;
        break;
    case QKeychain::AccessDenied:
        code = errorString.contains(QStringLiteral("locked"), Qt::CaseInsensitive)
            ? ErrorCode::KeychainLocked
            : ErrorCode::AccessDenied;
        break;
    case QKeychain::NoBackendAvailable:
        code = ErrorCode::NoSecretService;
        break;
    default:
        if (errorString.contains(QStringLiteral("D-Bus"), Qt::CaseInsensitive)
            && (errorString.contains(QStringLiteral("autolaunch"), Qt::CaseInsensitive)
                || errorString.contains(QStringLiteral("session bus"), Qt::CaseInsensitive)))
            code = ErrorCode::NoDBusSession;
        else if (errorString.contains(QStringLiteral("org.freedesktop.secrets"))
                 || errorString.contains(QStringLiteral("not provided by any .service")))
            code = ErrorCode::NoSecretService;
        else if (errorString.contains(QStringLiteral("locked"), Qt::CaseInsensitive)
                 || (errorString.contains(QStringLiteral("/collection/"))
                     && errorString.contains(QStringLiteral("does not exist"))))
            // No default keyring yet: creating one needs an unlock prompt, like a locked one.
            code = ErrorCode::KeychainLocked;
        break;
    }
    const QString reason = errorString.isEmpty() ? QStringLiteral("unknown error") : errorString;
    return Error::make(code, QStringLiteral("%1: %2").arg(backend, reason), fixFor(code, 0));
}

void KeychainBackend::start(QKeychain::Job *job, QObject *context,
                            std::function<void(const Error &)> finish)
{
    auto state = std::make_shared<JobState>();
    state->context = context;
    state->finish = std::move(finish);
    const auto settle = [state](const Error &error) {
        if (state->settled)
            return;
        state->settled = true;
        if (state->context)
            state->finish(error);
        state->finish = nullptr;
    };

    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    const QString backend = name();
    const int timeoutMs = m_timeoutMs;
    connect(timer, &QTimer::timeout, this, [settle, timer, backend, timeoutMs] {
        qCWarning(lcKeychain) << "keychain call timed out after" << timeoutMs << "ms";
        timer->deleteLater();
        settle(timedOut(backend, timeoutMs));
    });
    connect(job, &QKeychain::Job::finished, this, [settle, timer, backend](QKeychain::Job *done) {
        timer->stop();
        timer->deleteLater();
        Error error = classify(done->error(), done->errorString(), backend);
        settle(error);
    });
    // Jobs own themselves: QtKeychain's libsecret callbacks may still arrive after this backend
    // is gone, and must not find their job deleted under them.
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    timer->start(m_timeoutMs);
    job->start();
}

void KeychainBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(keychainService());
    job->setKey(keychainKey(providerId, m_profile));
    QPointer<QKeychain::ReadPasswordJob> guard(job);
    start(job, context, [guard, done](const Error &error) {
        if (!error.ok() || !guard) {
            done(error.ok() ? Error::make(ErrorCode::KeychainOther, QStringLiteral("lost job"))
                            : error,
                 {});
            return;
        }
        // The job's own buffer, shared: no decoded or re-encoded copy of the key is made.
        QByteArray secret = guard->binaryData();
        done(error, secret);
    });
}

void KeychainBackend::write(const QString &providerId, const QByteArray &secret, QObject *context,
                            Done done)
{
    auto *job = new QKeychain::WritePasswordJob(keychainService());
    job->setKey(keychainKey(providerId, m_profile));
    // Text, not binary: binary data is stored base64-encoded, which other tools cannot read.
    QString text = QString::fromUtf8(secret);
    job->setTextData(text);
    // setTextData() keeps its own UTF-8 copy; this UTF-16 one is ours to wipe.
    wipeString(text);
    start(job, context, std::move(done));
}

void KeychainBackend::remove(const QString &providerId, QObject *context, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(keychainService());
    job->setKey(keychainKey(providerId, m_profile));
    start(job, context, std::move(done));
}

void KeychainBackend::readIfPresent(const QString &providerId, QObject *context, ReadDone done)
{
    // QtKeychain answers "no entry" only after two lookups, the key as text and then as base64.
    // On the Secret Service one SearchItems call (attributes only, no secret, no session) tells
    // whether there is an entry at all; only then is it read, through QtKeychain as always. Any
    // doubt (an error, a locked match) also goes to the read, which explains itself.
    if (currentKeychainPlatform() != KeychainPlatform::Linux || usesKWallet()) {
        read(providerId, context, std::move(done));
        return;
    }
    static const QMetaType registered = qDBusRegisterMetaType<QMap<QString, QString>>();
    Q_UNUSED(registered)
    QDBusMessage search = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("SearchItems"));
    const QMap<QString, QString> attributes {
        {QStringLiteral("server"), keychainService()},
        {QStringLiteral("user"), keychainKey(providerId, m_profile)}};
    search << QVariant::fromValue(attributes);
    auto *call = new QDBusPendingCallWatcher(
        QDBusConnection::sessionBus().asyncCall(search, m_timeoutMs), this);
    const QString backend = name();
    const int timeoutMs = m_timeoutMs;
    connect(call, &QDBusPendingCallWatcher::finished, this,
            [this, providerId, context = QPointer<QObject>(context), done, backend,
             timeoutMs](QDBusPendingCallWatcher *w) {
                w->deleteLater();
                if (!context)
                    return;
                const QDBusPendingReply<QList<QDBusObjectPath>, QList<QDBusObjectPath>> items = *w;
                if (items.isError() && items.error().type() == QDBusError::NoReply) {
                    done(timedOut(backend, timeoutMs), {});
                    return;
                }
                if (!items.isError() && items.argumentAt<0>().isEmpty()
                    && items.argumentAt<1>().isEmpty()) {
                    done(classify(QKeychain::EntryNotFound, {}, backend), {});
                    return;
                }
                read(providerId, context, done);
            });
}

void KeychainBackend::probe(QObject *context, ProbeDone done)
{
    if (currentKeychainPlatform() != KeychainPlatform::Linux) {
        sentinelRead(context, std::move(done));
        return;
    }
    const QString backend = name();
    const auto unavailable
        = [backend](ErrorCode code, const QString &message, const QString &detail) {
              BackendStatus status;
              status.backend = backend;
              status.reason = Error::make(code, message, fixFor(code, 0));
              status.detail = detail;
              return status;
          };
    const auto deliver = [context = QPointer<QObject>(context), done](const BackendStatus &s) {
        if (!context)
            return;
        QMetaObject::invokeMethod(
            context.data(),
            [context, done, s] {
                if (context)
                    done(s);
            },
            Qt::QueuedConnection);
    };

    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        const QString why = bus.lastError().message();
        deliver(unavailable(
            ErrorCode::NoDBusSession, QStringLiteral("There is no D-Bus session bus."),
            why.isEmpty() ? QStringLiteral("DBUS_SESSION_BUS_ADDRESS is not set") : why));
        return;
    }
    if (!usesKWallet() && !libsecretLoadable()) {
        deliver(unavailable(ErrorCode::NoSecretService,
                            QStringLiteral("libsecret is not installed."),
                            QStringLiteral("libsecret-1.so.0 could not be loaded; install the "
                                           "libsecret-1-0 package")));
        return;
    }

    // Owned, or activatable on demand: both mean the service will answer.
    const QString service = serviceToFind();
    auto *owner = new QDBusPendingCallWatcher(
        bus.interface()->asyncCall(QStringLiteral("NameHasOwner"), service), this);
    connect(
        owner, &QDBusPendingCallWatcher::finished, this,
        [this, bus, service, context = QPointer<QObject>(context), done, unavailable,
         deliver](QDBusPendingCallWatcher *w) mutable {
            w->deleteLater();
            const QDBusPendingReply<bool> hasOwner = *w;
            if (!context)
                return;
            if (!hasOwner.isError() && hasOwner.value()) {
                sentinelRead(context, done);
                return;
            }
            auto *activatable = new QDBusPendingCallWatcher(
                bus.interface()->asyncCall(QStringLiteral("ListActivatableNames")), this);
            connect(
                activatable, &QDBusPendingCallWatcher::finished, this,
                [this, service, context, done, unavailable, deliver](QDBusPendingCallWatcher *a) {
                    a->deleteLater();
                    const QDBusPendingReply<QStringList> names = *a;
                    if (!context)
                        return;
                    if (!names.isError() && names.value().contains(service)) {
                        sentinelRead(context, done);
                        return;
                    }
                    deliver(unavailable(
                        ErrorCode::NoSecretService,
                        QStringLiteral("No Secret Service is running on the session bus."),
                        QStringLiteral("%1 is neither running nor activatable").arg(service)));
                });
        });
}

void KeychainBackend::sentinelRead(QObject *context, ProbeDone done)
{
    const QString backend = name();
    auto *job = new QKeychain::ReadPasswordJob(keychainService());
    job->setKey(probeAccount);
    QPointer<KeychainBackend> self(this);
    start(job, context, [self, context, backend, done](const Error &error) {
        BackendStatus status;
        status.backend = backend;
        if (!error.ok() && !error.isNotFound()) {
            status.reason = error;
            status.detail = error.message;
            done(status);
            return;
        }
        status.available = true;
        status.detail = QStringLiteral("%1 answered").arg(backend);
        // A locked keyring answers every read with "not found": ask it whether it is locked, so
        // that "not found" can be trusted.
        if (self && currentKeychainPlatform() == KeychainPlatform::Linux && !usesKWallet())
            self->checkLocked(context, status, done);
        else
            done(status);
    });
}

void KeychainBackend::checkLocked(QObject *context, BackendStatus status, ProbeDone done)
{
    const QString service = QStringLiteral("org.freedesktop.secrets");
    QDBusConnection bus = QDBusConnection::sessionBus();
    QDBusMessage readAlias = QDBusMessage::createMethodCall(
        service, QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("ReadAlias"));
    readAlias << QStringLiteral("default");
    auto *aliasCall = new QDBusPendingCallWatcher(bus.asyncCall(readAlias, m_timeoutMs), this);
    const auto locked = [](BackendStatus s, const QString &message) {
        s.available = false;
        s.reason
            = Error::make(ErrorCode::KeychainLocked, message, fixFor(ErrorCode::KeychainLocked, 0));
        s.detail = message;
        return s;
    };
    connect(aliasCall, &QDBusPendingCallWatcher::finished, this,
            [this, bus, service, context = QPointer<QObject>(context), status, done,
             locked](QDBusPendingCallWatcher *w) mutable {
                w->deleteLater();
                const QDBusPendingReply<QDBusObjectPath> alias = *w;
                if (!context)
                    return;
                if (alias.isError()) {
                    // Not every provider has aliases; the sentinel read already answered.
                    done(status);
                    return;
                }
                const QString path = alias.value().path();
                if (path.isEmpty() || path == QLatin1String("/")) {
                    done(locked(status,
                                QStringLiteral("The Secret Service has no default "
                                               "keyring yet.")));
                    return;
                }
                QDBusMessage get = QDBusMessage::createMethodCall(
                    service, path, QStringLiteral("org.freedesktop.DBus.Properties"),
                    QStringLiteral("Get"));
                get << QStringLiteral("org.freedesktop.Secret.Collection")
                    << QStringLiteral("Locked");
                auto *lockedCall
                    = new QDBusPendingCallWatcher(bus.asyncCall(get, m_timeoutMs), this);
                connect(lockedCall, &QDBusPendingCallWatcher::finished, this,
                        [context, status, done, locked](QDBusPendingCallWatcher *l) {
                            l->deleteLater();
                            const QDBusPendingReply<QDBusVariant> reply = *l;
                            if (!context)
                                return;
                            if (!reply.isError() && reply.value().variant().toBool()) {
                                done(locked(status,
                                            QStringLiteral("The default keyring is "
                                                           "locked.")));
                                return;
                            }
                            done(status);
                        });
            });
}

} // namespace Choragen
