#include "ConfigLocation.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifndef Q_OS_WIN
#include <cerrno>
#include <sys/stat.h>
#endif

namespace Choragen {

QString locateConfigFile(const QString &projectDir, const QString &workingDir)
{
    const auto configIn = [](const QString &dir) {
        return QDir(dir).absoluteFilePath(QStringLiteral(".choragen/config.json"));
    };
    if (!projectDir.isEmpty())
        return QDir::cleanPath(configIn(QDir(projectDir).absolutePath()));
    QDir dir(QDir(workingDir).absolutePath());
    while (true) {
        if (QFileInfo(dir.absoluteFilePath(QStringLiteral(".choragen"))).isDir())
            return QDir::cleanPath(configIn(dir.absolutePath()));
        if (!dir.cdUp())
            break;
    }
    return QDir::cleanPath(configIn(QDir(workingDir).absolutePath()));
}

QString resolvedConfigFile(const QString &configPath)
{
    const QFileInfo info(configPath);
    return info.isSymLink() ? info.symLinkTarget() : configPath;
}

bool isRegularFile(const QString &path)
{
#ifdef Q_OS_WIN
    return QFileInfo(path).isFile();
#else
    // stat(2) follows links, so a link to a FIFO counts as a FIFO.
    struct stat status
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &status) == 0 && S_ISREG(status.st_mode);
#endif
}

// True when nothing is at @p path, or a regular file (not a link to one).
bool isRegularOrAbsent(const QString &path)
{
#ifdef Q_OS_WIN
    const QFileInfo info(path);
    return !info.exists() || (info.isFile() && !info.isSymLink());
#else
    struct stat status
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0)
        return errno == ENOENT;
    return S_ISREG(status.st_mode);
#endif
}

} // namespace Choragen
