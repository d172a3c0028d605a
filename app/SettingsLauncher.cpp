#include "SettingsLauncher.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_WIN
#include <QProcess>
#else
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <vector>
#endif

namespace Choragen {

QString settingsExecutable(const QString &applicationDir)
{
#ifdef Q_OS_WIN
    const QLatin1String name("choragen-settings.exe");
#else
    const QLatin1String name("choragen-settings");
#endif
    return QDir(applicationDir).filePath(name);
}

int startSettingsWindow(const QString &applicationDir, const QString &projectDir,
                        const QString &profile, QString &error)
{
    const QString program = settingsExecutable(applicationDir);
    if (!QFileInfo(program).isFile()) {
        error = QStringLiteral("the settings window is not installed (looked for %1)")
                    .arg(QDir::toNativeSeparators(program));
        return -1;
    }
    QStringList arguments;
    if (!projectDir.isEmpty())
        arguments << QStringLiteral("--project") << projectDir;
    if (!profile.isEmpty())
        arguments << QStringLiteral("--profile") << profile;

#ifdef Q_OS_WIN
    QProcess window;
    window.setProcessChannelMode(QProcess::ForwardedChannels);
    window.setInputChannelMode(QProcess::ForwardedInputChannel);
    window.start(program, arguments);
    if (!window.waitForStarted(-1)) {
        error = QStringLiteral("the settings window could not be started: %1: %2")
                    .arg(QDir::toNativeSeparators(program), window.errorString());
        return -1;
    }
    window.waitForFinished(-1);
    return window.exitStatus() == QProcess::NormalExit ? window.exitCode() : 1;
#else
    const QByteArray path = QFile::encodeName(program);
    std::vector<QByteArray> encoded {path};
    for (const QString &argument : std::as_const(arguments))
        encoded.push_back(QFile::encodeName(argument));
    std::vector<char *> argv;
    for (QByteArray &argument : encoded)
        argv.push_back(argument.data());
    argv.push_back(nullptr);

    std::fflush(stdout);
    std::fflush(stderr);
    // An ignored signal stays ignored across exec; the window keeps the default.
    const auto previousSigpipe = std::signal(SIGPIPE, SIG_DFL);
    ::execv(path.constData(), argv.data());
    const int execError = errno;
    std::signal(SIGPIPE, previousSigpipe);
    error = QStringLiteral("the settings window could not be started: %1: %2")
                .arg(program, QString::fromLocal8Bit(std::strerror(execError)));
    return -1;
#endif
}

} // namespace Choragen
