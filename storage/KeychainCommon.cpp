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

namespace {

QString lockedFix(KeychainPlatform platform, SecretServiceProvider provider)
{
    switch (platform) {
    case KeychainPlatform::MacOS:
        return QStringLiteral("Unlock the login keychain (for example in Keychain Access), then "
                              "try again.");
    case KeychainPlatform::Windows:
        return QStringLiteral("Sign in to Windows with your own account, then try again.");
    case KeychainPlatform::Linux:
        break;
    }
    switch (provider) {
    case SecretServiceProvider::KeePassXC:
        return QStringLiteral("Unlock the database in KeePassXC, then try again.");
    case SecretServiceProvider::KWallet:
        return QStringLiteral("Open the wallet in KWallet (for example in KWalletManager), then "
                              "try again.");
    case SecretServiceProvider::GnomeKeyring:
    case SecretServiceProvider::Unknown:
        break;
    }
    return QStringLiteral("Unlock the login keyring (in the settings window with Unlock…, in "
                          "Passwords and Keys, or from a terminal with `read -rs PASSWORD; "
                          "printf '%s' \"$PASSWORD\" | gnome-keyring-daemon --replace --unlock`), "
                          "then try again.");
}

} // namespace

QString fixForKeychainError(ErrorCode code, int timeoutMs, KeychainPlatform platform,
                            SecretServiceProvider provider)
{
    switch (code) {
    case ErrorCode::NoDBusSession:
        return QStringLiteral("Log in to a desktop session, or start a session bus with "
                              "`dbus-run-session -- $SHELL` and a keyring in it.");
    case ErrorCode::NoSecretService:
        if (platform != KeychainPlatform::Linux)
            return QStringLiteral("The system keychain is not available to Choragen.");
        return QStringLiteral("Install and start a Secret Service provider: gnome-keyring, "
                              "KeePassXC with Secret Service integration enabled, or KWallet.");
    case ErrorCode::KeychainLocked:
        return lockedFix(platform, provider);
    case ErrorCode::AccessDenied:
        return QStringLiteral("Allow Choragen when the keychain asks, or check the keychain's "
                              "access settings.");
    case ErrorCode::TimedOut:
        return QStringLiteral("The keychain did not answer within %1 s; it may be waiting for "
                              "an unlock prompt. Answer it and try again.")
            .arg(timeoutMs / 1000.0);
    case ErrorCode::NotBuiltIn:
        return QStringLiteral("This build of Choragen has no keychain support.");
    default:
        break;
    }
    switch (platform) {
    case KeychainPlatform::MacOS:
        return QStringLiteral("Check that the login keychain works, e.g. in Keychain Access.");
    case KeychainPlatform::Windows:
        return QStringLiteral("Check that the Windows Credential Manager works, e.g. in the "
                              "Control Panel.");
    case KeychainPlatform::Linux:
        break;
    }
    return QStringLiteral("Check that the keychain works, e.g. with `secret-tool`.");
}

Error keychainTimedOut(const QString &backend, int timeoutMs)
{
    return Error::make(
        ErrorCode::TimedOut,
        QStringLiteral("The %1 did not answer within %2 s.").arg(backend).arg(timeoutMs / 1000.0),
        fixForKeychainError(ErrorCode::TimedOut, timeoutMs));
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
