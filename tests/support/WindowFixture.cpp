#include "WindowFixture.h"

#include "KeychainBackend.h"
#include "ProviderRow.h"
#include "StorageBadge.h"

#include <QColor>
#include <QStandardPaths>
#include <QTest>

namespace Choragen::Test {

bool settled(const ProviderListModel &model)
{
    if (!model.keychainStatus())
        return false;
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.isPending(row))
            return false;
    }
    return true;
}

bool showAndSettle(SettingsWindow &window, const ProviderListModel &model, int timeoutMs)
{
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    return QTest::qWaitFor([&] { return settled(model); }, timeoutMs);
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    palette.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    palette.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x31));
    palette.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    palette.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    palette.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd8));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3c));
    palette.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xe8));
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    return palette;
}

bool WindowFixture::enterPrivateKeyringSession()
{
    QStandardPaths::setTestModeEnabled(true);
    return qEnvironmentVariableIsSet("CHORAGEN_IN_KEYRING");
}

void WindowFixture::setUpWithKeychain(const QByteArray &config)
{
    setUp(config, std::make_unique<KeychainBackend>());
    clearKeychain(m_store->keychain(), testProviderIds());
    m_clearsKeychain = true;
}

void WindowFixture::setUp(const QByteArray &config, std::unique_ptr<SecretBackend> keychain)
{
    unsetProviderVariables();
    m_project = std::make_unique<Project>();
    if (!config.isEmpty())
        m_project->writeConfig(config);
    m_store = std::make_unique<CredentialStore>(m_project->configPath(), std::move(keychain));
    m_clearsKeychain = false;
}

void WindowFixture::tearDown()
{
    m_launcher.reset();
    m_window.reset();
    m_model.reset();
    if (m_store && m_clearsKeychain)
        clearKeychain(m_store->keychain(), testProviderIds());
    m_store.reset();
    m_project.reset();
    unsetProviderVariables();
}

void WindowFixture::show()
{
    m_model = std::make_unique<ProviderListModel>(*m_store);
    m_model->refresh();
    m_window = std::make_unique<SettingsWindow>(*m_model);
    m_window->show();
}

bool WindowFixture::open()
{
    show();
    return showAndSettle(*m_window, *m_model);
}

void WindowFixture::launch(Launcher::Start how)
{
    m_launcher = std::make_unique<Launcher>(*m_store);
    m_launcher->start(how);
}

SettingsWindow *WindowFixture::launchAndAwaitKeychainStatus()
{
    launch();
    SettingsWindow *window = m_launcher->settingsWindow();
    if (!QTest::qWaitFor([window] { return window->isVisible(); }, 5000))
        return nullptr;
    if (!QTest::qWaitFor([this] { return m_launcher->model()->keychainStatus().has_value(); },
                         10000))
        return nullptr;
    return window;
}

QString WindowFixture::badgeText(const QString &providerId) const
{
    return m_window->row(providerId)->badge()->text();
}

} // namespace Choragen::Test
