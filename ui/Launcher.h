#pragma once

#include <QObject>
#include <QPointer>

#include <memory>

namespace Choragen {

class CredentialStore;
class MigrationWizard;
class ProviderListModel;
class SettingsWindow;

// What `choragen-settings` shows: the first-run migration wizard when the file holds plaintext
// keys, the keychain is usable and the user has not chosen to keep keys in the file (with
// --migrate, Start::MigrationWizard, also when they have); the settings window otherwise, and
// after the wizard. The keychain is asked asynchronously;
// if it takes longer than decisionTimeoutMs() the settings window shows first (rows loading) and
// the wizard follows over it once the keychain answers.
class Launcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultDecisionTimeoutMs = 1000;
    enum class Start {
        FirstRun, ///< the wizard only while the project has not chosen where keys live
        MigrationWizard, ///< the wizard whenever there are keys to move, as its button offers
    };

    explicit Launcher(CredentialStore &store, QObject *parent = nullptr);
    ~Launcher() override;

    void start(Start how = Start::FirstRun);

    ProviderListModel *model() const { return m_model.get(); }
    SettingsWindow *settingsWindow() const { return m_window.get(); }
    MigrationWizard *wizard() const;
    // Whether this launch has chosen between the wizard and the settings window.
    bool decided() const { return m_decided; }
    // The wizard was offered on this launch.
    bool offeredWizard() const { return m_offeredWizard; }

    void setDecisionTimeoutMs(int ms) { m_decisionTimeoutMs = ms; }

private:
    bool isWizardCandidate() const;
    void decide();
    void showSettings();
    void showWizard();

    CredentialStore &m_store;
    std::unique_ptr<ProviderListModel> m_model;
    std::unique_ptr<SettingsWindow> m_window;
    Start m_start = Start::FirstRun;
    bool m_decided = false;
    bool m_offeredWizard = false;
    bool m_restoreQuitOnLastWindowClosed = false;
    int m_decisionTimeoutMs = defaultDecisionTimeoutMs;
};

} // namespace Choragen
