// A build without keychain support (CHORAGEN_WITH_KEYCHAIN=OFF): the window keeps keys in the
// file and its storage badge says the keychain is not built in.
#include "KeychainBackend.h"
#include "Launcher.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SettingsWindow.h"
#include "StorageBadge.h"
#include "StoreFixtures.h"

#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

class TestNoKeychainBuild : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(!KeychainBackend::isBuiltIn());
    }

    void badgeSaysNotBuiltIn()
    {
        Project project;
        project.writeConfig(
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-nokeychain-0000000000001"}}})");
        CredentialStore store(project.configPath(), std::make_unique<KeychainBackend>());
        Launcher launcher(store);
        launcher.start();
        SettingsWindow *window = launcher.settingsWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isVisible(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(launcher.model()->keychainStatus().has_value(), 5000);
        QCOMPARE(window->storageBadge()->kind(), StorageBadge::Kind::File);
        QVERIFY2(window->storageReasonLabel()->text().contains(u"no keychain support"_s),
                 qPrintable(window->storageReasonLabel()->text()));
        QVERIFY(!launcher.wizard());
        QVERIFY(!window->migrateButton()->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(window->row(u"openai"_s)->badge()->text(), u"File"_s, 5000);
    }
};

QTEST_MAIN(TestNoKeychainBuild)
#include "TestNoKeychainBuild.moc"
