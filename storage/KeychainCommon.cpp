#include "KeychainCommon.h"

#include "KeychainBackend.h"

#include <qt6keychain/keychain.h>

namespace Choragen {

int keychainTimeoutFromEnvironment()
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue("CHORAGEN_KEYCHAIN_TIMEOUT_MS", &ok);
    return ok && value > 0 ? value : KeychainBackend::defaultTimeoutMs;
}

Error keychainTimedOut(const QString &backend, int timeoutMs)
{
    return Error::make(
        ErrorCode::TimedOut,
        QStringLiteral("The %1 did not answer within %2 s.").arg(backend).arg(timeoutMs / 1000.0),
        fixForKeychainError(ErrorCode::TimedOut, timeoutMs));
}

// What both keychain implementations share (the Secret Service's and QtKeychain's).
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
    // macOS: errSecInteractionNotAllowed (-25308) is what a locked login keychain answers when
    // it may not show its unlock dialog.
    if (errorString.contains(QStringLiteral("-25308"))
        || errorString.contains(QStringLiteral("interaction is not allowed"), Qt::CaseInsensitive))
        code = ErrorCode::KeychainLocked;
    const QString reason = errorString.isEmpty() ? QStringLiteral("unknown error") : errorString;
    return Error::make(code, QStringLiteral("%1: %2").arg(backend, reason),
                       fixForKeychainError(code, 0));
}

} // namespace Choragen
