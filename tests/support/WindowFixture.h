#pragma once

// What the GUI tests share: a throwaway project with its store, the provider model and the
// settings window over it. A test class derives from WindowFixture, calls setUp…() in init() and
// tearDown() in cleanup(), and reaches the pieces as m_project, m_store, m_model and m_window, or
// m_launcher when the application's launch decision is under test.
#include "StoreFixtures.h"

#include "Launcher.h"
#include "ProviderListModel.h"
#include "SettingsWindow.h"

#include <QPalette>

#include <memory>

namespace Choragen::Test {

// True when every row of @p model has its answer and the keychain's status is known.
bool settled(const ProviderListModel &model);
// Shows @p window and waits until it is exposed and @p model has settled; false if not in time.
bool showAndSettle(SettingsWindow &window, const ProviderListModel &model, int timeoutMs = 15000);
// A dark desktop theme, for checks that the window stays legible on one.
QPalette darkPalette();

class WindowFixture
{
public:
    // Turns on QStandardPaths' test mode; true when the process runs in the private keyring
    // session of scripts/with-keyring.sh, the only one a test may write to.
    static bool enterPrivateKeyringSession();

protected:
    // A new project holding @p config (no file when empty) and a store over the session's real
    // keychain, without the test providers' entries; tearDown() removes them again.
    void setUpWithKeychain(const QByteArray &config = {});
    // A new project holding @p config (no file when empty) and a store over @p keychain, which
    // is left as it is. Both setUp…() unset the provider variables first.
    void setUp(const QByteArray &config, std::unique_ptr<SecretBackend> keychain);
    // Drops the launcher, window, model, store and project, in that order (removing the test
    // entries setUpWithKeychain() cleared), and unsets the provider variables a test set.
    void tearDown();

    // Builds the model and the window over the store and shows it, without waiting.
    void show();
    // show(), then waits until the window is exposed and every row has its answer.
    [[nodiscard]] bool open();
    bool settled() const { return Test::settled(*m_model); }
    // Starts the application's launcher over the store, as `choragen` with no command does.
    void launch(Launcher::Start how = Launcher::Start::FirstRun);
    // launch(), then waits until the settings window shows and the keychain's status is known;
    // the window, or null when that did not happen in time.
    SettingsWindow *launchAndAwaitKeychainStatus();
    QString badgeText(const QString &providerId) const;

    std::unique_ptr<Project> m_project;
    std::unique_ptr<CredentialStore> m_store;
    std::unique_ptr<ProviderListModel> m_model;
    std::unique_ptr<SettingsWindow> m_window;
    std::unique_ptr<Launcher> m_launcher;

private:
    bool m_clearsKeychain = false;
};

} // namespace Choragen::Test
