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

QString keychainUnlockFix(const QString &backend)
{
    return tr("Press Unlock… and answer the unlock prompt of the %1; the keys load once it is "
              "unlocked.")
        .arg(backend);
}

} // namespace Choragen
