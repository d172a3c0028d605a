#pragma once

// What the policy unit tests share: a project folder with a CredentialStore over the in-memory
// keychain double, and waits for the store's asynchronous answers.
#include "CredentialStore.h"
#include "DelayedBackend.h"
#include "ProviderRegistry.h"
#include "StoreFixtures.h"
#include "TestSupport.h"

#include <memory>
#include <optional>

namespace Choragen::Test {

// A project whose store keeps keys in the in-memory keychain double.
class PolicyProject : public Project
{
public:
    PolicyProject()
    {
        auto keychain = std::make_unique<DelayedBackend>(0);
        m_keychain = keychain.get();
        m_store = std::make_unique<CredentialStore>(configPath(), std::move(keychain));
    }

    CredentialStore &store() { return *m_store; }
    DelayedBackend &keychain() { return *m_keychain; }

    std::optional<KeyInfo> lookup(const Provider &provider)
    {
        return waitFor<KeyInfo>([&](QObject *context, std::function<void(KeyInfo)> done) {
            m_store->lookup(provider, context, std::move(done));
        });
    }
    std::optional<StoreResult> store(const Provider &provider, const QByteArray &secret,
                                     std::optional<StorageMode> target = std::nullopt)
    {
        return waitFor<StoreResult>([&](QObject *context, std::function<void(StoreResult)> done) {
            m_store->store(provider, secret, target, context, std::move(done));
        });
    }
    std::optional<RemoveResult> remove(const Provider &provider,
                                       std::optional<StorageMode> target = std::nullopt)
    {
        return waitFor<RemoveResult>([&](QObject *context, std::function<void(RemoveResult)> done) {
            m_store->remove(provider, target, context, std::move(done));
        });
    }

private:
    DelayedBackend *m_keychain = nullptr; // owned by m_store
    std::unique_ptr<CredentialStore> m_store;
};

// A built-in provider as the registry defines it (google reads GEMINI_API_KEY too).
inline Provider builtIn(const QString &id)
{
    return ProviderRegistry().find(id).value_or(Provider {});
}

// A config with @p members (JSON object members, without braces) beside the keys of @p ids.
inline QByteArray configWith(const QByteArray &members, const QStringList &ids = {})
{
    QByteArray providers;
    for (const QString &id : ids) {
        if (!providers.isEmpty())
            providers += ", ";
        providers += "\"" + id.toUtf8() + "\": {\"apiKey\": \"" + TestSupport::fakeKey(id) + "\"}";
    }
    QByteArray content = "{\"providers\": {" + providers + "}";
    if (!members.isEmpty())
        content += ", " + members;
    return content + "}";
}

} // namespace Choragen::Test
