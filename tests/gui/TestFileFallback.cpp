// No D-Bus session (DBUS_SESSION_BUS_ADDRESS points nowhere, set by CTest for this executable):
// the window falls back to the file and says why, with the fix.
#include "KeychainBackend.h"
#include "Launcher.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SecretLineEdit.h"
#include "SettingsWindow.h"
#include "StorageBadge.h"
#include "WindowFixture.h"

#include <QDBusConnection>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

class TestFileFallback : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // The session bus is a process singleton: this whole executable runs without one.
        QVERIFY2(!QDBusConnection::sessionBus().isConnected(),
                 "run with DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent (CTest sets it)");
    }

    void init() { setUp({}, std::make_unique<KeychainBackend>()); }
    void cleanup() { tearDown(); }

    void fileBadgeGivesReasonAndFix()
    {
        SettingsWindow *window = launchAndAwaitKeychainStatus();
        QVERIFY(window);
        QCOMPARE(window->storageBadge()->kind(), StorageBadge::Kind::File);
        QCOMPARE(window->storageBadge()->text(), u"File"_s);
        QVERIFY(window->storageDetailLabel()->text().contains(m_project->configPath()));
        QVERIFY(window->storageDetailLabel()->text().contains(u"unencrypted"_s));
        QVERIFY(window->storageReasonLabel()->isVisible());
        QVERIFY2(window->storageReasonLabel()->text().contains(u"No D-Bus session"_s),
                 qPrintable(window->storageReasonLabel()->text()));
        QVERIFY(window->storageFixLabel()->isVisible());
        QVERIFY(window->storageFixLabel()->text().startsWith(u"Fix: "_s));
        QVERIFY(window->storageFixLabel()->text().contains(u"dbus-run-session"_s));
        QVERIFY(window->checkAgainButton()->isVisible());
        QVERIFY(!window->migrateButton()->isVisible());
        QVERIFY(!window->exportButton()->isVisible());
    }

    void noWizardWithoutKeychain()
    {
        m_project->writeConfig(
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-fallback-000000000000000b2"}}})");
        SettingsWindow *window = launchAndAwaitKeychainStatus();
        QVERIFY(window);
        QVERIFY(m_launcher->decided());
        QVERIFY(!m_launcher->wizard());
        QTRY_COMPARE_WITH_TIMEOUT(window->row(u"openai"_s)->badge()->text(), u"File"_s, 10000);
        // Keys are in the file, but there is nowhere to move them.
        QVERIFY(!window->migrateButton()->isVisible());
    }

    void saveGoesToFileWithWarningAndRemoveDeletes()
    {
        launch();
        SettingsWindow *window = m_launcher->settingsWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isVisible(), 5000);
        ProviderRow *row = window->row(u"openai"_s);
        QTRY_VERIFY_WITH_TIMEOUT(row->lineEdit()->isEnabled(), 10000);
        QTest::keyClicks(row->lineEdit(), u"sk-FAKE-fallback-save-0000000000c3"_s);
        row->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"File"_s, 10000);
        QVERIFY(m_project->fileKey(u"openai"_s) == "sk-FAKE-fallback-save-0000000000c3");
        // Said out loud, inline.
        QVERIFY(row->statusLabel()->isVisible());
        QVERIFY(row->statusLabel()->text().contains(u"unencrypted"_s));
        QVERIFY(!row->statusLabel()->text().contains(u"sk-FAKE-fallback-save"_s));

        row->removeButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Not set"_s, 10000);
        QVERIFY(m_project->fileKey(u"openai"_s).isEmpty());
    }

    void keychainModeFailsClosed()
    {
        m_project->writeConfig(R"({"credentialStorage": "keychain"})");
        SettingsWindow *window = launchAndAwaitKeychainStatus();
        QVERIFY(window);
        QCOMPARE(window->storageBadge()->kind(), StorageBadge::Kind::Error);
        QCOMPARE(window->storageBadge()->text(), u"Keychain unavailable"_s);
        QVERIFY(window->storageDetailLabel()->text().contains(u"Nothing is written to the file"_s));
        ProviderRow *row = window->row(u"openai"_s);
        QTRY_VERIFY_WITH_TIMEOUT(row->lineEdit()->isEnabled(), 10000);
        QTest::keyClicks(row->lineEdit(), u"sk-FAKE-fallback-closed-00000000d4"_s);
        row->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!row->lineEdit()->isReadOnly(), 10000);
        QVERIFY(row->statusLabel()->isVisible());
        QVERIFY(m_project->fileKey(u"openai"_s).isEmpty());
    }
};

QTEST_MAIN(TestFileFallback)
#include "TestFileFallback.moc"
