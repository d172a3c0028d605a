#include "KeychainNaming.h"

#include "Provider.h"

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

QString keychainAccount(const QString &providerId, const QString &profile)
{
    QString account = providerId + QStringLiteral("-api-key");
    if (!profile.isEmpty())
        account += u'@' + profile;
    return account;
}

QString qtKeychainService(KeychainPlatform platform)
{
    return platform == KeychainPlatform::Windows ? QString() : keychainService();
}

QString keychainTarget(const QString &account, KeychainPlatform platform)
{
    if (platform == KeychainPlatform::Windows)
        return keychainService() + u'/' + account;
    return account;
}

QString keychainKey(const QString &providerId, const QString &profile, KeychainPlatform platform)
{
    return keychainTarget(keychainAccount(providerId, profile), platform);
}

bool isValidProfileName(const QString &name)
{
    return isPlainName(name, 32);
}

} // namespace Choragen
