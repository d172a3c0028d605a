#include "FileBackend.h"

#include "ConfigFile.h"
#include "Secret.h"

#include <QPointer>

#include <utility>

namespace Choragen {

void postTo(QObject *context, std::function<void()> fn)
{
    if (!context)
        return;
    QMetaObject::invokeMethod(
        context,
        [guard = QPointer<QObject>(context), fn = std::move(fn)] {
            if (guard)
                fn();
        },
        Qt::QueuedConnection);
}

FileBackend::FileBackend(QString configPath, QObject *parent)
    : QObject(parent)
    , m_configPath(std::move(configPath))
{
}

QString FileBackend::name() const
{
    return QStringLiteral("File");
}

void FileBackend::probe(QObject *context, ProbeDone done)
{
    BackendStatus status;
    status.available = true;
    status.backend = name();
    status.detail = m_configPath;
    postTo(context, [done, status] { done(status); });
}

void FileBackend::read(const QString &providerId, QObject *context, ReadDone done)
{
    ConfigFile config(m_configPath);
    Error error = config.load();
    QByteArray secret;
    if (error.ok()) {
        secret = config.apiKey(providerId);
        if (secret.isEmpty())
            error
                = Error::make(ErrorCode::NotFound,
                              QStringLiteral("No key for %1 in %2.").arg(providerId, m_configPath));
    }
    postTo(context, [done, error, secret]() mutable {
        done(error, secret);
        wipeSecret(secret);
    });
}

void FileBackend::write(const QString &providerId, const QByteArray &secret, QObject *context,
                        Done done)
{
    const auto change = [providerId, secret](ConfigFile &config, bool &changed) {
        config.setApiKey(providerId, secret);
        changed = true;
        return Error::none();
    };
    updateConfigLater(m_configPath, context, change, std::move(done));
}

void FileBackend::remove(const QString &providerId, QObject *context, Done done)
{
    auto removed = std::make_shared<bool>(false);
    const auto change = [providerId, removed](ConfigFile &config, bool &changed) {
        *removed = config.removeApiKey(providerId);
        changed = *removed;
        return Error::none();
    };
    updateConfigLater(
        m_configPath, context, change,
        [providerId, removed, configPath = m_configPath, done](const Error &error) {
            if (error.ok() && !*removed)
                return done(Error::make(
                    ErrorCode::NotFound,
                    QStringLiteral("No key for %1 in %2.").arg(providerId, configPath)));
            done(error);
        });
}

} // namespace Choragen
