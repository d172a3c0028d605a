#pragma once

// What every keychain implementation shares: the timeout, the timed-out error and the fix texts.

#include "Error.h"
#include "KeychainNaming.h"

namespace Choragen {

/// Which Secret Service provider answers, for the texts that tell people what to do.
enum class SecretServiceProvider { Unknown, GnomeKeyring, KeePassXC, KWallet };

/// The timeout from CHORAGEN_KEYCHAIN_TIMEOUT_MS, or the default.
int keychainTimeoutFromEnvironment();

/// How to fix @p code on @p platform, naming @p provider where it matters.
QString fixForKeychainError(ErrorCode code, int timeoutMs,
                            KeychainPlatform platform = currentKeychainPlatform(),
                            SecretServiceProvider provider = SecretServiceProvider::Unknown);

/// "The <backend> did not answer within N s.", with its fix.
Error keychainTimedOut(const QString &backend, int timeoutMs);

} // namespace Choragen
