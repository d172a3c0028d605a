#pragma once

#include "Error.h"

#include <QString>

namespace Choragen {

// Why the keychain cannot be used, in words for people, e.g. "No Secret Service is running."
QString keychainProblem(const Error &reason);
// What to do about it is fixForKeychainError() (KeychainFix.h), as on the command line; this is
// the fix for a locked keychain that the window can unlock with its Unlock… button.
QString keychainUnlockFix(const QString &backend);

} // namespace Choragen
