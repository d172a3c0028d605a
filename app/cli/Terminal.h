#pragma once

#include "Error.h"

#include <QByteArray>
#include <QString>

namespace Choragen::Cli {

/// Whether standard input is a terminal (a person may answer).
bool stdinIsTerminal();

/// Reads a secret from standard input: with a prompt on stderr and no echo on a terminal, or
/// everything piped in otherwise (at most a little more than maxSecretBytes is read).
Error readSecret(const QString &prompt, QByteArray &secret);

/// Asks a yes/no question on the terminal; only "yes" (or "y") agrees.
bool confirm(const QString &question);

void printOut(const QString &text);
void printErr(const QString &text);

} // namespace Choragen::Cli
