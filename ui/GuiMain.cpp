#include "GuiMain.h"

#include "ConfigFile.h"
#include "CredentialStore.h"
#include "Icons.h"
#include "KeychainBackend.h"
#include "Launcher.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace Choragen {

int runWindow(int argc, char **argv, const QString &projectDir, const QString &profile,
              Launcher::Start start)
{
    // Before the application object: a usage error needs no display.
    if (!projectDir.isEmpty() && !QFileInfo(projectDir).isDir()) {
        std::fprintf(stderr, "choragen-settings: error: the project folder %s does not exist.\n",
                     qUtf8Printable(projectDir));
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setWindowIcon(Icons::appIcon());
    // Matches resources/desktop/dev.choragen.Choragen.desktop, so Wayland shows its icon and name.
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.choragen.Choragen"));

    const QString configPath = ConfigFile::locate(projectDir, QDir::currentPath());
    CredentialStore store(configPath, std::make_unique<KeychainBackend>());
    store.setProfileOverride(profile);
    Launcher launcher(store);
    launcher.start(start);
    return app.exec();
}

} // namespace Choragen
