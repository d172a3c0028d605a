#include "ConfigLock.h"

#include "AtomicWrite.h"
#include "ConfigLocation.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLockFile>
#include <QThread>

#include <algorithm>

namespace Choragen {

ConfigLock::ConfigLock(const QString &configPath)
    : m_configPath(configPath)
{
}

ConfigLock::~ConfigLock() = default;

namespace {

// QLockFile writes its owner right after creating the file; a lock file still without an owner
// after this long was left by a process killed in between, and no process will ever free it.
constexpr qint64 ownerlessLockAgeMs = 2000;

bool isOwnerlessAndOld(QLockFile &lock, const QString &lockPath)
{
    qint64 pid = 0;
    QString host;
    QString app;
    if (lock.getLockInfo(&pid, &host, &app))
        return false;
    const QFileInfo info(lockPath);
    return info.exists()
        && info.lastModified().msecsTo(QDateTime::currentDateTime()) > ownerlessLockAgeMs;
}

// Removes an ownerless lock file left by a killed process, with the guard QLockFile uses for its
// own stale locks: only the holder of "<lock>.rmlock" may remove, and only after checking again
// under it. Without the guard, two contenders that both saw the old file could each remove it,
// the second one a fresh lock a third process had taken in between.
void removeOwnerlessLock(QLockFile &lock, const QString &lockPath)
{
    const QString guardPath = lockPath + QStringLiteral(".rmlock");
    if (!isRegularOrAbsent(guardPath))
        return;
    QLockFile guard(guardPath);
    guard.setStaleLockTime(0);
    if (!guard.tryLock(0))
        return;
    if (isOwnerlessAndOld(lock, lockPath))
        lock.removeStaleLockFile();
}

} // namespace

Error ConfigLock::tryAcquire()
{
    m_lock.reset();
    if (Error error = ensureConfigFolder(m_configPath); !error.ok())
        return error;
    const QString lockPath = resolvedConfigFile(m_configPath) + QStringLiteral(".lock");
    // QLockFile reads an existing lock file to find its owner: a FIFO shipped in its place would
    // block that read for ever. A lock file is only ever a regular file.
    if (!isRegularOrAbsent(lockPath))
        return Error::make(
            ErrorCode::ConfigInvalid,
            QStringLiteral("The lock file %1 is not a regular file.").arg(lockPath),
            QStringLiteral("Remove it; Choragen creates it when it changes the config."));
    auto lock = std::make_unique<QLockFile>(lockPath);
    // Only a dead owner makes a lock stale: a slow writer must not have its lock stolen.
    lock->setStaleLockTime(0);
    if (lock->tryLock(0)) {
        m_lock = std::move(lock);
        return Error::none();
    }
    if (lock->error() == QLockFile::LockFailedError && isOwnerlessAndOld(*lock, lockPath)) {
        removeOwnerlessLock(*lock, lockPath);
        if (lock->tryLock(0)) {
            m_lock = std::move(lock);
            return Error::none();
        }
    }
    if (lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString app;
        lock->getLockInfo(&pid, &host, &app);
        return Error::make(ErrorCode::LockBusy,
                           QStringLiteral("%1 is being changed by another process (%2, pid %3).")
                               .arg(m_configPath, app.isEmpty() ? QStringLiteral("unknown") : app)
                               .arg(pid),
                           QStringLiteral("Wait for it to finish and try again."));
    }
    return Error::make(
        ErrorCode::Io, QStringLiteral("Cannot create the lock file %1.").arg(lockPath),
        QStringLiteral("Check that %1 is writable.").arg(QFileInfo(m_configPath).absolutePath()));
}

Error ConfigLock::acquire(int timeoutMs)
{
    QElapsedTimer waited;
    waited.start();
    while (true) {
        Error error = tryAcquire();
        const qint64 left = timeoutMs - waited.elapsed();
        if (error.code != ErrorCode::LockBusy || left <= 0)
            return error;
        QThread::msleep(quint64(std::min<qint64>(left, configLockRetryMs)));
    }
}

void ConfigLock::release()
{
    if (m_lock)
        m_lock->unlock();
    m_lock.reset();
}

bool ConfigLock::isLocked() const
{
    return m_lock && m_lock->isLocked();
}

} // namespace Choragen
