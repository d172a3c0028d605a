#pragma once

#include "Error.h"

#include <QByteArray>
#include <QString>

namespace Choragen {

/// The largest API key we accept, in bytes. Real keys are well under 256 bytes.
constexpr qsizetype maxSecretBytes = 2048;

/// Trims surrounding whitespace (a trailing newline from `echo` included) and checks what remains:
/// not empty, at most maxSecretBytes, valid UTF-8, no control characters, no inner whitespace.
/// On success @p secret holds the trimmed value. The error message never quotes the secret.
Error normalizeSecret(QByteArray &secret);

/// Checks a key that was stored rather than typed (in the config file or the keychain) before it
/// is moved: at most maxSecretBytes, and valid UTF-8, the only text a JSON file can hold. Never
/// changes or quotes it; the message names neither provider nor place (callers add those).
Error checkStoredSecret(const QByteArray &secret);

/// A masked preview for people, e.g. "sk-ant-…9f3a". Short secrets show no characters at all.
QString maskSecret(const QByteArray &secret);

/// Overwrites every byte of @p buffer with zero, in place, if nobody else shares it.
void zeroBytes(QByteArray &buffer);

/// Overwrites the bytes of @p secret before releasing them, for buffers this code owns.
void wipeSecret(QByteArray &secret);

/// zeroBytes() and wipeSecret() for a decoded (UTF-16) copy of a secret.
void zeroString(QString &text);
void wipeString(QString &text);

/// Compares two secrets in time independent of where they differ.
bool secretsEqual(const QByteArray &a, const QByteArray &b);

} // namespace Choragen
