#pragma once

#include "Exposure.h"

#include <QList>
#include <QObject>

#include <functional>

namespace Choragen {

class CredentialStore;

/// The exposure checks for a project: gathers the keys in use now for @p providers (the
/// effective key found by CredentialStore::lookup, and the file's own key when it differs), then
/// runs checkExposureAsync() on the store's config file. Never blocks the caller: @p done comes
/// later from the event loop, once, unless @p context is destroyed first. The window and the
/// command line both use it.
void checkProjectExposure(CredentialStore &store, const QList<Provider> &providers,
                          QObject *context, std::function<void(ExposureReport)> done);

} // namespace Choragen
