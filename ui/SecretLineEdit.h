#pragma once

#include <QLineEdit>

class QAction;

namespace Choragen {

// A password field for an API key: masked by default, with a reveal toggle (Ctrl+H) and a copy
// action (Ctrl+Shift+C) on the field, as KeePassXC's PasswordWidget has them.
class SecretLineEdit : public QLineEdit
{
    Q_OBJECT
public:
    explicit SecretLineEdit(QWidget *parent = nullptr);

    bool isRevealed() const;
    void setRevealed(bool revealed);

    QAction *revealAction() const { return m_revealAction; }
    QAction *copyAction() const { return m_copyAction; }

    // Copies the field's content with the secret hints, cleared after a while.
    void copySecret();

Q_SIGNALS:
    void revealedChanged(bool revealed);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateActions();

    QAction *m_revealAction = nullptr;
    QAction *m_copyAction = nullptr;
};

} // namespace Choragen
