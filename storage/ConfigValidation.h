#pragma once

#include "Error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace Choragen {

/// Parses @p data, the content of the config @p path, into @p parsed. Refuses invalid JSON and
/// an object with two members of the same name (which one counts would be ambiguous, and a
/// rewrite would drop the other) with the file, line and column. Messages never quote the
/// file's content, which may hold keys.
Error parseConfigJson(const QString &path, const QByteArray &data, nlohmann::ordered_json &parsed);

/// Checks the members this app reads: a top-level object; `credentialStorage`, `keyProfile`,
/// `apiKeys` and `providers` of the types and values the format defines, with valid provider
/// ids. Messages name @p path and say the file was left untouched.
Error validateConfigJson(const QString &path, const nlohmann::ordered_json &json);

/// Members of @p json holding a string that looks like a key in a place this app does not read
/// keys from; see ConfigFile::unrecognizedSecrets().
QStringList findUnrecognizedSecrets(const nlohmann::ordered_json &json);

/// The error for a config whose unrecognizedSecrets() is not empty: names each member path (never
/// a value) and says where keys belong. Exit code 1; the file is left as it was.
Error unrecognizedSecretsError(const QString &configPath, const QStringList &paths);

} // namespace Choragen
