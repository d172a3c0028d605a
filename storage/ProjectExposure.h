#pragma once

#include "Exposure.h"

#include <QList>
#include <QObject>

#include <functional>

namespace Choragen {

class CredentialStore;

/// The exposure checks for a project: gathers the keys in use now for @p providers (each one's
/// environment variable, the key in the store's config as last loaded, and, unless the project
/// keeps its keys in the file, its keychain entry), then runs checkExposureAsync() on the store's
/// config file. A keychain that cannot answer leaves its keys out. Never blocks the caller: @p done
/// comes later from the event loop, once, unless @p context is destroyed first. The window and the
/// command line both use it. The providers of @p inKeychain are not read from the keychain: the
/// caller knows their keys there (a migration that just wrote and read them back).
void checkProjectExposure(CredentialStore &store, const QList<Provider> &providers,
                          QObject *context, std::function<void(ExposureReport)> done,
                          const QList<KeyInUse> &inKeychain = {});

} // namespace Choragen
