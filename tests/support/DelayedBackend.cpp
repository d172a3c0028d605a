#include "DelayedBackend.h"

#include "KeychainNaming.h"

#include <QPointer>
#include <QTimer>

namespace Choragen::Test {

DelayedBackend::DelayedBackend(int delayMs, QObject *parent)
    : QObject(parent)
    , m_delayMs(delayMs)
{
}

void DelayedBackend::later(QObject *context, std::function<void()> fn)
{
    ++m_callsStarted;
    QPointer<DelayedBackend> self(this);
    // Never before the call returns, and not at all once the context is gone.
    QTimer::singleShot(m_delayMs, context, [self, fn = std::move(fn)] {
        if (self)
            ++self->m_callsFinished;
        fn();
    });
}

void DelayedBackend::probe(QObject *context, ProbeDone done)
{
    ++m_probes;
    BackendStatus status;
    status.backend = name();
    status.available = m_unavailable.ok();
    status.reason = m_unavailable;
    status.detail = status.available ? QStringLiteral("answered") : m_unavailable.message;
    later(context, [done, status] { done(status); });
}

void DelayedBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    ++m_reads;
    const Error unavailable = !m_unavailable.ok() ? m_unavailable : m_readError;
    const auto found = m_entries.constFind(keychainAccount(providerId, m_profile));
    const bool has = found != m_entries.constEnd();
    const QByteArray secret = has ? *found : QByteArray();
    later(context, [done, unavailable, has, secret] {
        if (!unavailable.ok())
            done(unavailable, {});
        else if (!has)
            done(Error::make(ErrorCode::NotFound, QStringLiteral("No entry.")), {});
        else
            done(Error::none(), secret);
    });
}

void DelayedBackend::write(const QString &providerId, const QByteArray &secret, QObject *context,
                           Done done)
{
    ++m_writes;
    const Error error = !m_unavailable.ok() ? m_unavailable : m_writeError;
    if (error.ok())
        m_entries.insert(keychainAccount(providerId, m_profile),
                         m_corruptWrites ? secret + QByteArrayLiteral("-mangled") : secret);
    later(context, [done, error] { done(error); });
}

void DelayedBackend::remove(const QString &providerId, QObject *context, Done done)
{
    ++m_removes;
    Error error = m_unavailable;
    if (error.ok() && m_entries.remove(keychainAccount(providerId, m_profile)) == 0)
        error = Error::make(ErrorCode::NotFound, QStringLiteral("No entry."));
    later(context, [done, error] { done(error); });
}

void DelayedBackend::setEntry(const QString &providerId, const QByteArray &secret,
                              const QString &profile)
{
    m_entries.insert(keychainAccount(providerId, profile), secret);
}

std::optional<QByteArray> DelayedBackend::entry(const QString &providerId,
                                                const QString &profile) const
{
    const auto found = m_entries.constFind(keychainAccount(providerId, profile));
    if (found == m_entries.constEnd())
        return std::nullopt;
    return *found;
}

} // namespace Choragen::Test
