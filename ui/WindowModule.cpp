// The settings window as a loadable module: the entry point app/WindowLoader.cpp resolves.
// Keeping QtWidgets, QtGui and QtSvg out of the `choragen` executable spares every config:*
// command loading and relocating them (see BENCHMARKS.md, "config:get").
#include "GuiMain.h"

#include <QtGlobal>

extern "C" Q_DECL_EXPORT int choragen_run_window(int argc, char **argv, const char *projectDirUtf8,
                                                 const char *profileUtf8)
{
    return Choragen::runWindow(argc, argv, QString::fromUtf8(projectDirUtf8),
                               QString::fromUtf8(profileUtf8));
}
