// KeychainBackend for builds without QtKeychain (CHORAGEN_WITH_KEYCHAIN=OFF): every call says
// "not built in", so the policy keeps keys in the file, or fails closed in keychain mode.
#include "KeychainBackend.h"
#include "PostTo.h"

namespace Choragen {

namespace {

Error notBuiltIn()
{
    return Error::make(ErrorCode::NotBuiltIn,
                       QStringLiteral("This build of Choragen has no keychain support."),
                       QStringLiteral("Install a build with keychain support to keep keys out of "
                                      "the config file."));
}

} // namespace

KeychainBackend::KeychainBackend(QObject *parent)
    : KeychainBackend(defaultTimeoutMs, parent)
{
}

KeychainBackend::KeychainBackend(int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_timeoutMs(timeoutMs)
{
}

bool KeychainBackend::isBuiltIn()
{
    return false;
}

QString KeychainBackend::name() const
{
    return QStringLiteral("Keychain (not built in)");
}

Error KeychainBackend::classify(int keychainError, const QString &errorString,
                                const QString &backend)
{
    Q_UNUSED(keychainError)
    Q_UNUSED(errorString)
    Q_UNUSED(backend)
    return notBuiltIn();
}

void KeychainBackend::probe(QObject *context, ProbeDone done)
{
    BackendStatus status;
    status.backend = name();
    status.reason = notBuiltIn();
    status.detail = status.reason.message;
    postTo(context, [done, status] { done(status); });
}

void KeychainBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    Q_UNUSED(providerId)
    postTo(context, [done] { done(notBuiltIn(), {}); });
}

void KeychainBackend::write(const QString &providerId, const QByteArray &secret, QObject *context,
                            Done done)
{
    Q_UNUSED(providerId)
    Q_UNUSED(secret)
    postTo(context, [done] { done(notBuiltIn()); });
}

void KeychainBackend::remove(const QString &providerId, QObject *context, Done done)
{
    Q_UNUSED(providerId)
    postTo(context, [done] { done(notBuiltIn()); });
}

void KeychainBackend::readIfPresent(const QString &providerId, QObject *context, ReadDone done)
{
    read(providerId, context, std::move(done));
}

bool KeychainBackend::canUnlock() const
{
    return false;
}

void KeychainBackend::unlock(QObject *context, Done done)
{
    SecretBackend::unlock(context, std::move(done));
}

} // namespace Choragen
