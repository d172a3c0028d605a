#pragma once

#include "MigrationWizard.h"

#include <QList>
#include <QMessageBox>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace Choragen {

class ExposureWarnings;
class Migrator;
class ProviderListModel;
class ProviderRow;
class StorageBadge;

// "Choragen Settings": a storage header (where keys go and why, with the actions that move them)
// over one row per provider. Everything it shows comes from the model, asynchronously; nothing
// here waits for the keychain.
class SettingsWindow : public QWidget
{
    Q_OBJECT
public:
    explicit SettingsWindow(ProviderListModel &model, QWidget *parent = nullptr);
    ~SettingsWindow() override;

    QList<ProviderRow *> rows() const { return m_rows; }
    ProviderRow *row(const QString &providerId) const;

    StorageBadge *storageBadge() const { return m_storageBadge; }
    QLabel *storageDetailLabel() const { return m_detailLabel; }
    QLabel *storageReasonLabel() const { return m_reasonLabel; }
    QLabel *storageFixLabel() const { return m_fixLabel; }
    QLabel *storageMessageLabel() const { return m_messageLabel; }
    QPushButton *migrateButton() const { return m_migrateButton; }
    QPushButton *exportButton() const { return m_exportButton; }
    QPushButton *checkAgainButton() const { return m_checkAgainButton; }
    QPushButton *unlockButton() const { return m_unlockButton; }
    // Asks the keychain to unlock itself with its own prompt; the keys reload once it is.
    void unlockKeychain();
    bool isUnlocking() const { return m_unlocking; }
    QComboBox *profileComboBox() const { return m_profileComboBox; }
    ExposureWarnings *exposureWarnings() const { return m_exposureWarnings; }

    // Opens the migration wizard over this window (or on its own while the window is hidden).
    MigrationWizard *openMigrationWizard();
    MigrationWizard *migrationWizard() const { return m_wizard; }
    // Asks, without blocking, whether to export the keys to the file unencrypted.
    QMessageBox *confirmExport();
    QMessageBox *exportConfirmation() const { return m_exportConfirmation; }
    bool isExporting() const { return m_exporting; }

Q_SIGNALS:
    void migrationWizardFinished();
    void exportFinished();
    void unlockFinished();

private:
    void rebuildRows();
    void updateRow(int row);
    void alignBadges();
    void updateHeader();
    void updateTabOrder();
    void startExport();
    void focusFirstRow();
    void switchProfile(const QString &text);
    void updateProfileBox();

    ProviderListModel &m_model;
    QList<ProviderRow *> m_rows;
    QVBoxLayout *m_rowsLayout = nullptr;
    StorageBadge *m_storageBadge = nullptr;
    QLabel *m_detailLabel = nullptr;
    QLabel *m_reasonLabel = nullptr;
    QLabel *m_fixLabel = nullptr;
    QLabel *m_messageLabel = nullptr;
    QLabel *m_configPathLabel = nullptr;
    QPushButton *m_migrateButton = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_checkAgainButton = nullptr;
    QPushButton *m_unlockButton = nullptr;
    QPushButton *m_closeButton = nullptr;
    QComboBox *m_profileComboBox = nullptr;
    QPointer<MigrationWizard> m_wizard;
    ExposureWarnings *m_exposureWarnings = nullptr;
    QPointer<QMessageBox> m_exportConfirmation;
    Migrator *m_exporter = nullptr;
    bool m_exporting = false;
    bool m_unlocking = false;
    bool m_focusedOnce = false;
};

} // namespace Choragen
