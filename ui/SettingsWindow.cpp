#include "SettingsWindow.h"

#include "ExposureWarnings.h"
#include "Icons.h"
#include "KeychainFix.h"
#include "MigrationWizard.h"
#include "Migrator.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SecretLineEdit.h"
#include "StorageBadge.h"
#include "StorageText.h"

#include <QComboBox>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QVBoxLayout>

#include <algorithm>

namespace Choragen {

namespace {

QLabel *wrappingLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

SettingsWindow::SettingsWindow(ProviderListModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("settingsWindow"));
    setWindowTitle(tr("Choragen Settings"));
    setWindowIcon(Icons::appIcon());

    // The storage header: where keys go, why, and the actions that move them.
    auto *header = new QFrame(this);
    header->setObjectName(QStringLiteral("storageHeaderFrame"));
    header->setFrameShape(QFrame::StyledPanel);
    auto *storageLabel = new QLabel(tr("Storage:"), header);
    m_storageBadge = new StorageBadge(header);
    m_storageBadge->setObjectName(QStringLiteral("overallStorageBadge"));
    m_storageBadge->setSubject(tr("Key storage"));
    m_detailLabel = wrappingLabel(QStringLiteral("storageDetailLabel"), header);
    m_detailLabel->setAccessibleName(tr("Key storage details"));
    m_reasonLabel = wrappingLabel(QStringLiteral("storageReasonLabel"), header);
    m_reasonLabel->setAccessibleName(tr("Why the keychain cannot be used"));
    m_fixLabel = wrappingLabel(QStringLiteral("storageFixLabel"), header);
    m_fixLabel->setAccessibleName(tr("How to fix the keychain"));
    m_messageLabel = wrappingLabel(QStringLiteral("storageMessageLabel"), header);
    m_messageLabel->setAccessibleName(tr("Storage messages"));
    m_migrateButton = new QPushButton(tr("&Move keys to keychain…"), header);
    m_migrateButton->setObjectName(QStringLiteral("migrateButton"));
    m_migrateButton->setIcon(Icons::icon(QStringLiteral("keychain")));
    m_migrateButton->setAutoDefault(true);
    m_exportButton = new QPushButton(tr("E&xport to file…"), header);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setIcon(Icons::icon(QStringLiteral("file")));
    m_exportButton->setAutoDefault(true);
    m_checkAgainButton = new QPushButton(tr("Chec&k again"), header);
    m_checkAgainButton->setObjectName(QStringLiteral("checkAgainButton"));
    m_checkAgainButton->setAutoDefault(true);
    m_unlockButton = new QPushButton(tr("&Unlock…"), header);
    m_unlockButton->setObjectName(QStringLiteral("unlockButton"));
    m_unlockButton->setAccessibleName(tr("Unlock the keychain"));
    m_unlockButton->setIcon(Icons::icon(QStringLiteral("keychain")));
    m_unlockButton->setAutoDefault(true);

    // The key profile: which keychain entries (<provider>-api-key@<profile>) this project uses.
    auto *profileLabel = new QLabel(tr("&Profile:"), header);
    m_profileComboBox = new QComboBox(header);
    m_profileComboBox->setObjectName(QStringLiteral("profileComboBox"));
    m_profileComboBox->setEditable(true);
    m_profileComboBox->setInsertPolicy(QComboBox::NoInsert);
    m_profileComboBox->setAccessibleName(tr("Key profile"));
    m_profileComboBox->setToolTip(
        tr("Keys of a profile are kept apart in the keychain, e.g. work and personal keys. Type "
           "a name and press Enter to switch."));
    m_profileComboBox->lineEdit()->setPlaceholderText(tr("default"));
    profileLabel->setBuddy(m_profileComboBox);
    updateProfileBox();

    auto *badgeLine = new QHBoxLayout;
    badgeLine->addWidget(storageLabel);
    badgeLine->addWidget(m_storageBadge);
    badgeLine->addWidget(m_detailLabel, 1);
    badgeLine->addWidget(profileLabel);
    badgeLine->addWidget(m_profileComboBox);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_unlockButton);
    actions->addWidget(m_migrateButton);
    actions->addWidget(m_exportButton);
    actions->addWidget(m_checkAgainButton);
    actions->addStretch(1);
    auto *headerLayout = new QVBoxLayout(header);
    headerLayout->addLayout(badgeLine);
    headerLayout->addWidget(m_reasonLabel);
    headerLayout->addWidget(m_fixLabel);
    headerLayout->addLayout(actions);
    headerLayout->addWidget(m_messageLabel);

    // The rows, one per provider.
    auto *rowsTitle = new QLabel(tr("API keys"), this);
    QFont titleFont = rowsTitle->font();
    titleFont.setBold(true);
    rowsTitle->setFont(titleFont);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("rowsScrollArea"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus);
    auto *rowsWidget = new QWidget(scroll);
    m_rowsLayout = new QVBoxLayout(rowsWidget);
    m_rowsLayout->setContentsMargins(0, 0, 0, 0);
    m_rowsLayout->addStretch(1);
    scroll->setWidget(rowsWidget);

    m_configPathLabel = wrappingLabel(QStringLiteral("configPathLabel"), this);
    m_configPathLabel->setAccessibleName(tr("Config file"));
    m_closeButton = new QPushButton(tr("&Close"), this);
    m_closeButton->setObjectName(QStringLiteral("closeButton"));
    m_closeButton->setAutoDefault(true);
    auto *footer = new QHBoxLayout;
    footer->addWidget(m_configPathLabel, 1);
    footer->addWidget(m_closeButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    // Keys that reached git: checked off the UI thread, shown when the answer comes.
    m_exposureWarnings = new ExposureWarnings(m_model, this);
    layout->addWidget(m_exposureWarnings);
    connect(&m_model, &ProviderListModel::settled, m_exposureWarnings, &ExposureWarnings::refresh);
    m_exposureWarnings->refresh();
    layout->addSpacing(6);
    layout->addWidget(rowsTitle);
    layout->addWidget(scroll, 1);
    layout->addLayout(footer);

    connect(m_migrateButton, &QPushButton::clicked, this, &SettingsWindow::openMigrationWizard);
    connect(m_exportButton, &QPushButton::clicked, this, &SettingsWindow::confirmExport);
    connect(m_checkAgainButton, &QPushButton::clicked, this, [this] {
        m_messageLabel->clear();
        m_model.refresh();
    });
    connect(m_unlockButton, &QPushButton::clicked, this, &SettingsWindow::unlockKeychain);
    connect(m_closeButton, &QPushButton::clicked, this, &QWidget::close);
    connect(m_profileComboBox, &QComboBox::textActivated, this, &SettingsWindow::switchProfile);
    // A typed name is not an item, so Enter in the field is what switches to it.
    connect(m_profileComboBox->lineEdit(), &QLineEdit::returnPressed, this,
            [this] { switchProfile(m_profileComboBox->currentText()); });
    auto *escape = new QShortcut(QKeySequence::Cancel, this);
    connect(escape, &QShortcut::activated, this, &QWidget::close);

    connect(&m_model, &QAbstractItemModel::modelReset, this, &SettingsWindow::rebuildRows);
    connect(&m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
                    updateRow(row);
                updateHeader();
            });
    connect(&m_model, &ProviderListModel::keychainStatusChanged, this,
            &SettingsWindow::updateHeader);
    connect(&m_model, &ProviderListModel::settled, this, &SettingsWindow::focusFirstRow);

    rebuildRows();
    resize(860, 520);
}

SettingsWindow::~SettingsWindow() = default;

ProviderRow *SettingsWindow::row(const QString &providerId) const
{
    for (ProviderRow *row : m_rows) {
        if (row->providerId() == providerId)
            return row;
    }
    return nullptr;
}

void SettingsWindow::rebuildRows()
{
    qDeleteAll(m_rows);
    m_rows.clear();
    // Letters the header and footer already use.
    QString usedMnemonics = QStringLiteral("mxkcu");
    int labelWidth = 0;
    for (int i = 0; i < m_model.rowCount(); ++i) {
        auto *row = new ProviderRow(m_model, m_model.provider(i).id, m_rowsLayout->parentWidget());
        m_rowsLayout->insertWidget(i, row);
        m_rows << row;
        QChar mnemonic;
        for (const QChar c : m_model.provider(i).label.toLower()) {
            if (c.isLetterOrNumber() && !usedMnemonics.contains(c)) {
                mnemonic = c;
                usedMnemonics += c;
                break;
            }
        }
        row->setMnemonic(mnemonic);
        labelWidth = std::max(labelWidth, row->labelSizeHint());
    }
    for (ProviderRow *row : std::as_const(m_rows))
        row->setLabelWidth(labelWidth);
    alignBadges();
    updateTabOrder();
    updateHeader();
}

void SettingsWindow::updateRow(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    m_rows.at(row)->refresh();
    alignBadges();
}

void SettingsWindow::alignBadges()
{
    int width = 0;
    for (ProviderRow *row : std::as_const(m_rows))
        width = std::max(width, row->badge()->sizeHint().width());
    for (ProviderRow *row : std::as_const(m_rows))
        row->setBadgeWidth(width);
}

void SettingsWindow::updateTabOrder()
{
    QList<QWidget *> chain = {m_unlockButton, m_migrateButton, m_exportButton, m_checkAgainButton};
    for (ProviderRow *row : std::as_const(m_rows))
        chain << row->lineEdit() << row->saveButton() << row->removeButton();
    chain << m_closeButton;
    for (int i = 0; i + 1 < chain.size(); ++i)
        setTabOrder(chain.at(i), chain.at(i + 1));
}

void SettingsWindow::focusFirstRow()
{
    if (m_focusedOnce)
        return;
    for (ProviderRow *row : std::as_const(m_rows)) {
        if (row->lineEdit()->isEnabled() && !row->lineEdit()->isReadOnly()) {
            m_focusedOnce = true;
            row->lineEdit()->setFocus(Qt::OtherFocusReason);
            return;
        }
    }
}

void SettingsWindow::updateProfileBox()
{
    const QString current = m_model.profile();
    const QSignalBlocker blocker(m_profileComboBox);
    m_profileComboBox->clear();
    m_profileComboBox->addItem(tr("default"), QString());
    if (!current.isEmpty())
        m_profileComboBox->addItem(current, current);
    m_profileComboBox->setCurrentIndex(current.isEmpty() ? 0 : 1);
}

void SettingsWindow::switchProfile(const QString &text)
{
    QString profile = text.trimmed();
    if (profile == tr("default"))
        profile.clear();
    if (profile == m_model.profile())
        return;
    // Until the config records it (another process may hold the file's lock for a moment), the
    // box shows the new name and takes no other.
    m_profileComboBox->setEnabled(false);
    m_model.setProfile(profile, this, [this, profile](const Error &error) {
        m_profileComboBox->setEnabled(true);
        if (!error.ok()) {
            // The typed text is not repeated: it could be a key pasted into the wrong field.
            m_messageLabel->setText(error.text());
        } else {
            m_messageLabel->setText(profile.isEmpty()
                                        ? tr("Using the default key profile.")
                                        : tr("Using the key profile \"%1\".").arg(profile));
        }
        updateProfileBox();
        updateHeader();
    });
}

void SettingsWindow::updateHeader()
{
    using Kind = StorageBadge::Kind;
    CredentialStore &store = m_model.store();
    m_configPathLabel->setText(tr("Config file: %1").arg(store.configPath()));
    const std::optional<BackendStatus> status = m_model.keychainStatus();
    const std::optional<StorageMode> configured = store.configuredMode();
    const bool keysInFile = !m_model.fileKeyProviders().isEmpty();
    QString reason;
    QString fix;
    bool canMigrate = false;
    bool canExport = false;
    bool canCheckAgain = false;
    // A locked keychain: one explanation here, and the button that unlocks it.
    const bool canUnlock = status && !status->available
        && status->reason.code == ErrorCode::KeychainLocked && store.keychain().canUnlock();
    const auto fixFor = [&](const Error &problem) {
        return canUnlock ? keychainUnlockFix(status->backend) : fixForKeychainError(problem);
    };

    if (const Error configError = m_model.configError(); !configError.ok()) {
        m_storageBadge->setState(Kind::Error, tr("Config file unreadable"));
        m_detailLabel->setText(tr("Nothing is shown as stored and nothing is written until the "
                                  "file is fixed; it is left exactly as it is."));
        reason = configError.message;
        fix = configError.fix;
        canCheckAgain = true;
    } else if (!status) {
        const bool waiting = m_model.isProbeWaiting();
        m_storageBadge->setState(waiting ? Kind::Waiting : Kind::Loading,
                                 waiting ? tr("Waiting for keychain…")
                                         : tr("Checking the keychain…"));
        m_detailLabel->setText(waiting ? tr("The keychain has not answered yet; it may be showing "
                                            "an unlock prompt.")
                                       : QString());
    } else {
        const StorageMode effective
            = configured.value_or(status->available ? StorageMode::Keychain : StorageMode::File);
        if (effective == StorageMode::Keychain && status->available) {
            m_storageBadge->setState(Kind::Keychain, tr("Keychain (%1)").arg(status->backend));
            m_detailLabel->setText(
                tr("API keys are stored encrypted in the %1.").arg(status->backend));
            canExport = true;
        } else if (effective == StorageMode::Keychain) {
            m_storageBadge->setState(Kind::Error, tr("Keychain unavailable"));
            m_detailLabel->setText(tr("Keys are kept in the %1, which cannot be used right now. "
                                      "Nothing is written to the file instead.")
                                       .arg(status->backend));
            reason = keychainProblem(status->reason);
            fix = fixFor(status->reason);
            canCheckAgain = true;
        } else {
            m_storageBadge->setState(Kind::File, tr("File"));
            if (configured == StorageMode::File)
                m_detailLabel->setText(tr("API keys are stored unencrypted in %1, as you chose.")
                                           .arg(store.configPath()));
            else
                m_detailLabel->setText(
                    tr("API keys are stored unencrypted in %1.").arg(store.configPath()));
            if (!status->available) {
                reason = keychainProblem(status->reason);
                fix = fixFor(status->reason);
                canCheckAgain = true;
            }
        }
        canMigrate = keysInFile && status->available;
    }
    m_reasonLabel->setText(reason);
    m_reasonLabel->setVisible(!reason.isEmpty());
    m_fixLabel->setText(fix.isEmpty() ? QString() : tr("Fix: %1").arg(fix));
    m_fixLabel->setVisible(!fix.isEmpty());
    m_migrateButton->setVisible(canMigrate);
    m_migrateButton->setEnabled(!m_exporting && !m_wizard);
    m_exportButton->setVisible(canExport);
    m_exportButton->setEnabled(!m_exporting && !m_wizard);
    m_checkAgainButton->setVisible(canCheckAgain);
    m_unlockButton->setVisible(canUnlock || m_unlocking);
    m_unlockButton->setEnabled(!m_unlocking);
    m_messageLabel->setVisible(!m_messageLabel->text().isEmpty());
}

void SettingsWindow::unlockKeychain()
{
    if (m_unlocking)
        return;
    m_unlocking = true;
    m_messageLabel->setText(tr("Waiting for you to unlock the keychain…"));
    updateHeader();
    m_model.store().keychain().unlock(this, [this](const Error &error) {
        m_unlocking = false;
        if (error.ok()) {
            m_messageLabel->setText(tr("The keychain is unlocked."));
            m_model.refresh();
        } else if (error.code == ErrorCode::KeychainLocked) {
            m_messageLabel->setText(
                tr("Unlocking was cancelled: the keychain is still locked. Press Unlock… to try "
                   "again."));
        } else {
            m_messageLabel->setText(tr("The keychain was not unlocked: %1").arg(error.text()));
        }
        updateHeader();
        if (m_unlockButton->isVisible())
            m_unlockButton->setFocus(Qt::OtherFocusReason);
        Q_EMIT unlockFinished();
    });
}

MigrationWizard *SettingsWindow::openMigrationWizard()
{
    if (m_wizard) {
        m_wizard->raise();
        m_wizard->activateWindow();
        return m_wizard;
    }
    m_wizard = new MigrationWizard(m_model, this);
    m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    m_wizard->setWindowModality(isVisible() ? Qt::WindowModal : Qt::NonModal);
    connect(m_wizard, &QDialog::finished, this, [this] {
        // It deletes itself once this returns.
        m_wizard = nullptr;
        m_model.refresh();
        updateHeader();
        Q_EMIT migrationWizardFinished();
    });
    m_wizard->show();
    updateHeader();
    return m_wizard;
}

QMessageBox *SettingsWindow::confirmExport()
{
    if (m_exportConfirmation)
        return m_exportConfirmation;
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Export keys to the file?"),
                                tr("Store your API keys unencrypted in the config file?"),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("exportConfirmationMessageBox"));
    box->setInformativeText(
        tr("The keys will be stored unencrypted in %1. Anyone who can read that file, or a "
           "backup of it, can use them. New keys will be saved there too. The keychain entries "
           "stay, for other projects that use them.")
            .arg(m_model.store().configPath()));
    QPushButton *confirm = box->addButton(tr("&Export unencrypted"), QMessageBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("exportConfirmButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    connect(box, &QMessageBox::finished, this, [this, box, confirm] {
        if (box->clickedButton() == confirm)
            startExport();
    });
    m_exportConfirmation = box;
    box->open();
    return box;
}

void SettingsWindow::startExport()
{
    if (m_exporting)
        return;
    if (!m_exporter)
        m_exporter = new Migrator(m_model.store(), this);
    m_exporting = true;
    m_messageLabel->setText(tr("Exporting the keys to the file…"));
    updateHeader();
    m_exporter->exportToFile(m_model.providers(), nullptr, [this](const MigrationReport &report) {
        m_exporting = false;
        if (!report.error.ok()) {
            m_messageLabel->setText(tr("Nothing was exported: %1").arg(report.error.text()));
        } else {
            int moved = 0;
            QStringList problems;
            for (const MigrationItem &item : report.items) {
                if (item.outcome == MigrationItem::Outcome::Moved
                    || item.outcome == MigrationItem::Outcome::AlreadyThere)
                    ++moved;
                else
                    problems << tr("%1: %2").arg(item.providerId, item.error.message);
            }
            QString text = moved == 1 ? tr("1 key exported to the file, unencrypted.")
                                      : tr("%1 keys exported to the file, unencrypted.").arg(moved);
            if (!problems.isEmpty())
                text += QLatin1Char('\n')
                    + tr("Not exported: %1").arg(problems.join(QStringLiteral("; ")));
            m_messageLabel->setText(text);
        }
        m_model.refresh();
        updateHeader();
        Q_EMIT exportFinished();
    });
}

} // namespace Choragen
