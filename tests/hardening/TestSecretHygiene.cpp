// A canary key goes through every command. It may come out of config:get's standard output, an
// export, and a config file whose storage is "file"; nowhere else: not in any other output or
// debug log line, not in the command line of choragen or any process it starts, not in a
// temporary or leftover file, not under HOME.
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

namespace {

const QByteArray canary = "sk-ant-FAKE-HYGIENE-canary-3b8f0d6e2a9c4f71";
// Any run of the canary's middle is a leak; a masked preview shows only its last four characters.
const QByteArray canaryCore = "HYGIENE-canary-3b8f0d6e2a";

bool holdsCanary(const QByteArray &data)
{
    if (data.contains(canaryCore))
        return true;
    // The same text as a QString holds it in memory, e.g. in a dump written to a file.
    const QString core = QString::fromLatin1(canaryCore);
    const QByteArray utf16(reinterpret_cast<const char *>(core.utf16()), core.size() * 2);
    return data.contains(utf16);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.read(64 * 1024 * 1024);
}

// Every file under @p root holding the canary, but for those in @p allowed.
QStringList filesWithCanary(const QString &root, const QSet<QString> &allowed = {})
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = QFileInfo(it.next()).absoluteFilePath();
        if (!allowed.contains(path) && holdsCanary(readAll(path)))
            found << path;
    }
    return found;
}

QByteArray proc(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return {};
    return file.readAll();
}

// @p pid and all its descendants, through /proc/<pid>/task/<tid>/children.
QList<qint64> processTree(qint64 pid)
{
    QList<qint64> tree {pid};
    for (int i = 0; i < tree.size(); ++i) {
        const QString tasks = QStringLiteral("/proc/%1/task").arg(tree.at(i));
        const QStringList tids = QDir(tasks).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &tid : tids) {
            QFile children(tasks + u'/' + tid + QStringLiteral("/children"));
            if (!children.open(QIODevice::ReadOnly))
                continue;
            for (const QByteArray &child : children.readAll().split(' ')) {
                bool ok = false;
                const qint64 id = child.trimmed().toLongLong(&ok);
                if (ok && !tree.contains(id))
                    tree << id;
            }
        }
    }
    return tree;
}

struct SampledRun
{
    Run run;
    int samples = 0; // command lines read while the process lived
    bool waitedForInput = false; // sampled while it sat reading standard input
    bool canaryInCommandLine = false;
};

} // namespace

class TestSecretHygiene : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    // Appended to every command as --profile when set: the same checks on a profile's entries.
    QString m_profile;
    QString m_home;
    QSet<QString> m_shmBefore;

    QString configFile() const { return configPath(project()); }
    // The TMPDIR of the commands, beside the project.
    QString tmp() const { return scratchPath(QStringLiteral("tmp")); }
    QStringList at(const QStringList &more) const
    {
        QStringList arguments = ProjectFixture::at({});
        if (!m_profile.isEmpty())
            arguments << QStringLiteral("--profile") << m_profile;
        return arguments + more;
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = cleanEnvironment();
        // Temporary files go where this test looks, and every log category speaks.
        env.insert(QStringLiteral("TMPDIR"), tmp());
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.debug=true"));
        return env;
    }

    // Runs choragen, reading the command line of it and of every process it starts while it
    // runs. With @p input, that is fed only once choragen waits on standard input, so the
    // process is sampled while it is certainly alive.
    SampledRun run(const QStringList &arguments, const QByteArray &input = {},
                   QProcessEnvironment env = {})
    {
        SampledRun result;
        QProcess process;
        process.setProcessEnvironment(env.isEmpty() ? environment() : env);
        process.start(choragenBinary(), arguments);
        if (!process.waitForStarted())
            return result;
        const qint64 pid = process.processId();
        const auto sample = [&] {
            for (qint64 id : processTree(pid)) {
                const QByteArray commandLine = proc(id, "cmdline");
                if (commandLine.isEmpty())
                    continue;
                ++result.samples;
                result.canaryInCommandLine = result.canaryInCommandLine || holdsCanary(commandLine);
            }
        };
        if (!input.isEmpty()) {
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < 20000 && !proc(pid, "wchan").contains("pipe_read")
                   && !proc(pid, "syscall").startsWith("0 0x0 ")
                   && process.state() == QProcess::Running)
                sample();
            result.waitedForInput = process.state() == QProcess::Running;
            sample();
            process.write(input);
        }
        process.closeWriteChannel();
        while (!process.waitForFinished(1) && process.state() == QProcess::Running)
            sample();
        result.run.exitCode = process.exitStatus() == QProcess::CrashExit ? -1 : process.exitCode();
        result.run.out = process.readAllStandardOutput();
        result.run.err = process.readAllStandardError();
        return result;
    }

    // What must hold after every command: no canary in temporary files, under HOME, in
    // /dev/shm, or in files of the project but those named; no lock or temporary file left.
    void checkNoTraces(const QString &command, const QSet<QString> &allowedFiles = {})
    {
        const QByteArray what = command.toUtf8();
        QVERIFY2(filesWithCanary(tmp()).isEmpty(),
                 QByteArray(what + " left the canary in TMPDIR").constData());
        QVERIFY2(QDir(tmp()).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QByteArray(what + " left a file in TMPDIR").constData());
        const QStringList inHome = filesWithCanary(m_home);
        QVERIFY2(inHome.isEmpty(),
                 QByteArray(what + " left the canary under HOME: " + inHome.join(u' ').toUtf8())
                     .constData());
        QSet<QString> allowed = allowedFiles;
        const QStringList inProject = filesWithCanary(project(), allowed);
        QVERIFY2(
            inProject.isEmpty(),
            QByteArray(what + " left the canary in " + inProject.join(u' ').toUtf8()).constData());
        for (const QString &name :
             QDir(QStringLiteral("/dev/shm")).entryList(QDir::Files | QDir::Hidden)) {
            if (m_shmBefore.contains(name))
                continue;
            QVERIFY2(!holdsCanary(readAll(QStringLiteral("/dev/shm/") + name)),
                     QByteArray(what + " left the canary in /dev/shm").constData());
        }
        const QStringList inFolder = QDir(QFileInfo(configFile()).absolutePath())
                                         .entryList(QDir::Files | QDir::Hidden | QDir::System);
        QVERIFY2(inFolder.isEmpty() || inFolder == QStringList {QStringLiteral("config.json")},
                 QByteArray(what + " left " + inFolder.join(u' ').toUtf8() + " in .choragen/")
                     .constData());
    }

    // A command whose outputs must not hold the canary at all.
    void quiet(const QStringList &arguments, int exitCode, const QByteArray &input = {},
               const QSet<QString> &allowedFiles = {}, bool readsInput = false)
    {
        const SampledRun sampled = run(at(arguments), input);
        const QByteArray what = arguments.join(u' ').toUtf8();
        QVERIFY2(
            sampled.run.exitCode == exitCode,
            QByteArray(what + ": exit " + QByteArray::number(sampled.run.exitCode)).constData());
        QVERIFY2(!holdsCanary(sampled.run.all()),
                 QByteArray(what + " printed the canary").constData());
        QVERIFY2(!sampled.canaryInCommandLine,
                 QByteArray(what + ": the canary was on a command line").constData());
        // The sampler saw the process; else the command-line check above proved nothing.
        QVERIFY2(!readsInput || (sampled.waitedForInput && sampled.samples > 0),
                 QByteArray(what + ": never sampled while it waited for the key").constData());
        checkNoTraces(QString::fromUtf8(what), allowedFiles);
    }

    bool configHoldsCanary() const { return holdsCanary(readConfig(project())); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(secretServiceRunning(), needsSecretService);
        m_home = QDir::homePath();
        // Only a private HOME, as `make test` gives, may be scanned and must be clean.
        QVERIFY2(!qEnvironmentVariableIsEmpty("CHORAGEN_IN_KEYRING"),
                 "run inside scripts/with-keyring.sh");
        const QStringList shm
            = QDir(QStringLiteral("/dev/shm")).entryList(QDir::Files | QDir::Hidden);
        m_shmBefore = QSet<QString>(shm.begin(), shm.end());
    }

    void init()
    {
        setUpKeychainProject(QStringLiteral("project"));
        QVERIFY(QDir().mkpath(tmp()));
        m_profile.clear();
    }

    void cleanup() { clearKeychain(); }

    void keychainCommandsNeverShowTheKey_data() { profileRows(); }

    void keychainCommandsNeverShowTheKey()
    {
        QFETCH(QString, profile);
        m_profile = profile;
        const QString account = QStringLiteral("anthropic-api-key")
            + (profile.isEmpty() ? QString() : QStringLiteral("@") + profile);
        quiet({QStringLiteral("config:set"), QStringLiteral("anthropic")}, 0, canary + '\n', {},
              true);
        QVERIFY(secretToolLookupAccount(account) == canary);
        QVERIFY(!configHoldsCanary());
        quiet({QStringLiteral("config:status")}, 0);
        quiet({QStringLiteral("config:status"), QStringLiteral("--json")}, 0);
        quiet({QStringLiteral("--migrate")}, 0);

        // config:get prints it on standard output, for scripts, and nowhere else.
        const SampledRun get = run(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}));
        QCOMPARE(get.run.exitCode, 0);
        QVERIFY(get.run.out == canary + '\n');
        QVERIFY(!holdsCanary(get.run.err));
        QVERIFY(!get.canaryInCommandLine);
        checkNoTraces(QStringLiteral("config:get"));

        quiet({QStringLiteral("config:unset"), QStringLiteral("anthropic")}, 0);
        bool found = true;
        secretToolLookupAccount(account, &found);
        QVERIFY(!found);
        m_profile.clear();
    }

    void fileStorageMigrationAndExport()
    {
        const QSet<QString> config {configFile()};
        quiet({QStringLiteral("config:set"), QStringLiteral("anthropic"),
               QStringLiteral("--storage"), QStringLiteral("file")},
              0, canary, config, true);
        QVERIFY(configHoldsCanary());
        quiet({QStringLiteral("config:status")}, 0, {}, config);
        quiet({QStringLiteral("config:status"), QStringLiteral("--json")}, 0, {}, config);
        quiet({QStringLiteral("--migrate"), QStringLiteral("--dry-run")}, 0, {}, config);
        quiet({QStringLiteral("--migrate")}, 0);
        // Migrated: the file no longer holds it, nor does any copy of it.
        QVERIFY(!configHoldsCanary());

        const QString copy = QDir(project()).filePath(QStringLiteral("backup.json"));
        quiet({QStringLiteral("config:export"), QStringLiteral("--output"), copy,
               QStringLiteral("--yes")},
              0, {}, {copy});
        QVERIFY(holdsCanary(readAll(copy)));
        QFile::remove(copy);
        quiet({QStringLiteral("config:export"), QStringLiteral("--yes")}, 0, {}, config);
        QVERIFY(configHoldsCanary());
        quiet({QStringLiteral("config:secure")}, 0);
        QVERIFY(!configHoldsCanary());
    }

    void refusedInputIsNotEchoed_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("readsInput");
        const QStringList set {QStringLiteral("config:set"), QStringLiteral("anthropic")};
        QTest::newRow("inner whitespace") << set << canary + " trailing-junk" << 2 << true;
        QTest::newRow("control character") << set << canary + "\x07" << 2 << true;
        QTest::newRow("too long") << set << canary.repeated(60) << 2 << true;
        QTest::newRow("unknown provider")
            << QStringList {QStringLiteral("config:set"), QStringLiteral("nosuch")} << canary << 2
            << false;
    }

    void refusedInputIsNotEchoed()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        QFETCH(int, exitCode);
        QFETCH(bool, readsInput);
        quiet(arguments, exitCode, input, {}, readsInput);
        QVERIFY(!configHoldsCanary());
    }

    void keyPastedOnTheCommandLineIsNotRepeated()
    {
        // A user's mistake: the key as an argument. It is refused without being quoted back.
        const SampledRun sampled
            = run(at({QStringLiteral("config:set"), QStringLiteral("anthropic"),
                      QString::fromUtf8(canary)}));
        QCOMPARE(sampled.run.exitCode, 2);
        QVERIFY(!holdsCanary(sampled.run.all()));
        checkNoTraces(QStringLiteral("config:set with the key as an argument"));
    }

    void invalidConfigErrorsDoNotQuoteKeys_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("syntax error after the key")
            << "{\"providers\": {\"anthropic\": {\"apiKey\": \"" + canary
                + "\"}, \"openai\": 5,,}}";
        QTest::newRow("syntax error inside the key")
            << "{\"providers\": {\"anthropic\": {\"apiKey\": \"" + canary.left(30) + "\n"
                + canary.mid(30) + "\"}}}";
        QTest::newRow("wrong type elsewhere") << "{\"providers\": {\"anthropic\": {\"apiKey\": \""
                + canary + "\"}}, \"credentialStorage\": 7}";
        QTest::newRow("key that is not a string")
            << "{\"providers\": {\"anthropic\": {\"apiKey\": [\"" + canary + "\"]}}}";
        QTest::newRow("key under an invalid id")
            << "{\"providers\": {\"" + canary + "\": {\"apiKey\": \"x\"}}}";
        QTest::newRow("0.1 key under an invalid id")
            << "{\"apiKeys\": {\"" + canary + "\": \"x\"}}";
        QTest::newRow("0.1 key that is not a string")
            << "{\"apiKeys\": {\"anthropic\": [\"" + canary + "\"]}}";
    }

    void invalidConfigErrorsDoNotQuoteKeys()
    {
        QFETCH(QByteArray, content);
        writeConfig(project(), content);
        if (QByteArray(QTest::currentDataTag()) == "key under an invalid id") {
            // A key pasted where a provider id goes must not be quoted back in the error.
            const SampledRun sampled = run(at({QStringLiteral("config:status")}));
            QCOMPARE(sampled.run.exitCode, 4);
            QVERIFY(!holdsCanary(sampled.run.all()));
            QVERIFY(readConfig(project()) == content);
            return;
        }
        const QSet<QString> config {configFile()};
        quiet({QStringLiteral("config:status")}, 4, {}, config);
        quiet({QStringLiteral("config:get"), QStringLiteral("anthropic")}, 4, {}, config);
        quiet({QStringLiteral("--migrate")}, 4, {}, config);
        QVERIFY(readConfig(project()) == content);
    }

    void environmentKeyIsNotShown()
    {
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"), QString::fromUtf8(canary));
        for (const QStringList &arguments :
             {QStringList {QStringLiteral("config:status")},
              QStringList {QStringLiteral("config:status"), QStringLiteral("--json")}}) {
            const SampledRun sampled = run(at(arguments), {}, env);
            QCOMPARE(sampled.run.exitCode, 0);
            QVERIFY(!holdsCanary(sampled.run.all()));
            QVERIFY(sampled.run.out.contains("env"));
        }
        checkNoTraces(QStringLiteral("config:status with ANTHROPIC_API_KEY"));
    }
};

QTEST_GUILESS_MAIN(TestSecretHygiene)
#include "TestSecretHygiene.moc"
