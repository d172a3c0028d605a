#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QEventLoop>

#include <functional>
#include <optional>

namespace Choragen::Cli {

/// The command line's one local event loop. @p start begins an asynchronous store call with the
/// given context and completion; await() runs the loop until the completion fires.
template<typename T>
T await(const std::function<void(QObject *context, std::function<void(T)> done)> &start)
{
    QEventLoop loop;
    std::optional<T> result;
    start(&loop, [&](T value) {
        result = std::move(value);
        loop.quit();
    });
    if (!result)
        loop.exec();
    // Keychain jobs delete themselves once finished (deleteLater): let them go now, not at an
    // exit that never processes them, so no finished job keeps a key in memory.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return std::move(*result);
}

} // namespace Choragen::Cli
