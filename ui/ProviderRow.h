#pragma once

#include <QPointer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QMessageBox;
class QPushButton;

namespace Choragen {

class ProviderListModel;
class SecretLineEdit;
class StorageBadge;

// One provider in the settings window: its name, the masked key with reveal and copy, Save and
// Remove, a badge saying where the effective key comes from, and an inline line for hints and
// for what the last Save or Remove did. Object names start with the provider id, e.g.
// "anthropicKeyLineEdit", "anthropicSaveButton", "anthropicStorageBadge".
class ProviderRow : public QWidget
{
    Q_OBJECT
public:
    ProviderRow(ProviderListModel &model, const QString &providerId, QWidget *parent = nullptr);

    QString providerId() const { return m_providerId; }
    // Fills the row from the model; called whenever its data changes.
    void refresh();
    void setMnemonic(QChar letter);
    void setLabelWidth(int width);
    // Aligns the badge column across rows.
    void setBadgeWidth(int width);
    int labelSizeHint() const;

    SecretLineEdit *lineEdit() const { return m_lineEdit; }
    QPushButton *saveButton() const { return m_saveButton; }
    QPushButton *removeButton() const { return m_removeButton; }
    // The question Remove asks before deleting a shared keychain entry, while it is open.
    QMessageBox *removeConfirmation() const { return m_removeConfirmation; }
    StorageBadge *badge() const { return m_badge; }
    QLabel *nameLabel() const { return m_nameLabel; }
    QLabel *hintLabel() const { return m_hintLabel; }
    QLabel *statusLabel() const { return m_statusLabel; }
    QWidget *lastFocusable() const;

    void save();
    void remove();
    void removeNow();

protected:
    void changeEvent(QEvent *event) override;

private:
    int row() const;
    void updateButtons();
    void updateHint();
    void setStatus(const QString &text, int kind);

    ProviderListModel &m_model;
    QPointer<QMessageBox> m_removeConfirmation;
    QString m_providerId;
    QString m_label;
    QString m_shownLabel; ///< m_label, elided when too wide for the window
    bool m_dirty = false;
    bool m_wasPending = true;
    int m_statusKind = 0;
    QLabel *m_nameLabel = nullptr;
    SecretLineEdit *m_lineEdit = nullptr;
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_removeButton = nullptr;
    StorageBadge *m_badge = nullptr;
    QLabel *m_hintLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QGridLayout *m_layout = nullptr;
};

} // namespace Choragen
