// Takes the README's screenshots with real windows: run it through scripts/screenshots.sh, which
// starts Xvfb inside a private keyring session (and a second time without D-Bus for the
// file-fallback picture). Keys are obviously fake; the keychain entries are removed afterwards.
#include "DelayedBackend.h"
#include "ExposureWarnings.h"
#include "KeychainBackend.h"
#include "Launcher.h"
#include "MigrationWizard.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SecretLineEdit.h"
#include "SettingsWindow.h"
#include "WindowFixture.h"

// git in a temporary folder with a fixed identity.
#include "TestSupport.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QPixmap>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

#include <cstdio>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

QString g_outDir;

bool save(QWidget *widget, const QString &name)
{
    QTest::qWait(150);
    const QString path = QDir(g_outDir).filePath(name + u".png"_s);
    const bool ok = widget->grab().save(path);
    std::fprintf(stderr, "%s %s\n", ok ? "wrote" : "FAILED", qUtf8Printable(path));
    return ok;
}

int keychainShots()
{
    int failures = 0;
    const QStringList ids = testProviderIds();
    {
        // Settings in keychain mode: two keys in the keychain, one from the environment, a custom
        // provider without a key.
        Project project;
        project.writeConfig(R"({"credentialStorage": "keychain",
            "providers": {"mistral": {"label": "Mistral", "env": "MISTRAL_API_KEY"}}})");
        CredentialStore store(project.configPath(), std::make_unique<KeychainBackend>());
        clearKeychain(store.keychain(), ids);
        writeKeychainEntry(store.keychain(), u"anthropic"_s, "sk-ant-FAKE-screenshot-00000009f3a");
        writeKeychainEntry(store.keychain(), u"openai"_s, "sk-proj-FAKE-screenshot-0000007c21");
        qputenv("GOOGLE_API_KEY", "AIzaFAKE-screenshot-00000000000e1b");
        {
            ProviderListModel model(store);
            model.refresh();
            SettingsWindow window(model);
            failures += !showAndSettle(window, model);
            failures += !save(&window, u"settings-keychain"_s);

            // The same, on a dark palette.
            QApplication::setPalette(darkPalette());
            failures += !save(&window, u"settings-keychain-dark"_s);
            QApplication::setPalette(QApplication::style()->standardPalette());
        }
        qunsetenv("GOOGLE_API_KEY");
        clearKeychain(store.keychain(), ids);
    }
    {
        // A keychain that takes seconds to answer (a delaying double), after a second.
        Project project;
        project.writeConfig(R"({"credentialStorage": "keychain"})");
        CredentialStore store(project.configPath(), std::make_unique<DelayedBackend>(4000));
        ProviderListModel model(store);
        model.refresh();
        SettingsWindow window(model);
        window.show();
        failures += !QTest::qWaitForWindowExposed(&window);
        QTest::qWait(1300);
        failures += !save(&window, u"settings-waiting"_s);
    }
    {
        // A key that reached git and is still in use, now from the keychain: the warning row.
        Project project;
        TestSupport::gitInit(project.path());
        project.writeConfig(
            R"({"providers": {"anthropic": {"apiKey": "sk-ant-FAKE-screenshot-00000009f3a"}}})");
        TestSupport::gitCommitAll(project.path(), u"Add the Choragen config"_s);
        project.writeConfig(R"({"credentialStorage": "keychain"})");
        TestSupport::gitCommitAll(project.path(), u"Keep keys in the keychain"_s);
        CredentialStore store(project.configPath(), std::make_unique<KeychainBackend>());
        clearKeychain(store.keychain(), ids);
        writeKeychainEntry(store.keychain(), u"anthropic"_s, "sk-ant-FAKE-screenshot-00000009f3a");
        {
            ProviderListModel model(store);
            model.refresh();
            SettingsWindow window(model);
            failures += !showAndSettle(window, model);
            failures += !QTest::qWaitFor(
                [&] { return !window.exposureWarnings()->warningLabels().isEmpty(); }, 15000);
            failures += !save(&window, u"settings-exposure"_s);
        }
        clearKeychain(store.keychain(), ids);
    }
    {
        // The first-run wizard over a legacy config, page by page.
        Project project;
        project.writeConfig(R"({
  "providers": {
    "anthropic": {"apiKey": "sk-ant-FAKE-screenshot-00000009f3a"},
    "openai": {"apiKey": "sk-proj-FAKE-screenshot-0000007c21"},
    "google": {"apiKey": "AIzaFAKE-screenshot-00000000000e1b"}
  },
  "settings": {"ui": {"theme": "dark"}}
})");
        CredentialStore store(project.configPath(), std::make_unique<KeychainBackend>());
        clearKeychain(store.keychain(), ids);
        {
            Launcher launcher(store);
            launcher.start();
            failures += !QTest::qWaitFor(
                [&] { return launcher.wizard() && launcher.wizard()->isVisible(); }, 15000);
            MigrationWizard *wizard = launcher.wizard();
            if (wizard) {
                failures += !save(wizard, u"wizard-1-found"_s);
                wizard->button(QWizard::CommitButton)->click();
                failures += !QTest::qWaitFor([&] { return wizard->isFinished(); }, 20000);
                failures += !save(wizard, u"wizard-2-progress"_s);
                wizard->button(QWizard::NextButton)->click();
                failures += !save(wizard, u"wizard-3-result"_s);
                wizard->button(QWizard::FinishButton)->click();
                SettingsWindow *window = launcher.settingsWindow();
                failures += !QTest::qWaitFor([&] { return window->isVisible(); }, 5000);
                failures += !QTest::qWaitFor([&] { return settled(*launcher.model()); }, 15000);
                failures += !save(window, u"settings-after-migration"_s);
            }
        }
        clearKeychain(store.keychain(), ids);
    }
    return failures;
}

int fileFallbackShots()
{
    int failures = 0;
    Project project;
    project.writeConfig(R"({
  "providers": {
    "anthropic": {"apiKey": "sk-ant-FAKE-screenshot-00000009f3a"},
    "openai": {"apiKey": "sk-proj-FAKE-screenshot-0000007c21"}
  }
})");
    CredentialStore store(project.configPath(), std::make_unique<KeychainBackend>());
    Launcher launcher(store);
    launcher.start();
    SettingsWindow *window = launcher.settingsWindow();
    failures += !QTest::qWaitFor([&] { return window->isVisible(); }, 5000);
    failures += !QTest::qWaitFor([&] { return settled(*launcher.model()); }, 15000);
    failures += !save(window, u"settings-file-fallback"_s);
    return failures;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QApplication::setPalette(QApplication::style()->standardPalette());
    const QStringList args = QApplication::arguments();
    if (args.size() != 3 || (args.at(2) != u"keychain"_s && args.at(2) != u"file-fallback"_s)) {
        std::fprintf(stderr, "usage: choragen_screenshots OUTDIR keychain|file-fallback\n");
        return 2;
    }
    g_outDir = args.at(1);
    QDir().mkpath(g_outDir);
    for (const char *var :
         {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY"})
        qunsetenv(var);
    const int failures = args.at(2) == u"keychain"_s ? keychainShots() : fileFallbackShots();
    return failures == 0 ? 0 : 1;
}
