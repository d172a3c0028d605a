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

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPointer>
#include <QPromise>
#include <QSet>
#include <QTimer>

#include <memory>
#include <mutex>
#include <thread>

namespace Choragen {

// What a libsecret call on a worker thread hands back.
struct SecretServiceOutcome
{
    Error error;
    QByteArray secret;
    SecretBackend::Placed placed = SecretBackend::Placed::Written; // writeIfAbsent() only
    QString provider; // the process owning org.freedesktop.secrets, once looked up
    QByteArray collection; // the default collection's path, once read
    QStringList absent; // surveyBeforeWrites(): accounts with no item at all
    QString detail; // probe(): one line for people, when the error's message is not it
};

namespace {

// An account no provider can have: provider accounts all contain "-api-key".
const QString probeAccount = QStringLiteral(".probe");
const char *const secretsBusName = "org.freedesktop.secrets";
const char *const servicePath = "/org/freedesktop/secrets";

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

GDBusConnection *connectionOf(SecretService *service)
{
    return g_dbus_proxy_get_connection(reinterpret_cast<GDBusProxy *>(service));
}

// Who owns org.freedesktop.secrets: the process name of the bus name's owner, for people.
QString lookUpProvider(SecretService *service, GCancellable *cancellable)
{
    GVariant *reply = g_dbus_connection_call_sync(
        connectionOf(service), "org.freedesktop.DBus", "/org/freedesktop/DBus",
        "org.freedesktop.DBus", "GetConnectionUnixProcessID", g_variant_new("(s)", secretsBusName),
        G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable, nullptr);
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

// One D-Bus method call to the Secret Service, and its answer.
struct MethodCall
{
    QByteArray path;
    const char *interface;
    const char *method;
    GVariant *parameters; // floating; the call takes it
    const GVariantType *replyType;
};

struct Reply
{
    GVariant *value = nullptr;
    GError *error = nullptr;
    bool done = false;

    Reply() = default;
    Reply(const Reply &) = delete;
    Reply &operator=(const Reply &) = delete;
    ~Reply()
    {
        if (value)
            g_variant_unref(value);
        if (error)
            g_error_free(error);
    }
};

// Whether KWallet runs on @p bus: on KDE, a session with no Secret Service most often has
// KWallet with its Secret Service interface turned off (or from before KDE Frameworks 5.97,
// which had none).
bool kwalletRunning(GDBusConnection *bus, GCancellable *cancellable)
{
    gboolean running = FALSE; // "b" stores a gboolean (4 bytes), never into a bool
    for (const char *name : {"org.kde.kwalletd5", "org.kde.kwalletd6"}) {
        GVariant *reply = g_dbus_connection_call_sync(
            bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", g_variant_new("(s)", name), G_VARIANT_TYPE("(b)"),
            G_DBUS_CALL_FLAGS_NONE, -1, cancellable, nullptr);
        if (!reply)
            continue;
        g_variant_get(reply, "(b)", &running);
        g_variant_unref(reply);
        if (running)
            break;
    }
    return running == TRUE;
}

// Items of @p account's entry in one of the forms other clients write: @p serviceKey=choragen
// and @p accountKey=account.
MethodCall searchFor(const char *serviceKey, const char *accountKey, const QByteArray &account)
{
    GVariantBuilder attributes;
    g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&attributes, "{ss}", serviceKey, keychainService().toUtf8().constData());
    g_variant_builder_add(&attributes, "{ss}", accountKey, account.constData());
    return {servicePath, "org.freedesktop.Secret.Service", "SearchItems",
            g_variant_new("(a{ss})", &attributes), G_VARIANT_TYPE("(aoao)")};
}

// Every item written under our service name in one of the forms: @p serviceKey=choragen.
MethodCall searchAll(const char *serviceKey)
{
    GVariantBuilder attributes;
    g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&attributes, "{ss}", serviceKey, keychainService().toUtf8().constData());
    return {servicePath, "org.freedesktop.Secret.Service", "SearchItems",
            g_variant_new("(a{ss})", &attributes), G_VARIANT_TYPE("(aoao)")};
}

MethodCall attributesOf(const QByteArray &item)
{
    return {item, "org.freedesktop.DBus.Properties", "Get",
            g_variant_new("(ss)", "org.freedesktop.Secret.Item", "Attributes"),
            G_VARIANT_TYPE("(v)")};
}

// The object paths of a SearchItems answer, unlocked and locked, added to @p unlocked and
// @p locked without repeats.
void pathsFrom(GVariant *reply, QStringList *unlocked, QStringList *locked)
{
    GVariantIter *foundUnlocked = nullptr;
    GVariantIter *foundLocked = nullptr;
    g_variant_get(reply, "(aoao)", &foundUnlocked, &foundLocked);
    const auto collect = [](GVariantIter *iter, QStringList *into) {
        const gchar *path = nullptr;
        while (g_variant_iter_loop(iter, "&o", &path)) {
            const QString item = QString::fromUtf8(path);
            if (!into->contains(item))
                into->append(item);
        }
        g_variant_iter_free(iter);
    };
    collect(foundUnlocked, unlocked);
    collect(foundLocked, locked);
}

MethodCall lockedPropertyOf(const QByteArray &collection)
{
    return {collection, "org.freedesktop.DBus.Properties", "Get",
            g_variant_new("(ss)", "org.freedesktop.Secret.Collection", "Locked"),
            G_VARIANT_TYPE("(v)")};
}

} // namespace

// Whether a call is waiting on the provider's unlock prompt, shared with the caller's timeout:
// a prompt nobody answered leaves the keychain locked, which is not "did not answer".
struct PromptState
{
    std::mutex lock;
    bool prompting = false;
    QString provider;
};

// One libsecret call's context: the service, the provider named in texts, the cancellable.
struct SecretServiceCall
{
    GCancellable *cancellable = nullptr;
    std::shared_ptr<PromptState> prompt;
    QString provider; // known from an earlier call, else looked up when a text needs it
    int timeoutMs = 0;
    QByteArray collection; // the default collection, known from an earlier call, else read
    ServicePtr service;
    bool providerLookedUp = false;

    QString backend()
    {
        if (provider.isEmpty() && service && !providerLookedUp) {
            providerLookedUp = true;
            provider = lookUpProvider(service.get(), cancellable);
        }
        return backendName(provider);
    }

    Error error(ErrorCode code, const QString &message)
    {
        backend();
        return Error::make(
            code, message,
            fixForKeychainError(code, 0, KeychainPlatform::Linux, providerFromLabel(provider)));
    }

    Error fromGError(const GError *gerror)
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
        if (g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
            || g_error_matches(gerror, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
            // The bus itself answered, so asking it once more starts no new one.
            GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, cancellable, nullptr);
            const Error none = noSecretService(bus);
            if (bus)
                g_object_unref(bus);
            return none;
        }
        return error(code, QStringLiteral("%1: %2").arg(backend(), text));
    }

    // Nothing answers as the Secret Service on @p bus (null when unknown).
    Error noSecretService(GDBusConnection *bus)
    {
        if (bus && kwalletRunning(bus, cancellable))
            return Error::make(ErrorCode::NoSecretService,
                               QStringLiteral("KWallet is running, but its Secret Service "
                                              "interface is off, so no Secret Service answers on "
                                              "the session bus."),
                               fixForKeychainError(ErrorCode::NoSecretService, 0,
                                                   KeychainPlatform::Linux,
                                                   SecretServiceProvider::KWallet));
        return error(ErrorCode::NoSecretService,
                     QStringLiteral("No Secret Service is running on the session bus."));
    }

    // Takes @p gerror: the error for people, and false.
    bool failed(GError *gerror, Error *failure)
    {
        *failure = fromGError(gerror);
        g_error_free(gerror);
        return false;
    }

    bool connect(Error *failure)
    {
        if (service)
            return true;
        GError *gerror = nullptr;
        service.reset(secret_service_get_sync(SECRET_SERVICE_NONE, cancellable, &gerror));
        return service || failed(gerror, failure);
    }

    // Sends @p calls at once and waits for every answer: the provider answers them in order,
    // but their round trips overlap, so three searches cost about one. Answers in call order.
    std::unique_ptr<Reply[]> together(const std::vector<MethodCall> &calls)
    {
        auto replies = std::make_unique<Reply[]>(calls.size());
        GDBusConnection *bus = connectionOf(service.get());
        const gchar *name = g_dbus_proxy_get_name(reinterpret_cast<GDBusProxy *>(service.get()));
        GMainContext *context = g_main_context_new();
        g_main_context_push_thread_default(context);
        for (std::size_t i = 0; i < calls.size(); ++i) {
            g_dbus_connection_call(
                bus, name, calls[i].path.constData(), calls[i].interface, calls[i].method,
                calls[i].parameters, calls[i].replyType, G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                [](GObject *source, GAsyncResult *result, gpointer data) {
                    auto *reply = static_cast<Reply *>(data);
                    reply->value = g_dbus_connection_call_finish(
                        reinterpret_cast<GDBusConnection *>(source), result, &reply->error);
                    reply->done = true;
                },
                &replies[i]);
        }
        for (std::size_t i = 0; i < calls.size(); ++i) {
            while (!replies[i].done)
                g_main_context_iteration(context, TRUE);
        }
        g_main_context_pop_thread_default(context);
        g_main_context_unref(context);
        return replies;
    }

    // The default collection's path, read once per backend: false with @p failure when it
    // cannot be asked, and an empty path when there is none. A provider without aliases gets
    // the alias path itself.
    bool defaultCollection(Error *failure)
    {
        if (!collection.isEmpty())
            return true;
        GError *gerror = nullptr;
        gchar *alias = secret_service_read_alias_dbus_path_sync(service.get(), "default",
                                                                cancellable, &gerror);
        if (gerror) {
            if (g_error_matches(gerror, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                return failed(gerror, failure);
            g_error_free(gerror);
            collection = QByteArrayLiteral("/org/freedesktop/secrets/aliases/default");
            return true;
        }
        collection = alias && QByteArrayView(alias) != "/" ? QByteArray(alias) : QByteArray();
        g_free(alias);
        return true;
    }

    // Whether the collection said it is locked; a provider that does not answer the property
    // leaves it to the calls themselves to say "locked".
    bool lockedFrom(Reply &reply, bool *isLocked, Error *failure)
    {
        *isLocked = false;
        if (!reply.value) {
            if (g_error_matches(reply.error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
                *failure = fromGError(reply.error);
                return false;
            }
            return true;
        }
        GVariant *value = nullptr;
        g_variant_get(reply.value, "(v)", &value);
        *isLocked
            = g_variant_is_of_type(value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean(value);
        g_variant_unref(value);
        return true;
    }

    bool isDefaultCollectionLocked(bool *isLocked, Error *failure)
    {
        std::unique_ptr<Reply[]> reply = together({lockedPropertyOf(collection)});
        return lockedFrom(reply[0], isLocked, failure);
    }

    // The items of @p account, as keytar (service+account), Python keyring (service+username)
    // and QtKeychain or earlier Choragen versions (server+user) look them up: a full item of
    // ours matches all three. Locked items are listed apart, never unlocked. With
    // @p collectionLocked, also asks (at the same time) whether the default collection is
    // locked, which hides its items from some providers' searches.
    bool find(const QString &account, QStringList *unlocked, QStringList *locked, Error *failure,
              bool *collectionLocked = nullptr)
    {
        const QByteArray name = account.toUtf8();
        std::vector<MethodCall> calls
            = {searchFor("service", "account", name), searchFor("service", "username", name),
               searchFor("server", "user", name)};
        if (collectionLocked)
            calls.push_back(lockedPropertyOf(collection));
        std::unique_ptr<Reply[]> replies = together(calls);
        unlocked->clear();
        locked->clear();
        for (std::size_t i = 0; i < 3; ++i) {
            if (!replies[i].value) {
                *failure = fromGError(replies[i].error);
                return false;
            }
            pathsFrom(replies[i].value, unlocked, locked);
        }
        return !collectionLocked || lockedFrom(replies[3], collectionLocked, failure);
    }

    Error noDefaultCollection()
    {
        return error(ErrorCode::KeychainLocked,
                     QStringLiteral("The %1 has no default keyring yet.").arg(backend()));
    }

    Error lockedError()
    {
        return error(
            ErrorCode::KeychainLocked,
            QStringLiteral("The %1 is locked: its default keyring is locked.").arg(backend()));
    }

    Error lockedItems(const QString &account)
    {
        return error(ErrorCode::KeychainLocked,
                     QStringLiteral("The entry %1/%2 is in a locked keyring of the %3.")
                         .arg(keychainService(), account, backend()));
    }

    // Whether "no item" can be trusted: a locked keyring hides its items from searches.
    Error absentOrLocked(const QString &account)
    {
        Error failure;
        bool isLocked = false;
        if (!defaultCollection(&failure) || !isDefaultCollectionLocked(&isLocked, &failure))
            return failure;
        if (collection.isEmpty())
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
                                                           cancellable, &gerror))
                return failed(gerror, failure);
        }
        return true;
    }

    // The one value the items at @p paths hold: false with @p failure when they cannot be read,
    // hold different keys (written by different programs), or went away since the search.
    bool secretOf(const QStringList &paths, const QString &account, QByteArray *secret,
                  Error *failure)
    {
        std::vector<QByteArray> names;
        std::vector<const gchar *> pointers;
        for (const QString &path : paths)
            names.push_back(path.toUtf8());
        for (const QByteArray &name : names)
            pointers.push_back(name.constData());
        pointers.push_back(nullptr);
        GError *gerror = nullptr;
        HashTablePtr secrets(secret_service_get_secrets_for_dbus_paths_sync(
            service.get(), pointers.data(), cancellable, &gerror));
        if (!secrets)
            return failed(gerror, failure);
        int distinct = 0;
        GHashTableIter iter;
        gpointer value = nullptr;
        g_hash_table_iter_init(&iter, secrets.get());
        while (g_hash_table_iter_next(&iter, nullptr, &value)) {
            gsize length = 0;
            const gchar *data = secret_value_get(static_cast<SecretValue *>(value), &length);
            // A view into libsecret's memory (which it wipes): one copy of the key, the result.
            const QByteArrayView found(data, qsizetype(length));
            if (distinct == 0) {
                ++distinct;
                *secret = found.toByteArray();
            } else if (found != QByteArrayView(*secret)) {
                ++distinct;
            }
        }
        if (distinct == 1)
            return true;
        wipeSecret(*secret);
        if (distinct == 0) {
            *failure = absentOrLocked(account);
            return false;
        }
        *failure = Error::make(
            ErrorCode::Conflict,
            QStringLiteral("The %1 holds different keys for %2/%3 (written by different "
                           "programs); Choragen does not pick one.")
                .arg(backend(), keychainService(), account),
            QStringLiteral("Set the right key again with `choragen config:set`: it replaces "
                           "them all with one entry."));
        return false;
    }

    // Writes one item with the attributes every client searches; its path in @p path.
    bool create(const QString &account, const QByteArray &secret, QByteArray *path, Error *failure)
    {
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
        HashTablePtr properties(
            g_hash_table_new_full(g_str_hash, g_str_equal, nullptr,
                                  [](gpointer v) { g_variant_unref(static_cast<GVariant *>(v)); }));
        g_hash_table_insert(properties.get(),
                            const_cast<char *>("org.freedesktop.Secret.Item.Label"),
                            g_variant_ref_sink(g_variant_new_string(label.constData())));
        g_hash_table_insert(properties.get(),
                            const_cast<char *>("org.freedesktop.Secret.Item.Attributes"),
                            g_variant_ref_sink(g_variant_builder_end(&attributes)));
        SecretValue *value = secret_value_new(secret.constData(), secret.size(), "text/plain");
        GError *gerror = nullptr;
        gchar *created = secret_service_create_item_dbus_path_sync(
            service.get(), collection.constData(), properties.get(), value,
            SECRET_ITEM_CREATE_REPLACE, cancellable, &gerror);
        secret_value_unref(value);
        if (!created)
            return failed(gerror, failure);
        *path = created;
        g_free(created);
        return true;
    }

    // The default collection, to write into: false with @p failure when there is none.
    bool haveCollection(Error *failure)
    {
        if (!defaultCollection(failure))
            return false;
        if (collection.isEmpty()) {
            *failure = noDefaultCollection();
            return false;
        }
        return true;
    }

    // Before a write: the unlocked items of @p account's entry, in @p unlocked. False with
    // @p failure when the default collection is missing or locked, or an item of the entry is
    // in a locked keyring: writing then could leave two items for one entry.
    bool prepareWrite(const QString &account, QStringList *unlocked, Error *failure)
    {
        if (!haveCollection(failure))
            return false;
        QStringList locked;
        bool isLocked = false;
        if (!find(account, unlocked, &locked, failure, &isLocked))
            return false;
        if (!locked.isEmpty()) {
            *failure = lockedItems(account);
            return false;
        }
        if (isLocked && unlocked->isEmpty()) {
            *failure = lockedError();
            return false;
        }
        return true;
    }
};

namespace {

using Call = SecretServiceCall;

SecretServiceOutcome readItem(Call &call, const QString &account)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    QStringList unlocked;
    QStringList locked;
    if (!call.find(account, &unlocked, &locked, &outcome.error))
        return outcome;
    if (!locked.isEmpty())
        outcome.error = call.lockedItems(account);
    else if (unlocked.isEmpty())
        outcome.error = call.absentOrLocked(account);
    else
        call.secretOf(unlocked, account, &outcome.secret, &outcome.error);
    return outcome;
}

SecretServiceOutcome writeItem(Call &call, const QString &account, const QByteArray &secret)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    QStringList unlocked;
    if (!call.prepareWrite(account, &unlocked, &outcome.error))
        return outcome;
    // One entry is one item: delete every item others or earlier versions wrote for this
    // account before writing ours (a "replace" would keep items with other attributes). A crash
    // between the delete and the write loses nothing: the caller still holds the key, and a
    // migration keeps it in the config file until it has read it back from here.
    if (!call.deleteAll(unlocked, &outcome.error))
        return outcome;
    if (!unlocked.isEmpty())
        crashPoint(QStringLiteral("keychain:deleted-before-write"));
    QByteArray path;
    call.create(account, secret, &path, &outcome.error);
    return outcome;
}

// A migration's step: an entry already there is reported, never replaced; otherwise one item
// is written and read back from the path the provider gave it.
// With @p knownAbsent (a survey found no item for the account), the search is skipped.
SecretServiceOutcome placeItem(Call &call, const QString &providerId, const QString &account,
                               const QByteArray &secret, bool knownAbsent)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    QStringList unlocked;
    if (knownAbsent ? !call.haveCollection(&outcome.error)
                    : !call.prepareWrite(account, &unlocked, &outcome.error))
        return outcome;
    if (!unlocked.isEmpty()) {
        if (call.secretOf(unlocked, account, &outcome.secret, &outcome.error))
            outcome.placed = secretsEqual(outcome.secret, secret)
                ? SecretBackend::Placed::AlreadyThere
                : SecretBackend::Placed::Different;
        return outcome;
    }
    QByteArray path;
    if (!call.create(account, secret, &path, &outcome.error))
        return outcome;
    crashPoint(QStringLiteral("keychain:written:") + providerId);
    QByteArray back;
    if (!call.secretOf({QString::fromUtf8(path)}, account, &back, &outcome.error))
        return outcome;
    if (!secretsEqual(back, secret))
        outcome.error = verifyFailed(call.backend(), providerId);
    wipeSecret(back);
    return outcome;
}

// Which of @p accounts have no item at all, in a few round trips for any number of keys: every
// item under our service name (both forms the attribute names take), then their attributes.
// Anything unusual (a locked collection or item, an error, a great many items) answers nothing,
// and each write searches for itself as usual.
SecretServiceOutcome surveyItems(Call &call, const QStringList &accounts)
{
    SecretServiceOutcome outcome;
    Error failure;
    if (!call.connect(&failure))
        return outcome;
    if (!call.defaultCollection(&failure) || call.collection.isEmpty())
        return outcome;
    std::unique_ptr<Reply[]> replies = call.together(
        {searchAll("service"), searchAll("server"), lockedPropertyOf(call.collection)});
    QStringList unlocked;
    QStringList locked;
    bool isLocked = true;
    if (!replies[0].value || !replies[1].value || !call.lockedFrom(replies[2], &isLocked, &failure)
        || isLocked)
        return outcome;
    pathsFrom(replies[0].value, &unlocked, &locked);
    pathsFrom(replies[1].value, &unlocked, &locked);
    constexpr qsizetype mostItems = 2000;
    if (!locked.isEmpty() || unlocked.size() > mostItems)
        return outcome;
    std::vector<MethodCall> calls;
    for (const QString &item : std::as_const(unlocked))
        calls.push_back(attributesOf(item.toUtf8()));
    std::unique_ptr<Reply[]> attributes = call.together(calls);
    QSet<QString> present;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        if (!attributes[i].value)
            return outcome;
        GVariant *value = nullptr;
        g_variant_get(attributes[i].value, "(v)", &value);
        GVariantIter iter;
        g_variant_iter_init(&iter, value);
        const gchar *key = nullptr;
        const gchar *text = nullptr;
        while (g_variant_iter_next(&iter, "{&s&s}", &key, &text)) {
            if (!qstrcmp(key, "account") || !qstrcmp(key, "username") || !qstrcmp(key, "user"))
                present.insert(QString::fromUtf8(text));
        }
        g_variant_unref(value);
    }
    for (const QString &account : accounts) {
        if (!present.contains(account))
            outcome.absent << account;
    }
    return outcome;
}

SecretServiceOutcome removeItems(Call &call, const QString &account)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    QStringList unlocked;
    QStringList locked;
    if (!call.find(account, &unlocked, &locked, &outcome.error))
        return outcome;
    if (!locked.isEmpty()) {
        outcome.error = call.lockedItems(account);
        return outcome;
    }
    if (unlocked.isEmpty()) {
        outcome.error = call.absentOrLocked(account);
        return outcome;
    }
    if (!call.deleteAll(unlocked, &outcome.error))
        return outcome;
    // Verified like a write: a locked KeePassXC database answers a delete with success and
    // keeps the item.
    QStringList stillUnlocked;
    QStringList stillLocked;
    bool isLocked = false;
    Error ignored;
    const bool knowsCollection = call.defaultCollection(&ignored) && !call.collection.isEmpty();
    if (!call.find(account, &stillUnlocked, &stillLocked, &outcome.error,
                   knowsCollection ? &isLocked : nullptr))
        return outcome;
    if (!stillUnlocked.isEmpty() || !stillLocked.isEmpty()) {
        const bool lockedNow = isLocked || !stillLocked.isEmpty();
        outcome.error = call.error(
            lockedNow ? ErrorCode::KeychainLocked : ErrorCode::KeychainOther,
            QStringLiteral("The %1 answered the delete, but the entry %2/%3 is still there%4.")
                .arg(call.backend(), keychainService(), account,
                     lockedNow ? QStringLiteral(": it is locked") : QString()));
    }
    return outcome;
}

// Unlocks the default collection through the provider's own prompt (Service.Unlock, then
// Prompt.Prompt, then its Completed signal: libsecret runs that on this worker thread's own main
// context). Verified: the collection must read as unlocked afterwards.
// Marks @p call as waiting on the person at the provider's unlock prompt (the timeout then
// reports "still locked", not "did not answer"); the mark it replaces.
bool setPrompting(Call &call, bool prompting)
{
    if (!call.prompt)
        return false;
    const std::lock_guard<std::mutex> guard(call.prompt->lock);
    const bool was = call.prompt->prompting;
    call.prompt->prompting = prompting;
    call.prompt->provider = call.provider;
    return was;
}

SecretServiceOutcome unlockDefaultCollection(Call &call)
{
    SecretServiceOutcome outcome;
    if (!call.connect(&outcome.error))
        return outcome;
    bool isLocked = false;
    if (!call.defaultCollection(&outcome.error)
        || (!call.collection.isEmpty()
            && !call.isDefaultCollectionLocked(&isLocked, &outcome.error)))
        return outcome;
    if (call.collection.isEmpty()) {
        outcome.error = call.noDefaultCollection();
        return outcome;
    }
    if (!isLocked)
        return outcome;
    const gchar *paths[] = {call.collection.constData(), nullptr};
    gchar **unlocked = nullptr;
    GError *gerror = nullptr;
    const QString backend = call.backend();
    const bool wasPrompting = setPrompting(call, true);
    const gint count = secret_service_unlock_dbus_paths_sync(call.service.get(), paths,
                                                             call.cancellable, &unlocked, &gerror);
    setPrompting(call, wasPrompting);
    StrvPtr unlockedPaths(unlocked);
    if (gerror) {
        call.failed(gerror, &outcome.error);
        return outcome;
    }
    if (!call.isDefaultCollectionLocked(&isLocked, &outcome.error))
        return outcome;
    if (count <= 0 || isLocked)
        outcome.error = call.error(
            ErrorCode::KeychainLocked,
            QStringLiteral("The %1 is still locked: its unlock prompt was cancelled or dismissed.")
                .arg(backend));
    return outcome;
}

// Whether the session bus is there and has a Secret Service running or ready to start; false
// with @p outcome saying which is missing. Never starts a bus: where none is set up, GLib would
// run dbus-launch.
bool sessionBusAnswers(Call &call, SecretServiceOutcome *outcome)
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")
        && (runtime.isEmpty() || !QFileInfo::exists(runtime + QStringLiteral("/bus")))) {
        outcome->error = call.error(ErrorCode::NoDBusSession,
                                    QStringLiteral("There is no D-Bus session bus."));
        outcome->detail = QStringLiteral("DBUS_SESSION_BUS_ADDRESS is not set");
        return false;
    }
    GError *gerror = nullptr;
    GDBusConnection *bus = g_bus_get_sync(G_BUS_TYPE_SESSION, call.cancellable, &gerror);
    if (!bus) {
        outcome->error = call.error(ErrorCode::NoDBusSession,
                                    QStringLiteral("There is no D-Bus session bus."));
        outcome->detail = QString::fromUtf8(gerror->message);
        g_error_free(gerror);
        return false;
    }
    const auto ask = [&](const char *method, GVariant *parameters, const GVariantType *type) {
        return g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", method, parameters, type,
                                           G_DBUS_CALL_FLAGS_NONE, -1, call.cancellable, nullptr);
    };
    gboolean found = FALSE; // "b" stores a gboolean (4 bytes), never into a bool
    if (GVariant *owned
        = ask("NameHasOwner", g_variant_new("(s)", secretsBusName), G_VARIANT_TYPE("(b)"))) {
        g_variant_get(owned, "(b)", &found);
        g_variant_unref(owned);
    }
    if (!found) {
        if (GVariant *names = ask("ListActivatableNames", nullptr, G_VARIANT_TYPE("(as)"))) {
            GVariantIter *iter = nullptr;
            g_variant_get(names, "(as)", &iter);
            const gchar *name = nullptr;
            while (!found && g_variant_iter_loop(iter, "&s", &name))
                found = qstrcmp(name, secretsBusName) == 0 ? TRUE : FALSE;
            g_variant_iter_free(iter);
            g_variant_unref(names);
        }
    }
    if (!found) {
        outcome->error = call.noSecretService(bus);
        outcome->detail = QStringLiteral("%1 is neither running nor activatable")
                              .arg(QString::fromLatin1(secretsBusName));
    }
    g_object_unref(bus);
    return found == TRUE;
}

struct CallState
{
    bool settled = false;
    QPointer<QObject> context;
    std::function<void(const SecretServiceOutcome &)> finish;
};

} // namespace

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
    auto prompt = std::make_shared<PromptState>();
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
            // A collection that failed a call is read again next time: it may be gone.
            m_collection = outcome.error.ok() || outcome.error.isNotFound() ? outcome.collection
                                                                            : QByteArray();
            settle(outcome);
            wipeSecret(outcome.secret);
        }
        watcher->deleteLater();
    });
    connect(timer, &QTimer::timeout, watcher,
            [this, watcher, cancellable, prompt, settle, backend, timeoutMs, remembersTimeout] {
                qCWarning(lcKeychain) << "keychain call timed out after" << timeoutMs << "ms";
                g_cancellable_cancel(cancellable.get());
                Outcome outcome;
                const std::lock_guard<std::mutex> guard(prompt->lock);
                if (prompt->prompting) {
                    // The keychain answered; the user did not. It stays locked, and is asked
                    // again next time.
                    outcome.error = Error::make(
                        ErrorCode::KeychainLocked,
                        QStringLiteral("The %1 is still locked: its unlock prompt was not "
                                       "answered within %2 s.")
                            .arg(backendName(prompt->provider))
                            .arg(timeoutMs / 1000.0),
                        fixForKeychainError(ErrorCode::KeychainLocked, 0, KeychainPlatform::Linux,
                                            providerFromLabel(prompt->provider)));
                } else {
                    if (remembersTimeout)
                        m_timedOut = true;
                    outcome.error = keychainTimedOut(backend, timeoutMs);
                }
                settle(outcome);
                watcher->deleteLater();
            });
    watcher->setFuture(promise.future());
    timer->start(m_timeoutMs);
    std::thread([promise = std::move(promise), work = std::move(work), cancellable, prompt,
                 provider = m_provider, collection = m_collection, timeoutMs,
                 unlockWaiting = m_unlockWaiting]() mutable {
        promise.start();
        Call call;
        call.cancellable = cancellable.get();
        call.prompt = prompt;
        call.provider = provider;
        call.timeoutMs = timeoutMs;
        call.collection = collection;
        Outcome outcome = work(call);
        if (unlockWaiting && outcome.error.code == ErrorCode::KeychainLocked) {
            // As secret-tool and keytar do: the provider's own prompt, then once more. From the
            // moment people are told to unlock, running out of time means the keychain is
            // still locked, whichever call of the unlock was under way.
            const QString waitingFor = call.backend();
            setPrompting(call, true);
            unlockWaiting(waitingFor);
            const Outcome unlocked = unlockDefaultCollection(call);
            setPrompting(call, false);
            if (unlocked.error.ok())
                outcome = work(call);
        }
        outcome.provider = call.provider;
        outcome.collection = call.collection;
        promise.addResult(std::move(outcome));
        promise.finish();
    }).detach();
}

void KeychainBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    // The provider is named only when a text needs it: a key that is there costs one search
    // (three forms at once) and one read.
    const QString account = keychainAccount(providerId, m_profile);
    runOnWorker([account](Call &call) { return readItem(call, account); }, context,
                [done](const Outcome &outcome) { done(outcome.error, outcome.secret); });
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
    m_absent.remove(account);
    runOnWorker(
        [account, secret](Call &call) {
            Outcome outcome = writeItem(call, account, secret);
            call.backend(); // named in what the caller says next
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error); });
}

void KeychainBackend::writeIfAbsent(const QString &providerId, const QByteArray &secret,
                                    QObject *context, PlaceDone done)
{
    const QString account = keychainAccount(providerId, m_profile);
    // What a survey learnt holds for one write: after it, the entry is ours.
    const bool knownAbsent = m_absent.remove(account);
    runOnWorker(
        [providerId, account, secret, knownAbsent](Call &call) {
            Outcome outcome = placeItem(call, providerId, account, secret, knownAbsent);
            call.backend();
            return outcome;
        },
        context,
        [done](const Outcome &outcome) { done(outcome.error, outcome.placed, outcome.secret); });
}

void KeychainBackend::remove(const QString &providerId, QObject *context, Done done)
{
    const QString account = keychainAccount(providerId, m_profile);
    m_absent.remove(account);
    runOnWorker(
        [account](Call &call) {
            Outcome outcome = removeItems(call, account);
            call.backend();
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error); });
}

void KeychainBackend::surveyBeforeWrites(const QStringList &providerIds, QObject *context,
                                         std::function<void()> done)
{
    QStringList accounts;
    for (const QString &id : providerIds)
        accounts << keychainAccount(id, m_profile);
    m_absent.clear();
    runOnWorker([accounts](Call &call) { return surveyItems(call, accounts); }, context,
                [this, done](const Outcome &outcome) {
                    m_absent = QSet<QString>(outcome.absent.cbegin(), outcome.absent.cend());
                    done();
                });
}

void KeychainBackend::forgetSurvey()
{
    m_absent.clear();
}

bool KeychainBackend::canUnlock() const
{
    return true;
}

void KeychainBackend::setUnlockOnDemand(std::function<void(const QString &)> waiting)
{
    m_unlockWaiting = std::move(waiting);
}

void KeychainBackend::unlock(QObject *context, Done done)
{
    // The user answers a prompt: a keychain that did not answer before is asked again.
    m_timedOut = false;
    runOnWorker(
        [](Call &call) {
            Outcome outcome = unlockDefaultCollection(call);
            call.backend();
            return outcome;
        },
        context, [done](const Outcome &outcome) { done(outcome.error); },
        /*remembersTimeout=*/false);
}

void KeychainBackend::probe(QObject *context, ProbeDone done)
{
    // A probe always asks again, even after a timeout. It reads an entry no one has: a locked
    // keyring (which hides every item) is told apart from an empty one. Before that, the session
    // bus is asked whether a Secret Service runs or can be started, so that "no D-Bus session"
    // and "no Secret Service" are reported as such.
    m_timedOut = false;
    runOnWorker(
        [](Call &call) {
            Outcome outcome;
            if (!sessionBusAnswers(call, &outcome))
                return outcome;
            outcome = readItem(call, probeAccount);
            call.backend(); // the status names the provider
            return outcome;
        },
        // Called only while this backend lives: the answer comes through its child watcher.
        context,
        [this, done](const Outcome &outcome) {
            BackendStatus status;
            status.backend = name();
            if (!outcome.error.ok() && !outcome.error.isNotFound()) {
                status.reason = outcome.error;
                status.detail = outcome.detail.isEmpty() ? outcome.error.message : outcome.detail;
                done(status);
                return;
            }
            status.available = true;
            status.detail = QStringLiteral("%1 answered").arg(status.backend);
            done(status);
        });
}

} // namespace Choragen
