#include "Cli.h"

#include "Commands.h"
#include "KeychainNaming.h"
#include "Terminal.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace Choragen::Cli {

namespace {

const QStringList commands = {
    QStringLiteral("config:secure"), QStringLiteral("config:export"),
    QStringLiteral("config:status"), QStringLiteral("config:set"),
    QStringLiteral("config:get"),    QStringLiteral("config:unset"),
    QStringLiteral("config:doctor"), QStringLiteral("exec"),
};

QString description()
{
    return QStringLiteral(
        "Keeps Choragen's API keys in the operating system's keychain.\n"
        "\n"
        "Commands:\n"
        "  (none)                      open the settings window (choragen-settings; without\n"
        "                              a display, config:status instead)\n"
        "  --migrate, config:secure    move keys from the config file into the keychain\n"
        "                              (--dry-run shows what would move)\n"
        "  config:export [--yes]       move keys from the keychain into the config file,\n"
        "                              UNENCRYPTED; --yes is required without a terminal\n"
        "  config:export --output FILE write a 0600 copy with the keys to FILE; storage\n"
        "                              does not change\n"
        "  config:status [--json]      where each key lives, masked, and the keychain's state\n"
        "  config:set PROVIDER         store a key read from standard input (no echo on a\n"
        "                              terminal); --storage keychain|file picks the place\n"
        "  config:get PROVIDER         print the effective key, for scripts (exit 0 also when\n"
        "                              the file holds a different key: that is reported on\n"
        "                              stderr and the key the project uses is printed)\n"
        "  config:unset PROVIDER       delete the key from where this project reads it; the\n"
        "                              keychain entry is shared by every project using it;\n"
        "                              --storage keychain|file deletes from that place only\n"
        "  config:doctor [--json]      check the whole setup: keychain round trip, the\n"
        "                              file's permissions, overrides, conflicts, and keys\n"
        "                              exposed through git; changes nothing\n"
        "  exec -- COMMAND [ARGS...]   run COMMAND with every provider's effective key in its\n"
        "                              environment only (google also as GEMINI_API_KEY);\n"
        "                              variables already set win; returns COMMAND's exit\n"
        "                              status (127: it could not be started)\n"
        "\n"
        "Keys live in <project>/.choragen/config.json as providers.<id>.apiKey, or in the\n"
        "keychain (service \"choragen\", account \"<id>-api-key\"). A key is read from the\n"
        "provider's environment variable first (google: GOOGLE_API_KEY, then GEMINI_API_KEY);\n"
        "then \"credentialStorage\" decides: \"keychain\" reads the keychain, \"file\" only\n"
        "the file, and an undecided project its file's key if it has one, else the keychain.\n"
        "\n"
        "Key profiles: \"keyProfile\": \"work\" in the config, or --profile work on any\n"
        "command, uses the keychain accounts \"<id>-api-key@work\" instead.\n"
        "\n"
        "Exit codes:\n"
        "  0  ok\n"
        "  1  failed; nothing was lost (e.g. a conflict, a key that did not verify, output\n"
        "     that could not be written); config:doctor found a problem\n"
        "  2  usage error (unknown command, provider or option; a rejected key; an export\n"
        "     not confirmed)\n"
        "  3  keychain unavailable (no D-Bus session, no Secret Service, locked, denied,\n"
        "     timed out). In a desktop session a locked keychain shows its own unlock\n"
        "     prompt first, and the command waits for it (up to the keychain timeout).\n"
        "  4  config file invalid (left untouched)");
}

struct Options
{
    QCommandLineOption project {QStringLiteral("project"),
                                QStringLiteral("Use DIR/.choragen/config.json (default: the "
                                               "nearest folder upwards with a .choragen/)."),
                                QStringLiteral("DIR")};
    QCommandLineOption migrate {QStringLiteral("migrate"),
                                QStringLiteral("Same as config:secure.")};
    QCommandLineOption dryRun {QStringLiteral("dry-run"),
                               QStringLiteral("With --migrate: show what would move; change "
                                              "nothing.")};
    QCommandLineOption json {QStringLiteral("json"),
                             QStringLiteral("With config:status or config:doctor: print one "
                                            "JSON object.")};
    QCommandLineOption yes {QStringLiteral("yes"),
                            QStringLiteral("With config:export: do not ask for confirmation.")};
    QCommandLineOption output {QStringLiteral("output"),
                               QStringLiteral("With config:export: write a copy to FILE."),
                               QStringLiteral("FILE")};
    QCommandLineOption profile {QStringLiteral("profile"),
                                QStringLiteral("Use the keys of key profile NAME (keychain "
                                               "accounts <provider>-api-key@NAME) instead of the "
                                               "project's \"keyProfile\"."),
                                QStringLiteral("NAME")};
    QCommandLineOption storage {
        QStringLiteral("storage"),
        QStringLiteral("With config:set and config:unset: keychain or file."),
        QStringLiteral("WHERE")};
};

void setUp(QCommandLineParser &parser, const Options &options)
{
    parser.setApplicationDescription(description());
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOptions({options.project, options.migrate, options.dryRun, options.json, options.yes,
                       options.output, options.storage, options.profile});
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("A config:* command (see above)."),
                                 QStringLiteral("[command]"));
    parser.addPositionalArgument(QStringLiteral("provider"),
                                 QStringLiteral("Provider id for set, get and unset."),
                                 QStringLiteral("[provider]"));
}

Invocation usage(const QString &message)
{
    printErr(QStringLiteral("choragen: %1\nRun 'choragen --help' for usage.\n").arg(message));
    Invocation invocation;
    invocation.exitCode = 2;
    return invocation;
}

} // namespace

QString helpText()
{
    QCommandLineParser parser;
    Options options;
    setUp(parser, options);
    return parser.helpText();
}

QStringList argumentsOf(int argc, char **argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    return arguments;
}

Invocation parseArguments(const QStringList &arguments)
{
    QCommandLineParser parser;
    Options options;
    setUp(parser, options);
    if (!parser.parse(arguments)) {
        // QCommandLineParser's own text quotes the option, which may be a pasted key.
        const QStringList unknown = parser.unknownOptionNames();
        if (!unknown.isEmpty())
            return usage(QStringLiteral("unknown option %1.").arg(quotedArgument(unknown.first())));
        return usage(parser.errorText());
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return {};
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printOut(QStringLiteral("choragen %1\n").arg(QCoreApplication::applicationVersion()));
        return {};
    }

    Invocation invocation;
    invocation.projectDir = parser.value(options.project);
    invocation.json = parser.isSet(options.json);
    invocation.dryRun = parser.isSet(options.dryRun);
    invocation.yes = parser.isSet(options.yes);
    invocation.output = parser.value(options.output);
    invocation.storage = parser.value(options.storage);
    invocation.profile = parser.value(options.profile);
    if (parser.isSet(options.profile) && !isValidProfileName(invocation.profile))
        // Not quoted: whatever was typed there may be a pasted key.
        return usage(QStringLiteral("invalid profile name (%1 characters): use 1-32 of a-z, 0-9, "
                                    "'-', '_' and '.', starting with a letter or digit.")
                         .arg(invocation.profile.size()));
    QStringList positional = parser.positionalArguments();

    if (parser.isSet(options.migrate)) {
        if (!positional.isEmpty() && positional.first() != QLatin1String("config:secure"))
            return usage(QStringLiteral("--migrate takes no command."));
        if (!positional.isEmpty())
            positional.removeFirst();
        invocation.command = QStringLiteral("config:secure");
    } else if (!positional.isEmpty()) {
        invocation.command = positional.takeFirst();
        if (!commands.contains(invocation.command))
            return usage(
                QStringLiteral("unknown command %1. Commands: %2.")
                    .arg(quotedArgument(invocation.command), commands.join(QStringLiteral(", "))));
    }

    const bool takesProvider = invocation.command == QLatin1String("config:set")
        || invocation.command == QLatin1String("config:get")
        || invocation.command == QLatin1String("config:unset");
    if (takesProvider) {
        if (positional.isEmpty())
            return usage(QStringLiteral("%1 needs a provider, e.g. '%1 anthropic'.")
                             .arg(invocation.command));
        invocation.provider = positional.takeFirst();
    }
    if (invocation.command == QLatin1String("exec")) {
        if (positional.isEmpty())
            return usage(QStringLiteral("exec needs a command: 'choragen exec -- COMMAND "
                                        "[ARGS...]'."));
        invocation.execCommand = positional;
        positional.clear();
    }
    if (!positional.isEmpty())
        // Not quoted: a stray argument may well be a pasted key.
        return usage(QStringLiteral("unexpected extra argument (%1 characters). Keys are never "
                                    "taken from the command line: pipe them on standard input, "
                                    "e.g. 'choragen config:set anthropic < key.txt'.")
                         .arg(positional.first().size()));

    // Each option belongs to one command; anything else is a mistake worth saying.
    const auto onlyWith = [&](const QCommandLineOption &option, const QStringList &allowed) {
        return !parser.isSet(option) || allowed.contains(invocation.command);
    };
    if (!onlyWith(options.dryRun, {QStringLiteral("config:secure")}))
        return usage(QStringLiteral("--dry-run goes with --migrate / config:secure."));
    if (!onlyWith(options.json, {QStringLiteral("config:status"), QStringLiteral("config:doctor")}))
        return usage(QStringLiteral("--json goes with config:status or config:doctor."));
    if (!onlyWith(options.yes, {QStringLiteral("config:export")}))
        return usage(QStringLiteral("--yes goes with config:export."));
    if (!onlyWith(options.output, {QStringLiteral("config:export")}))
        return usage(QStringLiteral("--output goes with config:export."));
    if (!onlyWith(options.storage, {QStringLiteral("config:set"), QStringLiteral("config:unset")}))
        return usage(QStringLiteral("--storage goes with config:set and config:unset."));
    if (parser.isSet(options.storage) && invocation.storage != QLatin1String("keychain")
        && invocation.storage != QLatin1String("file"))
        return usage(QStringLiteral("--storage must be 'keychain' or 'file'."));

    invocation.action
        = invocation.command.isEmpty() ? Invocation::Action::Window : Invocation::Action::Command;
    return invocation;
}

int runCommand(const Invocation &invocation)
{
    Commands commands(invocation);
    return commands.run();
}

} // namespace Choragen::Cli
