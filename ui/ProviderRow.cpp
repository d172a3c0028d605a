#include "ProviderRow.h"

#include "KeyFormatHint.h"

#include "ProviderListModel.h"
#include "Secret.h"
#include "SecretLineEdit.h"
#include "StorageBadge.h"
#include <QMessageBox>

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace Choragen {

namespace {

using RowState = ProviderListModel::RowState;
using MessageKind = ProviderListModel::MessageKind;

// The widest a provider's name is shown, in average characters; built-in names are far shorter.
constexpr int maxLabelCharacters = 32;

QColor messageColor(const QPalette &palette, MessageKind kind)
{
    const bool dark = palette.color(QPalette::Window).lightnessF() < 0.5;
    switch (kind) {
    case MessageKind::Error:
        return dark ? QColor(0xff, 0x83, 0x89) : QColor(0xb7, 0x1c, 0x1c);
    case MessageKind::Warning:
        return dark ? QColor(0xf1, 0xc2, 0x1b) : QColor(0x8a, 0x51, 0x00);
    case MessageKind::Success:
        return dark ? QColor(0x6f, 0xdc, 0x8c) : QColor(0x1e, 0x6b, 0x30);
    case MessageKind::None:
        break;
    }
    return palette.color(QPalette::PlaceholderText);
}

} // namespace

ProviderRow::ProviderRow(ProviderListModel &model, const QString &providerId, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_providerId(providerId)
{
    setObjectName(providerId + QStringLiteral("ProviderRow"));
    m_label = m_model.provider(row()).label;

    m_nameLabel = new QLabel(this);
    m_nameLabel->setObjectName(providerId + QStringLiteral("NameLabel"));
    m_nameLabel->setTextFormat(Qt::PlainText);
    // A declared provider's label comes from the config file, perhaps a cloned repository's: one
    // too long is elided, so it cannot stretch the window past the screen; the full text stays in
    // the tooltip and the accessible name.
    const int maxLabelWidth = m_nameLabel->fontMetrics().averageCharWidth() * maxLabelCharacters;
    m_shownLabel = m_nameLabel->fontMetrics().elidedText(m_label, Qt::ElideMiddle, maxLabelWidth);
    m_nameLabel->setText(m_shownLabel);
    m_nameLabel->setMaximumWidth(maxLabelWidth);
    m_nameLabel->setAccessibleName(m_label);
    if (m_shownLabel != m_label)
        m_nameLabel->setToolTip(m_label);
    m_lineEdit = new SecretLineEdit(this);
    m_lineEdit->setObjectName(providerId + QStringLiteral("KeyLineEdit"));
    m_lineEdit->setAccessibleName(tr("%1 API key").arg(m_label));
    m_lineEdit->setMinimumWidth(260);
    m_nameLabel->setBuddy(m_lineEdit);
    m_saveButton = new QPushButton(tr("Save"), this);
    m_saveButton->setObjectName(providerId + QStringLiteral("SaveButton"));
    m_saveButton->setAccessibleName(tr("Save the %1 key").arg(m_label));
    m_saveButton->setAutoDefault(true);
    m_removeButton = new QPushButton(tr("Remove"), this);
    m_removeButton->setObjectName(providerId + QStringLiteral("RemoveButton"));
    m_removeButton->setAccessibleName(tr("Remove the %1 key").arg(m_label));
    m_removeButton->setAutoDefault(true);
    m_badge = new StorageBadge(this);
    m_badge->setObjectName(providerId + QStringLiteral("StorageBadge"));
    m_badge->setSubject(tr("%1 key").arg(m_label));
    m_hintLabel = new QLabel(this);
    m_hintLabel->setObjectName(providerId + QStringLiteral("HintLabel"));
    m_hintLabel->setWordWrap(true);
    m_hintLabel->setTextFormat(Qt::PlainText);
    m_hintLabel->setAccessibleName(tr("%1 key format hint").arg(m_label));
    m_hintLabel->hide();
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(providerId + QStringLiteral("StatusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statusLabel->setAccessibleName(tr("%1 key status").arg(m_label));
    m_statusLabel->hide();

    auto *layout = new QGridLayout(this);
    m_layout = layout;
    layout->setContentsMargins(0, 4, 0, 4);
    layout->setHorizontalSpacing(8);
    layout->setVerticalSpacing(2);
    layout->addWidget(m_nameLabel, 0, 0);
    layout->addWidget(m_lineEdit, 0, 1);
    layout->addWidget(m_saveButton, 0, 2);
    layout->addWidget(m_removeButton, 0, 3);
    layout->addWidget(m_badge, 0, 4, Qt::AlignLeft | Qt::AlignVCenter);
    layout->addWidget(m_hintLabel, 1, 1, 1, 4);
    layout->addWidget(m_statusLabel, 2, 1, 1, 4);
    layout->setColumnStretch(1, 1);

    connect(m_lineEdit, &QLineEdit::textEdited, this, [this] {
        m_dirty = true;
        updateHint();
        updateButtons();
    });
    // Enter in the field saves this row.
    connect(m_lineEdit, &QLineEdit::returnPressed, this, &ProviderRow::save);
    connect(m_saveButton, &QPushButton::clicked, this, &ProviderRow::save);
    connect(m_removeButton, &QPushButton::clicked, this, &ProviderRow::remove);
    refresh();
}

int ProviderRow::row() const
{
    return m_model.rowOf(m_providerId);
}

void ProviderRow::setMnemonic(QChar letter)
{
    QString text = m_shownLabel;
    const qsizetype at = text.indexOf(letter, 0, Qt::CaseInsensitive);
    if (!letter.isNull() && at >= 0)
        text.insert(at, QLatin1Char('&'));
    else
        text.replace(QLatin1Char('&'), QStringLiteral("&&"));
    m_nameLabel->setText(text);
}

void ProviderRow::setLabelWidth(int width)
{
    m_nameLabel->setMinimumWidth(width);
}

void ProviderRow::setBadgeWidth(int width)
{
    m_layout->setColumnMinimumWidth(4, width);
}

int ProviderRow::labelSizeHint() const
{
    return m_nameLabel->sizeHint().width();
}

QWidget *ProviderRow::lastFocusable() const
{
    return m_removeButton;
}

void ProviderRow::refresh()
{
    const QModelIndex index = m_model.index(row());
    if (!index.isValid())
        return;
    const auto state = index.data(ProviderListModel::StateRole).value<RowState>();
    const bool waiting = index.data(ProviderListModel::WaitingRole).toBool();
    const auto location = index.data(ProviderListModel::LocationRole).value<KeyLocation>();
    const QString envVar = index.data(ProviderListModel::EnvVarRole).toString();
    const QString lookupError = index.data(ProviderListModel::LookupErrorRole).toString();
    const bool pending = state != RowState::Ready;
    // A locked keychain is explained once, in the window's header (with its Unlock… button):
    // the row only says its state.
    const std::optional<BackendStatus> keychain = m_model.keychainStatus();
    const bool locked = !lookupError.isEmpty() && keychain && !keychain->available
        && keychain->reason.code == ErrorCode::KeychainLocked;

    using Kind = StorageBadge::Kind;
    const bool needsKey = index.data(ProviderListModel::NeedsKeyRole).toBool();
    m_lineEdit->setVisible(needsKey);
    m_saveButton->setVisible(needsKey);
    m_removeButton->setVisible(needsKey);
    if (!needsKey) {
        m_badge->setState(Kind::NotSet, tr("No key needed"));
        setStatus(tr("A local model server, reached at the address in the config file."),
                  int(MessageKind::None));
        return;
    }
    if (pending) {
        QString text;
        if (waiting)
            text = tr("Waiting for keychain…");
        else if (state == RowState::Saving)
            text = tr("Saving…");
        else if (state == RowState::Removing)
            text = tr("Removing…");
        else
            text = tr("Loading…");
        m_badge->setState(waiting ? Kind::Waiting : Kind::Loading, text);
    } else if (locked) {
        m_badge->setState(Kind::Error, tr("Locked"));
    } else if (!lookupError.isEmpty()) {
        m_badge->setState(Kind::Error, tr("Unavailable"));
    } else {
        switch (location) {
        case KeyLocation::Keychain:
            m_badge->setState(Kind::Keychain, tr("Keychain"));
            break;
        case KeyLocation::File:
            m_badge->setState(Kind::File, tr("File"));
            break;
        case KeyLocation::Environment:
            m_badge->setState(Kind::Environment, tr("Environment: %1").arg(envVar));
            break;
        case KeyLocation::None:
            m_badge->setState(Kind::NotSet, tr("Not set"));
            break;
        }
    }

    const bool fromEnvironment = !pending && location == KeyLocation::Environment;
    // Busy rows keep their focus (read-only, not disabled), so Enter then Tab still work.
    const bool busy = state == RowState::Saving || state == RowState::Removing;
    m_lineEdit->setEnabled(state != RowState::Loading);
    m_lineEdit->setReadOnly(busy || fromEnvironment);
    if (pending)
        m_lineEdit->setPlaceholderText(waiting ? tr("Waiting for keychain…") : tr("Loading…"));
    else if (location == KeyLocation::None)
        m_lineEdit->setPlaceholderText(tr("Not set: paste your %1 API key").arg(m_label));
    else
        m_lineEdit->setPlaceholderText(QString());
    m_lineEdit->setAccessibleDescription(m_badge->text());

    // A finished Save that did not fail replaces what was typed; otherwise typing is kept.
    const auto messageKind = index.data(ProviderListModel::MessageKindRole).value<MessageKind>();
    if (!pending && m_wasPending && messageKind != MessageKind::Error)
        m_dirty = false;
    if (!pending && !m_dirty) {
        QByteArray secret = m_model.secret(row());
        const QString text = QString::fromUtf8(secret);
        if (m_lineEdit->text() != text) {
            m_lineEdit->setText(text);
            m_lineEdit->setCursorPosition(0);
        }
        wipeSecret(secret);
    }
    m_wasPending = pending;

    // One line: the last Save/Remove outcome, else why the key could not be read, else notes.
    QString status = index.data(ProviderListModel::MessageRole).toString();
    MessageKind kind = messageKind;
    if (status.isEmpty() && locked) {
        kind = MessageKind::None;
    } else if (status.isEmpty() && !lookupError.isEmpty()) {
        status = lookupError;
        kind = MessageKind::Error;
    } else if (status.isEmpty() && fromEnvironment) {
        status = tr("Set by the environment variable %1, which overrides stored keys. Unset it "
                    "to edit the stored key.")
                     .arg(envVar);
        kind = MessageKind::None;
    } else if (status.isEmpty() && index.data(ProviderListModel::ConflictRole).toBool()) {
        status = tr("The config file holds a different key; the keychain's is used. Remove the "
                    "wrong one and save the right one.");
        kind = MessageKind::Warning;
    } else if (status.isEmpty() && index.data(ProviderListModel::AlsoInFileRole).toBool()) {
        status = tr("Also still in the config file: move keys to the keychain to finish.");
        kind = MessageKind::Warning;
    }
    setStatus(status, int(kind));
    updateHint();
    updateButtons();
}

void ProviderRow::setStatus(const QString &text, int kind)
{
    m_statusKind = kind;
    m_statusLabel->setText(text);
    m_statusLabel->setVisible(!text.isEmpty());
    QPalette palette = m_statusLabel->palette();
    palette.setColor(QPalette::WindowText, messageColor(this->palette(), MessageKind(kind)));
    m_statusLabel->setPalette(palette);
}

void ProviderRow::updateHint()
{
    const QString hint
        = m_dirty ? keyFormatHint(m_providerId, m_shownLabel, m_lineEdit->text()) : QString();
    m_hintLabel->setText(hint);
    m_hintLabel->setVisible(!hint.isEmpty());
    QPalette palette = m_hintLabel->palette();
    palette.setColor(QPalette::WindowText, messageColor(this->palette(), MessageKind::Warning));
    m_hintLabel->setPalette(palette);
}

void ProviderRow::updateButtons()
{
    const QModelIndex index = m_model.index(row());
    const bool pending = m_model.isPending(row());
    const auto location = index.data(ProviderListModel::LocationRole).value<KeyLocation>();
    const bool fromEnvironment = location == KeyLocation::Environment;
    m_saveButton->setEnabled(!pending && !fromEnvironment && m_dirty
                             && !m_lineEdit->text().trimmed().isEmpty());
    m_removeButton->setEnabled(
        !pending && !fromEnvironment
        && (location == KeyLocation::Keychain || location == KeyLocation::File
            || !index.data(ProviderListModel::LookupErrorRole).toString().isEmpty()));
}

void ProviderRow::save()
{
    if (!m_saveButton->isEnabled())
        return;
    if (m_saveButton->hasFocus())
        m_lineEdit->setFocus();
    QByteArray secret = m_lineEdit->text().toUtf8();
    m_model.save(row(), secret);
    wipeSecret(secret);
}

void ProviderRow::remove()
{
    if (!m_removeButton->isEnabled() || m_removeConfirmation)
        return;
    const auto location
        = m_model.index(row()).data(ProviderListModel::LocationRole).value<KeyLocation>();
    if (location != KeyLocation::Keychain)
        return removeNow();
    // The keychain entry belongs to the user, not to this project: say so before it goes.
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove the %1 key?").arg(m_label),
                                tr("Remove the %1 key from the keychain?").arg(m_label),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("removeConfirmationMessageBox"));
    box->setInformativeText(tr("The keychain entry is shared: every project that reads its %1 "
                               "key from the keychain loses it too.")
                                .arg(m_label));
    QPushButton *confirm = box->addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("removeConfirmButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    connect(box, &QMessageBox::finished, this, [this, box, confirm] {
        if (box->clickedButton() == confirm)
            removeNow();
    });
    m_removeConfirmation = box;
    box->open();
}

void ProviderRow::removeNow()
{
    if (m_removeButton->hasFocus())
        m_lineEdit->setFocus();
    m_dirty = false;
    m_model.remove(row());
}

void ProviderRow::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        setStatus(m_statusLabel->text(), m_statusKind);
        updateHint();
    }
}

} // namespace Choragen
