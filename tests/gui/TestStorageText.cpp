// The window's texts about the keychain: a locked keychain is unlocked where it lives.
#include "KeychainFix.h"
#include "StorageText.h"

#include <QTest>

using namespace Choragen;

class TestStorageText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The keychain's own fix names the provider (KeePassXC, KWallet, gnome-keyring); the window
    // shows it (fixForKeychainError(Error)), and must not send a KeePassXC user to
    // gnome-keyring's Passwords and Keys.
    void lockedFixNamesTheProvider()
    {
        const Error locked = Error::make(ErrorCode::KeychainLocked,
                                         QStringLiteral("The KeePassXC Secret Service is locked."),
                                         QStringLiteral("Unlock the database in KeePassXC, then "
                                                        "try again."));
        QVERIFY(fixForKeychainError(locked).contains(QStringLiteral("KeePassXC")));
        QVERIFY(!fixForKeychainError(locked).contains(QStringLiteral("Passwords and Keys")));
        // Without one, the text for the code, the same the command line shows.
        QCOMPARE(fixForKeychainError(Error::make(ErrorCode::KeychainLocked, {})),
                 fixForKeychainError(ErrorCode::KeychainLocked, 0));
        QVERIFY(!fixForKeychainError(Error::make(ErrorCode::KeychainLocked, {})).isEmpty());
    }
};

QTEST_MAIN(TestStorageText)
#include "TestStorageText.moc"
