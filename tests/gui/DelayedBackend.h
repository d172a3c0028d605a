#pragma once

#include "SecretBackend.h"

#include <QHash>
#include <QObject>

#include <optional>

namespace Choragen::Test {

// A keychain double for UI-logic tests only: it keeps entries in memory and answers every call
// after delayMs, as a keychain behind an unlock prompt would. Failures can be switched on.
class DelayedBackend : public QObject, public SecretBackend
{
    Q_OBJECT
public:
    explicit DelayedBackend(int delayMs, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("Delayed Test Keychain"); }
    void probe(QObject *context, ProbeDone done) override;
    void read(const QString &providerId, QObject *context, ReadDone done) override;
    void write(const QString &providerId, const QByteArray &secret, QObject *context,
               Done done) override;
    void remove(const QString &providerId, QObject *context, Done done) override;

    void setDelayMs(int ms) { m_delayMs = ms; }
    void setProfile(const QString &profile) override { m_profile = profile; }
    // An entry of @p profile (empty: the default profile), as if stored earlier.
    void setEntry(const QString &providerId, const QByteArray &secret,
                  const QString &profile = QString());
    std::optional<QByteArray> entry(const QString &providerId,
                                    const QString &profile = QString()) const;
    // Every write fails with @p error from now on (Error::none() to stop).
    void setWriteError(const Error &error) { m_writeError = error; }
    void setUnavailable(const Error &reason) { m_unavailable = reason; }

    int callsStarted() const { return m_callsStarted; }
    int callsFinished() const { return m_callsFinished; }

private:
    void later(QObject *context, std::function<void()> fn);

    int m_delayMs;
    QString m_profile;
    QHash<QString, QByteArray> m_entries;
    Error m_writeError;
    Error m_unavailable;
    int m_callsStarted = 0;
    int m_callsFinished = 0;
};

} // namespace Choragen::Test
