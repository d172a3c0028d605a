#pragma once

#include "Launcher.h"

#include <QString>

namespace Choragen {

// Runs the settings window (or, on first run or with Launcher::Start::MigrationWizard, the
// migration wizard) for the project in @p projectDir (empty: the nearest folder upwards with a
// `.choragen/`). Returns the exit code: 2 when @p projectDir is not a folder.
int runWindow(int argc, char **argv, const QString &projectDir, const QString &profile = QString(),
              Launcher::Start start = Launcher::Start::FirstRun);

} // namespace Choragen
