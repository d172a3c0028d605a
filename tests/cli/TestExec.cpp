// choragen exec -- COMMAND: the keys go into the child's environment only, never a command line,
// an output or choragen's own environment, and the child's exit status comes back.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Writes what the child sees into files under $CHORAGEN_TEST_OUT, prints nothing secret, and
// exits with status 7.
const QString childScript = QStringLiteral(
    "env > \"$CHORAGEN_TEST_OUT/env\"; "
    "tr '\\0' ' ' < /proc/$$/cmdline > \"$CHORAGEN_TEST_OUT/cmdline\"; "
    "tr '\\0' ' ' < /proc/$PPID/cmdline > \"$CHORAGEN_TEST_OUT/parent-cmdline\"; "
    "tr '\\0' '\\n' < /proc/$PPID/environ > \"$CHORAGEN_TEST_OUT/parent-environ\"; "
    "echo child-ran; exit 7");

} // namespace

class TestExec : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    QString out() const { return scratchPath(QStringLiteral("out")); }
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("CHORAGEN_TEST_OUT"), out());
        return env;
    }
    Run execChild(const QProcessEnvironment &env)
    {
        return choragen(at({QStringLiteral("exec"), QStringLiteral("--"), QStringLiteral("sh"),
                            QStringLiteral("-c"), childScript}),
                        {}, env);
    }

private Q_SLOTS:
    void init()
    {
        setUpKeychainProject(QStringLiteral("project"));
        QDir().mkpath(out());
        writeConfig(project(), R"({"credentialStorage": "keychain"})");
    }

    void cleanup() { clearKeychain(); }

    void childSeesKeysInItsEnvironmentOnly()
    {
        const QByteArray anthropic = fakeKey(QStringLiteral("anthropic"));
        const QByteArray google = fakeKey(QStringLiteral("google"));
        QCOMPARE(
            choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), anthropic)
                .exitCode,
            0);
        QCOMPARE(
            choragen(at({QStringLiteral("config:set"), QStringLiteral("google")}), google).exitCode,
            0);

        const Run run = execChild(environment());
        QCOMPARE(run.exitCode, 7);
        QVERIFY(run.out.contains("child-ran"));
        QVERIFY(!run.all().contains("not-a-real-key"));

        const QList<QByteArray> env = readFile(out() + QStringLiteral("/env")).split('\n');
        QVERIFY(env.contains("ANTHROPIC_API_KEY=" + anthropic));
        QVERIFY(env.contains("GOOGLE_API_KEY=" + google));
        QVERIFY(env.contains("GEMINI_API_KEY=" + google));
        QVERIFY(!readFile(out() + QStringLiteral("/env")).contains("OPENAI_API_KEY="));
        // Not on the child's command line nor choragen's, nor in choragen's own environment.
        const QByteArray cmdline = readFile(out() + QStringLiteral("/cmdline"));
        QVERIFY(cmdline.contains("child-ran"));
        QVERIFY(!cmdline.contains("not-a-real-key"));
        const QByteArray parentCmdline = readFile(out() + QStringLiteral("/parent-cmdline"));
        QVERIFY(parentCmdline.contains("exec"));
        QVERIFY(!parentCmdline.contains("not-a-real-key"));
        const QByteArray parentEnviron = readFile(out() + QStringLiteral("/parent-environ"));
        QVERIFY(parentEnviron.contains("CHORAGEN_TEST_OUT="));
        QVERIFY(!parentEnviron.contains("not-a-real-key"));
    }

    void variablesAlreadySetWin()
    {
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("openai")}),
                          fakeKey(QStringLiteral("openai")))
                     .exitCode,
                 0);
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("from-the-caller"));
        QCOMPARE(execChild(env).exitCode, 7);
        const QList<QByteArray> seen = readFile(out() + QStringLiteral("/env")).split('\n');
        QVERIFY(seen.contains("OPENAI_API_KEY=from-the-caller"));
    }

    void exitStatusComesBack_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<int>("status");
        QTest::newRow("zero") << QStringLiteral("exit 0") << 0;
        QTest::newRow("one") << QStringLiteral("exit 1") << 1;
        QTest::newRow("forty-two") << QStringLiteral("exit 42") << 42;
        QTest::newRow("killed") << QStringLiteral("kill -TERM $$") << 128 + 15;
    }

    void exitStatusComesBack()
    {
        QFETCH(QString, script);
        QFETCH(int, status);
        const Run run = choragen(at({QStringLiteral("exec"), QStringLiteral("--"),
                                     QStringLiteral("sh"), QStringLiteral("-c"), script}),
                                 {}, environment());
        QCOMPARE(run.exitCode, status);
    }

    void missingCommandIs127()
    {
        const Run run = choragen(at({QStringLiteral("exec"), QStringLiteral("--"),
                                     QStringLiteral("/nonexistent/choragen-test-command")}),
                                 {}, environment());
        QCOMPARE(run.exitCode, 127);
        QVERIFY(run.err.contains("cannot run"));
    }

    void noCommandIsUsage() { QCOMPARE(choragen(at({QStringLiteral("exec")})).exitCode, 2); }

    void unavailableKeychainStopsBeforeTheCommand()
    {
        const QProcessEnvironment env = withoutSessionBus(environment(), scratchPath());
        const Run run = execChild(env);
        QCOMPARE(run.exitCode, 3);
        QVERIFY(!run.out.contains("child-ran"));
        QVERIFY(!QFile::exists(out() + QStringLiteral("/env")));
    }
};

QTEST_GUILESS_MAIN(TestExec)
#include "TestExec.moc"
