#pragma once

#include <QString>

namespace Choragen {

enum class KeychainPlatform { Linux, MacOS, Windows };

/// The platform this build runs on.
KeychainPlatform currentKeychainPlatform();

/// The service of every entry of ours: "choragen".
QString keychainService();

/// The account of @p providerId's entry, the one name other programs look up:
/// "<id>-api-key" for the default profile (empty @p profile), "<id>-api-key@<profile>" otherwise.
QString keychainAccount(const QString &providerId, const QString &profile = {});

/// The QtKeychain service to use on @p platform. Empty on Windows: QtKeychain ignores the
/// service there up to 0.16 and names the credential "<key>@<service>" from 0.17 on, unless the
/// service is empty; an empty service gives the bare key as target under every version.
QString qtKeychainService(KeychainPlatform platform = currentKeychainPlatform());

/// The QtKeychain key for @p account on @p platform: the account itself, or on Windows the
/// credential's whole target name "choragen/<account>" (the name keytar uses).
QString keychainTarget(const QString &account,
                       KeychainPlatform platform = currentKeychainPlatform());

/// keychainTarget() of keychainAccount(): the QtKeychain key of a provider's entry.
QString keychainKey(const QString &providerId, const QString &profile = {},
                    KeychainPlatform platform = currentKeychainPlatform());

/// True when @p name is a valid key profile: 1-32 of a-z, 0-9, '-', '_', '.', starting with a
/// letter or digit.
bool isValidProfileName(const QString &name);

} // namespace Choragen
