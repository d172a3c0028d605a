#include "ProviderRegistry.h"

#include "ConfigFile.h"

#include <algorithm>

namespace Choragen {

namespace {

struct BuiltIn
{
    const char *id;
    const char *label;
    const char *envVar;
    const char *altEnvVar;
};

// GOOGLE_API_KEY wins over GEMINI_API_KEY, as in Google's own client libraries.
constexpr BuiltIn builtInTable[] = {
    {"anthropic", "Anthropic", "ANTHROPIC_API_KEY", ""},
    {"openai", "OpenAI", "OPENAI_API_KEY", ""},
    {"google", "Google", "GOOGLE_API_KEY", "GEMINI_API_KEY"},
};

// Choragen's local model server: configured with an address, never with a key.
const char *const ollamaId = "ollama";

bool isBuiltInVariable(const QString &name)
{
    return std::any_of(std::begin(builtInTable), std::end(builtInTable), [&](const BuiltIn &b) {
        return name == QLatin1String(b.envVar) || name == QLatin1String(b.altEnvVar);
    });
}

} // namespace

bool isAllowedDeclaredVariable(const QString &name)
{
    if (!name.endsWith(QLatin1String("_API_KEY")) || name.size() > 64
        || name == QLatin1String("_API_KEY"))
        return false;
    for (const QChar c : name) {
        if (!((c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_'))
            return false;
    }
    return !name.at(0).isDigit() && !isBuiltInVariable(name);
}

QList<Provider> ProviderRegistry::builtIns()
{
    QList<Provider> providers;
    for (const BuiltIn &entry : builtInTable) {
        Provider provider;
        provider.id = QString::fromLatin1(entry.id);
        provider.label = QString::fromLatin1(entry.label);
        provider.envVar = QString::fromLatin1(entry.envVar);
        provider.altEnvVar = QString::fromLatin1(entry.altEnvVar);
        provider.builtIn = true;
        providers << provider;
    }
    return providers;
}

ProviderRegistry::ProviderRegistry()
    : m_providers(builtIns())
{
}

ProviderRegistry::ProviderRegistry(const ConfigFile &config)
    : m_providers(builtIns())
{
    for (Provider declared : config.declaredProviders()) {
        // A project's config may come from a cloned repository: it cannot redefine a built-in
        // provider (its label or the variable its key is read from).
        if (find(declared.id))
            continue;
        if (declared.id == QLatin1String(ollamaId)) {
            declared.label = QStringLiteral("Ollama");
            declared.envVar.clear();
            declared.builtIn = true;
        } else if (!declared.envVar.isEmpty() && !isAllowedDeclaredVariable(declared.envVar)) {
            // The name is not quoted: a key pasted into "env" would land in the message.
            m_warnings << QStringLiteral("The provider \"%1\" names a variable for its key "
                                         "that is not read: only names ending in _API_KEY that "
                                         "no built-in provider uses are allowed.")
                              .arg(declared.id);
            declared.envVar.clear();
        }
        m_providers << declared;
    }
    // Keys in the 0.1 `apiKeys` map for providers not declared still show up: nothing is hidden.
    for (const QString &id : config.apiKeyProviders()) {
        if (!find(id))
            m_providers << Provider {id, id, QString(), QString(), false, true};
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
