// Owns org.freedesktop.secrets on the session bus and never answers a call: a keychain that
// hangs, as one behind an unanswered unlock prompt does. Prints "ready" once the name is owned.
#include <QCoreApplication>
#include <QDBusConnection>
#include <QThread>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (!QDBusConnection::sessionBus().registerService(QStringLiteral("org.freedesktop.secrets")))
        return 1;
    std::puts("ready");
    std::fflush(stdout);
    // No event loop: calls queue up unanswered until the bus goes away.
    QThread::sleep(120);
    return 0;
}
