// KeychainBackend on Linux: the Secret Service through libsecret, on every provider
// (gnome-keyring, KeePassXC, KWallet >= 5.97). Items carry the attributes every other client
// searches (DESIGN.md, "The keychain entries"), so keytar, Python keyring, secret-tool and
// QtKeychain all find a key written here, and this finds theirs.
//
// libsecret's blocking calls run on a worker thread, each with a GCancellable; the result comes
// back through a QFutureWatcher in the caller's thread. The caller never blocks, and this works
// under any Qt event dispatcher (libsecret's asynchronous API would need GLib's).
#include "KeychainBackend.h"

#include "FaultInjection.h"
#include "KeychainCommon.h"
#include "KeychainNaming.h"
#include "Log.h"
#include "Secret.h"

// The D-Bus path API (search and delete by path, create an item with our own attributes).
#define SECRET_API_SUBJECT_TO_CHANGE 1
#include <libsecret/secret.h>

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QFile>
#include <QFutureWatcher>
#include <QPointer>
#include <QPromise>
#include <QTimer>

#include <memory>
#include <thread>

namespace Choragen {

// What a libsecret call on a worker thread hands back.
struct SecretServiceOutcome
{
    Error error;
    QByteArray secret;
    QString provider; // the process owning org.freedesktop.secrets, when looked up
};

namespace {

// An account no provider can have: provider accounts all contain "-api-key".
const QString probeAccount = QStringLiteral(".probe");
const char *const secretsBusName = "org.freedesktop.secrets";

struct GErrorDeleter
{
    void operator()(GError *error) const { g_error_free(error); }
};
using GErrorPtr = std::unique_ptr<GError, GErrorDeleter>;

struct ServiceDeleter
{
    void operator()(SecretService *service) const { g_object_unref(service); }
};
using ServicePtr = std::unique_ptr<SecretService, ServiceDeleter>;

struct HashTableDeleter
{
    void operator()(GHashTable *table) const { g_hash_table_unref(table); }
};
using HashTablePtr = std::unique_ptr<GHashTable, HashTableDeleter>;

struct StrvDeleter
{
    void operator()(gchar **strv) const { g_strfreev(strv); }
};
using StrvPtr = std::unique_ptr<gchar *, StrvDeleter>;

QString providerLabel(SecretServiceProvider provider, const QString &process)
{
    switch (provider) {
    case SecretServiceProvider::GnomeKeyring:
        return QStringLiteral("gnome-keyring");
    case SecretServiceProvider::KeePassXC:
        return QStringLiteral("KeePassXC");
    case SecretServiceProvider::KWallet:
        return QStringLiteral("KWallet");
    case SecretServiceProvider::Unknown:
        break;
    }
    return process;
}

SecretServiceProvider providerFromLabel(const QString &label)
{
    if (label == QLatin1String("gnome-keyring"))
        return SecretServiceProvider::GnomeKeyring;
    if (label == QLatin1String("KeePassXC"))
        return SecretServiceProvider::KeePassXC;
    if (label == QLatin1String("KWallet"))
        return SecretServiceProvider::KWallet;
    return SecretServiceProvider::Unknown;
}

QString backendName(const QString &provider)
{
    return provider.isEmpty() ? QStringLiteral("Secret Service")
                              : QStringLiteral("%1 Secret Service").arg(provider);
}

// Who owns org.freedesktop.secrets: the process name of the bus name's owner, for people.
QString lookUpProvider(SecretService *service, GCancellable *cancellable)
{
    GDBusConnection *bus = g_dbus_proxy_get_connection(reinterpret_cast<GDBusProxy *>(service));
    GVariant *reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetConnectionUnixProcessID", g_variant_new("(s)", secretsBusName), G_VARIANT_TYPE("(u)"),
        G_DBUS_CALL_FLAGS_NONE, -1, cancellable, nullptr);
    if (!reply)
        return {};
    guint32 pid = 0;
    g_variant_get(reply, "(u)", &pid);
    g_variant_unref(reply);
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!comm.open(QIODevice::ReadOnly))
        return {};
    const QString process = QString::fromUtf8(comm.readAll()).trimmed();
    SecretServiceProvider provider = SecretServiceProvider::Unknown;
    // /proc/<pid>/comm holds at most 15 characters: "gnome-keyring-d".
    if (process.startsWith(QLatin1String("gnome-keyring")))
        provider = SecretServiceProvider::GnomeKeyring;
    else if (process.contains(QLatin1String("keepassxc"), Qt::CaseInsensitive))
        provider = SecretServiceProvider::KeePassXC;
    else if (process.startsWith(QLatin1String("kwalletd"))
             || process.startsWith(QLatin1String("ksecretd")))
        provider = SecretServiceProvider::KWallet;
    return providerLabel(provider, process);
}

// One libsecret call's context: the service, the provider named in texts, the cancellable.
struct Call
{
    GCancellable *cancellable = nullptr;
    QString provider;
    int timeoutMs = 0;
    ServicePtr service;

    QString backend() const { return backendName(provider); }

    Error error(ErrorCode code, const QString &message) const
    {
        return Error::make(
            code, message,
            fixForKeychainError(code, 0, KeychainPlatform::Linux, providerFromLabel(provider)));
    }

    Error fromGError(const GError *gerror) const
    {
        const QString text = QString::fromUtf8(gerror->message);
        ErrorCode code = ErrorCode::KeychainOther;
        if (g_error_matches(gerror, G_IO_ERROR, G_IO_ERROR_CANCELLED)
            || g_error_matches(gerror, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
            || g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
            || g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT))
            code = ErrorCode::TimedOut;
        else if (g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
                 || g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
                 || text.contains(QLatin1String("org.freedesktop.secrets")))
            code = ErrorCode::NoSecretService;
        else if (g_error_matches(gerror, SECRET_ERROR, SECRET_ERROR_IS_LOCKED)
                 || text.contains(QLatin1String("locked"), Qt::CaseInsensitive))
            code = ErrorCode::KeychainLocked;
        else if (g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
            code = ErrorCode::AccessDenied;
        else if (text.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive)
                 && (text.contains(QLatin1String("autolaunch"), Qt::CaseInsensitive)
                     || text.contains(QLatin1String("session bus"), Qt::CaseInsensitive)))
            code = ErrorCode::NoDBusSession;
        if (code == ErrorCode::TimedOut)
            return keychainTimedOut(backend(), timeoutMs);
        return error(code, QStringLiteral("%1: %2").arg(backend(), text));
    }

    bool connect(Error *failure)
    {
        GError *gerror = nullptr;
        service.reset(secret_service_get_sync(SECRET_SERVICE_NONE, cancellable, &gerror));
        if (!service) {
            *failure = fromGError(gerror);
            g_error_free(gerror);
            return false;
        }
        // Once per backend: texts name the provider, and its fixes differ.
        if (provider.isEmpty())
            provider = lookUpProvider(service.get(), cancellable);
        return true;
    }

    // The items of @p account, as keytar (service+account), Python keyring (service+username)
    // and QtKeychain or earlier Choragen versions (server+user) look them up: a full item of
    // ours matches all three. Locked items are listed apart, never unlocked.
    bool find(const QString &account, QStringList *unlocked, QStringList *locked, Error *failure)
    {
        const QByteArray name = account.toUtf8();
        const QByteArray ours = keychainService().toUtf8();
        const std::pair<const char *, const char *> forms[]
            = {{"service", "account"}, {"service", "username"}, {"server", "user"}};
        unlocked->clear();
        locked->clear();
        for (const auto &[serviceKey, accountKey] : forms) {
            HashTablePtr attributes(g_hash_table_new(g_str_hash, g_str_equal));
            g_hash_table_insert(attributes.get(), const_cast<char *>(serviceKey),
                                const_cast<char *>(ours.constData()));
            g_hash_table_insert(attributes.get(), const_cast<char *>(accountKey),
                                const_cast<char *>(name.constData()));
            gchar **foundUnlocked = nullptr;
            gchar **foundLocked = nullptr;
            GError *gerror = nullptr;
            if (!secret_service_search_for_dbus_paths_sync(service.get(), nullptr, attributes.get(),
                                                           cancellable, &foundUnlocked,
                                                           &foundLocked, &gerror)) {
                *failure = fromGError(gerror);
                g_error_free(gerror);
                return false;
            }
            StrvPtr u(foundUnlocked);
            StrvPtr l(foundLocked);
            for (gchar **p = foundUnlocked; p && *p; ++p) {
                const QString path = QString::fromUtf8(*p);
                if (!unlocked->contains(path))
                    unlocked->append(path);
            }
            for (gchar **p = foundLocked; p && *p; ++p) {
                const QString path = QString::fromUtf8(*p);
                if (!locked->contains(path))
                    locked->append(path);
            }
        }
        return true;
    }

    // The default collection's path; empty when there is none. @p isLocked tells whether it is
    // locked. A provider without aliases gets the alias path itself.
    bool defaultCollection(QByteArray *path, bool *isLocked, Error *failure)
    {
        GError *gerror = nullptr;
        gchar *alias = secret_service_read_alias_dbus_path_sync(service.get(), "default",
                                                                cancellable, &gerror);
        if (gerror) {
            g_clear_error(&gerror);
            *path = QByteArrayLiteral("/org/freedesktop/secrets/aliases/default");
        } else {
            *path = alias ? QByteArray(alias) : QByteArray();
            g_free(alias);
        }
        *isLocked = false;
        if (path->isEmpty() || *path == "/") {
            path->clear();
            return true;
        }
        GDBusProxy *proxy = reinterpret_cast<GDBusProxy *>(service.get());
        GVariant *reply = g_dbus_connection_call_sync(
            g_dbus_proxy_get_connection(proxy), g_dbus_proxy_get_name(proxy), path->constData(),
            "org.freedesktop.DBus.Properties", "Get",
            g_variant_new("(ss)", "org.freedesktop.Secret.Collection", "Locked"),
            G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable, &gerror);
        if (!reply) {
            const bool cancelled = g_error_matches(gerror, G_IO_ERROR, G_IO_ERROR_CANCELLED);
            if (cancelled)
                *failure = fromGError(gerror);
            g_error_free(gerror);
            // Without the property, the searches and the calls themselves say "locked".
            return !cancelled;
        }
        GVariant *value = nullptr;
        g_variant_get(reply, "(v)", &value);
        *isLocked
            = g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(value);
        g_variant_unref(value);
        g_variant_unref(reply);
        return true;
    }

    Error noDefaultCollection() const
    {
        return error(ErrorCode::KeychainLocked,
                     QStringLiteral("The %1 has no default keyring yet.").arg(backend()));
    }

    Error lockedError() const
    {
        return error(
            ErrorCode::KeychainLocked,
            QStringLiteral("The %1 is locked: its default keyring is locked.").arg(backend()));
    }

    // Whether "no item" can be trusted: a locked keyring hides its items from searches.
    Error absentOrLocked(const QString &account)
    {
        QByteArray path;
        bool isLocked = false;
        Error failure;
        if (!defaultCollection(&path, &isLocked, &failure))
            return failure;
        if (path.isEmpty())
            return noDefaultCollection();
        if (isLocked)
            return lockedError();
        return Error::make(
            ErrorCode::NotFound,
            QStringLiteral("No entry %1/%2 in the %3.").arg(keychainService(), account, backend()));
    }

    bool deleteAll(const QStringList &paths, Error *failure)
    {
        for (const QString &path : paths) {
            GError *gerror = nullptr;
            if (!secret_service_delete_item_dbus_path_sync(service.get(), path.toUtf8().constData(),
                                                           cancellable, &gerror)) {
                *failure = fromGError(gerror);
                g_error_free(gerror);
                return false;
            }
        }
        return true;
    }
};

// The unlocked items of @p account's entry, or false with @p error set: no connection, an item
// in a locked keyring, or no item at all (absent, or hidden by a locked collection).
bool findUnlockedItems(Call &call, const QString &account, QStringList *unlocked, Error *error)
{
    if (!call.connect(error))
        return false;
    QStringList locked;
    if (!call.find(account, unlocked, &locked, error))
        return false;
    if (!locked.isEmpty()) {
        *error = call.error(ErrorCode::KeychainLocked,
                            QStringLiteral("The entry %1/%2 is in a locked keyring of the %3.")
                                .arg(keychainService(), account, call.backend()));
        return false;
    }
    if (unlocked->isEmpty()) {
        *error = call.absentOrLocked(account);
        return false;
    }
    return true;
}

SecretServiceOutcome readItem(Call &call, const QString &account)
{
    SecretServiceOutcome outcome;
    QStringList unlocked;
    if (!findUnlockedItems(call, account, &unlocked, &outcome.error))
        return outcome;
    std::vector<QByteArray> paths;
    std::vector<const gchar *> pathPointers;
    for (const QString &path : unlocked)
        paths.push_back(path.toUtf8());
    for (const QByteArray &path : paths)
        pathPointers.push_back(path.constData());
    pathPointers.push_back(nullptr);
    GError *gerror = nullptr;
    HashTablePtr secrets(secret_service_get_secrets_for_dbus_paths_sync(
        call.service.get(), pathPointers.data(), call.cancellable, &gerror));
    if (!secrets) {
        outcome.error = call.fromGError(gerror);
        g_error_free(gerror);
        return outcome;
    }
    int distinct = 0;
    GHashTableIter iter;
    gpointer value = nullptr;
    g_hash_table_iter_init(&iter, secrets.get());
    while (g_hash_table_iter_next(&iter, nullptr, &value)) {
        gsize length = 0;
        const gchar *data = secret_value_get(static_cast<SecretValue *>(value), &length);
        // A view into libsecret's memory (which it wipes): one copy of the key, the result.
        const QByteArrayView secret(data, qsizetype(length));
        if (distinct == 0) {
            ++distinct;
            outcome.secret = secret.toByteArray();
        } else if (secret != QByteArrayView(outcome.secret)) {
            ++distinct;
        }
    }
    if (distinct == 0) {
        // The items went away between the search and the read.
        outcome.error = call.absentOrLocked(account);
    } else if (distinct > 1) {
        wipeSecret(outcome.secret);
        outcome.error = Error::make(
            ErrorCode::Conflict,
            QStringLiteral("The %1 holds different keys for %2/%3 (written by different "
                           "programs); Choragen does not pick one.")
                .arg(call.backend(), keychainService(), account),
            QStringLiteral("Set the right key again with `choragen config:set`: it replaces "
                           "them all with one entry."));
    }
    return outcome;
}

SecretServiceOutcome writeItem(Call &call, const QString &account, const QByteArray &secret)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    QByteArray collection;
    bool isLocked = false;
    if (!call.defaultCollection(&collection, &isLocked, &outcome.error))
        return outcome;
    if (collection.isEmpty()) {
        outcome.error = call.noDefaultCollection();
        return outcome;
    }
    if (isLocked) {
        outcome.error = call.lockedError();
        return outcome;
    }
    QStringList unlocked;
    QStringList locked;
    if (!call.find(account, &unlocked, &locked, &outcome.error))
        return outcome;
    if (!locked.isEmpty()) {
        outcome.error
            = call.error(ErrorCode::KeychainLocked,
                         QStringLiteral("An entry %1/%2 is in a locked keyring of the %3.")
                             .arg(keychainService(), account, call.backend()));
        return outcome;
    }
    // One entry is one item: delete every item others or earlier versions wrote for this
    // account before writing ours (a "replace" would keep items with other attributes). A crash
    // between the delete and the write loses nothing: the caller still holds the key, and a
    // migration keeps it in the config file until it has read it back from here.
    if (!call.deleteAll(unlocked, &outcome.error))
        return outcome;
    if (!unlocked.isEmpty())
        crashPoint(QStringLiteral("keychain:deleted-before-write"));

    const QByteArray name = account.toUtf8();
    const QByteArray ours = keychainService().toUtf8();
    GVariantBuilder attributes;
    g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&attributes, "{ss}", "xdg:schema", "org.freedesktop.Secret.Generic");
    g_variant_builder_add(&attributes, "{ss}", "service", ours.constData());
    g_variant_builder_add(&attributes, "{ss}", "account", name.constData());
    g_variant_builder_add(&attributes, "{ss}", "username", name.constData());
    g_variant_builder_add(&attributes, "{ss}", "server", ours.constData());
    g_variant_builder_add(&attributes, "{ss}", "user", name.constData());
    g_variant_builder_add(&attributes, "{ss}", "type", "plaintext");
    const QByteArray label = QStringLiteral("Choragen: %1").arg(account).toUtf8();
    HashTablePtr properties(g_hash_table_new_full(g_str_hash, g_str_equal, nullptr, [](gpointer v) {
        g_variant_unref(static_cast<GVariant *>(v));
    }));
    g_hash_table_insert(properties.get(), const_cast<char *>("org.freedesktop.Secret.Item.Label"),
                        g_variant_ref_sink(g_variant_new_string(label.constData())));
    g_hash_table_insert(properties.get(),
                        const_cast<char *>("org.freedesktop.Secret.Item.Attributes"),
                        g_variant_ref_sink(g_variant_builder_end(&attributes)));
    SecretValue *value = secret_value_new(secret.constData(), secret.size(), "text/plain");
    GError *gerror = nullptr;
    gchar *path = secret_service_create_item_dbus_path_sync(
        call.service.get(), collection.constData(), properties.get(), value,
        SECRET_ITEM_CREATE_REPLACE, call.cancellable, &gerror);
    secret_value_unref(value);
    if (!path) {
        outcome.error = call.fromGError(gerror);
        g_error_free(gerror);
        return outcome;
    }
    g_free(path);
    return outcome;
}

SecretServiceOutcome removeItems(Call &call, const QString &account)
{
    SecretServiceOutcome outcome;
    QStringList unlocked;
    if (!findUnlockedItems(call, account, &unlocked, &outcome.error))
        return outcome;
    if (!call.deleteAll(unlocked, &outcome.error))
        return outcome;
    // Verified like a write: a locked KeePassXC database answers a delete with success and
    // keeps the item.
    QStringList stillUnlocked;
    QStringList stillLocked;
    if (!call.find(account, &stillUnlocked, &stillLocked, &outcome.error))
        return outcome;
    if (!stillUnlocked.isEmpty() || !stillLocked.isEmpty()) {
        QByteArray collection;
        bool isLocked = false;
        Error ignored;
        call.defaultCollection(&collection, &isLocked, &ignored);
        outcome.error = call.error(
            isLocked || !stillLocked.isEmpty() ? ErrorCode::KeychainLocked
                                               : ErrorCode::KeychainOther,
            QStringLiteral("The %1 answered the delete, but the entry %2/%3 is still there%4.")
                .arg(call.backend(), keychainService(), account,
                     isLocked || !stillLocked.isEmpty() ? QStringLiteral(": it is locked")
                                                        : QString()));
    }
    return outcome;
}

// Unlocks the default collection through the provider's own prompt (Service.Unlock, then
// Prompt.Prompt, then its Completed signal: libsecret runs that on this worker thread's own main
// context). Verified: the collection must read as unlocked afterwards.
SecretServiceOutcome unlockDefaultCollection(Call &call)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    QByteArray collection;
    bool isLocked = false;
    if (!call.defaultCollection(&collection, &isLocked, &outcome.error))
        return outcome;
    if (collection.isEmpty()) {
        outcome.error = call.noDefaultCollection();
        return outcome;
    }
    if (!isLocked)
        return outcome;
    const gchar *paths[] = {collection.constData(), nullptr};
    gchar **unlocked = nullptr;
    GError *gerror = nullptr;
    const gint count = secret_service_unlock_dbus_paths_sync(call.service.get(), paths,
                                                             call.cancellable, &unlocked, &gerror);
    StrvPtr unlockedPaths(unlocked);
    if (gerror) {
        outcome.error = call.fromGError(gerror);
        g_error_free(gerror);
        return outcome;
    }
    if (!call.defaultCollection(&collection, &isLocked, &outcome.error))
        return outcome;
    if (count <= 0 || isLocked)
        outcome.error = call.error(
            ErrorCode::KeychainLocked,
            QStringLiteral("The %1 is still locked: its unlock prompt was cancelled or dismissed.")
                .arg(call.backend()));
    return outcome;
}

struct CallState
{
    bool settled = false;
    QPointer<QObject> context;
    std::function<void(const SecretServiceOutcome &)> finish;
};

} // namespace

KeychainBackend::KeychainBackend(QObject *parent)
    : KeychainBackend(keychainTimeoutFromEnvironment(), parent)
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
    return backendName(m_provider);
}

void KeychainBackend::runOnWorker(Work work, QObject *context,
                                  std::function<void(const Outcome &)> finish,
                                  bool remembersTimeout)
{
    auto state = std::make_shared<CallState>();
    state->context = context;
    state->finish = std::move(finish);
    const auto settle = [state](const Outcome &outcome) {
        if (state->settled)
            return;
        state->settled = true;
        if (state->context)
            state->finish(outcome);
        state->finish = nullptr;
    };
    const QString backend = name();
    const int timeoutMs = m_timeoutMs;
    if (m_timedOut) {
        // The keychain did not answer before: do not wait for it once per key.
        QMetaObject::invokeMethod(
            this,
            [settle, backend, timeoutMs] {
                Outcome outcome;
                outcome.error = keychainTimedOut(backend, timeoutMs);
                settle(outcome);
            },
            Qt::QueuedConnection);
        return;
    }

    std::shared_ptr<GCancellable> cancellable(g_cancellable_new(),
                                              [](GCancellable *c) { g_object_unref(c); });
    QPromise<Outcome> promise;
    // Owned by this backend: when it goes, pending answers go nowhere.
    auto *watcher = new QFutureWatcher<Outcome>(this);
    auto *timer = new QTimer(watcher);
    timer->setSingleShot(true);
    connect(watcher, &QFutureWatcherBase::finished, watcher, [this, watcher, timer, settle] {
        timer->stop();
        if (watcher->future().resultCount() > 0) {
            // Taken, not copied: the future keeps no reference to a key, so the one the caller
            // wipes is the last.
            Outcome outcome = watcher->future().takeResult();
            if (!outcome.provider.isEmpty())
                m_provider = outcome.provider;
            settle(outcome);
            wipeSecret(outcome.secret);
        }
        watcher->deleteLater();
    });
    connect(timer, &QTimer::timeout, watcher,
            [this, watcher, cancellable, settle, backend, timeoutMs, remembersTimeout] {
                qCWarning(lcKeychain) << "keychain call timed out after" << timeoutMs << "ms";
                g_cancellable_cancel(cancellable.get());
                if (remembersTimeout)
                    m_timedOut = true;
                Outcome outcome;
                outcome.error = keychainTimedOut(backend, timeoutMs);
                settle(outcome);
                watcher->deleteLater();
            });
    watcher->setFuture(promise.future());
    timer->start(m_timeoutMs);
    std::thread([promise = std::move(promise), work = std::move(work), cancellable]() mutable {
        promise.start();
        promise.addResult(work(cancellable.get()));
        promise.finish();
    }).detach();
}

void KeychainBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    const QString account = keychainAccount(providerId, m_profile);
    const QString provider = m_provider;
    const int timeoutMs = m_timeoutMs;
    runOnWorker(
        [account, provider, timeoutMs](void *cancellable) {
            Call call {static_cast<GCancellable *>(cancellable), provider, timeoutMs, {}};
            SecretServiceOutcome outcome = readItem(call, account);
            outcome.provider = call.provider;
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error, outcome.secret); });
}

void KeychainBackend::readIfPresent(const QString &providerId, QObject *context, ReadDone done)
{
    // A read searches first and reads secrets only for items it found.
    read(providerId, context, std::move(done));
}

void KeychainBackend::write(const QString &providerId, const QByteArray &secret, QObject *context,
                            Done done)
{
    const QString account = keychainAccount(providerId, m_profile);
    const QString provider = m_provider;
    const int timeoutMs = m_timeoutMs;
    runOnWorker(
        [account, provider, timeoutMs, secret](void *cancellable) {
            Call call {static_cast<GCancellable *>(cancellable), provider, timeoutMs, {}};
            SecretServiceOutcome outcome = writeItem(call, account, secret);
            outcome.provider = call.provider;
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error); });
}

void KeychainBackend::remove(const QString &providerId, QObject *context, Done done)
{
    const QString account = keychainAccount(providerId, m_profile);
    const QString provider = m_provider;
    const int timeoutMs = m_timeoutMs;
    runOnWorker(
        [account, provider, timeoutMs](void *cancellable) {
            Call call {static_cast<GCancellable *>(cancellable), provider, timeoutMs, {}};
            SecretServiceOutcome outcome = removeItems(call, account);
            outcome.provider = call.provider;
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error); });
}

bool KeychainBackend::canUnlock() const
{
    return true;
}

void KeychainBackend::unlock(QObject *context, Done done)
{
    // The user answers a prompt: a keychain that did not answer before is asked again.
    m_timedOut = false;
    const QString provider = m_provider;
    const int timeoutMs = m_timeoutMs;
    runOnWorker(
        [provider, timeoutMs](void *cancellable) {
            Call call {static_cast<GCancellable *>(cancellable), provider, timeoutMs, {}};
            SecretServiceOutcome outcome = unlockDefaultCollection(call);
            outcome.provider = call.provider;
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error); },
        /*remembersTimeout=*/false);
}

void KeychainBackend::probe(QObject *context, ProbeDone done)
{
    // A probe always asks again, even after a timeout.
    m_timedOut = false;
    const QString backend = name();
    const auto unavailable
        = [backend](ErrorCode code, const QString &message, const QString &detail) {
              BackendStatus status;
              status.backend = backend;
              status.reason = Error::make(code, message,
                                          fixForKeychainError(code, 0, KeychainPlatform::Linux));
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

    // Owned, or activatable on demand: both mean the service will answer.
    const QString service = QString::fromLatin1(secretsBusName);
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
                secretServiceProbe(context, done);
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
                        secretServiceProbe(context, done);
                        return;
                    }
                    deliver(unavailable(
                        ErrorCode::NoSecretService,
                        QStringLiteral("No Secret Service is running on the session bus."),
                        QStringLiteral("%1 is neither running nor activatable").arg(service)));
                });
        });
}

void KeychainBackend::secretServiceProbe(QObject *context, ProbeDone done)
{
    // Reads an entry no one has: it opens a session like any read, and a locked keyring (which
    // hides every item) is told apart from an empty one.
    const int timeoutMs = m_timeoutMs;
    runOnWorker(
        [timeoutMs](void *cancellable) {
            Call call {static_cast<GCancellable *>(cancellable), {}, timeoutMs, {}};
            Outcome outcome;
            outcome = readItem(call, probeAccount);
            outcome.provider = call.provider;
            return outcome;
        },
        // Called only while this backend lives: the answer comes through its child watcher.
        context,
        [this, done](const Outcome &outcome) {
            if (!outcome.provider.isEmpty())
                m_provider = outcome.provider;
            BackendStatus status;
            status.backend = name();
            if (!outcome.error.ok() && !outcome.error.isNotFound()) {
                status.reason = outcome.error;
                status.detail = outcome.error.message;
                done(status);
                return;
            }
            status.available = true;
            status.detail = QStringLiteral("%1 answered").arg(status.backend);
            done(status);
        });
}

} // namespace Choragen
