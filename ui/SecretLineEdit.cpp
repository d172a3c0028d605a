#include "SecretLineEdit.h"

#include "Icons.h"
#include "SecretClipboard.h"

#include <QAction>
#include <QEvent>

namespace Choragen {

SecretLineEdit::SecretLineEdit(QWidget *parent)
    : QLineEdit(parent)
{
    setEchoMode(QLineEdit::Password);
    setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText
                        | Qt::ImhNoAutoUppercase);
    setClearButtonEnabled(false);

    m_copyAction = new QAction(this);
    m_copyAction->setObjectName(QStringLiteral("copyAction"));
    m_copyAction->setIcon(Icons::icon(QStringLiteral("copy")));
    m_copyAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_copyAction->setShortcutContext(Qt::WidgetShortcut);
    addAction(m_copyAction, QLineEdit::TrailingPosition);
    connect(m_copyAction, &QAction::triggered, this, &SecretLineEdit::copySecret);

    m_revealAction = new QAction(this);
    m_revealAction->setObjectName(QStringLiteral("revealAction"));
    m_revealAction->setCheckable(true);
    m_revealAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    m_revealAction->setShortcutContext(Qt::WidgetShortcut);
    addAction(m_revealAction, QLineEdit::TrailingPosition);
    connect(m_revealAction, &QAction::toggled, this, &SecretLineEdit::setRevealed);

    connect(this, &QLineEdit::textChanged, this, &SecretLineEdit::updateActions);
    updateActions();
}

bool SecretLineEdit::isRevealed() const
{
    return echoMode() == QLineEdit::Normal;
}

void SecretLineEdit::setRevealed(bool revealed)
{
    if (revealed == isRevealed())
        return;
    setEchoMode(revealed ? QLineEdit::Normal : QLineEdit::Password);
    m_revealAction->setChecked(revealed);
    updateActions();
    Q_EMIT revealedChanged(revealed);
}

void SecretLineEdit::copySecret()
{
    if (text().isEmpty())
        return;
    SecretClipboard::instance()->copy(text());
}

void SecretLineEdit::changeEvent(QEvent *event)
{
    QLineEdit::changeEvent(event);
    if (event->type() == QEvent::EnabledChange)
        updateActions();
}

void SecretLineEdit::updateActions()
{
    const bool revealed = isRevealed();
    m_revealAction->setIcon(
        Icons::icon(revealed ? QStringLiteral("conceal") : QStringLiteral("reveal")));
    m_revealAction->setText(revealed ? tr("Hide key") : tr("Show key"));
    m_revealAction->setToolTip(revealed ? tr("Hide the key (Ctrl+H)")
                                        : tr("Show the key (Ctrl+H)"));
    m_copyAction->setText(tr("Copy key"));
    m_copyAction->setToolTip(
        tr("Copy the key (Ctrl+Shift+C); the clipboard is cleared after %1 seconds")
            .arg(SecretClipboard::defaultClearDelayMs / 1000));
    m_copyAction->setEnabled(isEnabled() && !text().isEmpty());
}

} // namespace Choragen
