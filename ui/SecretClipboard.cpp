#include "SecretClipboard.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QMimeData>
#include <QPointer>

namespace Choragen {

SecretClipboard *SecretClipboard::instance()
{
    static QPointer<SecretClipboard> instance;
    if (!instance)
        instance = new SecretClipboard(QCoreApplication::instance());
    return instance;
}

SecretClipboard::SecretClipboard(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SecretClipboard::clearIfOurs);
    // A secret must not outlive the application on the clipboard either.
    connect(qApp, &QCoreApplication::aboutToQuit, this, &SecretClipboard::clearIfOurs);
}

SecretClipboard::~SecretClipboard()
{
    forget();
}

void SecretClipboard::copy(const QString &secret)
{
    auto *mime = new QMimeData;
    mime->setText(secret);
    // KDE Klipper, and clipboard managers that follow it, neither show nor keep these.
    mime->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
#if defined(Q_OS_MACOS)
    mime->setData(QStringLiteral("application/x-nspasteboard-concealed-type"), secret.toUtf8());
#elif defined(Q_OS_WIN)
    mime->setData(QStringLiteral("ExcludeClipboardContentFromMonitorProcessing"),
                  QByteArray(4, '\0'));
    mime->setData(QStringLiteral("CanIncludeInClipboardHistory"), QByteArray(4, '\0'));
    mime->setData(QStringLiteral("CanUploadToCloudClipboard"), QByteArray(4, '\0'));
#endif
    QGuiApplication::clipboard()->setMimeData(mime, QClipboard::Clipboard);
    m_copied = secret;
    m_timer.start(m_clearDelayMs);
    Q_EMIT copied();
}

void SecretClipboard::clearIfOurs()
{
    m_timer.stop();
    if (m_copied.isEmpty())
        return;
    QClipboard *clipboard = QGuiApplication::clipboard();
    // Whatever the user copied since is theirs: leave it.
    if (clipboard->text(QClipboard::Clipboard) == m_copied) {
        clipboard->clear(QClipboard::Clipboard);
        Q_EMIT cleared();
    }
    forget();
}

void SecretClipboard::forget()
{
    m_copied.fill(QChar(0));
    m_copied.clear();
}

} // namespace Choragen
