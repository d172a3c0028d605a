#pragma once

#include "Provider.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace Choragen {

class ConfigFile;

/// The providers we know: the built-in table plus those declared under `providers` in the
/// config. Adding a provider is data, never code.
class ProviderRegistry
{
public:
    ProviderRegistry();
    explicit ProviderRegistry(const ConfigFile &config);

    /// anthropic, openai and google, in that order.
    static QList<Provider> builtIns();

    QList<Provider> providers() const { return m_providers; }
    std::optional<Provider> find(const QString &id) const;
    QStringList ids() const;

private:
    QList<Provider> m_providers;
};

} // namespace Choragen
