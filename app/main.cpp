#include "Hardening.h"
#include "cli/Cli.h"
#include "cli/Terminal.h"

#include <QCoreApplication>

#include <csignal>
#include <exception>

#if defined(CHORAGEN_WINDOW_MODULE)
#include "WindowLoader.h"
#elif defined(CHORAGEN_HAVE_UI)
#include "GuiMain.h"
#endif

namespace {

#ifdef CHORAGEN_HAVE_UI
// A window needs a display; over SSH or in CI there is none, and Qt would abort with a
// platform-plugin error. Say so and show the status instead.
bool hasDisplay()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
#else
    return true;
#endif
}
#endif

QStringList argumentsOf(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

} // namespace

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

    const QStringList arguments = argumentsOf(argc, argv);
    Invocation invocation;
    QString applicationDir;
    {
        // QCommandLineParser wants an application object for --version and --help.
        QCoreApplication probe(argc, argv);
        invocation = parseArguments(arguments);
        applicationDir = QCoreApplication::applicationDirPath();
    }
    if (invocation.action == Invocation::Action::Exit)
        return checkStandardOutput(invocation.exitCode);

    if (invocation.action == Invocation::Action::Window) {
#ifdef CHORAGEN_HAVE_UI
        if (hasDisplay()) {
#ifdef CHORAGEN_WINDOW_MODULE
            QString error;
            const int code = Choragen::runWindowModule(argc, argv, invocation.projectDir,
                                                       invocation.profile, applicationDir, error);
            if (code >= 0)
                return code;
            printErr(QStringLiteral("choragen: error: %1.\nReinstall Choragen to get the window "
                                    "back; the commands work without it (choragen --help).\n")
                         .arg(error));
            return 1;
#else
            return Choragen::runWindow(argc, argv, invocation.projectDir, invocation.profile);
#endif
        }
        printErr(QStringLiteral("choragen: no display (DISPLAY and WAYLAND_DISPLAY are unset), "
                                "so no settings window; showing config:status instead.\n"));
#endif
        invocation.command = QStringLiteral("config:status");
    }
    QCoreApplication app(argc, argv);
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
