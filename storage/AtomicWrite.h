#pragma once

#include "Error.h"

#include <QByteArray>
#include <QString>

namespace Choragen {

/// Creates the folder holding @p configPath with mode 0700 if it does not exist.
Error ensureConfigFolder(const QString &configPath);

/// Replaces @p target with @p data atomically, mode 0600: a temporary file next to it named
/// `<target>.saving-XXXXXX`, flushed to disk, renamed over it, then the folder flushed (on
/// Windows QSaveFile). Readers see the old file or the new one, never a mix; on error @p target
/// is untouched.
Error writeAtomically(const QString &target, const QByteArray &data);

/// Removes the temporary files that writers killed mid-save left next to @p target. Call it only
/// under the config lock, so that no writer is between its temporary file and its rename.
void removeInterruptedSaves(const QString &target);

} // namespace Choragen
