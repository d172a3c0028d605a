// Core dumps and same-user attach are off once hardening runs: in a forked copy of this test (the
// function itself) and in the real binary, checked through /proc the way an attacker would look.
#include "Hardening.h"
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

using namespace TestSupport;

namespace {

// Checks the forked child reports through its exit code, one bit each.
enum ChildCheck {
    ReportedCoreOff = 1,
    ReportedAttachOff = 2,
    LimitIsZero = 4,
    ProcLimitsSayZero = 8,
    NotDumpable = 16,
    StatusReadable = 32,
    NotTraced = 64,
};

// The whole of a /proc file; plain read(2) so it also works in a forked child.
QByteArray slurp(const char *path)
{
    QByteArray data;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return data;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        data.append(buffer, qsizetype(n));
    ::close(fd);
    return data;
}

QByteArray procFile(qint64 pid, const char *name)
{
    return slurp(QByteArray("/proc/" + QByteArray::number(pid) + '/' + name).constData());
}

// "Max core file size  0  0  bytes" has soft and hard limit 0.
bool limitsSayNoCore(const QByteArray &limits)
{
    for (const QByteArray &line : limits.split('\n')) {
        if (!line.startsWith("Max core file size"))
            continue;
        const QList<QByteArray> fields = line.mid(18).simplified().split(' ');
        return fields.size() >= 2 && fields.at(0) == "0" && fields.at(1) == "0";
    }
    return false;
}

QByteArray statusField(const QByteArray &status, const QByteArray &name)
{
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith(QByteArray(name + ':')))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

// Processes of one unprivileged user probe each other here. Root passes every ptrace access
// check through its capabilities, so when the tests run as root both sides become "nobody".
constexpr uid_t unprivilegedId = 65534;

bool becomeUnprivileged()
{
    if (::geteuid() != 0)
        return true;
    return ::setgroups(0, nullptr) == 0 && ::setgid(unprivilegedId) == 0
        && ::setuid(unprivilegedId) == 0;
}

// Whether another process of the same user may read @p pid's environment; the same check guards
// /proc/<pid>/mem and ptrace attach.
bool sameUserCanReadEnviron(qint64 pid)
{
    const QByteArray path = "/proc/" + QByteArray::number(pid) + "/environ";
    const pid_t child = ::fork();
    if (child == 0) {
        if (!becomeUnprivileged())
            ::_exit(2);
        const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
        char c = 0;
        // Opening may succeed and the read be refused, depending on the kernel.
        const bool readable = fd >= 0 && ::read(fd, &c, 1) >= 0;
        ::_exit(readable ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool coreFileIn(const QString &dir)
{
    return !QDir(dir).entryList({QStringLiteral("core*")}, QDir::Files).isEmpty();
}

// Waits until @p pid sits in read(2) on its standard input, i.e. main() has run.
bool waitUntilReadingStdin(qint64 pid)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        const QByteArray wchan = procFile(pid, "wchan");
        const QByteArray syscallLine = procFile(pid, "syscall");
        if (wchan.contains("pipe_read") || syscallLine.startsWith("0 0x0 "))
            return true;
        QTest::qWait(5);
    }
    return false;
}

} // namespace

class TestProcessHardening : public QObject
{
    Q_OBJECT

private:
    // Whether the choragen under test hardens without being asked: release builds do.
    static bool binaryHardensByDefault()
    {
#ifdef NDEBUG
        return true;
#else
        return false;
#endif
    }

private Q_SLOTS:
    void applyHardeningLocksDownThisProcess()
    {
        const pid_t child = ::fork();
        if (child == 0) {
            int checks = 0;
            const Choragen::HardeningResult result = Choragen::applyHardening();
            if (result.coreDumpsDisabled)
                checks |= ReportedCoreOff;
            if (result.attachDenied)
                checks |= ReportedAttachOff;
            rlimit limit {};
            if (::getrlimit(RLIMIT_CORE, &limit) == 0 && limit.rlim_cur == 0 && limit.rlim_max == 0)
                checks |= LimitIsZero;
            if (limitsSayNoCore(slurp("/proc/self/limits")))
                checks |= ProcLimitsSayZero;
            if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
                checks |= NotDumpable;
            const QByteArray status = slurp("/proc/self/status");
            if (!status.isEmpty())
                checks |= StatusReadable;
            if (statusField(status, "TracerPid") == "0")
                checks |= NotTraced;
            ::_exit(checks);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        const int checks = WEXITSTATUS(status);
        QVERIFY2(checks & ReportedCoreOff, "applyHardening() did not report core dumps off");
        QVERIFY2(checks & ReportedAttachOff, "applyHardening() did not report attach denied");
        QVERIFY2(checks & LimitIsZero, "RLIMIT_CORE is not 0/0");
        QVERIFY2(checks & ProcLimitsSayZero, "/proc/self/limits shows a core size above 0");
        QVERIFY2(checks & NotDumpable, "PR_GET_DUMPABLE is not 0");
        QVERIFY2(checks & StatusReadable, "/proc/self/status unreadable");
        QVERIFY2(checks & NotTraced, "/proc/self/status shows a tracer");
    }

    void crashWritesNoCoreFile_data()
    {
        QTest::addColumn<bool>("harden");
        QTest::newRow("hardened") << true;
        // The control shows that this machine would write a core, so "none" above means something.
        QTest::newRow("control") << false;
    }

    void crashWritesNoCoreFile()
    {
        QFETCH(bool, harden);
#if defined(__SANITIZE_ADDRESS__)
        if (!harden)
            QSKIP("AddressSanitizer keeps cores off by itself (disable_coredump)");
#endif
        if (!harden && slurp("/proc/sys/kernel/core_pattern").startsWith('|'))
            QSKIP("cores go to a crash handler here, not to a file");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray where = QFile::encodeName(dir.path());
        const pid_t child = ::fork();
        if (child == 0) {
            if (::chdir(where.constData()) != 0)
                ::_exit(3);
            // As generous as the hard limit allows, as a user's `ulimit -c unlimited` would be.
            rlimit limit {};
            ::getrlimit(RLIMIT_CORE, &limit);
            limit.rlim_cur = limit.rlim_max;
            ::setrlimit(RLIMIT_CORE, &limit);
            if (harden)
                Choragen::applyHardening();
            ::signal(SIGABRT, SIG_DFL);
            std::abort();
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGABRT);
        if (harden) {
            QVERIFY2(!WCOREDUMP(status), "the kernel dumped core");
            QVERIFY(!coreFileIn(dir.path()));
        } else {
            if (!WCOREDUMP(status))
                QSKIP("this machine writes no core files (hard limit 0?); control not possible");
            QVERIFY(coreFileIn(dir.path()));
        }
    }

    void binaryIsHardenedWhenRunning_data()
    {
        QTest::addColumn<bool>("askForIt");
        QTest::addColumn<bool>("expectHardened");
        if (binaryHardensByDefault()) {
            QTest::newRow("release build") << false << true;
        } else {
            QTest::newRow("debug build, CHORAGEN_HARDEN=1") << true << true;
            // Debug builds keep core dumps for developers; also the control for the checks.
            QTest::newRow("debug build, default") << false << false;
        }
    }

    void binaryIsHardenedWhenRunning()
    {
        QFETCH(bool, askForIt);
        QFETCH(bool, expectHardened);
        QTemporaryDir project;
        QProcessEnvironment env = cleanEnvironment();
        env.remove(QStringLiteral("CHORAGEN_HARDEN"));
        if (askForIt)
            env.insert(QStringLiteral("CHORAGEN_HARDEN"), QStringLiteral("1"));
        if (::geteuid() == 0)
            QVERIFY(::chown(QFile::encodeName(project.path()).constData(), unprivilegedId,
                            unprivilegedId)
                    == 0);
        QProcess process;
        process.setProcessEnvironment(env);
        process.setChildProcessModifier([] {
            if (!becomeUnprivileged())
                ::_exit(125);
        });
        // config:set waits on standard input before it touches any store: a live process to
        // inspect.
        // The build tree may sit where the unprivileged user cannot reach (a clone under
        // /root): run a copy from a folder it can read.
        QTemporaryDir binDir;
        const QString binary = binDir.filePath(QStringLiteral("choragen"));
        QVERIFY(QFile::copy(choragenBinary(), binary));
        QVERIFY(QFile::setPermissions(binDir.path(),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                          | QFileDevice::ExeOther));
        QVERIFY(QFile::setPermissions(binary,
                                      QFileDevice::ReadOwner | QFileDevice::ExeOwner
                                          | QFileDevice::ReadOther | QFileDevice::ExeOther));
        process.start(binary,
                      {QStringLiteral("--project"), project.path(), QStringLiteral("config:set"),
                       QStringLiteral("anthropic"), QStringLiteral("--storage"),
                       QStringLiteral("file")});
        QVERIFY(process.waitForStarted());
        const qint64 pid = process.processId();
        const bool waiting = waitUntilReadingStdin(pid);
        const QByteArray limits = procFile(pid, "limits");
        const QByteArray status = procFile(pid, "status");
        const bool environReadable = sameUserCanReadEnviron(pid);
        process.closeWriteChannel();
        QVERIFY(process.waitForFinished());
        QVERIFY2(waiting, "choragen never waited for its key on standard input");
        QCOMPARE(process.exitCode(), 2); // the empty key is refused; nothing was stored

        QVERIFY(!status.isEmpty());
        QCOMPARE(statusField(status, "TracerPid"), QByteArray("0"));
        QCOMPARE(limitsSayNoCore(limits), expectHardened);
        QCOMPARE(environReadable, !expectHardened);
    }

    // `choragen` with no command becomes choragen-settings, and exec makes a process dumpable
    // again: the window must harden itself.
    void windowIsHardenedWhenRunning_data()
    {
        binaryIsHardenedWhenRunning_data();
    }
    void windowIsHardenedWhenRunning()
    {
        QFETCH(bool, askForIt);
        QFETCH(bool, expectHardened);
        const QString settings = qEnvironmentVariable("CHORAGEN_SETTINGS_BINARY");
        if (settings.isEmpty())
            QSKIP("built without the settings window");
        QTemporaryDir project;
        QTemporaryDir binDir;
        if (::geteuid() == 0)
            QVERIFY(::chown(QFile::encodeName(project.path()).constData(), unprivilegedId,
                            unprivilegedId)
                    == 0);
        // Both executables, side by side, where the unprivileged user can read and run them.
        for (const QString &program : {choragenBinary(), settings}) {
            const QString copy = binDir.filePath(QFileInfo(program).fileName());
            QVERIFY(QFile::copy(program, copy));
            QVERIFY(QFile::setPermissions(copy,
                                          QFileDevice::ReadOwner | QFileDevice::ExeOwner
                                              | QFileDevice::ReadOther | QFileDevice::ExeOther));
        }
        QVERIFY(QFile::setPermissions(binDir.path(),
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                          | QFileDevice::ExeOther));
        QProcessEnvironment env = cleanEnvironment();
        env.remove(QStringLiteral("CHORAGEN_HARDEN"));
        if (askForIt)
            env.insert(QStringLiteral("CHORAGEN_HARDEN"), QStringLiteral("1"));
        env.insert(QStringLiteral("HOME"), project.path());
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("choragen.ui.debug=true"));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent"));
        QProcess process;
        process.setProcessEnvironment(env);
        process.setChildProcessModifier([] {
            if (!becomeUnprivileged())
                ::_exit(125);
        });
        process.start(binDir.filePath(QStringLiteral("choragen")),
                      {QStringLiteral("--project"), project.path()});
        QString err;
        const bool shown
            = waitForStandardError(process, err, QStringLiteral("showing the settings window"));
        const qint64 pid = process.processId();
        const QString exe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget();
        const QByteArray limits = procFile(pid, "limits");
        const bool environReadable = sameUserCanReadEnviron(pid);
        process.terminate();
        QVERIFY(process.waitForFinished());
        QVERIFY2(shown, qPrintable(err));
        QCOMPARE(exe, binDir.filePath(QStringLiteral("choragen-settings")));
        QCOMPARE(limitsSayNoCore(limits), expectHardened);
        QCOMPARE(environReadable, !expectHardened);
    }

    void hardenedBinaryStillUsesTheKeychain()
    {
        QVERIFY2(secretServiceRunning(), needsSecretService);
        clearKeychain();
        QTemporaryDir project;
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("CHORAGEN_HARDEN"), QStringLiteral("1"));
        const QStringList at {QStringLiteral("--project"), project.path()};
        const QByteArray key = fakeKey(QStringLiteral("anthropic"), 41);
        // The Secret Service may inspect its caller through /proc; a non-dumpable one must still
        // do.
        const Run set
            = choragen(at
                           + QStringList {QStringLiteral("config:set"), QStringLiteral("anthropic"),
                                          QStringLiteral("--storage"), QStringLiteral("keychain")},
                       key, env);
        QVERIFY2(set.exitCode == 0, set.err.constData());
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == key);
        const Run get = choragen(
            at + QStringList {QStringLiteral("config:get"), QStringLiteral("anthropic")}, {}, env);
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.out == key + '\n');
        clearKeychain();
    }
};

QTEST_GUILESS_MAIN(TestProcessHardening)
#include "TestProcessHardening.moc"
