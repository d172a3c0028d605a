#include "ProviderRegistry.h"

#include "ConfigFile.h"

namespace Choragen {

namespace {

struct BuiltIn
{
    const char *id;
    const char *label;
    const char *envVar;
};

constexpr BuiltIn builtInTable[] = {
    {"anthropic", "Anthropic", "ANTHROPIC_API_KEY"},
    {"openai", "OpenAI", "OPENAI_API_KEY"},
    {"google", "Google", "GOOGLE_API_KEY"},
};

} // namespace

QList<Provider> ProviderRegistry::builtIns()
{
    QList<Provider> providers;
    for (const BuiltIn &entry : builtInTable)
        providers << Provider {QString::fromLatin1(entry.id), QString::fromLatin1(entry.label),
                               QString::fromLatin1(entry.envVar), true};
    return providers;
}

ProviderRegistry::ProviderRegistry()
    : m_providers(builtIns())
{
}

ProviderRegistry::ProviderRegistry(const ConfigFile &config)
    : m_providers(builtIns())
{
    for (const Provider &declared : config.declaredProviders()) {
        auto existing = std::find_if(m_providers.begin(), m_providers.end(),
                                     [&](const Provider &p) { return p.id == declared.id; });
        if (existing == m_providers.end()) {
            m_providers << declared;
            continue;
        }
        // A declaration may relabel a built-in or point it at another variable.
        if (declared.label != declared.id)
            existing->label = declared.label;
        if (!declared.envVar.isEmpty())
            existing->envVar = declared.envVar;
    }
    // Keys in the file for undeclared providers still show up, so nothing is hidden.
    for (const QString &id : config.apiKeyProviders()) {
        if (!find(id))
            m_providers << Provider {id, id, QString(), false};
    }
}

std::optional<Provider> ProviderRegistry::find(const QString &id) const
{
    for (const Provider &provider : m_providers) {
        if (provider.id == id)
            return provider;
    }
    return std::nullopt;
}

QStringList ProviderRegistry::ids() const
{
    QStringList ids;
    for (const Provider &provider : m_providers)
        ids << provider.id;
    return ids;
}

} // namespace Choragen
