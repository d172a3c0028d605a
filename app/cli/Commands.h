#pragma once

#include "Cli.h"

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
    int exec();

private:
    int fail(const Error &error) const;
    bool resolveProvider(Provider &provider) const;
    void printProgress(const MigrationStep &step) const;

    Invocation m_invocation;
    std::unique_ptr<CredentialStore> m_store;
    std::unique_ptr<ProviderRegistry> m_registry;
};

} // namespace Choragen::Cli
