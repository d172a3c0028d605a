#pragma once

#include <QList>
#include <QString>

#include <memory>

namespace Choragen {
class CredentialStore;
class ProviderRegistry;
} // namespace Choragen

namespace Choragen::Cli {

/// One line of config:doctor's report.
struct DoctorCheck
{
    DoctorCheck(QString checkId, QString checkTitle)
        : id(std::move(checkId))
        , title(std::move(checkTitle))
    {
    }

    QString id; ///< stable, for scripts: "keychain", "config-file", "environment", …
    QString title; ///< for people
    bool ok = true;
    QString detail;
    QString fix; ///< empty when ok
};

/// `config:doctor`: checks the whole setup, in the spirit of git-credential-manager's
/// `diagnose`, and changes nothing but a temporary keychain entry it removes again.
class Doctor
{
public:
    Doctor(CredentialStore &store, bool json);
    ~Doctor();

    /// Runs every check, prints the report, returns the exit code: 0 all pass, 1 a problem,
    /// 3 the keychain is unavailable while the project keeps its keys there, 4 config invalid.
    int run();

private:
    void checkConfigFile();
    void checkKeychain();
    void checkEnvironment();
    void checkConflicts();
    void checkExposure();
    void print() const;

    CredentialStore &m_store;
    bool m_json = false;
    bool m_configInvalid = false;
    bool m_keychainUnavailable = false;
    QList<DoctorCheck> m_checks;
    std::unique_ptr<ProviderRegistry> m_registry;
};

} // namespace Choragen::Cli
