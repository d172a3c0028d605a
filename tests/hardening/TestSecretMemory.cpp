// Keys do not outlive their use in the buffers choragen owns: each command runs under ptrace, is
// stopped as it exits (PTRACE_EVENT_EXIT, memory still intact), and every writable mapping is
// searched for the key, as UTF-8 and as UTF-16.
//
// What this can assert: choragen wipes the buffers it owns (Choragen::wipeSecret), reads
// standard input unbuffered and lets no object holding a key live until exit. It cannot assert
// more: copies that libraries make and free without wiping (a QtKeychain write job's key,
// nlohmann::json's strings while a file with keys is parsed or written) stay in freed heap
// memory until reused, and choragen does not replace the allocator to hide them (see SECURITY.md,
// "Short-lived secrets"). So only commands whose key passes through choragen's own buffers and
// libsecret's wiped memory are scanned: status, status --json and unset, which read the key from
// the keychain. config:set, the exports and --migrate hand the key to QtKeychain or nlohmann and
// are not asserted here. Under AddressSanitizer, whose quarantine keeps freed blocks, its free
// fill (ASAN_OPTIONS max_free_fill_size, set below) stands for the reuse that overwrites them.
#include "TestSupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

using namespace TestSupport;

namespace {

const QByteArray key = "sk-ant-FAKE-MEMORY-canary-5a4b3c2d1e0f9a8b7c6d";
// The middle of the key: a masked preview ("sk-ant-…6d") holds none of it.
const QByteArray keyCore = "MEMORY-canary-5a4b3c2d1e";

qsizetype countIn(const QByteArray &memory)
{
    const QString core = QString::fromLatin1(keyCore);
    const QByteArray utf16(reinterpret_cast<const char *>(core.utf16()), core.size() * 2);
    return memory.count(keyCore) + memory.count(utf16);
}

// Copies of the key in the writable memory of stopped process @p pid, or nullopt if unreadable.
std::optional<qsizetype> copiesInMemory(pid_t pid)
{
    QFile maps(QStringLiteral("/proc/%1/maps").arg(pid));
    const int mem = ::open(QByteArray("/proc/" + QByteArray::number(pid) + "/mem").constData(),
                           O_RDONLY | O_CLOEXEC);
    if (!maps.open(QIODevice::ReadOnly) || mem < 0)
        return std::nullopt;
    qsizetype copies = 0;
    bool readAny = false;
    for (const QByteArray &line : maps.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 2 || fields.at(1).size() < 2 || fields.at(1).at(1) != 'w')
            continue;
        const QList<QByteArray> range = fields.at(0).split('-');
        bool ok1 = false;
        bool ok2 = false;
        const quint64 begin = range.value(0).toULongLong(&ok1, 16);
        const quint64 end = range.value(1).toULongLong(&ok2, 16);
        if (!ok1 || !ok2 || end <= begin || end - begin > (quint64(1) << 32))
            continue;
        QByteArray region(qsizetype(end - begin), Qt::Uninitialized);
        const ssize_t n = ::pread(mem, region.data(), size_t(region.size()), off_t(begin));
        if (n <= 0)
            continue;
        readAny = true;
        region.truncate(n);
        copies += countIn(region);
    }
    ::close(mem);
    if (!readAny)
        return std::nullopt;
    return copies;
}

struct ExitScan
{
    bool stoppedAtExit = false;
    std::optional<qsizetype> copies;
    int exitCode = -1;
};

// Runs choragen under ptrace with @p input on standard input and scans its memory as it exits.
ExitScan scanAtExit(const QStringList &arguments, const QByteArray &input)
{
    ExitScan scan;
    int toChild[2];
    if (::pipe2(toChild, O_CLOEXEC) != 0)
        return scan;
    QList<QByteArray> args {QFile::encodeName(choragenBinary())};
    for (const QString &argument : arguments)
        args << argument.toLocal8Bit();
    QList<char *> argv;
    for (QByteArray &arg : args)
        argv << arg.data();
    argv << nullptr;

    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(toChild[0], STDIN_FILENO);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
        ::execv(argv.first(), argv.data());
        ::_exit(127);
    }
    ::close(toChild[0]);
    int status = 0;
    // The first stop is the exec; from there on, also stop as the process exits.
    if (::waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
        ::close(toChild[1]);
        return scan;
    }
    ::ptrace(PTRACE_SETOPTIONS, pid, nullptr,
             reinterpret_cast<void *>(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
    if (!input.isEmpty() && ::write(toChild[1], input.constData(), size_t(input.size())) < 0)
        qWarning("could not write the input");
    ::close(toChild[1]);
    ::ptrace(PTRACE_CONT, pid, nullptr, nullptr);
    while (::waitpid(pid, &status, 0) == pid) {
        if (WIFEXITED(status)) {
            scan.exitCode = WEXITSTATUS(status);
            break;
        }
        if (WIFSIGNALED(status))
            break;
        if (!WIFSTOPPED(status))
            continue;
        int deliver = 0;
        if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
            scan.stoppedAtExit = true;
            scan.copies = copiesInMemory(pid);
        } else if (WSTOPSIG(status) != SIGTRAP) {
            deliver = WSTOPSIG(status);
        }
        ::ptrace(PTRACE_CONT, pid, nullptr, reinterpret_cast<void *>(qintptr(deliver)));
    }
    return scan;
}

} // namespace

class TestSecretMemory : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    // The key was in the process and is gone from its memory by the time it exits.
    void verifyNoCopyLeft(const QStringList &arguments, const QByteArray &input = {})
    {
        const ExitScan scan = scanAtExit(at(arguments), input);
        const QByteArray what = arguments.join(u' ').toUtf8();
        QVERIFY2(scan.stoppedAtExit, QByteArray(what + ": never stopped at exit").constData());
        if (!scan.copies)
            QSKIP("the memory of a stopped child cannot be read here");
        QVERIFY2(*scan.copies == 0,
                 QByteArray(what + ": " + QByteArray::number(*scan.copies)
                            + " copies of the key left in memory")
                     .constData());
        QCOMPARE(scan.exitCode, 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(secretServiceRunning(), needsSecretService);
        // Inherited by the commands; ignored unless they are built with AddressSanitizer. Its
        // leak check cannot run under a tracer (it would fail every command), and the rest of
        // the suite runs it.
        QByteArray asan = qgetenv("ASAN_OPTIONS");
        if (!asan.isEmpty())
            asan += ':';
        qputenv("ASAN_OPTIONS",
                asan + "max_free_fill_size=1073741824:free_fill_byte=0:detect_leaks=0");
    }

    void init() { setUpKeychainProject(); }

    void cleanup() { clearKeychain(); }

    void scannerFindsAKeyStillInUse()
    {
        // config:get prints the key, so the standard output buffer holds it at exit: proof that
        // the scan sees a key where there is one.
        QCOMPARE(
            choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), key).exitCode,
            0);
        const ExitScan scan
            = scanAtExit(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}), {});
        QVERIFY(scan.stoppedAtExit);
        if (!scan.copies)
            QSKIP("the memory of a stopped child cannot be read here");
        QVERIFY(*scan.copies > 0);
    }

    void statusLeavesNoCopy()
    {
        QCOMPARE(
            choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), key).exitCode,
            0);
        verifyNoCopyLeft({QStringLiteral("config:status")});
        verifyNoCopyLeft({QStringLiteral("config:status"), QStringLiteral("--json")});
        verifyNoCopyLeft({QStringLiteral("config:unset"), QStringLiteral("anthropic")});
    }
};

QTEST_GUILESS_MAIN(TestSecretMemory)
#include "TestSecretMemory.moc"
