#pragma once

#include <QObject>
#include <QTimer>

namespace Choragen {

// Copies secrets to the clipboard the way password managers do: the MIME hints that keep them out
// of clipboard histories, and a clear after a delay if the clipboard still holds our value.
class SecretClipboard : public QObject
{
    Q_OBJECT
public:
    static constexpr int defaultClearDelayMs = 30000;

    // The application's one instance; the clipboard is global, and so is its timer.
    static SecretClipboard *instance();

    explicit SecretClipboard(QObject *parent = nullptr);
    ~SecretClipboard() override;

    void copy(const QString &secret);
    // Clears the clipboard now if it still holds the value we put there.
    void clearIfOurs();

    int clearDelayMs() const { return m_clearDelayMs; }
    void setClearDelayMs(int ms) { m_clearDelayMs = ms; }
    bool isClearPending() const { return m_timer.isActive(); }

Q_SIGNALS:
    void copied();
    void cleared();

private:
    void forget();

    QString m_copied;
    QTimer m_timer;
    int m_clearDelayMs = defaultClearDelayMs;
};

} // namespace Choragen
