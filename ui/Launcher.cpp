#include "Launcher.h"

#include "CredentialStore.h"
#include "MigrationWizard.h"
#include "ProviderListModel.h"
#include "SettingsWindow.h"

#include <QApplication>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcUi, "choragen.ui", QtWarningMsg)

namespace Choragen {

Launcher::Launcher(CredentialStore &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_model(std::make_unique<ProviderListModel>(store))
    , m_window(std::make_unique<SettingsWindow>(*m_model))
{
    connect(m_window.get(), &SettingsWindow::migrationWizardFinished, this,
            &Launcher::showSettings);
}

Launcher::~Launcher()
{
    if (m_restoreQuitOnLastWindowClosed)
        QApplication::setQuitOnLastWindowClosed(true);
    // The window goes before the model it shows.
    m_window.reset();
}

MigrationWizard *Launcher::wizard() const
{
    return m_window->migrationWizard();
}

bool Launcher::isWizardCandidate() const
{
    return m_model->configError().ok() && !m_model->fileKeyProviders().isEmpty()
        && (m_start == Start::MigrationWizard || m_store.configuredMode() != StorageMode::File);
}

void Launcher::start(Start how)
{
    m_start = how;
    m_model->refresh();
    if (!isWizardCandidate()) {
        m_decided = true;
        showSettings();
        return;
    }
    connect(m_model.get(), &ProviderListModel::keychainStatusChanged, this, &Launcher::decide);
    // A keychain that is slow to answer must not leave the screen empty.
    QTimer::singleShot(m_decisionTimeoutMs, this, [this] {
        if (!m_decided)
            showSettings();
    });
    decide();
}

void Launcher::decide()
{
    const std::optional<BackendStatus> status = m_model->keychainStatus();
    if (m_decided || !status)
        return;
    m_decided = true;
    qCDebug(lcUi) << "keys in the file; keychain" << status->backend
                  << (status->available ? "usable" : "unusable");
    if (status->available && isWizardCandidate())
        showWizard();
    else
        showSettings();
}

void Launcher::showWizard()
{
    m_offeredWizard = true;
    qCDebug(lcUi) << "showing the migration wizard";
    if (!m_window->isVisible()) {
        // Until the settings window shows, closing the wizard must not end the application.
        m_restoreQuitOnLastWindowClosed = QApplication::quitOnLastWindowClosed();
        QApplication::setQuitOnLastWindowClosed(false);
    }
    m_window->openMigrationWizard();
}

void Launcher::showSettings()
{
    if (!m_window->isVisible()) {
        qCDebug(lcUi) << "showing the settings window";
        m_window->show();
        m_window->raise();
        m_window->activateWindow();
    }
    if (m_restoreQuitOnLastWindowClosed) {
        m_restoreQuitOnLastWindowClosed = false;
        QApplication::setQuitOnLastWindowClosed(true);
    }
}

} // namespace Choragen
