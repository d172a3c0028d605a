#include "ProjectExposure.h"

#include "CredentialStore.h"
#include "Secret.h"

#include <QPointer>
#include <QSet>

#include <memory>

namespace Choragen {

namespace {

struct Gathering
{
    QPointer<CredentialStore> store;
    QList<Provider> providers;
    QList<KeyInUse> keys;
    QSet<QString> known; ///< providers whose keychain key the caller handed over
    bool keychainFailed = false; ///< a read could not be answered: do not wait on it once per key
    QPointer<QObject> context;
    std::function<void(ExposureReport)> done;

    ~Gathering()
    {
        for (KeyInUse &key : keys)
            wipeSecret(key.second);
    }
};

void add(QList<KeyInUse> &keys, const QString &providerId, const QByteArray &secret)
{
    if (secret.isEmpty())
        return;
    for (const KeyInUse &key : keys) {
        if (key.first == providerId && secretsEqual(key.second, secret))
            return;
    }
    keys << KeyInUse {providerId, secret};
}

// One keychain read at a time, in provider order, then the git checks on a worker thread. The
// config is the store's as last loaded: reloading here could pull it from under a migration.
void next(const std::shared_ptr<Gathering> &gathering, int index)
{
    CredentialStore *store = gathering->store;
    if (!store || !gathering->context)
        return;
    if (index >= gathering->providers.size()) {
        const bool fileHoldsKeys = !store->config().apiKeyProviders().isEmpty();
        checkExposureAsync(store->configPath(), gathering->keys, fileHoldsKeys, gathering->context,
                           gathering->done);
        return;
    }
    const Provider provider = gathering->providers.at(index);
    if (!provider.needsKey)
        return next(gathering, index + 1);
    QByteArray fromEnv = environmentKey(provider);
    add(gathering->keys, provider.id, fromEnv);
    wipeSecret(fromEnv);
    QByteArray inFile = store->config().apiKey(provider.id);
    add(gathering->keys, provider.id, inFile);
    wipeSecret(inFile);
    // "file" never consults the shared keychain (DESIGN.md, where a key comes from); a keychain
    // found unusable is not asked again, once per key.
    const bool keychainUnusable
        = gathering->keychainFailed || (store->lastProbe() && !store->lastProbe()->available);
    if (store->configuredMode() == StorageMode::File || keychainUnusable)
        return next(gathering, index + 1);
    if (gathering->known.contains(provider.id))
        return next(gathering, index + 1);
    store->keychain().readIfPresent(
        provider.id, gathering->context,
        [gathering, index, provider](const Error &error, const QByteArray &secret) {
            if (error.ok())
                add(gathering->keys, provider.id, secret);
            else if (error.isKeychainUnavailable())
                gathering->keychainFailed = true;
            next(gathering, index + 1);
        });
}

} // namespace

void checkProjectExposure(CredentialStore &store, const QList<Provider> &providers,
                          QObject *context, std::function<void(ExposureReport)> done,
                          const QList<KeyInUse> &inKeychain)
{
    auto gathering = std::make_shared<Gathering>();
    for (const KeyInUse &key : inKeychain) {
        gathering->known.insert(key.first);
        add(gathering->keys, key.first, key.second);
    }
    gathering->store = &store;
    gathering->providers = providers;
    gathering->context = context;
    gathering->done = std::move(done);
    next(gathering, 0);
}

} // namespace Choragen
