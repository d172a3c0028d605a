#include "FaultInjection.h"

#ifdef CHORAGEN_FAULT_INJECTION
#include <QFile>

#include <cstdlib>
#endif

namespace Choragen {

void crashPoint(const QString &point)
{
#ifdef CHORAGEN_FAULT_INJECTION
    static const QString trace = qEnvironmentVariable("CHORAGEN_CRASH_TRACE");
    if (!trace.isEmpty()) {
        QFile file(trace);
        if (file.open(QIODevice::Append))
            file.write(point.toUtf8() + '\n');
    }
    static const QString target = qEnvironmentVariable("CHORAGEN_CRASH_AT");
    if (!target.isEmpty() && target == point)
        std::_Exit(77);
#else
    Q_UNUSED(point)
#endif
}

} // namespace Choragen
