#include "Error.h"

namespace Choragen {

bool Error::isKeychainUnavailable() const
{
    switch (code) {
    case ErrorCode::NoDBusSession:
    case ErrorCode::NoSecretService:
    case ErrorCode::KeychainLocked:
    case ErrorCode::AccessDenied:
    case ErrorCode::TimedOut:
    case ErrorCode::NotBuiltIn:
    case ErrorCode::KeychainOther:
        return true;
    default:
        return false;
    }
}

QString Error::text() const
{
    if (fix.isEmpty())
        return message;
    return message + QStringLiteral(" — ") + fix;
}

QString errorCodeId(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return QStringLiteral("none");
    case ErrorCode::NotFound:
        return QStringLiteral("not-found");
    case ErrorCode::NoDBusSession:
        return QStringLiteral("no-dbus-session");
    case ErrorCode::NoSecretService:
        return QStringLiteral("no-secret-service");
    case ErrorCode::KeychainLocked:
        return QStringLiteral("locked");
    case ErrorCode::AccessDenied:
        return QStringLiteral("access-denied");
    case ErrorCode::TimedOut:
        return QStringLiteral("timed-out");
    case ErrorCode::NotBuiltIn:
        return QStringLiteral("not-built-in");
    case ErrorCode::KeychainOther:
        return QStringLiteral("keychain-error");
    case ErrorCode::ConfigInvalid:
        return QStringLiteral("config-invalid");
    case ErrorCode::InvalidInput:
        return QStringLiteral("invalid-input");
    case ErrorCode::Io:
        return QStringLiteral("io-error");
    case ErrorCode::LockBusy:
        return QStringLiteral("lock-busy");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    case ErrorCode::VerifyFailed:
        return QStringLiteral("verify-failed");
    case ErrorCode::UnrecognizedKey:
        return QStringLiteral("unrecognized-key");
    }
    return QStringLiteral("unknown");
}

int exitCodeFor(const Error &error)
{
    if (error.ok())
        return 0;
    if (error.isKeychainUnavailable())
        return 3;
    switch (error.code) {
    case ErrorCode::ConfigInvalid:
        return 4;
    case ErrorCode::InvalidInput:
        return 2;
    default:
        return 1;
    }
}

} // namespace Choragen
