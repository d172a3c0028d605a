#pragma once

#include "ConfigLock.h"
#include "Error.h"

#include <QString>

#include <functional>

class QObject;

namespace Choragen {

class ConfigFile;

/// Edits a freshly loaded config under the lock; sets @p changed when it must be saved.
using ConfigChange = std::function<Error(ConfigFile &config, bool &changed)>;

/// Under the lock: load, let @p change edit the config, and save once if it returned true.
/// Returns the first error; the file is untouched when load() or @p change fails. Waits for the
/// lock up to @p lockTimeoutMs on the calling thread (0: one try, no wait).
Error updateConfig(const QString &configPath, const ConfigChange &change,
                   int lockTimeoutMs = configLockTimeoutMs);

/// updateConfig() without blocking the calling thread, for the window: the lock is tried now and,
/// while another process holds it, again from the event loop every few milliseconds, up to
/// @p lockTimeoutMs. @p done gets the result later from the event loop of @p context's thread,
/// once, unless @p context is gone by then. @p change must not capture locals by reference.
void updateConfigLater(const QString &configPath, QObject *context, ConfigChange change,
                       std::function<void(const Error &error)> done,
                       int lockTimeoutMs = configLockTimeoutMs);

} // namespace Choragen
