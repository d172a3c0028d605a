#pragma once

// What the policy unit tests share: a project folder with a CredentialStore over the in-memory
// keychain double, and waits for the store's asynchronous answers.
#include "CredentialStore.h"
#include "DelayedBackend.h"
#include "ProviderRegistry.h"
#include "TestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace Choragen::Test {

// Runs @p start, which calls back once with a T, and waits for that answer.
template<typename T, typename Start> std::optional<T> await(Start start, int timeoutMs = 5000)
{
    std::optional<T> result;
    QObject context;
    start(&context, [&result](T value) { result = std::move(value); });
    (void)QTest::qWaitFor([&result] { return result.has_value(); }, timeoutMs);
    return result;
}

class PolicyProject
{
public:
    PolicyProject()
    {
        auto keychain = std::make_unique<DelayedBackend>(0);
        m_keychain = keychain.get();
        m_store = std::make_unique<CredentialStore>(TestSupport::configPath(m_dir.path()),
                                                    std::move(keychain));
    }

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    CredentialStore &store() { return *m_store; }
    DelayedBackend &keychain() { return *m_keychain; }

    void writeConfig(const QByteArray &content) const
    {
        TestSupport::writeConfig(m_dir.path(), content);
    }
    QByteArray configBytes() const { return TestSupport::readConfig(m_dir.path()); }
    bool configExists() const { return QFile::exists(TestSupport::configPath(m_dir.path())); }
    // The config as the app reads it now; nullopt when it does not load.
    std::optional<ConfigFile> config() const
    {
        ConfigFile config(TestSupport::configPath(m_dir.path()));
        if (!config.load().ok())
            return std::nullopt;
        return config;
    }

    std::optional<KeyInfo> lookup(const Provider &provider)
    {
        return await<KeyInfo>([&](QObject *context, std::function<void(KeyInfo)> done) {
            m_store->lookup(provider, context, std::move(done));
        });
    }
    std::optional<StoreResult> store(const Provider &provider, const QByteArray &secret,
                                     std::optional<StorageMode> target = std::nullopt)
    {
        return await<StoreResult>([&](QObject *context, std::function<void(StoreResult)> done) {
            m_store->store(provider, secret, target, context, std::move(done));
        });
    }
    std::optional<RemoveResult> remove(const Provider &provider,
                                       std::optional<StorageMode> target = std::nullopt)
    {
        return await<RemoveResult>([&](QObject *context, std::function<void(RemoveResult)> done) {
            m_store->remove(provider, target, context, std::move(done));
        });
    }

private:
    QTemporaryDir m_dir;
    DelayedBackend *m_keychain = nullptr; // owned by m_store
    std::unique_ptr<CredentialStore> m_store;
};

// A built-in provider as the registry defines it (google reads GEMINI_API_KEY too).
inline Provider builtIn(const QString &id)
{
    return ProviderRegistry().find(id).value_or(Provider {});
}

// Every variable a built-in provider reads, so that the developer's own keys never leak in.
inline void unsetProviderVariables()
{
    for (const char *name :
         {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"})
        qunsetenv(name);
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
