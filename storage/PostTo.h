#pragma once

#include <QObject>

#include <functional>

namespace Choragen {

/// Calls @p fn from the event loop of @p context's thread, unless @p context is gone by then.
/// How every asynchronous call of storage/ answers "later, never before the call returns".
void postTo(QObject *context, std::function<void()> fn);

} // namespace Choragen
