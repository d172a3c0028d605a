#pragma once

#include "SecretBackend.h"

#include <QObject>

namespace Choragen {

/// Plaintext keys in the `apiKeys` member of the config file. Always available; every write is
/// a locked, atomic read-modify-write of the file.
class FileBackend : public QObject, public SecretBackend
{
    Q_OBJECT
public:
    explicit FileBackend(QString configPath, QObject *parent = nullptr);

    QString configPath() const { return m_configPath; }

    QString name() const override;
    void probe(QObject *context, ProbeDone done) override;
    void read(const QString &providerId, QObject *context, ReadDone done) override;
    void write(const QString &providerId, const QByteArray &secret, QObject *context,
               Done done) override;
    void remove(const QString &providerId, QObject *context, Done done) override;

private:
    QString m_configPath;
};

/// Calls @p fn from the event loop of @p context's thread, unless @p context is gone by then.
void postTo(QObject *context, std::function<void()> fn);

} // namespace Choragen
