#include "Terminal.h"

#include "Secret.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

namespace Choragen::Cli {

QString quotedArgument(const QString &argument)
{
    // Names are short words of lower-case letters, digits and - : _ . (a key is longer, or has
    // capitals or other characters).
    bool plain = !argument.isEmpty() && argument.size() <= 32;
    for (const QChar c : argument) {
        plain = plain
            && ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u':'
                || c == u'_' || c == u'.');
    }
    return plain
        ? QStringLiteral("'%1'").arg(argument)
        : QStringLiteral("(an argument of %1 characters, not repeated here)").arg(argument.size());
}

bool stdinIsTerminal()
{
#ifdef Q_OS_WIN
    return _isatty(_fileno(stdin)) != 0;
#else
    return ::isatty(STDIN_FILENO) != 0;
#endif
}

namespace {

int stdoutError = 0;

} // namespace

bool writeOut(const QByteArray &bytes)
{
    errno = 0;
    const bool written = std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout)
            == std::size_t(bytes.size())
        && std::fflush(stdout) == 0;
    if (!written && stdoutError == 0)
        stdoutError = errno != 0 ? errno : EIO;
    return written;
}

void printOut(const QString &text)
{
    writeOut(text.toUtf8());
}

int standardOutputError()
{
    return stdoutError;
}

int checkStandardOutput(int code)
{
    // Output may still sit in stdio's buffer; it has to reach the file or pipe to count.
    if (std::fflush(stdout) != 0 && stdoutError == 0)
        stdoutError = errno != 0 ? errno : EIO;
    if (stdoutError == 0)
        return code;
    printErr(QStringLiteral("choragen: error: could not write to standard output: %1.\n")
                 .arg(QString::fromLocal8Bit(std::strerror(stdoutError))));
    return code == 0 ? 1 : code;
}

void printErr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

namespace {

// Turns terminal echo off for its lifetime.
class EchoOff
{
public:
    EchoOff()
    {
#ifdef Q_OS_WIN
        m_handle = GetStdHandle(STD_INPUT_HANDLE);
        m_active = GetConsoleMode(m_handle, &m_mode)
            && SetConsoleMode(m_handle, m_mode & ~DWORD(ENABLE_ECHO_INPUT));
#else
        m_active = tcgetattr(STDIN_FILENO, &m_saved) == 0;
        if (m_active) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            quiet.c_lflag |= ECHONL;
            m_active = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
        }
#endif
    }
    ~EchoOff()
    {
        if (!m_active)
            return;
#ifdef Q_OS_WIN
        SetConsoleMode(m_handle, m_mode);
#else
        tcsetattr(STDIN_FILENO, TCSANOW, &m_saved);
#endif
    }
    EchoOff(const EchoOff &) = delete;
    EchoOff &operator=(const EchoOff &) = delete;

private:
    bool m_active = false;
#ifdef Q_OS_WIN
    HANDLE m_handle = nullptr;
    DWORD m_mode = 0;
#else
    termios m_saved {};
#endif
};

} // namespace

namespace {

// Reads up to @p size bytes of standard input. Unbuffered where the platform allows it: stdio
// would keep a copy of the key in its buffer until the process exits.
qsizetype readInput(char *buffer, std::size_t size)
{
#ifdef Q_OS_WIN
    return qsizetype(std::fread(buffer, 1, size, stdin));
#else
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, size);
        if (n >= 0 || errno != EINTR)
            return qsizetype(n);
    }
#endif
}

} // namespace

Error readSecret(const QString &prompt, QByteArray &secret)
{
    // Enough to tell "too long" from "just right" without reading an endless stream.
    const qsizetype limit = maxSecretBytes * 4;
    secret.clear();
    // Reserved once, so appending never moves (and copies) the key.
    secret.reserve(limit + 4096);
    char buffer[4096];
    if (stdinIsTerminal()) {
        // Echo goes off before the prompt shows, so nothing typed after it can appear.
        EchoOff quiet;
        printErr(prompt);
        // One byte at a time, so nothing after the line is consumed.
        char c = 0;
        while (secret.size() <= limit && readInput(&c, 1) == 1 && c != '\n')
            secret.append(c);
        c = 0;
    } else {
        qsizetype n = 0;
        while (secret.size() <= limit && (n = readInput(buffer, sizeof buffer)) > 0)
            secret.append(buffer, n);
    }
    volatile char *p = buffer;
    for (std::size_t i = 0; i < sizeof buffer; ++i)
        p[i] = 0;
    return Error::none();
}

bool confirm(const QString &question)
{
    printErr(question);
    char line[64] = {};
    if (!std::fgets(line, sizeof line, stdin))
        return false;
    const QString answer = QString::fromLocal8Bit(line).trimmed().toLower();
    return answer == QLatin1String("yes") || answer == QLatin1String("y");
}

} // namespace Choragen::Cli
