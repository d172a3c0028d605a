#include "AtomicWrite.h"

#include "FaultInjection.h"
#include "Log.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryFile>

#include <cerrno>
#include <cstring>

#ifndef Q_OS_WIN
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace Choragen {

namespace {

// Temporary files of a save are named <config>.saving-XXXXXX.
const char *const savingSuffix = ".saving-";

Error cannotWrite(const QString &target, const QString &why)
{
    return Error::make(ErrorCode::Io, QStringLiteral("Cannot write %1: %2.").arg(target, why),
                       QStringLiteral("Free some disk space or check permissions; the file was "
                                      "left untouched."));
}

// The new version could not even be started next to @p target.
Error cannotCreate(const QString &target, const QString &why)
{
    return Error::make(ErrorCode::Io, QStringLiteral("Cannot write %1: %2.").arg(target, why),
                       QStringLiteral("Check that %1 is writable; the file was left untouched.")
                           .arg(QFileInfo(target).absolutePath()));
}

} // namespace

Error ensureConfigFolder(const QString &configPath)
{
    const QFileInfo info(configPath);
    const QString folder = info.absolutePath();
    if (QFileInfo(folder).isDir())
        return Error::none();
    const QString parent = QFileInfo(folder).absolutePath();
    if (!QFileInfo(parent).isDir())
        return Error::make(ErrorCode::Io,
                           QStringLiteral("The project folder %1 does not exist.").arg(parent),
                           QStringLiteral("Pass an existing folder with --project."));
    if (!QDir().mkdir(folder,
                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return Error::make(ErrorCode::Io,
                           QStringLiteral("Cannot create the folder %1.").arg(folder),
                           QStringLiteral("Check that %1 is writable.").arg(parent));
    return Error::none();
}

#ifdef Q_OS_WIN
Error writeAtomically(const QString &target, const QByteArray &data)
{
    QSaveFile file(target);
    file.setDirectWriteFallback(false);
    if (!file.open(QIODevice::WriteOnly))
        return cannotCreate(target, file.errorString());
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        file.cancelWriting();
        return Error::make(ErrorCode::Io,
                           QStringLiteral("Cannot restrict the permissions of %1.").arg(target));
    }
    if (file.write(data) != data.size() || !file.commit())
        return cannotWrite(target, file.errorString());
    return Error::none();
}
#else
// The new version goes to a temporary file next to the target, named after it
// (config.json.saving-XXXXXX, mode 0600 from the start), is flushed to disk, and replaces the
// target with rename(2): readers see the old file or the new one, never a mix. A writer killed
// before the rename leaves that temporary file behind; the name says whose it is, so the next
// save removes it (removeInterruptedSaves()).
Error writeAtomically(const QString &target, const QByteArray &data)
{
    const QFileInfo info(target);
    QTemporaryFile file(info.absolutePath() + u'/' + info.fileName() + QLatin1String(savingSuffix)
                        + QStringLiteral("XXXXXX"));
    if (!file.open())
        return cannotCreate(target, file.errorString());
    // QTemporaryFile creates it 0600; made sure of before a single byte goes in.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Error::make(ErrorCode::Io,
                           QStringLiteral("Cannot restrict the permissions of %1.").arg(target));
    if (file.write(data) != data.size() || !file.flush())
        return cannotWrite(target, file.errorString());
    if (::fsync(file.handle()) != 0)
        return cannotWrite(target, QString::fromLocal8Bit(std::strerror(errno)));
    // Qt may have created the file unnamed (O_TMPFILE), so a kill until here leaves nothing;
    // asking for its name links it into the folder.
    const QString temporary = file.fileName();
    crashPoint(QStringLiteral("save:written"));
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(target).constData())
        != 0)
        return cannotWrite(target, QString::fromLocal8Bit(std::strerror(errno)));
    file.setAutoRemove(false);
    // The rename itself reaches the disk with the folder.
    const int folder = ::open(QFile::encodeName(info.absolutePath()).constData(),
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
    return Error::none();
}
#endif

// Removes what writers killed mid-save left next to @p target. Only under the config lock, so
// no writer is between its temporary file and its rename.
void removeInterruptedSaves(const QString &target)
{
#ifndef Q_OS_WIN
    const QFileInfo info(target);
    QDir folder(info.absolutePath());
    const QStringList leftovers = folder.entryList(
        {info.fileName() + QLatin1String(savingSuffix) + QStringLiteral("??????")},
        QDir::Files | QDir::Hidden | QDir::System);
    for (const QString &name : leftovers) {
        if (folder.remove(name))
            qCInfo(lcStorage) << "removed" << folder.filePath(name)
                              << "left by a save that was interrupted";
    }
#else
    Q_UNUSED(target)
#endif
}

} // namespace Choragen
