#pragma once

#include <QString>

namespace Choragen {

enum class KeychainPlatform { Linux, MacOS, Windows };

/// The platform this build runs on.
KeychainPlatform currentKeychainPlatform();

/// The QtKeychain service for every entry of ours.
QString keychainService();

/// The QtKeychain key for @p providerId: "<id>-api-key", or "choragen/<id>-api-key" on Windows,
/// where QtKeychain ignores the service and the target name must carry the namespace itself.
QString keychainKey(const QString &providerId,
                    KeychainPlatform platform = currentKeychainPlatform());

} // namespace Choragen
