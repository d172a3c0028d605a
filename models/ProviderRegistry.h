#pragma once

#include "Provider.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace Choragen {

class ConfigFile;

/// Whether a provider declared in a config may read its key from the variable @p name: only
/// names ending in `_API_KEY` (A-Z, 0-9, _) that no built-in provider uses, so a cloned
/// repository's config cannot hand the agent an ordinary secret such as GITHUB_TOKEN.
bool isAllowedDeclaredVariable(const QString &name);

/// The providers we know: the built-in table plus those declared under `providers` in the
/// config. Adding a provider is data, never code.
class ProviderRegistry
{
public:
    ProviderRegistry();
    explicit ProviderRegistry(const ConfigFile &config);

    /// anthropic, openai and google, in that order. Ollama is listed when the config has it.
    static QList<Provider> builtIns();

    QList<Provider> providers() const { return m_providers; }
    std::optional<Provider> find(const QString &id) const;
    QStringList ids() const;
    /// Declarations the registry ignored, for people (e.g. a variable that is not allowed).
    QStringList warnings() const { return m_warnings; }

private:
    QList<Provider> m_providers;
    QStringList m_warnings;
};

} // namespace Choragen
