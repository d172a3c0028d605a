// The first-run wizard and the launch decision, against the real Secret Service.
#include "KeychainBackend.h"
#include "Launcher.h"
#include "MigrationWizard.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SettingsWindow.h"
#include "StorageBadge.h"
#include "WindowFixture.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

// What Choragen's own settings page writes: three keys and a local server that needs none.
const QByteArray legacyConfig = TestSupport::settingsPageConfig();
const QJsonObject legacyKeys = TestSupport::keysInConfig(legacyConfig);
const QByteArray anthropicKey = legacyKeys.value(u"anthropic"_s).toString().toUtf8();
const QByteArray openaiKey = legacyKeys.value(u"openai"_s).toString().toUtf8();
const QByteArray googleKey = legacyKeys.value(u"google"_s).toString().toUtf8();

} // namespace

class TestMigrationWizard : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(enterPrivateKeyringSession(), TestSupport::runInPrivateKeyring);
    }

    void init() { setUpWithKeychain(legacyConfig); }
    void cleanup() { tearDown(); }

    void wizardOnLaunchForLegacyConfig()
    {
        launch();
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
        QCOMPARE(wizard()->windowTitle(), u"Secure your API keys"_s);
        QVERIFY(!m_launcher->settingsWindow()->isVisible());
        QCOMPARE(wizard()->currentId(), int(MigrationWizard::FoundPageId));
        // What was found: each key masked, with a checkbox.
        QCOMPARE(wizard()->foundProviders(),
                 QStringList({u"anthropic"_s, u"openai"_s, u"google"_s}));
        auto *box = wizard()->findChild<QCheckBox *>(u"anthropicMigrateCheckBox"_s);
        QVERIFY(box);
        QVERIFY(box->isChecked());
        QVERIFY(box->text().contains(u"Anthropic"_s));
        QVERIFY(box->text().contains(u"sk-ant-…"_s));
        QVERIFY(!box->text().contains(QString::fromLatin1(anthropicKey)));
        QVERIFY(wizard()->button(MigrationWizard::NotNowButton)->isVisible());
        QVERIFY(wizard()->button(MigrationWizard::KeepInFileButton)->isVisible());
        QVERIFY(wizard()->button(QWizard::CommitButton)->isEnabled());
    }

    void settingsWindowOtherwise_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::newRow("no config") << QByteArray();
        QTest::newRow("no keys in the file") << QByteArray(R"({"credentialStorage": "keychain"})");
        QTest::newRow("chose to keep keys in the file") << QByteArray(
            R"({"credentialStorage": "file", "providers": {"openai": {"apiKey": "sk-FAKE-x"}}})");
    }
    void settingsWindowOtherwise()
    {
        QFETCH(QByteArray, config);
        if (config.isEmpty())
            QFile::remove(m_project->configPath());
        else
            m_project->writeConfig(config);
        launch();
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->settingsWindow()->isVisible(), 5000);
        QCOMPARE(m_launcher->settingsWindow()->windowTitle(), u"Choragen Settings"_s);
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->model()->keychainStatus().has_value(), 10000);
        // The choice is made once the keychain's status is known: no wizard is final.
        QVERIFY(m_launcher->decided());
        QVERIFY(!wizard());
        QVERIFY(!m_launcher->offeredWizard());
    }

    void endToEndMovesKeysAndCleansFile()
    {
        launch();
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
        // Leave Google in the file.
        wizard()->findChild<QCheckBox *>(u"googleMigrateCheckBox"_s)->setChecked(false);
        QCOMPARE(wizard()->selectedProviders(), QStringList({u"anthropic"_s, u"openai"_s}));
        wizard()->button(QWizard::CommitButton)->click();
        QCOMPARE(wizard()->currentId(), int(MigrationWizard::ProgressPageId));
        auto *bar = wizard()->findChild<QProgressBar *>(u"migrationProgressBar"_s);
        QVERIFY(bar);
        QCOMPARE(bar->maximum(), 2);
        QVERIFY(wizard()->findChild<QLabel *>(u"anthropicProgressLabel"_s));
        QVERIFY(!wizard()->findChild<QLabel *>(u"googleProgressLabel"_s));
        QTRY_VERIFY_WITH_TIMEOUT(wizard()->isFinished(), 20000);
        QCOMPARE(bar->value(), 2);
        QCOMPARE(wizard()->findChild<QLabel *>(u"anthropicProgressLabel"_s)->text(),
                 u"Anthropic: done"_s);
        QCOMPARE(wizard()->findChild<QLabel *>(u"openaiProgressLabel"_s)->text(),
                 u"OpenAI: done"_s);
        QVERIFY(wizard()->button(QWizard::NextButton)->isEnabled());
        wizard()->button(QWizard::NextButton)->click();
        QCOMPARE(wizard()->currentId(), int(MigrationWizard::ResultPageId));
        const QString summary = wizard()->findChild<QLabel *>(u"resultSummaryLabel"_s)->text();
        QVERIFY(summary.contains(u"Moved to the keychain"_s));
        QVERIFY(summary.contains(u"Anthropic"_s));
        QVERIFY(summary.contains(u"Google: not selected"_s));
        QVERIFY(wizard()
                    ->findChild<QLabel *>(u"resultFileLabel"_s)
                    ->text()
                    .contains(u"no longer holds the moved keys"_s));

        // The keychain holds the moved keys, the file only the one left behind.
        QVERIFY(keychainEntry(m_store->keychain(), u"anthropic"_s).secret == anthropicKey);
        QVERIFY(keychainEntry(m_store->keychain(), u"openai"_s).secret == openaiKey);
        QVERIFY(!keychainEntry(m_store->keychain(), u"google"_s).secret);
        QVERIFY(m_project->fileKey(u"anthropic"_s).isEmpty());
        QVERIFY(m_project->fileKey(u"openai"_s).isEmpty());
        QVERIFY(m_project->fileKey(u"google"_s) == googleKey);
        const QByteArray bytes = m_project->configBytes();
        QVERIFY(!bytes.contains(anthropicKey));
        QVERIFY(!bytes.contains(openaiKey));
        QVERIFY(bytes.contains("\"theme\": \"dark\""));
        const QByteArray server = "\"baseUrl\": \"" + TestSupport::settingsPageServerUrl() + '"';
        QVERIFY(bytes.contains(server));

        // Finish: the settings window shows where each key is now.
        wizard()->button(QWizard::FinishButton)->click();
        SettingsWindow *window = m_launcher->settingsWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isVisible(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(window->row(u"anthropic"_s)->badge()->text(), u"Keychain"_s,
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(window->row(u"google"_s)->badge()->text(), u"File"_s, 10000);
        // Google is still in the file: the header offers the move again.
        QVERIFY(window->migrateButton()->isVisible());
    }

    void conflictStaysInFileWithReason()
    {
        writeKeychainEntry(m_store->keychain(), u"openai"_s, "sk-FAKE-wizard-different-00000000e5");
        launch();
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
        wizard()->button(QWizard::CommitButton)->click();
        QTRY_VERIFY_WITH_TIMEOUT(wizard()->isFinished(), 20000);
        QVERIFY(wizard()
                    ->findChild<QLabel *>(u"openaiProgressLabel"_s)
                    ->text()
                    .contains(u"conflict"_s));
        wizard()->button(QWizard::NextButton)->click();
        const QString summary = wizard()->findChild<QLabel *>(u"resultSummaryLabel"_s)->text();
        QVERIFY(summary.contains(u"Stayed in the file"_s));
        QVERIFY(summary.contains(u"OpenAI: "_s));
        QVERIFY(m_project->fileKey(u"openai"_s) == openaiKey);
        QVERIFY(keychainEntry(m_store->keychain(), u"openai"_s).secret
                == "sk-FAKE-wizard-different-00000000e5");
        QVERIFY(m_project->fileKey(u"anthropic"_s).isEmpty());
    }

    void notNowAsksAgainNextLaunch()
    {
        const QByteArray before = m_project->configBytes();
        launch();
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
        wizard()->button(MigrationWizard::NotNowButton)->click();
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->settingsWindow()->isVisible(), 5000);
        QVERIFY(!wizard() || !wizard()->isVisible());
        QCOMPARE(m_project->configBytes(), before);
        QVERIFY(!keychainEntry(m_store->keychain(), u"anthropic"_s).secret);

        // The next launch asks again.
        relaunch();
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
    }

    void keepKeysInFileStopsAsking()
    {
        launch();
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
        wizard()->button(MigrationWizard::KeepInFileButton)->click();
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->settingsWindow()->isVisible(), 5000);
        QCOMPARE(m_project->storageMode(), std::optional(StorageMode::File));
        QVERIFY(m_project->fileKey(u"anthropic"_s) == anthropicKey);
        QVERIFY(m_project->configBytes().contains("\"theme\": \"dark\""));
        SettingsWindow *window = m_launcher->settingsWindow();
        QTRY_COMPARE_WITH_TIMEOUT(window->storageBadge()->text(), u"File"_s, 10000);
        QVERIFY(window->storageDetailLabel()->text().contains(u"as you chose"_s));

        // The next launch shows the settings window, no wizard; its header can still reopen it.
        relaunch();
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->settingsWindow()->isVisible(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->model()->keychainStatus().has_value(), 10000);
        // The choice is made once the keychain's status is known: no wizard is final.
        QVERIFY(m_launcher->decided());
        QVERIFY(!wizard());
        window = m_launcher->settingsWindow();
        QTRY_VERIFY(window->migrateButton()->isVisible());
        window->migrateButton()->click();
        QVERIFY(wizard() && wizard()->isVisible());
        QCOMPARE(wizard()->windowModality(), Qt::WindowModal);
        QCOMPARE(wizard()->foundProviders().size(), 3);
    }

    // choragen-settings --migrate: the wizard also for a project that chose to keep its keys in
    // the file, and closing it changes nothing of that choice.
    void migrationStartOpensWizardAlsoWhenKeysKeptInFile()
    {
        m_project->writeConfig(
            R"({"credentialStorage": "file", "providers": {"openai": {"apiKey": "sk-FAKE-x"}}})");
        launch(Launcher::Start::MigrationWizard);
        QTRY_VERIFY_WITH_TIMEOUT(wizard() && wizard()->isVisible(), 10000);
        QVERIFY(m_launcher->offeredWizard());
        QCOMPARE(wizard()->foundProviders(), QStringList({u"openai"_s}));
        wizard()->button(MigrationWizard::NotNowButton)->click();
        QTRY_VERIFY_WITH_TIMEOUT(m_launcher->settingsWindow()->isVisible(), 5000);
        QCOMPARE(m_project->storageMode(), std::optional(StorageMode::File));
    }

    // Nothing to move: the settings window at once, decided before the keychain answers.
    void migrationStartWithoutKeysShowsSettingsWindow()
    {
        m_project->writeConfig(R"({"credentialStorage": "keychain"})");
        launch(Launcher::Start::MigrationWizard);
        QVERIFY(m_launcher->settingsWindow()->isVisible());
        QVERIFY(!m_launcher->offeredWizard());
    }

private:
    // A new window over the same store: the store (and its keychain jobs) lives as long as the
    // process does in the application, too.
    void relaunch()
    {
        m_launcher.reset();
        m_store->forgetProbe();
        launch();
    }
    MigrationWizard *wizard() const { return m_launcher ? m_launcher->wizard() : nullptr; }
};

QTEST_MAIN(TestMigrationWizard)
#include "TestMigrationWizard.moc"
