#pragma once

#include <QString>

namespace Choragen {

enum class KeychainPlatform { Linux, MacOS, Windows };

/// The platform this build runs on.
KeychainPlatform currentKeychainPlatform();

/// The QtKeychain service for every entry of ours.
QString keychainService();

/// The account of @p providerId's entry: "<id>-api-key" for the default profile, and
/// "<id>-api-key@<profile>" for a named one. The agent and other tools find keys by this name.
QString keychainAccount(const QString &providerId, const QString &profile = QString());

/// The QtKeychain key for @p providerId: "<id>-api-key", or "choragen/<id>-api-key" on Windows,
/// where QtKeychain ignores the service and the target name must carry the namespace itself.
QString keychainKey(const QString &providerId,
                    KeychainPlatform platform = currentKeychainPlatform());
/// keychainKey() for @p providerId's entry in @p profile.
QString keychainKey(const QString &providerId, const QString &profile,
                    KeychainPlatform platform = currentKeychainPlatform());

/// True when @p name is a valid key profile: 1-32 of a-z, 0-9, '-', '_', '.', starting with a
/// letter or digit.
bool isValidProfileName(const QString &name);

} // namespace Choragen
