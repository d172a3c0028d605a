// The window's and the wizard's warning rows for keys that reached git, against a real git
// repository and the real Secret Service.
#include "ExposureWarnings.h"
#include "KeychainBackend.h"
#include "MigrationWizard.h"
#include "ProviderListModel.h"
#include "SettingsWindow.h"
#include "TestSupport.h"

// The black-box helpers: git in a temporary folder with a fixed identity.
#include "../support/TestSupport.h"

#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;

namespace {

const QByteArray committedKey = "sk-ant-FAKE-exposed-window-00000000a1";

QByteArray configWith(const QByteArray &key)
{
    return "{\"providers\": {\"anthropic\": {\"apiKey\": \"" + key
        + "\"}}, \"settings\": {\"ui\": {\"theme\": \"dark\"}}}";
}

} // namespace

class TestExposureWarnings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(qEnvironmentVariableIsSet("CHORAGEN_IN_KEYRING"),
                 "run inside scripts/with-keyring.sh (make test does)");
    }

    void init()
    {
        for (const char *var : {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GOOGLE_API_KEY"})
            qunsetenv(var);
        m_project = std::make_unique<Project>();
        QVERIFY(TestSupport::gitInit(m_project->path()));
        m_store = std::make_unique<CredentialStore>(m_project->configPath(),
                                                    std::make_unique<KeychainBackend>());
        clearKeychain(m_store->keychain(), testProviderIds());
    }

    void cleanup()
    {
        m_window.reset();
        m_model.reset();
        if (m_store)
            clearKeychain(m_store->keychain(), testProviderIds());
        m_store.reset();
        m_project.reset();
    }

    void committedKeyIsWarnedAbout()
    {
        m_project->writeConfig(configWith(committedKey));
        const QString commit = TestSupport::gitCommitAll(m_project->path(), QStringLiteral("add"));
        QVERIFY(!commit.isEmpty());
        openWindow();

        QLabel *label = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (label = m_window->findChild<QLabel *>(QStringLiteral("anthropicExposureLabel"))),
            10000);
        QVERIFY(m_window->exposureWarnings()->isVisible());
        QVERIFY(label->openExternalLinks());
        QVERIFY(label->text().contains(commit));
        QVERIFY(label->text().contains(
            QStringLiteral("<a href=\"https://console.anthropic.com/settings/keys\">")));
        QVERIFY(!label->text().toUtf8().contains(committedKey));
        // The file is tracked and still holds the key: a row for it too.
        QVERIFY(m_window->findChild<QLabel *>(QStringLiteral("configFileExposureLabel")));

        MigrationWizard wizard(*m_model);
        wizard.show();
        QTRY_VERIFY_WITH_TIMEOUT(
            wizard.currentPage()->findChild<QLabel *>(QStringLiteral("anthropicExposureLabel")),
            10000);
    }

    void cleanProjectShowsNothing()
    {
        m_project->writeConfig(configWith(committedKey));
        QFile ignore(QDir(m_project->path()).filePath(QStringLiteral(".gitignore")));
        QVERIFY(ignore.open(QIODevice::WriteOnly));
        ignore.write(".choragen/\n");
        ignore.close();
        QVERIFY(!TestSupport::gitCommitAll(m_project->path(), QStringLiteral("ignore")).isEmpty());
        openWindow();
        QSignalSpy checked(m_window->exposureWarnings(), &ExposureWarnings::checked);
        QVERIFY(checked.wait(10000));
        QVERIFY(m_window->exposureWarnings()->warningLabels().isEmpty());
        QVERIFY(!m_window->exposureWarnings()->isVisible());
    }

private:
    void openWindow()
    {
        m_model = std::make_unique<ProviderListModel>(*m_store);
        m_model->refresh();
        m_window = std::make_unique<SettingsWindow>(*m_model);
        m_window->show();
    }

    std::unique_ptr<Project> m_project;
    std::unique_ptr<CredentialStore> m_store;
    std::unique_ptr<ProviderListModel> m_model;
    std::unique_ptr<SettingsWindow> m_window;
};

QTEST_MAIN(TestExposureWarnings)
#include "TestExposureWarnings.moc"
