// `choragen` with no command and no display says so in one line and prints config:status,
// instead of dying with Qt's platform-plugin error.
#include "StoreFixtures.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen::Test;
using namespace Qt::StringLiterals;

class TestNoDisplay : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void saysSoAndPrintsStatus()
    {
        const QString choragen = qEnvironmentVariable("CHORAGEN_BINARY");
        QVERIFY2(!choragen.isEmpty(), "CHORAGEN_BINARY is set by CTest");
        Project project;
        project.writeConfig(
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-nodisplay-00000000000000b2"}}})");

        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &var : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s})
            env.remove(var);
        process.setProcessEnvironment(env);
        process.start(choragen, {u"--project"_s, project.path()});
        QVERIFY(process.waitForFinished(30000));
        const QString out = QString::fromUtf8(process.readAllStandardOutput());
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 0 || process.exitCode() == 3, qPrintable(err));
        const QStringList errLines = err.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(!errLines.isEmpty());
        QVERIFY2(errLines.first().contains(u"no display"_s), qPrintable(err));
        QVERIFY(!err.contains(u"platform plugin"_s));
        QVERIFY(out.contains(u"Config file:"_s));
        QVERIFY(out.contains(u"openai"_s));
        // Masked, as in config:status.
        QVERIFY(!out.contains(u"sk-FAKE-nodisplay-00000000000000b2"_s));
    }
};

QTEST_GUILESS_MAIN(TestNoDisplay)
#include "TestNoDisplay.moc"
