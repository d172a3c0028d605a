#include "KeychainBackend.h"
#include "KeychainCommon.h"

#include <qt6keychain/keychain.h>

#include <QTest>

using namespace Choragen;

// How QtKeychain's errors map to ours: only "not found" means absent.
class TestKeychainErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorsAreClassified_data()
    {
        QTest::addColumn<int>("keychainError");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("expected");
        QTest::newRow("not found")
            << int(QKeychain::EntryNotFound) << QString() << int(ErrorCode::NotFound);
        QTest::newRow("no session bus")
            << int(QKeychain::OtherError)
            << QStringLiteral("Cannot autolaunch D-Bus without X11 $DISPLAY")
            << int(ErrorCode::NoDBusSession);
        QTest::newRow("no service")
            << int(QKeychain::OtherError)
            << QStringLiteral(
                   "The name org.freedesktop.secrets was not provided by any .service files")
            << int(ErrorCode::NoSecretService);
        QTest::newRow("locked") << int(QKeychain::AccessDenied)
                                << QStringLiteral("Cannot create an item in a locked collection")
                                << int(ErrorCode::KeychainLocked);
        QTest::newRow("no login keyring")
            << int(QKeychain::OtherError)
            << QStringLiteral(
                   "Object does not exist at path “/org/freedesktop/secrets/collection/login”")
            << int(ErrorCode::KeychainLocked);
        // macOS errSecInteractionNotAllowed: a locked login keychain that may not prompt.
        QTest::newRow("macos locked")
            << int(QKeychain::AccessDenied)
            << QStringLiteral("Could not retrieve private key from keystore: User interaction is "
                              "not allowed")
            << int(ErrorCode::KeychainLocked);
        QTest::newRow("denied") << int(QKeychain::AccessDenied)
                                << QStringLiteral("Access was denied")
                                << int(ErrorCode::AccessDenied);
        QTest::newRow("denied by user")
            << int(QKeychain::AccessDeniedByUser) << QStringLiteral("User canceled")
            << int(ErrorCode::AccessDenied);
        QTest::newRow("no backend")
            << int(QKeychain::NoBackendAvailable) << QStringLiteral("No keychain service available")
            << int(ErrorCode::NoSecretService);
        QTest::newRow("other") << int(QKeychain::OtherError) << QStringLiteral("Something odd")
                               << int(ErrorCode::KeychainOther);
    }

    // Fix texts name the keychain of the platform: secret-tool only on Linux.
    void fixTextsFollowThePlatform()
    {
        QVERIFY(fixForKeychainError(ErrorCode::KeychainOther, 0, KeychainPlatform::Linux)
                    .contains(QStringLiteral("secret-tool")));
        for (const KeychainPlatform platform :
             {KeychainPlatform::MacOS, KeychainPlatform::Windows}) {
            for (const ErrorCode code : {ErrorCode::KeychainOther, ErrorCode::KeychainLocked,
                                         ErrorCode::NoSecretService}) {
                const QString fix = fixForKeychainError(code, 0, platform);
                QVERIFY2(!fix.contains(QStringLiteral("secret-tool"))
                             && !fix.contains(QStringLiteral("gnome-keyring")),
                         qPrintable(fix));
            }
        }
        QVERIFY(fixForKeychainError(ErrorCode::KeychainLocked, 0, KeychainPlatform::MacOS)
                    .contains(QStringLiteral("login keychain")));
        QVERIFY(fixForKeychainError(ErrorCode::KeychainLocked, 0, KeychainPlatform::Linux,
                                    SecretServiceProvider::KeePassXC)
                    .contains(QStringLiteral("Unlock the database in KeePassXC")));
        QVERIFY(fixForKeychainError(ErrorCode::KeychainLocked, 0, KeychainPlatform::Linux,
                                    SecretServiceProvider::KWallet)
                    .contains(QStringLiteral("KWallet")));
        // KWallet without its Secret Service interface: how to turn it on, not "install one".
        const QString kwalletOff = fixForKeychainError(
            ErrorCode::NoSecretService, 0, KeychainPlatform::Linux, SecretServiceProvider::KWallet);
        QVERIFY2(kwalletOff.contains(QStringLiteral("Use KWallet for the Secret Service interface"))
                     && !kwalletOff.contains(QStringLiteral("Install")),
                 qPrintable(kwalletOff));
    }

    void errorsAreClassified()
    {
        QFETCH(int, keychainError);
        QFETCH(QString, message);
        QFETCH(int, expected);
        const Error error
            = KeychainBackend::classify(keychainError, message, QStringLiteral("Secret Service"));
        QCOMPARE(int(error.code), expected);
        if (error.code != ErrorCode::NotFound) {
            // Anything but "not found" is a failure with a fix, never an empty keychain.
            QVERIFY(error.isKeychainUnavailable());
            QCOMPARE(exitCodeFor(error), 3);
            QVERIFY(!error.fix.isEmpty());
            QVERIFY(error.message.contains(QStringLiteral("Secret Service")));
        }
    }
};

QTEST_GUILESS_MAIN(TestKeychainErrors)
#include "TestKeychainErrors.moc"
