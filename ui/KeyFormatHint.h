#pragma once

#include <QString>

namespace Choragen {

// A gentle warning when a key does not look like one of @p providerId's keys, e.g. an Anthropic
// key pasted into the OpenAI row. Empty when it looks right or nothing is known. Never a refusal.
QString keyFormatHint(const QString &providerId, const QString &providerLabel, const QString &key);

} // namespace Choragen
