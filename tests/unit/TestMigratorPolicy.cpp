// Migrator's policy (DESIGN.md "Migration, export, unset") over the in-memory keychain double:
// verify before the file changes, conflicts keep both, unknown key-like members block, profiles
// pick the account. Crash safety against the real keychain is in tests/integration and
// tests/hardening.
#include "PolicyProject.h"

#include "KeychainNaming.h"
#include "Migrator.h"

#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;
using Outcome = MigrationItem::Outcome;

namespace {

struct Migration
{
    MigrationReport report;
    QList<MigrationStep> steps;
};

std::optional<Migration> migrate(CredentialStore &store, const MigrationOptions &options = {},
                                 const std::function<void(const MigrationStep &)> &onStep = {})
{
    Migrator migrator(store);
    QList<MigrationStep> steps;
    const auto report
        = waitFor<MigrationReport>([&](QObject *, std::function<void(MigrationReport)> done) {
              migrator.migrate(
                  options,
                  [&](const MigrationStep &step) {
                      steps << step;
                      if (onStep)
                          onStep(step);
                  },
                  [done](const MigrationReport &r) { done(r); });
          });
    if (!report)
        return std::nullopt;
    return Migration {*report, steps};
}

const MigrationItem *item(const MigrationReport &report, const QString &id)
{
    for (const MigrationItem &candidate : report.items) {
        if (candidate.providerId == id)
            return &candidate;
    }
    return nullptr;
}

} // namespace

class TestMigratorPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { unsetProviderVariables(); }

    void migrationVerifiesEveryKeyBeforeTheFileIsRewritten()
    {
        PolicyProject project;
        const QStringList ids {u"anthropic"_s, u"openai"_s};
        project.writeConfig(TestSupport::configWithKeys(ids));
        const QByteArray before = project.configBytes();
        // Until every key is verified, the file is exactly as it was.
        bool fileUntouchedWhileVerifying = true;
        const auto run = migrate(project.store(), {}, [&](const MigrationStep &) {
            fileUntouchedWhileVerifying
                = fileUntouchedWhileVerifying && project.configBytes() == before;
        });
        QVERIFY(run);
        QVERIFY2(run->report.error.ok(), qPrintable(run->report.error.message));
        QCOMPARE(run->report.exitCode(), 0);
        QVERIFY(fileUntouchedWhileVerifying);

        // Each key: written and read back, then done.
        for (const QString &id : ids) {
            QList<MigrationStep::Stage> stages;
            for (const MigrationStep &step : std::as_const(run->steps)) {
                if (step.providerId == id)
                    stages << step.stage;
            }
            QCOMPARE(stages.first(), MigrationStep::Stage::Writing);
            QCOMPARE(stages.last(), MigrationStep::Stage::Done);
            QCOMPARE(item(run->report, id)->outcome, Outcome::Moved);
            QVERIFY(project.keychain().entry(id) == TestSupport::fakeKey(id));
        }
        QCOMPARE(project.keychain().writes(), int(ids.size()));
        // Per key: one read to find an entry already there, one to read the written key back.
        QCOMPARE(project.keychain().reads(), 2 * int(ids.size()));

        QVERIFY(run->report.fileRewritten);
        const auto config = project.config();
        QVERIFY(config);
        QVERIFY(config->apiKeyProviders().isEmpty());
        QCOMPARE(config->storageMode(), std::optional(StorageMode::Keychain));
        // Everything else in the file stays.
        QVERIFY(project.configBytes().contains("\"theme\""));
        QVERIFY(!project.configBytes().contains("FAKE"));
    }

    void aKeyThatDoesNotReadBackStaysInTheFile()
    {
        PolicyProject project;
        project.writeConfig(TestSupport::configWithKeys({u"anthropic"_s}));
        project.keychain().setCorruptWrites(true);

        const auto run = migrate(project.store());
        QVERIFY(run);
        const MigrationItem *anthropic = item(run->report, u"anthropic"_s);
        QVERIFY(anthropic);
        QCOMPARE(anthropic->outcome, Outcome::Failed);
        QCOMPARE(anthropic->error.code, ErrorCode::VerifyFailed);
        QCOMPARE(run->report.exitCode(), 1);
        const auto config = project.config();
        QVERIFY(config);
        QVERIFY(config->apiKey(u"anthropic"_s) == TestSupport::fakeKey(u"anthropic"_s));
        QVERIFY(config->storageMode() != std::optional(StorageMode::Keychain));
    }

    void aDifferentKeyInTheKeychainIsAConflictAndBothStay()
    {
        PolicyProject project;
        project.writeConfig(TestSupport::configWithKeys({u"anthropic"_s, u"openai"_s}));
        const QByteArray other = TestSupport::fakeKey(u"openai"_s, 9);
        project.keychain().setEntry(u"openai"_s, other);

        const auto run = migrate(project.store());
        QVERIFY(run);
        QCOMPARE(item(run->report, u"openai"_s)->outcome, Outcome::Conflict);
        QCOMPARE(item(run->report, u"openai"_s)->error.code, ErrorCode::Conflict);
        QVERIFY(!item(run->report, u"openai"_s)->error.message.contains(u"FAKE"_s));
        QCOMPARE(item(run->report, u"anthropic"_s)->outcome, Outcome::Moved);
        QCOMPARE(run->report.exitCode(), 1);

        QVERIFY(project.keychain().entry(u"openai"_s) == other);
        const auto config = project.config();
        QVERIFY(config);
        QVERIFY(config->apiKey(u"openai"_s) == TestSupport::fakeKey(u"openai"_s));
        // The verified key left the file; the project is not "keychain" while one is left.
        QVERIFY(config->apiKey(u"anthropic"_s).isEmpty());
        QVERIFY(config->storageMode() != std::optional(StorageMode::Keychain));
    }

    void theSameKeyAlreadyInTheKeychainCountsAsVerified()
    {
        PolicyProject project;
        project.writeConfig(TestSupport::configWithKeys({u"google"_s}));
        project.keychain().setEntry(u"google"_s, TestSupport::fakeKey(u"google"_s));

        const auto run = migrate(project.store());
        QVERIFY(run);
        QCOMPARE(item(run->report, u"google"_s)->outcome, Outcome::AlreadyThere);
        QCOMPARE(run->report.exitCode(), 0);
        QCOMPARE(project.keychain().writes(), 0);
        QVERIFY(project.config()->apiKey(u"google"_s).isEmpty());
    }

    void aKeyLikeValueInAnUnknownPlaceBlocksTheMigration()
    {
        PolicyProject project;
        project.writeConfig(
            configWith("\"llm\": {\"token\": \"t-FAKE-not-a-real-token\"}", {u"anthropic"_s}));
        const QByteArray before = project.configBytes();

        const auto run = migrate(project.store());
        QVERIFY(run);
        QCOMPARE(run->report.error.code, ErrorCode::UnrecognizedKey);
        QVERIFY(run->report.error.message.contains(u"llm.token"_s));
        QVERIFY(!run->report.error.message.contains(u"FAKE"_s));
        QVERIFY(!run->report.succeeded());
        QCOMPARE(project.keychain().writes(), 0);
        QCOMPARE(project.configBytes(), before);
    }

    void anUnavailableKeychainMovesNothing()
    {
        PolicyProject project;
        project.writeConfig(TestSupport::configWithKeys({u"anthropic"_s}));
        const QByteArray before = project.configBytes();
        project.keychain().setUnavailable(
            Error::make(ErrorCode::NoDBusSession, u"test: no session bus"_s, u"test: log in"_s));

        const auto run = migrate(project.store());
        QVERIFY(run);
        QCOMPARE(run->report.error.code, ErrorCode::NoDBusSession);
        QCOMPARE(run->report.exitCode(), 3);
        QCOMPARE(project.keychain().writes(), 0);
        QCOMPARE(project.configBytes(), before);
    }

    void aDryRunChangesNothing()
    {
        PolicyProject project;
        project.writeConfig(TestSupport::configWithKeys({u"anthropic"_s}));
        const QByteArray before = project.configBytes();
        MigrationOptions options;
        options.dryRun = true;

        const auto run = migrate(project.store(), options);
        QVERIFY(run);
        QCOMPARE(item(run->report, u"anthropic"_s)->outcome, Outcome::WouldMove);
        QVERIFY(!run->report.fileRewritten);
        QCOMPARE(project.keychain().writes(), 0);
        QCOMPARE(project.configBytes(), before);
    }

    void theProfileSelectsTheAccount_data()
    {
        QTest::addColumn<QString>("configProfile");
        QTest::addColumn<QString>("override");
        QTest::addColumn<QString>("account");
        QTest::newRow("default") << QString() << QString() << u"anthropic-api-key"_s;
        QTest::newRow("keyProfile") << u"work"_s << QString() << u"anthropic-api-key@work"_s;
        QTest::newRow("--profile") << u"work"_s << u"home"_s << u"anthropic-api-key@home"_s;
    }

    void theProfileSelectsTheAccount()
    {
        QFETCH(QString, configProfile);
        QFETCH(QString, override);
        QFETCH(QString, account);
        PolicyProject project;
        const QByteArray profileMember = configProfile.isEmpty()
            ? QByteArray()
            : "\"keyProfile\": \"" + configProfile.toUtf8() + "\"";
        project.writeConfig(configWith(profileMember, {u"anthropic"_s}));
        // A fresh store: the migration itself reads keyProfile from the config it loads.
        project.store().setProfileOverride(override);

        const auto run = migrate(project.store());
        QVERIFY(run);
        QCOMPARE(run->report.exitCode(), 0);
        QCOMPARE(project.keychain().accounts(), QStringList {account});
        const QString profile = override.isEmpty() ? configProfile : override;
        QCOMPARE(keychainAccount(u"anthropic"_s, profile), account);
        QVERIFY(project.keychain().entry(u"anthropic"_s, profile)
                == TestSupport::fakeKey(u"anthropic"_s));
    }

    void exportCopiesIntoTheFileAndLeavesTheSharedEntries()
    {
        PolicyProject project;
        project.writeConfig(configWith("\"credentialStorage\": \"keychain\""));
        const QByteArray key = TestSupport::fakeKey(u"openai"_s);
        project.keychain().setEntry(u"openai"_s, key);

        Migrator migrator(project.store());
        const auto report
            = waitFor<MigrationReport>([&](QObject *, std::function<void(MigrationReport)> done) {
                  migrator.exportToFile({builtIn(u"openai"_s)}, {},
                                        [done](const MigrationReport &r) { done(r); });
              });
        QVERIFY(report);
        QCOMPARE(report->exitCode(), 0);
        const auto config = project.config();
        QVERIFY(config);
        QVERIFY(config->apiKey(u"openai"_s) == key);
        QCOMPARE(config->storageMode(), std::optional(StorageMode::File));
        QVERIFY(project.keychain().entry(u"openai"_s) == key);
        QCOMPARE(project.keychain().removes(), 0);
    }
};

QTEST_GUILESS_MAIN(TestMigratorPolicy)
#include "TestMigratorPolicy.moc"
