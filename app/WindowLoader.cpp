#include "WindowLoader.h"

#include <QDir>
#include <QFileInfo>
#include <QLibrary>

namespace Choragen {

namespace {

const QLatin1String moduleFile("choragen-window.so");

using RunWindow = int (*)(int, char **, const char *, const char *);

} // namespace

QStringList windowModuleCandidates(const QString &applicationDir)
{
    const QDir dir(applicationDir);
    return {QDir::cleanPath(
                dir.filePath(QStringLiteral(CHORAGEN_WINDOW_MODULE_RELDIR "/") + moduleFile)),
            dir.filePath(moduleFile)};
}

int runWindowModule(int argc, char **argv, const QString &projectDir, const QString &profile,
                    const QString &applicationDir, QString &error)
{
    const QStringList candidates = windowModuleCandidates(applicationDir);
    QString path;
    for (const QString &candidate : candidates) {
        if (QFileInfo::exists(candidate)) {
            path = candidate;
            break;
        }
    }
    if (path.isEmpty()) {
        error = QStringLiteral("the settings window is not installed (looked for %1)")
                    .arg(candidates.join(QStringLiteral(" and ")));
        return -1;
    }
    // Kept loaded until the process exits: Qt's plugins and static objects of the module may
    // still run during exit.
    QLibrary library(path);
    library.setLoadHints(QLibrary::PreventUnloadHint);
    const auto run = reinterpret_cast<RunWindow>(library.resolve("choragen_run_window"));
    if (!run) {
        error = QStringLiteral("the settings window could not be loaded: %1")
                    .arg(library.errorString());
        return -1;
    }
    return run(argc, argv, projectDir.toUtf8().constData(), profile.toUtf8().constData());
}

} // namespace Choragen
