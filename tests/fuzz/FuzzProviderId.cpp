// The provider-id validator against an independent oracle (a regular expression of the rule in
// Provider.h), and the keychain account names derived from valid ids.
#include "FuzzCheck.h"
#include "KeychainNaming.h"
#include "Provider.h"

#include <QRegularExpression>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    static const QRegularExpression rule(QStringLiteral("\\A[a-z0-9][a-z0-9._-]{0,63}\\z"));
    // The first byte picks the decoding, so ids beyond UTF-8 (lone surrogates) are tried too.
    if (size == 0)
        return 0;
    const auto *data = reinterpret_cast<const char *>(bytes + 1);
    const auto length = qsizetype(size - 1);
    const QString id = (bytes[0] & 1)
        ? QString::fromUtf16(reinterpret_cast<const char16_t *>(data), length / 2)
        : QString::fromUtf8(data, length);

    const bool valid = Choragen::isValidProviderId(id);
    FUZZ_CHECK(valid == rule.match(id).hasMatch());
    if (!valid)
        return 0;
    using Choragen::KeychainPlatform;
    FUZZ_CHECK(Choragen::keychainKey(id, {}, KeychainPlatform::Linux)
               == id + QStringLiteral("-api-key"));
    FUZZ_CHECK(Choragen::keychainKey(id, {}, KeychainPlatform::MacOS)
               == id + QStringLiteral("-api-key"));
    FUZZ_CHECK(Choragen::keychainKey(id, {}, KeychainPlatform::Windows)
               == QStringLiteral("choragen/") + id + QStringLiteral("-api-key"));
    return 0;
}
