#include "KeychainBackend.h"

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
