// The window is its own executable, choragen-settings, beside the widget-free command line.
// `choragen` with no command becomes the window (same process, the window's exit status); a
// missing window is reported as such while the commands keep working; the command line never
// links or loads the widget libraries; `choragen-settings --migrate` opens the wizard.
#include "StoreFixtures.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

// The window's own record of what it shows (Launcher's debug lines, category choragen.ui).
QProcessEnvironment windowEnvironment()
{
    QProcessEnvironment env = TestSupport::cleanEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"QT_LOGGING_RULES"_s, u"choragen.ui.debug=true"_s);
    return env;
}

// The values of the entries of @p tag (NEEDED, RUNPATH, RPATH) in @p binary's dynamic section.
QStringList dynamicEntries(const QString &binary, const QString &tag)
{
    QProcess readelf;
    readelf.start(u"readelf"_s, {u"-d"_s, binary});
    if (!readelf.waitForFinished(30000) || readelf.exitCode() != 0)
        return {u"readelf failed"_s};
    QStringList values;
    const QStringList lines = QString::fromLocal8Bit(readelf.readAllStandardOutput()).split(u'\n');
    for (const QString &line : lines) {
        if (line.contains(u'(' + tag + u')'))
            values << line.section(u'[', 1).section(u']', 0, 0);
    }
    return values;
}

QStringList neededLibraries(const QString &binary)
{
    return dynamicEntries(binary, u"NEEDED"_s);
}

} // namespace

class TestSettingsExecutable : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_choragen = qEnvironmentVariable("CHORAGEN_BINARY");
        m_settings = qEnvironmentVariable("CHORAGEN_SETTINGS_BINARY");
        QVERIFY2(!m_choragen.isEmpty() && !m_settings.isEmpty(),
                 "CHORAGEN_BINARY and CHORAGEN_SETTINGS_BINARY are set by CTest");
        QCOMPARE(QFileInfo(m_settings).absolutePath(), QFileInfo(m_choragen).absolutePath());
    }

    // What the dynamic linker is told to load: QtCore for the command line, never a widget,
    // GUI or SVG library; those belong to the window.
    void commandLineLinksNoWidgetLibraries()
    {
        const QStringList cli = neededLibraries(m_choragen);
        QVERIFY2(cli.contains(u"libQt6Core.so.6"_s), qPrintable(cli.join(u' ')));
        for (const QString &library : cli) {
            QVERIFY2(!library.startsWith(u"libQt6Widgets"_s) && !library.startsWith(u"libQt6Gui"_s)
                         && !library.startsWith(u"libQt6Svg"_s),
                     qPrintable(library + u" is linked by choragen"_s));
        }
        const QStringList window = neededLibraries(m_settings);
        QVERIFY2(window.contains(u"libQt6Widgets.so.6"_s), qPrintable(window.join(u' ')));
    }

    // Every library comes from the system's folders: no RUNPATH or RPATH, whose empty entries
    // the loader would read as the current folder (a cloned repository's, say).
    void noLibrarySearchPath()
    {
        for (const QString &binary : {m_choragen, m_settings}) {
            QCOMPARE(dynamicEntries(binary, u"RUNPATH"_s), QStringList());
            QCOMPARE(dynamicEntries(binary, u"RPATH"_s), QStringList());
        }
    }

    // The dynamic loader's own record (LD_DEBUG=files) of every library the process opened.
    void commandsDoNotLoadTheWidgetLibraries()
    {
        Project project;
        project.writeConfig(R"({"storage": "file"})");
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"LD_DEBUG"_s, u"files"_s);
        process.setProcessEnvironment(env);
        process.start(m_choragen, {u"--project"_s, project.path(), u"config:status"_s});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const QString trace = QString::fromLocal8Bit(process.readAllStandardError());
        QVERIFY2(trace.contains(u"libQt6Core.so"_s), "LD_DEBUG=files traces the libraries");
        for (const QString &library : {u"libQt6Widgets"_s, u"libQt6Gui"_s, u"libQt6Svg"_s})
            QVERIFY2(!trace.contains(library), qPrintable(library + u" was loaded"_s));
    }

    // With no command and a display, the choragen process becomes choragen-settings: the same
    // pid, the window's arguments, and the window's exit status.
    void noCommandBecomesTheSettingsWindow()
    {
        Project project;
        project.writeConfig(R"({"credentialStorage": "file"})");
        QProcess process;
        QProcessEnvironment env = windowEnvironment();
        // No keychain to ask: the window shows at once.
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent"_s);
        process.setProcessEnvironment(env);
        process.start(m_choragen, {u"--project"_s, project.path(), u"--profile"_s, u"work"_s});
        QVERIFY(process.waitForStarted());
        QString err;
        QVERIFY2(TestSupport::waitForStandardError(process, err, u"showing the settings window"_s),
                 qPrintable(err));

        const QString proc = u"/proc/%1/"_s.arg(process.processId());
        QCOMPARE(QFileInfo(proc + u"exe"_s).canonicalFilePath(),
                 QFileInfo(m_settings).canonicalFilePath());
        QFile cmdline(proc + u"cmdline"_s);
        QVERIFY(cmdline.open(QIODevice::ReadOnly));
        const QList<QByteArray> argv = cmdline.readAll().split('\0');
        QCOMPARE(argv.mid(1, 4),
                 QList<QByteArray>(
                     {"--project", QFile::encodeName(project.path()), "--profile", "work"}));

        // Ended by a signal, as the window is: nothing in between turns it into an exit code.
        process.terminate();
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::CrashExit);
    }

    void windowExitStatusIsChoragens()
    {
        QProcess process;
        process.setProcessEnvironment(windowEnvironment());
        process.start(m_choragen, {u"--project"_s, u"/nonexistent/choragen-project"_s});
        QVERIFY(process.waitForFinished(30000));
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 2);
        QVERIFY2(err.contains(u"choragen-settings: error: the project folder"_s), qPrintable(err));
    }

    void missingSettingsExecutableIsReported()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString copy = folder.filePath(u"choragen"_s);
        QVERIFY(QFile::copy(m_choragen, copy));
        Project project;
        QProcessEnvironment env = windowEnvironment();
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent"_s);
        const TestSupport::Run run
            = TestSupport::runProgram(copy, {u"--project"_s, project.path()}, {}, env);
        const QString err = QString::fromLocal8Bit(run.err);
        QVERIFY(!run.crashed);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(err.contains(u"the settings window is not installed"_s), qPrintable(err));
        QVERIFY2(err.contains(folder.filePath(u"choragen-settings"_s)), qPrintable(err));
        QVERIFY2(err.contains(u"choragen --help"_s), qPrintable(err));

        // The commands work without it.
        const TestSupport::Run status = TestSupport::runProgram(
            copy, {u"--project"_s, project.path(), u"config:status"_s}, {}, env);
        QCOMPARE(status.exitCode, 0);
        QVERIFY(status.out.contains("Config file:"));
    }

    void settingsExecutableThatCannotStartIsReported()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString copy = folder.filePath(u"choragen"_s);
        QVERIFY(QFile::copy(m_choragen, copy));
        QFile notExecutable(folder.filePath(u"choragen-settings"_s));
        QVERIFY(notExecutable.open(QIODevice::WriteOnly));
        notExecutable.close();
        QVERIFY(notExecutable.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        Project project;
        const TestSupport::Run run = TestSupport::runProgram(copy, {u"--project"_s, project.path()},
                                                             {}, windowEnvironment());
        const QString err = QString::fromLocal8Bit(run.err);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(err.contains(u"the settings window could not be started"_s), qPrintable(err));
        QVERIFY2(err.contains(notExecutable.fileName()), qPrintable(err));
    }

    // help2man and a person over SSH both run these without a display.
    void helpAndVersionNeedNoDisplay()
    {
        QProcessEnvironment env = TestSupport::cleanEnvironment();
        for (const QString &var : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s})
            env.remove(var);
        const TestSupport::Run help = TestSupport::runProgram(m_settings, {u"--help"_s}, {}, env);
        QCOMPARE(help.exitCode, 0);
        const QByteArray usage = "Usage: " + QFile::encodeName(m_settings) + " [options]\n";
        QVERIFY2(help.out.startsWith(usage), help.out.constData());
        QVERIFY(help.out.contains("--migrate"));
        QVERIFY(help.out.contains("--project <DIR>"));
        const TestSupport::Run version
            = TestSupport::runProgram(m_settings, {u"--version"_s}, {}, env);
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, QByteArray("choragen-settings " CHORAGEN_VERSION "\n"));

        const TestSupport::Run noDisplay = TestSupport::runProgram(m_settings, {}, {}, env);
        QCOMPARE(noDisplay.exitCode, 1);
        QVERIFY2(noDisplay.err.contains("no display"), noDisplay.err.constData());
        QVERIFY(!noDisplay.err.contains("platform plugin"));
    }

    void badArgumentsAreUsageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown option")
            << QStringList {u"--frobnicate"_s} << QByteArray("'frobnicate'");
        QTest::newRow("a command")
            << QStringList {u"config:status"_s} << QByteArray("choragen --help");
        QTest::newRow("pasted key as profile")
            << QStringList {u"--profile"_s, u"sk-FAKE-Settings-00000000000000a7"_s}
            << QByteArray("invalid profile name (33 characters)");
    }
    void badArgumentsAreUsageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, message);
        const TestSupport::Run run
            = TestSupport::runProgram(m_settings, arguments, {}, windowEnvironment());
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), run.err.constData());
        QVERIFY(!run.all().contains("sk-FAKE-Settings"));
    }

    // A project that chose to keep its keys in the file gets no wizard on launch; --migrate
    // opens it anyway (the keychain is the private Secret Service of the test session).
    void migrateOpensTheWizard()
    {
        QVERIFY2(qEnvironmentVariableIsSet("CHORAGEN_IN_KEYRING"),
                 "run inside scripts/with-keyring.sh (make test does)");
        Project project;
        project.writeConfig(R"({"credentialStorage": "file", "providers": {"openai": )"
                            R"({"apiKey": "sk-FAKE-settings-migrate-000000000c4"}}})");
        const QByteArray before = project.configBytes();
        QProcess process;
        process.setProcessEnvironment(windowEnvironment());
        process.start(m_settings, {u"--migrate"_s, u"--project"_s, project.path()});
        QString err;
        QVERIFY2(TestSupport::waitForStandardError(process, err, u"showing the migration wizard"_s),
                 qPrintable(err));
        process.terminate();
        QVERIFY(process.waitForFinished(30000));
        err += QString::fromLocal8Bit(process.readAllStandardError());
        QVERIFY(!err.contains(u"sk-FAKE-settings-migrate"_s));
        // Opening the wizard changes nothing; moving keys is the user's choice in it.
        QCOMPARE(project.configBytes(), before);
    }

private:
    QString m_choragen;
    QString m_settings;
};

QTEST_GUILESS_MAIN(TestSettingsExecutable)
#include "TestSettingsExecutable.moc"
