// Many projects, one keychain: each project's storage decides where its keys come from, nothing
// one project does breaks another, and key profiles keep work and personal keys apart. Black box,
// against the real Secret Service of make test's private session.
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;
using namespace Qt::StringLiterals;

namespace {

QStringList in(const QTemporaryDir &project, const QStringList &arguments)
{
    return QStringList {u"--project"_s, project.path()} + arguments;
}

QJsonObject statusOf(const QTemporaryDir &project, const QStringList &more = {})
{
    const Run run = choragen(in(project, QStringList {u"config:status"_s, u"--json"_s} + more));
    return jsonOut(run);
}

} // namespace

class TestProjects : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(secretServiceRunning(), needsSecretService); }
    void init() { clearKeychain(); }
    void cleanup() { clearKeychain(); }

    void exportInOneProjectLeavesAnotherProjectsKey()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        writeConfig(b.path(), configWithKeys({u"openai"_s}));
        QCOMPARE(choragen(in(b, {u"--migrate"_s})).exitCode, 0);
        writeConfig(a.path(), R"({"credentialStorage": "keychain"})");

        const Run exported = choragen(in(a, {u"config:export"_s, u"--yes"_s}));
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QVERIFY(keysInConfig(readConfig(a.path())).value(u"openai"_s).toString().toUtf8()
                == fakeKey(u"openai"_s));
        // B, still in keychain mode, reads its key as before.
        const Run get = choragen(in(b, {u"config:get"_s, u"openai"_s}));
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.out.trimmed() == fakeKey(u"openai"_s));
    }

    void fileModeProjectReadsOnlyItsOwnKey()
    {
        QTemporaryDir work;
        QCOMPARE(choragen(in(work, {u"config:set"_s, u"openai"_s, u"--storage"_s, u"keychain"_s}),
                          fakeKey(u"openai"_s, 1))
                     .exitCode,
                 0);
        QTemporaryDir personal;
        QCOMPARE(choragen(in(personal, {u"config:set"_s, u"openai"_s, u"--storage"_s, u"file"_s}),
                          fakeKey(u"openai"_s, 2))
                     .exitCode,
                 0);
        // Setting a file key left the shared keychain entry alone.
        QVERIFY(secretToolLookup(u"openai"_s) == fakeKey(u"openai"_s, 1));

        const Run get = choragen(in(personal, {u"config:get"_s, u"openai"_s}));
        QCOMPARE(get.exitCode, 0);
        QVERIFY(get.out.trimmed() == fakeKey(u"openai"_s, 2));
        QVERIFY2(get.err.isEmpty(), get.err.constData());
        const QJsonObject status = statusOf(personal);
        const QJsonObject openai = status.value(u"providers"_s).toArray().at(1).toObject();
        QCOMPARE(openai.value(u"id"_s).toString(), u"openai"_s);
        QCOMPARE(openai.value(u"location"_s).toString(), u"file"_s);
        QVERIFY(!openai.contains(u"conflict"_s));

        // Unset in a file-mode project touches only its file.
        const Run unset = choragen(in(personal, {u"config:unset"_s, u"openai"_s}));
        QCOMPARE(unset.exitCode, 0);
        QVERIFY(keysInConfig(readConfig(personal.path())).isEmpty());
        QVERIFY(secretToolLookup(u"openai"_s) == fakeKey(u"openai"_s, 1));
    }

    void unsettingASharedEntrySaysEveryProjectLosesIt()
    {
        QTemporaryDir a;
        QCOMPARE(choragen(in(a, {u"config:set"_s, u"google"_s, u"--storage"_s, u"keychain"_s}),
                          fakeKey(u"google"_s))
                     .exitCode,
                 0);
        const Run unset = choragen(in(a, {u"config:unset"_s, u"google"_s}));
        QCOMPARE(unset.exitCode, 0);
        QVERIFY2(unset.err.contains("shared") && unset.err.contains("every project"),
                 unset.err.constData());
        bool found = true;
        secretToolLookup(u"google"_s, &found);
        QVERIFY(!found);
    }

    void profilesKeepTheirOwnKeys()
    {
        QTemporaryDir work;
        writeConfig(work.path(), R"({"credentialStorage": "keychain", "keyProfile": "work"})");
        QTemporaryDir personal;
        writeConfig(personal.path(), R"({"credentialStorage": "keychain"})");
        QCOMPARE(choragen(in(work, {u"config:set"_s, u"anthropic"_s}), fakeKey(u"anthropic"_s, 1))
                     .exitCode,
                 0);
        QCOMPARE(
            choragen(in(personal, {u"config:set"_s, u"anthropic"_s}), fakeKey(u"anthropic"_s, 2))
                .exitCode,
            0);
        // The documented names, where the agent and other tools look.
        QVERIFY(secretToolLookupAccount(u"anthropic-api-key@work"_s) == fakeKey(u"anthropic"_s, 1));
        QVERIFY(secretToolLookupAccount(u"anthropic-api-key"_s) == fakeKey(u"anthropic"_s, 2));

        QVERIFY(choragen(in(work, {u"config:get"_s, u"anthropic"_s})).out.trimmed()
                == fakeKey(u"anthropic"_s, 1));
        QVERIFY(choragen(in(personal, {u"config:get"_s, u"anthropic"_s})).out.trimmed()
                == fakeKey(u"anthropic"_s, 2));
        // --profile overrides the project's keyProfile for one invocation.
        QVERIFY(choragen(in(personal, {u"config:get"_s, u"anthropic"_s, u"--profile"_s, u"work"_s}))
                    .out.trimmed()
                == fakeKey(u"anthropic"_s, 1));
        QCOMPARE(statusOf(work).value(u"profile"_s).toString(), u"work"_s);
        QVERIFY(statusOf(personal).value(u"profile"_s).isNull());
        QCOMPARE(statusOf(personal, {u"--profile"_s, u"work"_s}).value(u"profile"_s).toString(),
                 u"work"_s);

        // Removing the work key leaves the default profile's key.
        QCOMPARE(choragen(in(work, {u"config:unset"_s, u"anthropic"_s})).exitCode, 0);
        bool found = true;
        secretToolLookupAccount(u"anthropic-api-key@work"_s, &found);
        QVERIFY(!found);
        QVERIFY(secretToolLookupAccount(u"anthropic-api-key"_s) == fakeKey(u"anthropic"_s, 2));
    }

    void migrationFillsTheProfilesEntries()
    {
        QTemporaryDir project;
        QJsonObject config
            = QJsonDocument::fromJson(configWithKeys({u"openai"_s, u"google"_s})).object();
        config.insert(u"keyProfile"_s, u"client-a"_s);
        writeConfig(project.path(), QJsonDocument(config).toJson());
        const Run run = choragen(in(project, {u"--migrate"_s}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(secretToolLookupAccount(u"openai-api-key@client-a"_s) == fakeKey(u"openai"_s));
        QVERIFY(secretToolLookupAccount(u"google-api-key@client-a"_s) == fakeKey(u"google"_s));
        bool found = true;
        secretToolLookup(u"openai"_s, &found);
        QVERIFY(!found);
        QVERIFY(keysInConfig(readConfig(project.path())).isEmpty());
        QVERIFY(readConfig(project.path()).contains("\"keyProfile\": \"client-a\""));
    }

    void badProfileNameIsAUsageErrorAndWritesNothing_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("upper case") << u"Work"_s;
        QTest::newRow("space") << u"my work"_s;
        QTest::newRow("leading dash") << u"-x"_s;
        QTest::newRow("too long") << QString(33, u'a');
        QTest::newRow("a pasted key") << u"sk-FAKE-CANARY-pasted/as+profile=="_s;
    }

    void badProfileNameIsAUsageErrorAndWritesNothing()
    {
        QFETCH(QString, name);
        QTemporaryDir project;
        const QByteArray config = configWithKeys({u"openai"_s});
        writeConfig(project.path(), config);
        for (const QStringList &arguments :
             {QStringList {u"--migrate"_s}, QStringList {u"config:set"_s, u"anthropic"_s},
              QStringList {u"config:status"_s}}) {
            const Run run = choragen(in(project, arguments + QStringList {u"--profile"_s, name}),
                                     fakeKey(u"anthropic"_s));
            QCOMPARE(run.exitCode, 2);
            QVERIFY2(run.err.contains("profile name"), run.err.constData());
            QVERIFY(!run.all().contains("CANARY"));
        }
        QCOMPARE(readConfig(project.path()), config);
        bool found = true;
        secretToolLookup(u"anthropic"_s, &found);
        QVERIFY(!found);
    }

    // Fail closed for a profile's entries too: never a file write instead.
    void profileProjectFailsClosedWithoutKeychain()
    {
        QTemporaryDir project;
        const QByteArray config = R"({"credentialStorage": "keychain", "keyProfile": "work"})";
        writeConfig(project.path(), config);
        QProcessEnvironment env = cleanEnvironment();
        env.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
        env.insert(u"XDG_RUNTIME_DIR"_s, project.path());
        const Run set
            = choragen(in(project, {u"config:set"_s, u"openai"_s}), fakeKey(u"openai"_s), env);
        QCOMPARE(set.exitCode, 3);
        QVERIFY(!set.all().contains("not-a-real-key"));
        QCOMPARE(choragen(in(project, {u"config:get"_s, u"openai"_s}), {}, env).exitCode, 3);
        QCOMPARE(readConfig(project.path()), config);
    }

    void badProfileInTheConfigIsAnInvalidConfig()
    {
        QTemporaryDir project;
        const QByteArray config = R"({"keyProfile": "Work Keys"})";
        writeConfig(project.path(), config);
        const Run run = choragen(in(project, {u"config:status"_s}));
        QCOMPARE(run.exitCode, 4);
        QVERIFY(run.err.contains("keyProfile"));
        QCOMPARE(readConfig(project.path()), config);
    }
};

QTEST_GUILESS_MAIN(TestProjects)
#include "TestProjects.moc"
