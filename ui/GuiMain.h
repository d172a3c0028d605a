#pragma once

#include <QString>

namespace Choragen {

// Runs the settings window (or, on first run, the migration wizard) for the project in
// @p projectDir (empty: the nearest folder upwards with a `.choragen/`). Returns the exit code.
int runWindow(int argc, char **argv, const QString &projectDir, const QString &profile = QString());

} // namespace Choragen
