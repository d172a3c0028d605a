#pragma once

#include "Error.h"

#include <QString>

#include <memory>

class QLockFile;

namespace Choragen {

/// How long a writer waits for another process's lock before it reports ErrorCode::LockBusy.
constexpr int configLockTimeoutMs = 10000;
/// How often a writer waiting for another process's lock tries again.
constexpr int configLockRetryMs = 25;

/// The QLockFile every read-modify-write of a config file holds, for that short step only: never
/// across a keychain call. It sits next to the file the config path names (the target of a
/// symlinked config). A lock left behind by a process that died is recovered; one held by a
/// live process makes tryAcquire() fail at once and acquire() wait, then fail.
class ConfigLock
{
public:
    explicit ConfigLock(const QString &configPath);
    ~ConfigLock();
    ConfigLock(const ConfigLock &) = delete;
    ConfigLock &operator=(const ConfigLock &) = delete;

    /// Creates `.choragen/` (0700) if needed and takes the lock if it is free now; never waits.
    /// ErrorCode::LockBusy when a live process holds it.
    Error tryAcquire();
    /// Like tryAcquire(), but waits up to @p timeoutMs, blocking the calling thread: never call
    /// it from the UI thread (use updateConfigLater()).
    Error acquire(int timeoutMs = configLockTimeoutMs);
    void release();
    bool isLocked() const;

private:
    QString m_configPath;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace Choragen
