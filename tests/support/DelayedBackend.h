#pragma once

#include "SecretBackend.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <optional>

namespace Choragen::Test {

// An in-memory keychain double for logic tests only (the policy unit tests and the window's
// logic tests; never a stand-in for the real keychain in integration tests). It keeps entries
// by keychainAccount(provider, profile), as the real backends name them, and answers every call
// later from the event loop, after delayMs (0: on the next pass), as the SecretBackend contract
// requires; a delay stands for a keychain behind an unlock prompt. Failures can be switched on.
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

    // Every read fails with @p error (Error::none() to stop); writes and removes still work.
    void setReadError(const Error &error) { m_readError = error; }
    // From now on a write stores a value other than the one given, as a keychain that mangles
    // what it is handed would: only reading back can tell.
    void setCorruptWrites(bool corrupt) { m_corruptWrites = corrupt; }

    int callsStarted() const { return m_callsStarted; }
    int callsFinished() const { return m_callsFinished; }
    int probes() const { return m_probes; }
    int reads() const { return m_reads; }
    int writes() const { return m_writes; }
    int removes() const { return m_removes; }
    // The accounts of every entry held, e.g. "openai-api-key@work".
    QStringList accounts() const { return m_entries.keys(); }

private:
    void later(QObject *context, std::function<void()> fn);

    int m_delayMs;
    QString m_profile;
    QHash<QString, QByteArray> m_entries;
    Error m_writeError;
    Error m_readError;
    Error m_unavailable;
    bool m_corruptWrites = false;
    int m_callsStarted = 0;
    int m_callsFinished = 0;
    int m_probes = 0;
    int m_reads = 0;
    int m_writes = 0;
    int m_removes = 0;
};

} // namespace Choragen::Test
