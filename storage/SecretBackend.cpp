#include "SecretBackend.h"

#include "FaultInjection.h"
#include "PostTo.h"
#include "Secret.h"

namespace Choragen {

Error verifyFailed(const QString &backend, const QString &providerId)
{
    return Error::make(ErrorCode::VerifyFailed,
                       QStringLiteral("The %1 returned a different value for %2 than was written.")
                           .arg(backend, providerId),
                       QStringLiteral("Try again; if it happens again, the keychain is not "
                                      "storing keys faithfully."));
}

void SecretBackend::writeIfAbsent(const QString &providerId, const QByteArray &secret,
                                  QObject *context, PlaceDone done)
{
    readIfPresent(
        providerId, context,
        [this, providerId, secret, context, done](const Error &error, const QByteArray &existing) {
            if (error.ok())
                return done(Error::none(),
                            secretsEqual(existing, secret) ? Placed::AlreadyThere
                                                           : Placed::Different,
                            existing);
            if (!error.isNotFound())
                return done(error, Placed::Written, {});
            write(providerId, secret, context,
                  [this, providerId, secret, context, done](const Error &writeError) {
                      if (!writeError.ok())
                          return done(writeError, Placed::Written, {});
                      crashPoint(QStringLiteral("keychain:written:") + providerId);
                      read(providerId, context,
                           [this, providerId, secret, done](const Error &readError,
                                                            const QByteArray &back) {
                               if (!readError.ok() && !readError.isNotFound())
                                   return done(readError, Placed::Written, {});
                               if (readError.isNotFound() || !secretsEqual(back, secret))
                                   return done(verifyFailed(name(), providerId), Placed::Written,
                                               {});
                               done(Error::none(), Placed::Written, {});
                           });
                  });
        });
}

void SecretBackend::surveyBeforeWrites(const QStringList &providerIds, QObject *context,
                                       std::function<void()> done)
{
    Q_UNUSED(providerIds)
    postTo(context, std::move(done));
}

} // namespace Choragen
