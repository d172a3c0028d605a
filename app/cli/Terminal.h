#pragma once

#include "Error.h"

#include <QByteArray>
#include <QString>

namespace Choragen::Cli {

/// An argument for an error message: quoted when it is a plain word (a command, option or
/// provider name), else only its length, as it may be a key pasted in the wrong place.
QString quotedArgument(const QString &argument);

/// Whether standard input is a terminal (a person may answer).
bool stdinIsTerminal();

/// Reads a secret from standard input: with a prompt on stderr and no echo on a terminal, or
/// everything piped in otherwise (at most a little more than maxSecretBytes is read).
Error readSecret(const QString &prompt, QByteArray &secret);

/// Asks a yes/no question on the terminal; only "yes" (or "y") agrees.
bool confirm(const QString &question);

/// Writes to standard output; a failed write (a closed pipe, a full disk) is remembered.
void printOut(const QString &text);
bool writeOut(const QByteArray &bytes);
void printErr(const QString &text);

/// The errno of the first write to standard output that failed, or 0.
int standardOutputError();

/// For main(): the exit code for a command that returned @p code, turned into a failure with a
/// message on standard error when its output did not reach standard output.
int checkStandardOutput(int code);

} // namespace Choragen::Cli
