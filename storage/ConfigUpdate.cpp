#include "ConfigUpdate.h"

#include "ConfigFile.h"
#include "ConfigLock.h"
#include "PostTo.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <utility>

namespace Choragen {

namespace {

// The read-compare-write itself; the caller holds the lock.
Error changeLocked(const QString &configPath, const ConfigChange &change)
{
    ConfigFile config(configPath);
    if (Error error = config.load(); !error.ok())
        return error;
    bool changed = false;
    if (Error error = change(config, changed); !error.ok())
        return error;
    if (!changed)
        return Error::none();
    return config.save();
}

struct PendingUpdate
{
    QString configPath;
    QPointer<QObject> context;
    ConfigChange change;
    std::function<void(const Error &)> done;
    int lockTimeoutMs = 0;
    QElapsedTimer waited;
};

// One non-blocking try; while another process holds the lock, the next try comes from a timer.
void attemptUpdate(const std::shared_ptr<PendingUpdate> &update)
{
    if (!update->context)
        return;
    ConfigLock lock(update->configPath);
    Error error = lock.tryAcquire();
    if (error.code == ErrorCode::LockBusy && update->waited.elapsed() < update->lockTimeoutMs) {
        QTimer::singleShot(configLockRetryMs, update->context.data(),
                           [update] { attemptUpdate(update); });
        return;
    }
    if (error.ok())
        error = changeLocked(update->configPath, update->change);
    lock.release();
    postTo(update->context, [done = update->done, error] { done(error); });
}

} // namespace

Error updateConfig(const QString &configPath, const ConfigChange &change, int lockTimeoutMs)
{
    ConfigLock lock(configPath);
    if (Error error = lock.acquire(lockTimeoutMs); !error.ok())
        return error;
    return changeLocked(configPath, change);
}

void updateConfigLater(const QString &configPath, QObject *context, ConfigChange change,
                       std::function<void(const Error &error)> done, int lockTimeoutMs)
{
    auto update = std::make_shared<PendingUpdate>();
    update->configPath = configPath;
    update->context = context;
    update->change = std::move(change);
    update->done = std::move(done);
    update->lockTimeoutMs = lockTimeoutMs;
    update->waited.start();
    attemptUpdate(update);
}

} // namespace Choragen
