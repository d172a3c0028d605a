// The secret validator and helpers: normalizeSecret() accepts exactly trimmed, printable,
// whitespace-free UTF-8 of 1–2048 bytes, is idempotent, and never quotes its input in an error;
// maskSecret() shows at most a known prefix and the last four characters; secretsEqual() agrees
// with ==.
#include "FuzzCheck.h"
#include "Secret.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

namespace {

bool isValidUtf8(const QByteArray &bytes)
{
    // Decoding replaces every invalid sequence, so only valid UTF-8 survives the round trip.
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

// Every number becomes one '#', so byte counts in messages compare equal whatever their value.
QByteArray digitsMasked(const QByteArray &text)
{
    QByteArray masked;
    for (const char c : text) {
        const bool digit = c >= '0' && c <= '9';
        if (!digit)
            masked += c;
        else if (!masked.endsWith('#'))
            masked += '#';
    }
    return masked;
}

// The message and fix of every way normalizeSecret() refuses a key, from inputs with no key
// material in them.
QByteArray allErrorWording()
{
    QByteArray wording;
    for (QByteArray sample : {QByteArray(), QByteArray(3000, 'a'), QByteArray("a b"),
                              QByteArray("a\x01"), QByteArray("\xff")}) {
        const Choragen::Error refused = Choragen::normalizeSecret(sample);
        wording += refused.message.toUtf8() + '\n' + refused.fix.toUtf8() + '\n';
    }
    return wording;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(bytes), qsizetype(size));
    QByteArray secret = input;
    const Choragen::Error error = Choragen::normalizeSecret(secret);

    if (!error.ok()) {
        FUZZ_CHECK(error.code == Choragen::ErrorCode::InvalidInput);
        // No run of 8 input bytes appears in the message or the fix, except as part of the fixed
        // wording every such error has (an input may well contain "plain text").
        static const QByteArray wording = digitsMasked(allErrorWording());
        const QByteArray message = digitsMasked(error.message.toUtf8() + '\n' + error.fix.toUtf8());
        const QByteArray trimmed = digitsMasked(input.trimmed());
        for (qsizetype i = 0; i + 8 <= trimmed.size() && i < 4096; ++i) {
            const QByteArray window = trimmed.mid(i, 8);
            FUZZ_CHECK(!message.contains(window) || wording.contains(window));
        }
        return 0;
    }

    FUZZ_CHECK(!secret.isEmpty());
    FUZZ_CHECK(secret.size() <= Choragen::maxSecretBytes);
    FUZZ_CHECK(input.contains(secret));
    FUZZ_CHECK(isValidUtf8(secret));
    for (const char c : secret) {
        const auto u = static_cast<unsigned char>(c);
        FUZZ_CHECK(u > 0x20 && u != 0x7f);
    }
    QByteArray twice = secret;
    FUZZ_CHECK(Choragen::normalizeSecret(twice).ok());
    FUZZ_CHECK(twice == secret);

    const QString mask = Choragen::maskSecret(secret);
    if (secret.size() < 16) {
        FUZZ_CHECK(mask == QStringLiteral("•••• (%1 characters)").arg(secret.size()));
    } else {
        // A known prefix (at most "sk-proj-"), an ellipsis, the last four bytes.
        const QString ellipsis = QStringLiteral("…");
        const qsizetype at = mask.indexOf(ellipsis);
        FUZZ_CHECK(at >= 0 && at <= 8);
        FUZZ_CHECK(secret.startsWith(mask.left(at).toUtf8()));
        FUZZ_CHECK(mask.mid(at + 1) == QString::fromUtf8(secret.right(4)));
    }

    FUZZ_CHECK(Choragen::secretsEqual(secret, secret));
    FUZZ_CHECK(Choragen::secretsEqual(secret, input) == (secret == input));
    QByteArray flipped = secret;
    flipped[flipped.size() / 2] = char(flipped.at(flipped.size() / 2) ^ 0x01);
    FUZZ_CHECK(!Choragen::secretsEqual(secret, flipped));
    FUZZ_CHECK(!Choragen::secretsEqual(secret, secret.left(secret.size() - 1)));

    Choragen::wipeSecret(flipped);
    FUZZ_CHECK(flipped.isEmpty());
    return 0;
}
