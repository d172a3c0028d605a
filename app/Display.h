#pragma once

#include <QtGlobal>

namespace Choragen {

// A window needs a display; over SSH or in CI there is none, and Qt would abort with a
// platform-plugin error. Both executables ask this before they would show a window.
inline bool hasDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}

} // namespace Choragen
