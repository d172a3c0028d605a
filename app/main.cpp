#include "Hardening.h"
#include "cli/Cli.h"
#include "cli/Terminal.h"

#include <QCoreApplication>

#include <csignal>
#include <exception>

#ifdef CHORAGEN_HAVE_UI
#include "Display.h"
#include "SettingsLauncher.h"
#endif

int main(int argc, char **argv)
{
    Choragen::hardenProcess();
#ifndef Q_OS_WIN
    // A closed pipe on standard output is reported as a failed write, not a silent death.
    std::signal(SIGPIPE, SIG_IGN);
#endif
    using namespace Choragen::Cli;
    QCoreApplication::setApplicationName(QStringLiteral("choragen"));
    QCoreApplication::setOrganizationName(QStringLiteral("Choragen"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CHORAGEN_VERSION));

    // The one application object: --help names the program through it, and commands run in it.
    // The window is another executable, so this process never needs a QApplication.
    QCoreApplication app(argc, argv);
    Invocation invocation = parseArguments(argumentsOf(argc, argv));
    if (invocation.action == Invocation::Action::Exit)
        return checkStandardOutput(invocation.exitCode);

    if (invocation.action == Invocation::Action::Window) {
#ifdef CHORAGEN_HAVE_UI
        if (Choragen::hasDisplay()) {
            QString error;
            const int code
                = Choragen::startSettingsWindow(QCoreApplication::applicationDirPath(),
                                                invocation.projectDir, invocation.profile, error);
            if (code >= 0)
                return code;
            printErr(QStringLiteral("choragen: error: %1.\nReinstall Choragen to get the window "
                                    "back; the commands work without it (choragen --help).\n")
                         .arg(error));
            return 1;
        }
        printErr(QStringLiteral("choragen: no display (DISPLAY and WAYLAND_DISPLAY are unset), "
                                "so no settings window; showing config:status instead.\n"));
#endif
        invocation.command = QStringLiteral("config:status");
    }
    int code = 1;
    try {
        code = runCommand(invocation);
    } catch (const std::exception &) {
        // The last line of defence; each layer reports its own errors as values. The exception's
        // text is not shown: it may quote a value from the config file or the keychain.
        printErr(QStringLiteral("choragen: internal error: the command stopped unexpectedly. "
                                "Please report this as a bug.\n"));
        code = 1;
    }
    return checkStandardOutput(code);
}
