// CredentialStore's policy (DESIGN.md "Where a project's key comes from", "Storage policy",
// "Migration, export, unset"), over the in-memory keychain double: no keychain is needed, so
// these run on every platform. The real keychain's side is in tests/integration.
#include "PolicyProject.h"

#include "KeychainNaming.h"

#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(std::optional<Choragen::StorageMode>)

namespace {

const QByteArray keychainValue = TestSupport::fakeKey(u"anthropic"_s, 1);
const QByteArray fileKey = TestSupport::fakeKey(u"anthropic"_s);

Error locked()
{
    return Error::make(ErrorCode::KeychainLocked, u"test: the keychain is locked"_s,
                       u"test: unlock it"_s);
}

QByteArray modeMember(std::optional<StorageMode> mode)
{
    if (!mode)
        return {};
    return "\"credentialStorage\": \"" + storageModeName(*mode).toUtf8() + "\"";
}

// @p project's config: @p mode (none: undecided) and, when @p keyInFile, fileKey as the anthropic
// key; and @p inKeychain, unless empty, as the keychain's anthropic entry.
void arrange(PolicyProject &project, std::optional<StorageMode> mode, bool keyInFile,
             const QByteArray &inKeychain = {})
{
    project.writeConfig(
        configWith(modeMember(mode), keyInFile ? QStringList {u"anthropic"_s} : QStringList {}));
    if (!inKeychain.isEmpty())
        project.keychain().setEntry(u"anthropic"_s, inKeychain);
}

} // namespace

class TestCredentialStorePolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { unsetProviderVariables(); }
    void cleanup() { unsetProviderVariables(); }

    // --- The read rule --------------------------------------------------------------------

    void environmentWinsInEveryMode_data()
    {
        QTest::addColumn<std::optional<StorageMode>>("mode");
        QTest::newRow("keychain") << std::optional(StorageMode::Keychain);
        QTest::newRow("file") << std::optional(StorageMode::File);
        QTest::newRow("undecided") << std::optional<StorageMode>();
    }

    void environmentWinsInEveryMode()
    {
        QFETCH(std::optional<StorageMode>, mode);
        PolicyProject project;
        arrange(project, mode, true, keychainValue);
        const QByteArray envKey = TestSupport::fakeKey(u"anthropic"_s, 2);
        qputenv("ANTHROPIC_API_KEY", envKey);

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        QVERIFY(info->error.ok());
        QCOMPARE(info->location, KeyLocation::Environment);
        QCOMPARE(info->envVar, u"ANTHROPIC_API_KEY"_s);
        QVERIFY(info->secret == envKey);
    }

    void googleAlsoReadsGeminiApiKey()
    {
        PolicyProject project;
        project.writeConfig(configWith({}, {u"google"_s}));
        const QByteArray gemini = TestSupport::fakeKey(u"google"_s, 3);
        qputenv("GEMINI_API_KEY", gemini);

        auto info = project.lookup(builtIn(u"google"_s));
        QVERIFY(info);
        QCOMPARE(info->location, KeyLocation::Environment);
        QCOMPARE(info->envVar, u"GEMINI_API_KEY"_s);
        QVERIFY(info->secret == gemini);

        // GOOGLE_API_KEY, the first name, wins over the fallback.
        const QByteArray google = TestSupport::fakeKey(u"google"_s, 4);
        qputenv("GOOGLE_API_KEY", google);
        info = project.lookup(builtIn(u"google"_s));
        QVERIFY(info);
        QCOMPARE(info->envVar, u"GOOGLE_API_KEY"_s);
        QVERIFY(info->secret == google);
    }

    void keychainModeReadsTheKeychainAndReportsAFileConflict()
    {
        PolicyProject project;
        arrange(project, StorageMode::Keychain, true, keychainValue);

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        QVERIFY(info->error.ok());
        QCOMPARE(info->location, KeyLocation::Keychain);
        QVERIFY(info->secret == keychainValue);
        QVERIFY(info->conflict);
        QVERIFY(!info->alsoInFile);
        // Reported, never resolved: both keys are where they were.
        QVERIFY(project.config()->apiKey(u"anthropic"_s) == fileKey);
        QVERIFY(project.keychain().entry(u"anthropic"_s) == keychainValue);
    }

    void keychainModeWithTheSameKeyInTheFileIsNoConflict()
    {
        PolicyProject project;
        arrange(project, StorageMode::Keychain, true, fileKey);

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        QCOMPARE(info->location, KeyLocation::Keychain);
        QVERIFY(!info->conflict);
        QVERIFY(info->alsoInFile);
    }

    void keychainModeFailsClosedWhenTheKeychainCannotAnswer()
    {
        PolicyProject project;
        arrange(project, StorageMode::Keychain, true);
        project.keychain().setReadError(locked());

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        // The keychain may hold a newer key than the file: the file's is not offered instead.
        QCOMPARE(info->error.code, ErrorCode::KeychainLocked);
        QCOMPARE(info->location, KeyLocation::None);
        QVERIFY(info->secret.isEmpty());
    }

    void fileModeNeverAsksTheKeychain_data()
    {
        QTest::addColumn<bool>("keyInFile");
        QTest::newRow("key in the file") << true;
        QTest::newRow("no key in the file") << false;
    }

    void fileModeNeverAsksTheKeychain()
    {
        QFETCH(bool, keyInFile);
        PolicyProject project;
        arrange(project, StorageMode::File, keyInFile, keychainValue);

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        QVERIFY(info->error.ok());
        QCOMPARE(info->location, keyInFile ? KeyLocation::File : KeyLocation::None);
        QVERIFY(info->secret == (keyInFile ? fileKey : QByteArray()));
        QVERIFY(!info->conflict);
        QCOMPARE(project.keychain().callsStarted(), 0);
    }

    void undecidedPrefersTheFile()
    {
        PolicyProject project;
        arrange(project, std::nullopt, true, keychainValue);

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        QCOMPARE(info->location, KeyLocation::File);
        QVERIFY(info->secret == fileKey);
        // Another project's keychain entry neither overrides nor conflicts with this file.
        QVERIFY(!info->conflict);
        QCOMPARE(project.keychain().callsStarted(), 0);
    }

    void undecidedWithoutAFileKeyReadsTheKeychain()
    {
        PolicyProject project;
        arrange(project, std::nullopt, false, keychainValue);

        const auto info = project.lookup(builtIn(u"anthropic"_s));
        QVERIFY(info);
        QCOMPARE(info->location, KeyLocation::Keychain);
        QVERIFY(info->secret == keychainValue);
    }

    // --- The storage policy ---------------------------------------------------------------

    void freshSetupWithAUsableKeychainUsesItAndRecordsIt()
    {
        PolicyProject project;
        const QByteArray key = TestSupport::fakeKey(u"openai"_s);

        const auto result = project.store(builtIn(u"openai"_s), key);
        QVERIFY(result);
        QVERIFY2(result->error.ok(), qPrintable(result->error.message));
        QCOMPARE(result->location, KeyLocation::Keychain);
        QVERIFY(project.keychain().entry(u"openai"_s) == key);
        const auto config = project.config();
        QVERIFY(config);
        QCOMPARE(config->storageMode(), std::optional(StorageMode::Keychain));
        QVERIFY(config->apiKey(u"openai"_s).isEmpty());
    }

    void freshSetupWithoutAKeychainUsesTheFileAndSaysWhy()
    {
        PolicyProject project;
        project.keychain().setUnavailable(Error::make(
            ErrorCode::NoSecretService, u"test: no Secret Service"_s, u"test: start one"_s));
        const QByteArray key = TestSupport::fakeKey(u"openai"_s);

        const auto result = project.store(builtIn(u"openai"_s), key);
        QVERIFY(result);
        QVERIFY(result->error.ok());
        QCOMPARE(result->location, KeyLocation::File);
        QVERIFY(!result->warnings.isEmpty());
        const QString warnings = result->warnings.join(u'\n');
        QVERIFY2(warnings.contains(u"test: no Secret Service"_s), qPrintable(warnings));
        QVERIFY(!warnings.contains(QString::fromUtf8(key)));
        const auto config = project.config();
        QVERIFY(config);
        QVERIFY(config->apiKey(u"openai"_s) == key);
        // Not recorded: a later run with a keychain may still choose it.
        QCOMPARE(config->storageMode(), std::nullopt);
        QCOMPARE(project.keychain().writes(), 0);
    }

    void keychainModeNeverFallsBackToTheFile_data()
    {
        QTest::addColumn<bool>("unavailable");
        QTest::newRow("keychain unavailable") << true;
        QTest::newRow("write refused") << false;
    }

    void keychainModeNeverFallsBackToTheFile()
    {
        QFETCH(bool, unavailable);
        PolicyProject project;
        project.writeConfig(configWith(modeMember(StorageMode::Keychain)));
        const QByteArray before = project.configBytes();
        if (unavailable)
            project.keychain().setUnavailable(locked());
        else
            project.keychain().setWriteError(locked());

        const auto result = project.store(builtIn(u"openai"_s), TestSupport::fakeKey(u"openai"_s));
        QVERIFY(result);
        QCOMPARE(result->error.code, ErrorCode::KeychainLocked);
        QCOMPARE(exitCodeFor(result->error), 3);
        QCOMPARE(result->location, KeyLocation::None);
        QCOMPARE(project.configBytes(), before);
        QVERIFY(!project.keychain().entry(u"openai"_s));
    }

    void aKeyTheKeychainDoesNotReturnIsNotReportedStored()
    {
        PolicyProject project;
        project.writeConfig(configWith(modeMember(StorageMode::Keychain)));
        const QByteArray before = project.configBytes();
        project.keychain().setCorruptWrites(true);

        const auto result = project.store(builtIn(u"openai"_s), TestSupport::fakeKey(u"openai"_s));
        QVERIFY(result);
        QCOMPARE(result->error.code, ErrorCode::VerifyFailed);
        QCOMPARE(project.configBytes(), before);
    }

    // --- Unset ----------------------------------------------------------------------------

    void fileModeUnsetNeverTouchesTheKeychain()
    {
        PolicyProject project;
        arrange(project, StorageMode::File, true, keychainValue);

        const auto result = project.remove(builtIn(u"anthropic"_s));
        QVERIFY(result);
        QVERIFY(result->error.ok());
        QCOMPARE(result->removedFrom, QList<KeyLocation> {KeyLocation::File});
        QVERIFY(project.config()->apiKey(u"anthropic"_s).isEmpty());
        QCOMPARE(project.keychain().callsStarted(), 0);
        QVERIFY(project.keychain().entry(u"anthropic"_s) == keychainValue);
    }

    void keychainModeUnsetRemovesTheSharedEntryAndSaysSo()
    {
        PolicyProject project;
        arrange(project, StorageMode::Keychain, false, keychainValue);

        const auto result = project.remove(builtIn(u"anthropic"_s));
        QVERIFY(result);
        QVERIFY(result->error.ok());
        QVERIFY(result->removedFrom.contains(KeyLocation::Keychain));
        QVERIFY(!project.keychain().entry(u"anthropic"_s));
        QVERIFY2(result->warnings.join(u'\n').contains(u"shared"_s),
                 qPrintable(result->warnings.join(u'\n')));
    }

    void keychainModeUnsetFailsWhenTheKeychainCannotAnswer()
    {
        PolicyProject project;
        arrange(project, StorageMode::Keychain, true);
        const QByteArray before = project.configBytes();
        project.keychain().setUnavailable(locked());

        const auto result = project.remove(builtIn(u"anthropic"_s));
        QVERIFY(result);
        QCOMPARE(result->error.code, ErrorCode::KeychainLocked);
        QVERIFY(result->removedFrom.isEmpty());
        QCOMPARE(project.configBytes(), before);
    }

    void undecidedUnsetRemovesBothCopies()
    {
        PolicyProject project;
        arrange(project, std::nullopt, true, keychainValue);

        const auto result = project.remove(builtIn(u"anthropic"_s));
        QVERIFY(result);
        QVERIFY(result->error.ok());
        QVERIFY(result->removedFrom.contains(KeyLocation::Keychain));
        QVERIFY(result->removedFrom.contains(KeyLocation::File));
        QVERIFY(!project.keychain().entry(u"anthropic"_s));
        QVERIFY(project.config()->apiKey(u"anthropic"_s).isEmpty());
    }

    // --- Profiles -------------------------------------------------------------------------

    void theProjectsProfileNamesTheAccount()
    {
        PolicyProject project;
        project.writeConfig(
            configWith(modeMember(StorageMode::Keychain) + ", \"keyProfile\": \"work\""));
        const QByteArray key = TestSupport::fakeKey(u"openai"_s, 5);

        const auto result = project.store(builtIn(u"openai"_s), key);
        QVERIFY(result);
        QVERIFY(result->error.ok());
        QCOMPARE(project.keychain().accounts(),
                 QStringList {keychainAccount(u"openai"_s, u"work"_s)});
        QCOMPARE(project.keychain().accounts(), QStringList {u"openai-api-key@work"_s});

        // The default profile's entry is another key, never read for this project.
        project.keychain().setEntry(u"openai"_s, TestSupport::fakeKey(u"openai"_s, 6));
        const auto info = project.lookup(builtIn(u"openai"_s));
        QVERIFY(info);
        QCOMPARE(info->location, KeyLocation::Keychain);
        QVERIFY(info->secret == key);
    }

    void profileOverrideWinsOverTheConfig()
    {
        PolicyProject project;
        project.writeConfig(
            configWith(modeMember(StorageMode::Keychain) + ", \"keyProfile\": \"work\""));
        const QByteArray homeKey = TestSupport::fakeKey(u"openai"_s, 7);
        project.keychain().setEntry(u"openai"_s, homeKey, u"home"_s);
        project.keychain().setEntry(u"openai"_s, TestSupport::fakeKey(u"openai"_s, 8), u"work"_s);

        project.store().setProfileOverride(u"home"_s);
        QCOMPARE(project.store().profile(), u"home"_s);
        const auto info = project.lookup(builtIn(u"openai"_s));
        QVERIFY(info);
        QVERIFY(info->secret == homeKey);
    }
};

QTEST_GUILESS_MAIN(TestCredentialStorePolicy)
#include "TestCredentialStorePolicy.moc"
