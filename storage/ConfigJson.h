#pragma once

// The member names of the config format and the string conversions that the files reading and
// checking a config share. Internal to storage/.

#include <QString>

#include <string>

namespace Choragen::ConfigJson {

inline constexpr char kStorage[] = "credentialStorage";
inline constexpr char kApiKeys[] = "apiKeys";
inline constexpr char kApiKey[] = "apiKey";
inline constexpr char kProviders[] = "providers";
inline constexpr char kProfile[] = "keyProfile";

inline QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

inline std::string toStd(const QString &s)
{
    return s.toStdString();
}

} // namespace Choragen::ConfigJson
