#pragma once

#include <QString>

namespace Choragen {

/// Where the window module is looked for, given the folder of the running executable: the
/// installed location (lib/choragen beside bin/) first, then the executable's own folder (the
/// build tree).
QStringList windowModuleCandidates(const QString &applicationDir);

/// Loads the settings-window module and runs the window for @p projectDir. On failure returns
/// -1 with @p error saying what was tried and why it failed; nothing has been shown then.
int runWindowModule(int argc, char **argv, const QString &projectDir, const QString &profile,
                    const QString &applicationDir, QString &error);

} // namespace Choragen
