#pragma once

// In-process fixtures over the storage layer: a throwaway project, and waits for a keychain
// backend's asynchronous answers. Tests only: the application itself never waits like this.
#include "ConfigFile.h"
#include "CredentialStore.h"
#include "TestSupport.h"

#include <QByteArray>
#include <QDir>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <optional>

namespace Choragen::Test {

// A throwaway project folder with `.choragen/config.json`.
class Project
{
public:
    Project() { QDir(m_dir.path()).mkdir(QStringLiteral(".choragen")); }

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    QString configPath() const { return TestSupport::configPath(path()); }

    void writeConfig(const QByteArray &json) const { TestSupport::writeConfig(path(), json); }
    QByteArray configBytes() const { return TestSupport::readConfig(path()); }

    // The config as the app reads it now; nullopt when it does not load.
    std::optional<ConfigFile> config() const
    {
        ConfigFile config(configPath());
        if (!config.load().ok())
            return std::nullopt;
        return config;
    }

    // The plaintext key for @p providerId in the file (providers.<id>.apiKey), or empty.
    QByteArray fileKey(const QString &providerId) const
    {
        const std::optional<ConfigFile> loaded = config();
        return loaded ? loaded->apiKey(providerId) : QByteArray();
    }

    std::optional<StorageMode> storageMode() const
    {
        const std::optional<ConfigFile> loaded = config();
        return loaded ? loaded->storageMode() : std::nullopt;
    }

private:
    QTemporaryDir m_dir;
};

// Runs @p start, which calls back once with a T, and waits up to @p timeoutMs for that answer;
// nullopt when none came. @p start gets the context object its call must use, gone after the wait.
template<typename T, typename Start> std::optional<T> waitFor(Start start, int timeoutMs = 15000)
{
    std::optional<T> result;
    QObject context;
    start(&context, [&result](T value) { result = std::move(value); });
    (void)QTest::qWaitFor([&result] { return result.has_value(); }, timeoutMs);
    return result;
}

// Unsets every *_API_KEY variable, so that the developer's own keys never reach a test.
inline void unsetProviderVariables()
{
    for (const QString &name : QProcessEnvironment::systemEnvironment().keys()) {
        if (name.endsWith(QLatin1String("_API_KEY")))
            qunsetenv(name.toLocal8Bit().constData());
    }
}

// What @p keychain answers to a read of @p providerId's entry, as it answers it (NotFound when
// there is none); TimedOut when it does not answer.
inline std::pair<Error, QByteArray> readKeychainEntry(SecretBackend &keychain,
                                                      const QString &providerId)
{
    using Result = std::pair<Error, QByteArray>;
    const std::optional<Result> result = waitFor<Result>([&](QObject *context,
                                                             std::function<void(Result)> done) {
        keychain.read(providerId, context, [done](const Error &error, const QByteArray &secret) {
            done({error, secret});
        });
    });
    if (!result)
        return {Error::make(ErrorCode::TimedOut, QStringLiteral("test: no answer")), {}};
    return *result;
}

// The keychain's entry for @p providerId: the secret, an empty optional when there is none, or an
// error when the keychain could not answer.
struct KeychainEntry
{
    Error error;
    std::optional<QByteArray> secret;
};

inline KeychainEntry keychainEntry(SecretBackend &keychain, const QString &providerId)
{
    const auto [error, secret] = readKeychainEntry(keychain, providerId);
    if (error.isNotFound())
        return {Error::none(), std::nullopt};
    if (!error.ok())
        return {error, std::nullopt};
    return {Error::none(), secret};
}

namespace Detail {

// The error @p keychain answers a write or remove started by @p start with; TimedOut when none.
template<typename Start> Error keychainAnswer(Start start)
{
    const std::optional<Error> answer
        = waitFor<Error>([&](QObject *context, std::function<void(Error)> done) {
              start(context, [done](const Error &error) { done(error); });
          });
    return answer ? *answer : Error::make(ErrorCode::TimedOut, QStringLiteral("test: no answer"));
}

} // namespace Detail

// Writes @p secret as @p providerId's entry; the keychain's answer.
inline Error writeKeychainEntry(SecretBackend &keychain, const QString &providerId,
                                const QByteArray &secret)
{
    return Detail::keychainAnswer([&](QObject *context, SecretBackend::Done done) {
        keychain.write(providerId, secret, context, std::move(done));
    });
}

// Removes @p providerId's entry; the keychain's answer (NotFound when there was none).
inline Error removeKeychainEntry(SecretBackend &keychain, const QString &providerId)
{
    return Detail::keychainAnswer([&](QObject *context, SecretBackend::Done done) {
        keychain.remove(providerId, context, std::move(done));
    });
}

// Deletes our test entries from the keychain, through the store's keychain backend.
inline void clearKeychain(SecretBackend &keychain, const QStringList &providerIds)
{
    for (const QString &id : providerIds)
        removeKeychainEntry(keychain, id);
}

// Every provider id the GUI tests use.
inline QStringList testProviderIds()
{
    return {QStringLiteral("anthropic"), QStringLiteral("openai"), QStringLiteral("google"),
            QStringLiteral("mistral"), QStringLiteral("groq")};
}

} // namespace Choragen::Test
