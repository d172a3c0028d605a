#pragma once

#include <QList>
#include <QString>

namespace Choragen {

/// One model provider whose API key we store. Built-ins and config-declared ones look the same.
struct Provider
{
    QString id; ///< lower-case id, e.g. "anthropic"; the keychain account is "<id>-api-key"
    QString label; ///< for people, e.g. "Anthropic"
    QString envVar; ///< environment variable that overrides every store, e.g. "ANTHROPIC_API_KEY"
    /// A second variable read when the first is unset (google: GEMINI_API_KEY, the name
    /// Choragen's agent command line reads).
    QString altEnvVar;
    bool builtIn = false;
    /// False for a local model server (ollama): it has an address, not a key.
    bool needsKey = true;
};

/// True when @p name is 1 to @p maxLength of [a-z0-9._-], starting with a letter or digit: the
/// shape of provider ids and key profile names, safe in keychain account names.
bool isPlainName(const QString &name, qsizetype maxLength);

/// True when @p id is a valid provider id: 1-64 of [a-z0-9._-], starting with a letter or digit.
bool isValidProviderId(const QString &id);

} // namespace Choragen
