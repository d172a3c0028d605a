#pragma once

// The one source of the texts that tell people how to fix a keychain problem: the backends put
// them into their errors, and the command line and the window show them.

#include "Error.h"
#include "KeychainNaming.h"

#include <QString>

namespace Choragen {

/// Which Secret Service provider answers, for the texts that tell people what to do.
enum class SecretServiceProvider { Unknown, GnomeKeyring, KeePassXC, KWallet };

/// How to fix @p code on @p platform, naming @p provider where it matters. @p timeoutMs is the
/// keychain timeout a TimedOut text names; 0 when unknown.
QString fixForKeychainError(ErrorCode code, int timeoutMs,
                            KeychainPlatform platform = currentKeychainPlatform(),
                            SecretServiceProvider provider = SecretServiceProvider::Unknown);

/// The fix to show for @p reason, a keychain error: the one its backend gave (it may name the
/// provider), else the text for its code on this platform.
QString fixForKeychainError(const Error &reason);

} // namespace Choragen
