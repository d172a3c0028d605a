#include "KeyFormatHint.h"

#include <QCoreApplication>

#include <array>

namespace Choragen {

namespace {

struct KnownFormat
{
    const char *providerId;
    const char *label;
    const char *prefix;
};

// Most specific first: every Anthropic key also starts with "sk-".
constexpr std::array<KnownFormat, 3> knownFormats = {{
    {"anthropic", "Anthropic", "sk-ant-"},
    {"google", "Google", "AIza"},
    {"openai", "OpenAI", "sk-"},
}};

const KnownFormat *formatOfKey(const QString &key)
{
    for (const KnownFormat &format : knownFormats) {
        if (key.startsWith(QLatin1String(format.prefix)))
            return &format;
    }
    return nullptr;
}

const KnownFormat *formatOfProvider(const QString &providerId)
{
    for (const KnownFormat &format : knownFormats) {
        if (providerId == QLatin1String(format.providerId))
            return &format;
    }
    return nullptr;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("Choragen::KeyFormatHint", text);
}

} // namespace

QString keyFormatHint(const QString &providerId, const QString &providerLabel, const QString &key)
{
    const QString trimmed = key.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (trimmed.contains(QLatin1Char(' ')))
        return tr("The key contains a space; API keys have none. Check what you pasted.");
    const KnownFormat *expected = formatOfProvider(providerId);
    const KnownFormat *found = formatOfKey(trimmed);
    if (found && found != expected)
        return tr("This looks like a key for %1 (it starts with “%2”), not for %3.")
            .arg(QLatin1String(found->label), QLatin1String(found->prefix), providerLabel);
    if (expected && !found)
        return tr("%1 keys usually start with “%2”. Check that you pasted the whole key.")
            .arg(providerLabel, QLatin1String(expected->prefix));
    return {};
}

} // namespace Choragen
