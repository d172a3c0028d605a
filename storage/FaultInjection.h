#pragma once

#include <QByteArray>
#include <QString>

namespace Choragen {

/// Test builds only (CHORAGEN_FAULT_INJECTION): when CHORAGEN_CRASH_AT names @p point, the
/// process ends at once with _exit(77), as a crash or kill -9 would end it. When
/// CHORAGEN_CRASH_TRACE names a file, every point passed is appended to it, one per line, so a
/// test can enumerate them. Release builds compile this to nothing.
void crashPoint(const QString &point);

} // namespace Choragen
