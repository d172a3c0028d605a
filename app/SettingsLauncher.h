#pragma once

#include <QString>

namespace Choragen {

// The settings executable `choragen` starts: choragen-settings in @p applicationDir, the folder
// of the running `choragen` (bin/, the build tree, or the macOS bundle's Contents/MacOS).
QString settingsExecutable(const QString &applicationDir);

// Starts the settings window for @p projectDir with @p profile (either may be empty). On Unix
// this process becomes the window (execv: the same pid, and the exit status is the window's),
// so it returns only on failure; on Windows it runs the window and returns its exit code. On
// failure it returns -1, with @p error saying which file and why; nothing has been shown then.
int startSettingsWindow(const QString &applicationDir, const QString &projectDir,
                        const QString &profile, QString &error);

} // namespace Choragen
