// choragen-settings: the settings window. `choragen` with no command starts it; the desktop
// launcher runs it directly. Its options are parsed before the application object is made, so
// --help and --version work without a display.
#include "Display.h"
#include "GuiMain.h"
#include "Hardening.h"
#include "KeychainNaming.h"
#include "cli/Cli.h"
#include "cli/Terminal.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace {

using Choragen::Cli::printErr;
using Choragen::Cli::printOut;

const QLatin1String program("choragen-settings");

struct Arguments
{
    bool exit = false; ///< --help, --version or a usage error: exit with exitCode
    int exitCode = 0;
    QString projectDir;
    QString profile;
    bool migrate = false;
};

QString description()
{
    return QStringLiteral(
        "Opens Choragen's settings window: where each provider's API key lives (the\n"
        "environment, the keychain or the config file), masked, and where new keys go.\n"
        "When the project's config file holds plaintext keys and the keychain is usable,\n"
        "the migration wizard offers to move them into the keychain first, until the\n"
        "project chooses.\n"
        "\n"
        "For scripts, SSH sessions and CI use the command line: choragen --help.\n"
        "\n"
        "Exit codes:\n"
        "  0  the window was closed\n"
        "  1  no display (use choragen config:status)\n"
        "  2  usage error (unknown option, a project folder that does not exist)");
}

Arguments usage(const QString &message)
{
    printErr(QStringLiteral("%1: %2\nRun '%1 --help' for usage.\n").arg(program, message));
    Arguments arguments;
    arguments.exit = true;
    arguments.exitCode = 2;
    return arguments;
}

Arguments parseArguments(const QStringList &argv)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description());
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption project(QStringLiteral("project"),
                                     QStringLiteral("Use DIR/.choragen/config.json (default: the "
                                                    "nearest folder upwards with a .choragen/)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption profile(QStringLiteral("profile"),
                                     QStringLiteral("Use the keys of key profile NAME (keychain "
                                                    "accounts <provider>-api-key@NAME) instead of "
                                                    "the project's \"keyProfile\"."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption migrate(
        QStringLiteral("migrate"),
        QStringLiteral("Open the migration wizard straight away, also when the project keeps its "
                       "keys in the file; the settings window follows. Without plaintext keys or "
                       "a usable keychain the window opens and says why. 'choragen --migrate' "
                       "moves the keys without a window."));
    parser.addOptions({project, profile, migrate});
    parser.addHelpOption();
    parser.addVersionOption();

    if (!parser.parse(argv)) {
        // QCommandLineParser's own text quotes the option, which may be a pasted key.
        const QStringList unknown = parser.unknownOptionNames();
        if (!unknown.isEmpty())
            return usage(QStringLiteral("unknown option %1.")
                             .arg(Choragen::Cli::quotedArgument(unknown.first())));
        return usage(parser.errorText());
    }
    Arguments arguments;
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        // Without an application object Qt cannot name the program in its usage line.
        printOut(parser.helpText().replace(QLatin1String("<executable_name>"), argv.first()));
        arguments.exit = true;
        return arguments;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printOut(QStringLiteral("%1 %2\n").arg(program, QStringLiteral(CHORAGEN_VERSION)));
        arguments.exit = true;
        return arguments;
    }
    if (!parser.positionalArguments().isEmpty())
        // Not quoted: a stray argument may well be a pasted key.
        return usage(QStringLiteral("unexpected argument (%1 characters). Commands belong to "
                                    "the command line: choragen --help.")
                         .arg(parser.positionalArguments().first().size()));
    arguments.projectDir = parser.value(project);
    arguments.profile = parser.value(profile);
    if (parser.isSet(profile) && !Choragen::isValidProfileName(arguments.profile))
        // Not quoted: whatever was typed there may be a pasted key.
        return usage(QStringLiteral("invalid profile name (%1 characters): use 1-32 of a-z, 0-9, "
                                    "'-', '_' and '.', starting with a letter or digit.")
                         .arg(arguments.profile.size()));
    arguments.migrate = parser.isSet(migrate);
    return arguments;
}

} // namespace

int main(int argc, char **argv)
{
    Choragen::hardenProcess();
    // The same names as the command line: both read and write the same settings and paths.
    QCoreApplication::setApplicationName(QStringLiteral("choragen"));
    QCoreApplication::setOrganizationName(QStringLiteral("Choragen"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CHORAGEN_VERSION));

    const Arguments arguments = parseArguments(Choragen::Cli::argumentsOf(argc, argv));
    if (arguments.exit)
        return Choragen::Cli::checkStandardOutput(arguments.exitCode);
    if (!Choragen::hasDisplay()) {
        printErr(QStringLiteral("%1: error: no display (DISPLAY and WAYLAND_DISPLAY are unset), "
                                "so no settings window. 'choragen config:status' shows the same "
                                "from a terminal (choragen --help).\n")
                     .arg(program));
        return 1;
    }
    return Choragen::runWindow(argc, argv, arguments.projectDir, arguments.profile,
                               arguments.migrate ? Choragen::Launcher::Start::MigrationWizard
                                                 : Choragen::Launcher::Start::FirstRun);
}
