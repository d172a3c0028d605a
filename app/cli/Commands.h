#pragma once

#include "Cli.h"
#include "Exposure.h"

#include <memory>

namespace Choragen {
class CredentialStore;
class ProviderRegistry;
struct Error;
struct MigrationStep;
struct Provider;
} // namespace Choragen

namespace Choragen::Cli {

/// One function per config:* command, all over the same CredentialStore the window uses.
class Commands
{
public:
    explicit Commands(Invocation invocation);
    ~Commands();

    int run();

    int status();
    int secure();
    int exportKeys();
    int set();
    int get();
    int unset();
    int doctor();
    int exec();

private:
    int fail(const Error &error) const;
    bool resolveProvider(Provider &provider) const;
    void printProgress(const MigrationStep &step) const;
    /// In a desktop session, a call that finds the keychain locked shows its own unlock prompt
    /// and the command waits for it (up to the keychain timeout), as secret-tool does.
    void unlockIfLocked();
    /// The git exposure checks for the project's keys in use now (see storage/Exposure.h).
    /// @p inKeychain: keys known to be the keychain's now (just migrated), not read again.
    ExposureReport exposure(const QList<KeyInUse> &inKeychain = {});
    /// Rotation advice for each committed key, for people; empty when nothing is exposed.
    QString exposureAdvice(const ExposureReport &report) const;

    Invocation m_invocation;
    std::unique_ptr<CredentialStore> m_store;
    std::unique_ptr<ProviderRegistry> m_registry;
};

} // namespace Choragen::Cli
