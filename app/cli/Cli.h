#pragma once

#include <QStringList>

namespace Choragen::Cli {

/// What main() should do with the arguments.
struct Invocation
{
    enum class Action { Window, Command, Exit };
    Action action = Action::Exit;
    int exitCode = 0; ///< for Exit
    QString command; ///< e.g. "config:status"; "config:secure" for --migrate
    QString provider;
    QString projectDir;
    QString output;
    QString storage;
    QString profile; ///< --profile: overrides the config's keyProfile; validated
    QStringList execCommand; ///< for exec: the program and its arguments
    bool json = false;
    bool dryRun = false;
    bool yes = false;
};

/// Parses argv (QCommandLineParser). --help, --version and usage errors print and give Exit.
Invocation parseArguments(const QStringList &arguments);

/// main()'s arguments as strings, in the local 8-bit encoding.
QStringList argumentsOf(int argc, char **argv);

/// Runs one config:* command; returns the exit code (0 ok, 1 failed, 2 usage, 3 keychain
/// unavailable, 4 config file invalid). Needs a QCoreApplication.
int runCommand(const Invocation &invocation);

/// The help text, also used for the man page.
QString helpText();

} // namespace Choragen::Cli
