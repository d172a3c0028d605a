// KeychainBackend through QtKeychain: the macOS Keychain and the Windows Credential Manager.
#include "KeychainBackend.h"

#include "KeychainCommon.h"
#include "KeychainNaming.h"
#include "Log.h"
#include "Secret.h"

#include <qt6keychain/keychain.h>

#include <QPointer>
#include <QTimer>

#include <memory>

namespace Choragen {

namespace {

// An account no provider can have: provider accounts all contain "-api-key".
const QString probeAccount = QStringLiteral(".probe");

struct JobState
{
    bool settled = false;
    QPointer<QObject> context;
    std::function<void(const Error &)> finish;
};

} // namespace

QString KeychainBackend::name() const
{
    if (currentKeychainPlatform() == KeychainPlatform::Windows)
        return QStringLiteral("Windows Credential Manager");
    return QStringLiteral("macOS Keychain");
}

void KeychainBackend::start(QKeychain::Job *job, QObject *context,
                            std::function<void(const Error &)> finish)
{
    auto state = std::make_shared<JobState>();
    state->context = context;
    state->finish = std::move(finish);
    const auto settle = [state](const Error &error) {
        if (state->settled)
            return;
        state->settled = true;
        if (state->context)
            state->finish(error);
        state->finish = nullptr;
    };
    if (m_timedOut) {
        QMetaObject::invokeMethod(
            this, [settle, error = keychainTimedOut(name(), m_timeoutMs)] { settle(error); },
            Qt::QueuedConnection);
        job->deleteLater();
        return;
    }

    // Guarded: a job may still finish after its timeout, when the timer is already gone.
    QPointer<QTimer> timer = new QTimer(this);
    timer->setSingleShot(true);
    const QString backend = name();
    const int timeoutMs = m_timeoutMs;
    connect(timer, &QTimer::timeout, this, [this, settle, timer, backend, timeoutMs] {
        qCWarning(lcKeychain) << "keychain call timed out after" << timeoutMs << "ms";
        m_timedOut = true;
        timer->deleteLater();
        settle(keychainTimedOut(backend, timeoutMs));
    });
    connect(job, &QKeychain::Job::finished, this, [settle, timer, backend](QKeychain::Job *done) {
        if (timer) {
            timer->stop();
            timer->deleteLater();
        }
        settle(classify(done->error(), done->errorString(), backend));
    });
    // Jobs own themselves: a late answer may still arrive after this backend is gone, and must
    // not find its job deleted under it.
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    timer->start(m_timeoutMs);
    job->start();
}

void KeychainBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(qtKeychainService());
    job->setKey(keychainKey(providerId, m_profile));
    QPointer<QKeychain::ReadPasswordJob> guard(job);
    start(job, context, [guard, done](const Error &error) {
        if (!error.ok() || !guard) {
            done(error.ok() ? Error::make(ErrorCode::KeychainOther, QStringLiteral("lost job"))
                            : error,
                 {});
            return;
        }
        // The job's own buffer, shared: no decoded or re-encoded copy of the key is made.
        QByteArray secret = guard->binaryData();
        done(error, secret);
    });
}

void KeychainBackend::write(const QString &providerId, const QByteArray &secret, QObject *context,
                            Done done)
{
    auto *job = new QKeychain::WritePasswordJob(qtKeychainService());
    job->setKey(keychainKey(providerId, m_profile));
    // Text, not binary: binary data is stored base64-encoded, which other tools cannot read.
    QString text = QString::fromUtf8(secret);
    job->setTextData(text);
    // setTextData() keeps its own UTF-8 copy; this UTF-16 one is ours to wipe.
    wipeString(text);
    start(job, context, std::move(done));
}

void KeychainBackend::remove(const QString &providerId, QObject *context, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(qtKeychainService());
    job->setKey(keychainKey(providerId, m_profile));
    start(job, context, std::move(done));
}

void KeychainBackend::readIfPresent(const QString &providerId, QObject *context, ReadDone done)
{
    read(providerId, context, std::move(done));
}

void KeychainBackend::probe(QObject *context, ProbeDone done)
{
    // A probe always asks again, even after a timeout.
    m_timedOut = false;
    sentinelRead(context, std::move(done));
}

void KeychainBackend::sentinelRead(QObject *context, ProbeDone done)
{
    const QString backend = name();
    auto *job = new QKeychain::ReadPasswordJob(qtKeychainService());
    // Namespaced like every entry of ours: on Windows a bare ".probe" target is anyone's.
    job->setKey(keychainTarget(probeAccount));
    start(job, context, [backend, done](const Error &error) {
        BackendStatus status;
        status.backend = backend;
        if (!error.ok() && !error.isNotFound()) {
            status.reason = error;
            status.detail = error.message;
            done(status);
            return;
        }
        status.available = true;
        status.detail = QStringLiteral("%1 answered").arg(backend);
        done(status);
    });
}

bool KeychainBackend::canUnlock() const
{
    return false;
}

void KeychainBackend::unlock(QObject *context, Done done)
{
    SecretBackend::unlock(context, std::move(done));
}

} // namespace Choragen
