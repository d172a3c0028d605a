#include "StorageText.h"

#include <QCoreApplication>

namespace Choragen {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Choragen::StorageText", text);
}

} // namespace

QString keychainProblem(const Error &reason)
{
    switch (reason.code) {
    case ErrorCode::NoDBusSession:
        return tr("No D-Bus session: the keychain cannot be reached from here.");
    case ErrorCode::NoSecretService:
        return tr("No Secret Service: no keychain program is running.");
    case ErrorCode::KeychainLocked:
        return tr("The keychain is locked.");
    case ErrorCode::AccessDenied:
        return tr("Access to the keychain was denied.");
    case ErrorCode::TimedOut:
        return tr("The keychain did not answer in time.");
    case ErrorCode::NotBuiltIn:
        return tr("This build of Choragen has no keychain support.");
    default:
        break;
    }
    return reason.message.isEmpty() ? tr("The keychain cannot be used.") : reason.message;
}

QString keychainFix(const Error &reason)
{
    switch (reason.code) {
    case ErrorCode::NoDBusSession:
        return tr("Log in to a desktop session (or start one with dbus-run-session), then open "
                  "this window again.");
    case ErrorCode::NoSecretService:
        return tr("Install and start gnome-keyring, or KeePassXC with its Secret Service "
                  "integration turned on, then check again.");
    case ErrorCode::KeychainLocked:
        // The keychain's own fix names the provider to unlock: gnome-keyring, KeePassXC, KWallet.
        if (!reason.fix.isEmpty())
            return reason.fix;
        return tr("Unlock it (for example the login keyring in Passwords and Keys), then check "
                  "again.");
    case ErrorCode::AccessDenied:
        return tr("Allow Choragen when the keychain asks, or check the keychain's access "
                  "settings, then check again.");
    case ErrorCode::TimedOut:
        return tr("It may be waiting for an unlock prompt: answer it, then check again.");
    default:
        break;
    }
    return reason.fix;
}

QString keychainUnlockFix(const QString &backend)
{
    return tr("Press Unlock… and answer the unlock prompt of the %1; the keys load once it is "
              "unlocked.")
        .arg(backend);
}

} // namespace Choragen
