#include "KeychainFix.h"

namespace Choragen {

namespace {

// The text for @p platform: one of three, each built by the caller.
QString forPlatform(KeychainPlatform platform, const QString &onMacOS, const QString &onWindows,
                    const QString &onLinux)
{
    switch (platform) {
    case KeychainPlatform::MacOS:
        return onMacOS;
    case KeychainPlatform::Windows:
        return onWindows;
    case KeychainPlatform::Linux:
        break;
    }
    return onLinux;
}

// A locked Secret Service is unlocked in its provider.
QString lockedFixOnLinux(SecretServiceProvider provider)
{
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
        if (provider == SecretServiceProvider::KWallet)
            return QStringLiteral(
                "Turn on \"Use KWallet for the Secret Service interface\" in System Settings > "
                "KDE Wallet (KDE Frameworks 5.97 or later; or set apiEnabled=true in the "
                "[org.freedesktop.secrets] group of ~/.config/kwalletrc), then log in again. "
                "Older KDE releases have no such interface: use gnome-keyring or KeePassXC's "
                "Secret Service integration instead.");
        return QStringLiteral("Install and start a Secret Service provider: gnome-keyring, "
                              "KeePassXC with Secret Service integration enabled, or KWallet.");
    case ErrorCode::KeychainLocked:
        return forPlatform(platform,
                           QStringLiteral("Unlock the login keychain (for example in Keychain "
                                          "Access), then try again."),
                           QStringLiteral("Sign in to Windows with your own account, then try "
                                          "again."),
                           lockedFixOnLinux(provider));
    case ErrorCode::AccessDenied:
        return QStringLiteral("Allow Choragen when the keychain asks, or check the keychain's "
                              "access settings.");
    case ErrorCode::TimedOut:
        if (timeoutMs <= 0)
            return QStringLiteral("The keychain did not answer in time; it may be waiting for an "
                                  "unlock prompt. Answer it and try again.");
        return QStringLiteral("The keychain did not answer within %1 s; it may be waiting for "
                              "an unlock prompt. Answer it and try again.")
            .arg(timeoutMs / 1000.0);
    case ErrorCode::NotBuiltIn:
        return QStringLiteral("This build of Choragen has no keychain support.");
    default:
        break;
    }
    return forPlatform(
        platform, QStringLiteral("Check that the login keychain works, e.g. in Keychain Access."),
        QStringLiteral("Check that the Windows Credential Manager works, e.g. in the Control "
                       "Panel."),
        QStringLiteral("Check that the keychain works, e.g. with `secret-tool`."));
}

QString fixForKeychainError(const Error &reason)
{
    return reason.fix.isEmpty() ? fixForKeychainError(reason.code, 0) : reason.fix;
}

} // namespace Choragen
