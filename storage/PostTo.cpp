#include "PostTo.h"

#include <QPointer>

#include <utility>

namespace Choragen {

void postTo(QObject *context, std::function<void()> fn)
{
    if (!context)
        return;
    QMetaObject::invokeMethod(
        context,
        [guard = QPointer<QObject>(context), fn = std::move(fn)] {
            if (guard)
                fn();
        },
        Qt::QueuedConnection);
}

} // namespace Choragen
