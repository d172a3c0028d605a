#include "Secret.h"

#include <QByteArrayView>

#include <array>
#include <cstddef>

namespace Choragen {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

} // namespace

Error normalizeSecret(QByteArray &secret)
{
    qsizetype begin = 0;
    qsizetype end = secret.size();
    while (begin < end && isSpace(secret.at(begin)))
        ++begin;
    while (end > begin && isSpace(secret.at(end - 1)))
        --end;
    if (begin == end)
        return Error::make(ErrorCode::InvalidInput, QStringLiteral("The API key is empty."),
                           QStringLiteral("Pipe the key on standard input, for example: "
                                          "choragen config:set anthropic < key.txt"));
    if (end - begin > maxSecretBytes)
        return Error::make(ErrorCode::InvalidInput,
                           QStringLiteral("The API key is %1 bytes long; at most %2 are accepted.")
                               .arg(end - begin)
                               .arg(maxSecretBytes),
                           QStringLiteral("Check that standard input holds only the key."));
    for (qsizetype i = begin; i < end; ++i) {
        const auto c = static_cast<unsigned char>(secret.at(i));
        if (isSpace(static_cast<char>(c)))
            return Error::make(
                ErrorCode::InvalidInput,
                QStringLiteral("The API key contains whitespace at byte %1.").arg(i - begin + 1),
                QStringLiteral("Give exactly one key, on one line."));
        if (c < 0x20 || c == 0x7f)
            return Error::make(
                ErrorCode::InvalidInput,
                QStringLiteral("The API key contains a control character at byte %1.")
                    .arg(i - begin + 1),
                QStringLiteral("Give the key as plain text."));
    }
    QByteArray trimmed = secret.mid(begin, end - begin);
    // Checked in place: decoding would leave a UTF-16 copy of the key behind.
    if (!QByteArrayView(trimmed).isValidUtf8()) {
        wipeSecret(trimmed);
        return Error::make(ErrorCode::InvalidInput,
                           QStringLiteral("The API key is not valid UTF-8."),
                           QStringLiteral("Give the key as plain text."));
    }
    wipeSecret(secret);
    secret = trimmed;
    return Error::none();
}

Error checkStoredSecret(const QByteArray &secret)
{
    if (secret.size() > maxSecretBytes)
        return Error::make(ErrorCode::InvalidInput,
                           QStringLiteral("the key is %1 bytes long; at most %2 are accepted")
                               .arg(secret.size())
                               .arg(maxSecretBytes));
    if (!QByteArrayView(secret).isValidUtf8())
        return Error::make(ErrorCode::InvalidInput,
                           QStringLiteral("the key is not valid UTF-8 text"));
    return Error::none();
}

QString maskSecret(const QByteArray &secret)
{
    static const std::array<const char *, 5> prefixes
        = {"sk-ant-", "sk-proj-", "sk-", "AIza", "gsk_"};
    const QString ellipsis = QStringLiteral("…");
    if (secret.isEmpty())
        return {};
    // Short values would be mostly revealed by a head and a tail: show nothing of them.
    if (secret.size() < 16)
        return QStringLiteral("•••• (%1 characters)").arg(secret.size());
    QString head;
    for (const char *prefix : prefixes) {
        if (secret.startsWith(prefix)) {
            head = QString::fromLatin1(prefix);
            break;
        }
    }
    return head + ellipsis + QString::fromUtf8(secret.right(4));
}

void zeroBytes(QByteArray &buffer)
{
    // Only a buffer nobody shares is ours to overwrite; data() on a shared one would copy it.
    if (buffer.isEmpty() || !buffer.isDetached())
        return;
    volatile char *p = buffer.data();
    for (qsizetype i = 0; i < buffer.size(); ++i)
        p[i] = 0;
}

void wipeSecret(QByteArray &secret)
{
    zeroBytes(secret);
    secret.clear();
}

void zeroString(QString &text)
{
    if (text.isEmpty() || !text.isDetached())
        return;
    volatile char16_t *p = reinterpret_cast<char16_t *>(text.data());
    for (qsizetype i = 0; i < text.size(); ++i)
        p[i] = 0;
}

void wipeString(QString &text)
{
    zeroString(text);
    text.clear();
}

bool secretsEqual(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace Choragen
