#include "KeychainNaming.h"

namespace Choragen {

KeychainPlatform currentKeychainPlatform()
{
#if defined(Q_OS_WIN)
    return KeychainPlatform::Windows;
#elif defined(Q_OS_MACOS)
    return KeychainPlatform::MacOS;
#else
    return KeychainPlatform::Linux;
#endif
}

QString keychainService()
{
    return QStringLiteral("choragen");
}

QString keychainKey(const QString &providerId, KeychainPlatform platform)
{
    const QString account = providerId + QStringLiteral("-api-key");
    if (platform == KeychainPlatform::Windows)
        return keychainService() + u'/' + account;
    return account;
}

} // namespace Choragen
