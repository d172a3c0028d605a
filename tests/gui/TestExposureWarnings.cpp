// The window's and the wizard's warning rows for keys that reached git, against a real git
// repository and the real Secret Service.
#include "ExposureWarnings.h"
#include "KeychainBackend.h"
#include "MigrationWizard.h"
#include "ProviderListModel.h"
#include "SettingsWindow.h"
#include "WindowFixture.h"

// The black-box helpers: git in a temporary folder with a fixed identity.
#include "TestSupport.h"

#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;

namespace {

const QByteArray committedKey = "sk-ant-FAKE-exposed-window-00000000a1";

} // namespace

class TestExposureWarnings : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(enterPrivateKeyringSession(), TestSupport::runInPrivateKeyring);
    }

    void init()
    {
        setUpWithKeychain();
        QVERIFY(TestSupport::gitInit(m_project->path()));
    }

    void cleanup() { tearDown(); }

    void committedKeyIsWarnedAbout()
    {
        m_project->writeConfig(
            TestSupport::configWithKey(QStringLiteral("anthropic"), committedKey));
        const QString commit = TestSupport::gitCommitAll(m_project->path(), QStringLiteral("add"));
        QVERIFY(!commit.isEmpty());
        show();

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
        m_project->writeConfig(
            TestSupport::configWithKey(QStringLiteral("anthropic"), committedKey));
        QVERIFY(TestSupport::writeGitignore(m_project->path(), ".choragen/\n"));
        QVERIFY(!TestSupport::gitCommitAll(m_project->path(), QStringLiteral("ignore")).isEmpty());
        show();
        QSignalSpy checked(m_window->exposureWarnings(), &ExposureWarnings::checked);
        QVERIFY(checked.wait(10000));
        QVERIFY(m_window->exposureWarnings()->warningLabels().isEmpty());
        QVERIFY(!m_window->exposureWarnings()->isVisible());
    }
};

QTEST_MAIN(TestExposureWarnings)
#include "TestExposureWarnings.moc"
