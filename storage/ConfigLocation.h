#pragma once

#include <QString>

namespace Choragen {

/// The config path for @p projectDir, or, when it is empty, for the nearest ancestor of
/// @p workingDir that has a `.choragen/` folder, or else for @p workingDir itself.
QString locateConfigFile(const QString &projectDir, const QString &workingDir);

/// The file a config path names: the target of a symlinked config (save() replaces the target,
/// so a config shared through a link stays shared, and the lock guards the target), else
/// @p configPath itself.
QString resolvedConfigFile(const QString &configPath);

/// True when @p path is a regular file; links are followed, so a link to a FIFO is not one.
bool isRegularFile(const QString &path);

/// True when nothing is at @p path, or a regular file (not a link to one).
bool isRegularOrAbsent(const QString &path);

} // namespace Choragen
