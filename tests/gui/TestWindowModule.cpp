// On Linux the settings window is a module that `choragen` loads only to show it. The command
// line must never load the widget libraries, and a missing module must be reported as such,
// not as a crash or Qt's platform-plugin error.
#include "StoreFixtures.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Choragen::Test;
using namespace Qt::StringLiterals;

class TestWindowModule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_choragen = qEnvironmentVariable("CHORAGEN_BINARY");
        QVERIFY2(!m_choragen.isEmpty(), "CHORAGEN_BINARY is set by CTest");
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
        for (const QString &library :
             {u"libQt6Widgets"_s, u"libQt6Gui"_s, u"libQt6Svg"_s, u"choragen-window.so"_s})
            QVERIFY2(!trace.contains(library), qPrintable(library + u" was loaded"_s));
    }

    void missingModuleIsReported()
    {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString copy = folder.filePath(u"choragen"_s);
        QVERIFY(QFile::copy(m_choragen, copy));
        Project project;
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        env.insert(u"DBUS_SESSION_BUS_ADDRESS"_s, u"unix:path=/nonexistent"_s);
        process.setProcessEnvironment(env);
        process.start(copy, {u"--project"_s, project.path()});
        QVERIFY(process.waitForFinished(30000));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        QVERIFY2(err.contains(u"the settings window is not installed"_s), qPrintable(err));
        QVERIFY2(err.contains(folder.filePath(u"choragen-window.so"_s)), qPrintable(err));
        QVERIFY2(err.contains(u"choragen --help"_s), qPrintable(err));
    }

private:
    QString m_choragen;
};

QTEST_GUILESS_MAIN(TestWindowModule)
#include "TestWindowModule.moc"
