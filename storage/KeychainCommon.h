#pragma once

// What every keychain implementation shares: the timeout, the timed-out error, and (from
// KeychainFix.h) the fix texts.

#include "Error.h"
#include "KeychainFix.h"
#include "KeychainNaming.h"

namespace Choragen {

/// The timeout from CHORAGEN_KEYCHAIN_TIMEOUT_MS, or the default.
int keychainTimeoutFromEnvironment();

/// "The <backend> did not answer within N s.", with its fix.
Error keychainTimedOut(const QString &backend, int timeoutMs);

} // namespace Choragen
