// The least a Qt program does to read one key through QtKeychain: an application object, one
// ReadPasswordJob, the event loop until it finishes. bench.py runs it beside
// `choragen config:get` to show what the Qt and QtKeychain stack costs on its own.
// Usage: qtkeychain_lookup SERVICE KEY   (the secret on stdout)
#include <QCoreApplication>
#include <qt6keychain/keychain.h>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: qtkeychain_lookup SERVICE KEY\n");
        return 2;
    }
    auto *job = new QKeychain::ReadPasswordJob(QString::fromLocal8Bit(argv[1]));
    job->setAutoDelete(true);
    job->setKey(QString::fromLocal8Bit(argv[2]));
    int code = 1;
    QObject::connect(job, &QKeychain::Job::finished, &app, [&code](QKeychain::Job *finished) {
        if (finished->error() == QKeychain::NoError) {
            const QByteArray secret
                = static_cast<QKeychain::ReadPasswordJob *>(finished)->binaryData();
            std::fwrite(secret.constData(), 1, static_cast<size_t>(secret.size()), stdout);
            std::fputc('\n', stdout);
            code = 0;
        } else {
            std::fprintf(stderr, "qtkeychain_lookup: %s\n", qPrintable(finished->errorString()));
        }
        QCoreApplication::quit();
    });
    job->start();
    app.exec();
    return code;
}
