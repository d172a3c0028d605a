#pragma once

#include "ConfigFile.h"
#include "CredentialStore.h"

#include <QByteArray>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

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
    QString configPath() const { return m_dir.filePath(QStringLiteral(".choragen/config.json")); }

    void writeConfig(const QByteArray &json) const
    {
        QFile::setPermissions(m_dir.filePath(QStringLiteral(".choragen")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile file(configPath());
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write(json);
        file.close();
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    }

    QByteArray configBytes() const
    {
        QFile file(configPath());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    // The plaintext key for @p providerId in the file (providers.<id>.apiKey), or empty.
    QByteArray fileKey(const QString &providerId) const
    {
        ConfigFile config(configPath());
        return config.load().ok() ? config.apiKey(providerId) : QByteArray();
    }

    std::optional<StorageMode> storageMode() const
    {
        ConfigFile config(configPath());
        return config.load().ok() ? config.storageMode() : std::nullopt;
    }

private:
    QTemporaryDir m_dir;
};

// Runs a local event loop until the asynchronous call @p start completes, or @p timeoutMs pass.
// Tests only: the window itself never waits like this.
template<typename T>
std::optional<T> waitFor(const std::function<void(QObject *, std::function<void(T)>)> &start,
                         int timeoutMs = 15000)
{
    QEventLoop loop;
    std::optional<T> result;
    start(&loop, [&](T value) {
        result = std::move(value);
        loop.quit();
    });
    if (!result) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return result;
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
    using Result = std::pair<Error, QByteArray>;
    const std::optional<Result> result = waitFor<Result>([&](QObject *context,
                                                             std::function<void(Result)> done) {
        keychain.read(providerId, context, [done](const Error &error, const QByteArray &secret) {
            done({error, secret});
        });
    });
    if (!result)
        return {Error::make(ErrorCode::TimedOut, QStringLiteral("test: no answer")), std::nullopt};
    if (result->first.isNotFound())
        return {Error::none(), std::nullopt};
    if (!result->first.ok())
        return {result->first, std::nullopt};
    return {Error::none(), result->second};
}

inline void writeKeychainEntry(SecretBackend &keychain, const QString &providerId,
                               const QByteArray &secret)
{
    waitFor<Error>([&](QObject *context, std::function<void(Error)> done) {
        keychain.write(providerId, secret, context, [done](const Error &error) { done(error); });
    });
}

// Deletes our test entries from the keychain, through the store's keychain backend.
inline void clearKeychain(SecretBackend &keychain, const QStringList &providerIds)
{
    for (const QString &id : providerIds) {
        waitFor<Error>([&](QObject *context, std::function<void(Error)> done) {
            keychain.remove(id, context, [done](const Error &error) { done(error); });
        });
    }
}

// Every provider id the GUI tests use.
inline QStringList testProviderIds()
{
    return {QStringLiteral("anthropic"), QStringLiteral("openai"), QStringLiteral("google"),
            QStringLiteral("mistral"), QStringLiteral("groq")};
}

} // namespace Choragen::Test
