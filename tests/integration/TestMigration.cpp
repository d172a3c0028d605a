// Migration and export against the real Secret Service of make test's private session.
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;
using namespace Qt::StringLiterals;

namespace {

QJsonObject parse(const QByteArray &content)
{
    return QJsonDocument::fromJson(content).object();
}

// @p config with `"keyProfile": profile` added, unless @p profile is empty.
QByteArray withProfile(const QByteArray &config, const QString &profile)
{
    if (profile.isEmpty())
        return config;
    QJsonObject root = parse(config);
    root.insert(QStringLiteral("keyProfile"), profile);
    return QJsonDocument(root).toJson();
}

// Every key is readable, from the keychain entry of the config's profile or the file, with its
// exact value.
bool everyKeyReadable(const QString &project, const QStringList &ids, int generation, QString *why)
{
    const QByteArray config = readConfig(project);
    const QJsonObject inFile = keysInConfig(config);
    const QString profile = parse(config).value(QStringLiteral("keyProfile")).toString();
    for (const QString &id : ids) {
        bool found = false;
        const QByteArray fromKeychain = secretToolLookupAccount(
            id + QStringLiteral("-api-key")
                + (profile.isEmpty() ? QString() : QStringLiteral("@") + profile),
            &found);
        const QByteArray expected = fakeKey(id, generation);
        const bool keychainOk = found && fromKeychain == expected;
        const bool fileOk = inFile.value(id).toString().toUtf8() == expected;
        if (found && !keychainOk && inFile.contains(id) && !fileOk) {
            *why = id + QStringLiteral(": both copies differ from the original");
            return false;
        }
        if (!keychainOk && !fileOk) {
            *why = id + QStringLiteral(": in neither store");
            return false;
        }
    }
    return true;
}

} // namespace

class TestMigration : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    // Temporary files of saves that never reached their rename, in the project's .choragen/.
    QStringList interruptedSaves() const
    {
        return QDir(project() + QStringLiteral("/.choragen"))
            .entryList({QStringLiteral("config.json.saving-*")}, QDir::Files | QDir::Hidden);
    }

    // The crash points a full run passes, in order.
    QStringList crashPoints(const QStringList &arguments, const QByteArray &config,
                            const QByteArray &input = {})
    {
        QTemporaryDir scratch;
        writeConfig(scratch.path(), config);
        clearKeychain();
        const QString trace = scratch.filePath(QStringLiteral("trace"));
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("CHORAGEN_CRASH_TRACE"), trace);
        const Run run = choragen(
            QStringList {QStringLiteral("--project"), scratch.path()} + arguments, input, env);
        if (run.exitCode != 0)
            return {};
        QFile file(trace);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        clearKeychain();
        return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(secretServiceRunning(), needsSecretService); }

    void init() { setUpKeychainProject(); }

    void cleanup() { clearKeychain(); }

    void migratesKeysAndReadsThemBack_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("3 keys") << 3;
        QTest::newRow("50 keys") << 50;
    }

    void migratesKeysAndReadsThemBack()
    {
        QFETCH(int, count);
        const QStringList ids = providerIds(count);
        writeConfig(project(), configWithKeys(ids));

        QElapsedTimer timer;
        timer.start();
        const Run run = choragen(at({QStringLiteral("--migrate")}));
        const qint64 ms = timer.elapsed();
        QVERIFY2(run.exitCode == 0, run.err.constData());
        qInfo("migrated %d keys in %lld ms (whole process)", count, ms);

        for (const QString &id : ids) {
            bool found = false;
            const QByteArray value = secretToolLookup(id, &found);
            QVERIFY2(found, qPrintable(id));
            QVERIFY2(value == fakeKey(id), qPrintable(id + QStringLiteral(" differs")));
        }
        const QJsonObject config = parse(readConfig(project()));
        QVERIFY(keysInConfig(readConfig(project())).isEmpty());
        QCOMPARE(config.value(QStringLiteral("credentialStorage")).toString(),
                 QStringLiteral("keychain"));
        QCOMPARE(config.value(QStringLiteral("settings")).toObject().value(u"ui"_s),
                 QJsonValue(QJsonObject {{u"theme"_s, u"dark"_s}}));
        // One progress line per key, none with a secret.
        QCOMPARE(run.err.count("\n"), qsizetype(count));
        QVERIFY(!run.all().contains("not-a-real-key"));
    }

    void rerunIsIdempotent()
    {
        const QStringList ids = providerIds(3);
        writeConfig(project(), configWithKeys(ids));
        QCOMPARE(choragen(at({QStringLiteral("config:secure")})).exitCode, 0);
        const QByteArray after = readConfig(project());
        const Run again = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(readConfig(project()), after);
        QString why;
        QVERIFY2(everyKeyReadable(project(), ids, 0, &why), qPrintable(why));
    }

    void dryRunChangesNothing()
    {
        const QByteArray config = configWithKeys(providerIds(3));
        writeConfig(project(), config);
        const Run run = choragen(at({QStringLiteral("--migrate"), QStringLiteral("--dry-run")}));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("would move"));
        QCOMPARE(readConfig(project()), config);
        bool found = true;
        secretToolLookup(QStringLiteral("anthropic"), &found);
        QVERIFY(!found);
        QVERIFY(!QFileInfo::exists(configPath(project()) + QStringLiteral(".lock")));
    }

    void conflictKeepsBothAndFails()
    {
        // The keychain already holds another openai key (set from another project).
        QTemporaryDir other;
        const Run seed = choragen({QStringLiteral("--project"), other.path(),
                                   QStringLiteral("config:set"), QStringLiteral("openai"),
                                   QStringLiteral("--storage"), QStringLiteral("keychain")},
                                  fakeKey(QStringLiteral("openai"), 9));
        QCOMPARE(seed.exitCode, 0);
        const QStringList ids = providerIds(3);
        writeConfig(project(), configWithKeys(ids));

        const Run run = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("openai"));
        QVERIFY(run.err.contains("different key"));
        QVERIFY(!run.all().contains("not-a-real-key"));
        // Nothing overwritten: the keychain keeps its key, the file keeps its own.
        QVERIFY(secretToolLookup(QStringLiteral("openai")) == fakeKey(QStringLiteral("openai"), 9));
        const QJsonObject config = parse(readConfig(project()));
        const QJsonObject inFile = keysInConfig(readConfig(project()));
        QVERIFY(inFile.value(u"openai"_s).toString().toUtf8() == fakeKey(QStringLiteral("openai")));
        QVERIFY(config.value(QStringLiteral("credentialStorage")).toString()
                != QStringLiteral("keychain"));
        // The others did move.
        QVERIFY(secretToolLookup(QStringLiteral("anthropic"))
                == fakeKey(QStringLiteral("anthropic")));
        QVERIFY(!inFile.contains(QStringLiteral("anthropic")));
        // Still undecided, the project reads its own file's key, not the other project's.
        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("openai")}));
        QVERIFY(get.out.trimmed() == fakeKey(QStringLiteral("openai")));
        // A rerun reports the conflict again rather than resolving it.
        const Run again = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(again.exitCode, 1);
        QVERIFY(again.err.contains("different key"));
    }

    void crashAtEveryMigrationStepLosesNothing_data() { profileRows(); }

    void crashAtEveryMigrationStepLosesNothing()
    {
        QFETCH(QString, profile);
        const QStringList ids = providerIds(3);
        const QByteArray config = withProfile(configWithKeys(ids), profile);
        const QStringList points = crashPoints({QStringLiteral("--migrate")}, config);
        // written + verified per key, the new file written (not yet in place), and the commit.
        QCOMPARE(points.size(), 2 * ids.size() + 2);
        for (const QString &point : points) {
            clearKeychain();
            writeConfig(project(), config);
            QProcessEnvironment env = cleanEnvironment();
            env.insert(QStringLiteral("CHORAGEN_CRASH_AT"), point);
            const Run crashed = choragen(at({QStringLiteral("--migrate")}), {}, env);
            QVERIFY2(crashed.exitCode == 77, qPrintable(point));
            // Killed between writing the new file and putting it in place: it is still there.
            if (point == QStringLiteral("save:written"))
                QCOMPARE(interruptedSaves().size(), 1);
            QVERIFY2(isValidJsonObject(readConfig(project())), qPrintable(point));
            QString why;
            QVERIFY2(everyKeyReadable(project(), ids, 0, &why),
                     qPrintable(point + QStringLiteral(": ") + why));

            const Run rerun = choragen(at({QStringLiteral("--migrate")}));
            QVERIFY2(rerun.exitCode == 0, qPrintable(point + QString::fromUtf8(rerun.err)));
            QVERIFY2(everyKeyReadable(project(), ids, 0, &why), qPrintable(why));
            QVERIFY(keysInConfig(readConfig(project())).isEmpty());
            QVERIFY2(interruptedSaves().isEmpty(), qPrintable(point));
            // A profile's keys never land in the default profile's entries.
            if (!profile.isEmpty()) {
                bool found = true;
                secretToolLookup(ids.first(), &found);
                QVERIFY(!found);
            }
        }
    }

    void exportMirrorsMigration()
    {
        const QStringList ids = providerIds(3);
        writeConfig(project(), configWithKeys(ids));
        QCOMPARE(choragen(at({QStringLiteral("--migrate")})).exitCode, 0);
        const Run run = choragen(at({QStringLiteral("config:export"), QStringLiteral("--yes")}));
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.err.contains("UNENCRYPTED"));
        QVERIFY(!run.all().contains("not-a-real-key"));
        const QJsonObject config = parse(readConfig(project()));
        QCOMPARE(config.value(QStringLiteral("credentialStorage")).toString(),
                 QStringLiteral("file"));
        QVERIFY(run.out.contains("keychain entries stay"));
        for (const QString &id : ids) {
            QVERIFY(config.value(u"providers"_s)
                        .toObject()
                        .value(id)
                        .toObject()
                        .value(u"apiKey"_s)
                        .toString()
                        .toUtf8()
                    == fakeKey(id));
            // Other projects may read the keychain entry: it stays.
            QVERIFY2(secretToolLookup(id) == fakeKey(id), qPrintable(id));
        }
        QCOMPARE(QFileInfo(configPath(project())).permissions() & 0x0077,
                 QFileDevice::Permissions());
    }

    void crashAtEveryExportStepLosesNothing()
    {
        const QStringList ids = providerIds(3);
        QByteArray seeded;
        {
            writeConfig(project(), configWithKeys(ids));
            QCOMPARE(choragen(at({QStringLiteral("--migrate")})).exitCode, 0);
            seeded = readConfig(project());
        }
        const QStringList exportArgs {QStringLiteral("config:export"), QStringLiteral("--yes")};
        // Trace a full export in a scratch project whose keys were migrated the same way.
        QTemporaryDir scratch;
        writeConfig(scratch.path(), configWithKeys(ids));
        QCOMPARE(
            choragen({QStringLiteral("--project"), scratch.path(), QStringLiteral("--migrate")})
                .exitCode,
            0);
        QProcessEnvironment traceEnv = cleanEnvironment();
        const QString trace = scratch.filePath(QStringLiteral("trace"));
        traceEnv.insert(QStringLiteral("CHORAGEN_CRASH_TRACE"), trace);
        QCOMPARE(choragen(QStringList {QStringLiteral("--project"), scratch.path()} + exportArgs,
                          {}, traceEnv)
                     .exitCode,
                 0);
        QFile traceFile(trace);
        QVERIFY(traceFile.open(QIODevice::ReadOnly));
        const QStringList points
            = QString::fromUtf8(traceFile.readAll()).split(u'\n', Qt::SkipEmptyParts);
        // The file written, then in place; the keychain is left alone.
        QCOMPARE(points.size(), 2);

        for (const QString &point : points) {
            clearKeychain();
            writeConfig(project(), configWithKeys(ids));
            QCOMPARE(choragen(at({QStringLiteral("--migrate")})).exitCode, 0);
            QProcessEnvironment env = cleanEnvironment();
            env.insert(QStringLiteral("CHORAGEN_CRASH_AT"), point);
            QVERIFY2(choragen(at(exportArgs), {}, env).exitCode == 77, qPrintable(point));
            QVERIFY(isValidJsonObject(readConfig(project())));
            QString why;
            QVERIFY2(everyKeyReadable(project(), ids, 0, &why),
                     qPrintable(point + QStringLiteral(": ") + why));
            QCOMPARE(choragen(at(exportArgs)).exitCode, 0);
            QVERIFY2(everyKeyReadable(project(), ids, 0, &why), qPrintable(why));
            QVERIFY2(interruptedSaves().isEmpty(), qPrintable(point));
            for (const QString &id : ids)
                QVERIFY(secretToolLookup(id) == fakeKey(id));
        }
    }

    void crashAtEverySetStepKeepsOldOrNewKey_data() { profileRows(); }

    void crashAtEverySetStepKeepsOldOrNewKey()
    {
        QFETCH(QString, profile);
        const QString id = QStringLiteral("anthropic");
        // The old key, in the file.
        const QByteArray config = withProfile(configWithKeys({id}, 1), profile);
        const QStringList setArgs {QStringLiteral("config:set"), id, QStringLiteral("--storage"),
                                   QStringLiteral("keychain")};
        const QStringList points = crashPoints(setArgs, config, fakeKey(id, 2));
        // Keychain written, verified, the file without the old key written, then in place.
        QCOMPARE(points.size(), 4);
        for (const QString &point : points) {
            clearKeychain();
            writeConfig(project(), config);
            QProcessEnvironment env = cleanEnvironment();
            env.insert(QStringLiteral("CHORAGEN_CRASH_AT"), point);
            QVERIFY2(choragen(at(setArgs), fakeKey(id, 2), env).exitCode == 77, qPrintable(point));
            QVERIFY(isValidJsonObject(readConfig(project())));
            // The old key or the new one is readable, never neither.
            QString whyOld;
            QString whyNew;
            QVERIFY2(everyKeyReadable(project(), {id}, 1, &whyOld)
                         || everyKeyReadable(project(), {id}, 2, &whyNew),
                     qPrintable(point));
            QCOMPARE(choragen(at(setArgs), fakeKey(id, 2)).exitCode, 0);
            const Run get = choragen(at({QStringLiteral("config:get"), id}));
            QVERIFY(get.out.trimmed() == fakeKey(id, 2));
            QVERIFY(keysInConfig(readConfig(project())).isEmpty());
            QVERIFY2(interruptedSaves().isEmpty(), qPrintable(point));
        }
    }

    void exportCopyLeavesStorageAlone()
    {
        writeConfig(project(), configWithKeys(providerIds(3)));
        QCOMPARE(choragen(at({QStringLiteral("--migrate")})).exitCode, 0);
        const QByteArray before = readConfig(project());
        const QString copy = scratchPath(QStringLiteral("backup.json"));
        const Run run = choragen(at({QStringLiteral("config:export"), QStringLiteral("--output"),
                                     copy, QStringLiteral("--yes")}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(readConfig(project()), before);
        QFile file(copy);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject exported = parse(file.readAll());
        QVERIFY(exported.value(u"providers"_s)
                    .toObject()
                    .value(u"google"_s)
                    .toObject()
                    .value(u"apiKey"_s)
                    .toString()
                    .toUtf8()
                == fakeKey(QStringLiteral("google")));
        QVERIFY(!exported.contains(u"apiKeys"_s));
        QCOMPARE(QFileInfo(copy).permissions() & 0x0077, QFileDevice::Permissions());
        QVERIFY(secretToolLookup(QStringLiteral("google")) == fakeKey(QStringLiteral("google")));
        // An existing file is never overwritten.
        QCOMPARE(choragen(at({QStringLiteral("config:export"), QStringLiteral("--output"), copy,
                              QStringLiteral("--yes")}))
                     .exitCode,
                 1);
    }

    // Exactly the file Choragen's settings page writes: three keys, a local server, settings.
    void migratesChoragensOwnFileAndExportsItBack()
    {
        const QByteArray original = settingsPageConfig();
        writeConfig(project(), original);
        QFile::setPermissions(configPath(project()),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        const QJsonObject keys = keysInConfig(original);
        QCOMPARE(keys.size(), 3);

        const Run status = choragen(at({u"config:status"_s}));
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.contains("anthropic  file"), status.out.constData());
        QVERIFY2(status.out.contains("no key needed"), status.out.constData());

        const Run run = choragen(at({u"--migrate"_s}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("Moved 3 keys"));
        QVERIFY(!run.all().contains("not-a-real-key"));
        for (const QString &id : {u"anthropic"_s, u"openai"_s, u"google"_s}) {
            bool found = false;
            QCOMPARE(secretToolLookup(id, &found), keys.value(id).toString().toUtf8());
            QVERIFY(found);
        }
        const QByteArray migrated = readConfig(project());
        QVERIFY(!migrated.contains("not-a-real-key"));
        QCOMPARE(QFileInfo(configPath(project())).permissions() & 0x0077,
                 QFileDevice::Permissions());
        // Everything else as it was, in meaning and order.
        const QByteArray expected
            = settingsPageConfigWithoutKeys(R"("credentialStorage": "keychain")");
        QCOMPARE(migrated, expected);

        const Run get = choragen(at({u"config:get"_s, u"google"_s}));
        QCOMPARE(get.out.trimmed(), keys.value(u"google"_s).toString().toUtf8());

        // Export brings back providers.<id>.apiKey, the shape Choragen's loader reads.
        const Run exported = choragen(at({u"config:export"_s, u"--yes"_s}));
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        const QJsonObject back = parse(readConfig(project()));
        const QJsonObject providers = back.value(u"providers"_s).toObject();
        for (const QString &id : {u"anthropic"_s, u"openai"_s, u"google"_s})
            QCOMPARE(providers.value(id).toObject().value(u"apiKey"_s), keys.value(id));
        QCOMPARE(providers.value(u"ollama"_s).toObject().value(u"baseUrl"_s).toString().toUtf8(),
                 settingsPageServerUrl());
        QVERIFY(!back.contains(u"apiKeys"_s));
        QCOMPARE(back.value(u"credentialStorage"_s).toString(), u"file"_s);
    }

    // The 0.1 releases of this app wrote an `apiKeys` map; it still migrates.
    void migratesTheFormatOfEarlierReleases()
    {
        const QStringList ids = providerIds(3);
        writeConfig(project(), legacyConfigWithKeys(ids));
        const Run run = choragen(at({u"--migrate"_s}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        for (const QString &id : ids)
            QVERIFY(secretToolLookup(id) == fakeKey(id));
        const QJsonObject config = parse(readConfig(project()));
        QVERIFY(!config.contains(u"apiKeys"_s));
        QCOMPARE(config.value(u"model"_s).toString(), u"claude-test"_s);
    }

    void unrecognizedKeyLikeMemberBlocksMigration_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("path");
        QTest::newRow("key instead of apiKey") << QByteArray(
            R"({"providers": {"anthropic": {"key": "sk-ant-FAKE-misplaced-not-a-real-key"},
                              "openai": {"apiKey": "sk-FAKE-openai-0-not-a-real-key-0000"}}})")
                                               << u"providers.anthropic.key"_s;
        QTest::newRow("apiKey under another member")
            << QByteArray(R"({"llm": {"apiKey": "sk-FAKE-misplaced-not-a-real-key"},
                              "providers": {"openai": {"apiKey": "sk-FAKE-openai-0-not-a-real-key-0000"}}})")
            << u"llm.apiKey"_s;
        QTest::newRow("nothing else to move")
            << QByteArray(R"({"llm": {"api_key": "sk-FAKE-misplaced-not-a-real-key"}})")
            << u"llm.api_key"_s;
    }

    void unrecognizedKeyLikeMemberBlocksMigration()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, path);
        writeConfig(project(), config);
        for (const QStringList &arguments :
             {QStringList {u"--migrate"_s}, QStringList {u"--migrate"_s, u"--dry-run"_s}}) {
            const Run run = choragen(at(arguments));
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains(path.toUtf8()), run.err.constData());
            QVERIFY(!run.out.contains("No keys"));
            QVERIFY(!run.all().contains("not-a-real-key"));
            QCOMPARE(readConfig(project()), config);
            bool found = true;
            secretToolLookup(u"openai"_s, &found);
            QVERIFY(!found);
        }
        const Run status = choragen(at({u"config:status"_s}));
        QVERIFY2(status.out.contains(path.toUtf8()), status.out.constData());
        QVERIFY(status.out.contains("Not secured"));
        QVERIFY(!status.all().contains("not-a-real-key"));
        const Run json = choragen(at({u"config:status"_s, u"--json"_s}));
        QCOMPARE(parse(json.out).value(u"unrecognized"_s).toArray(), QJsonArray {path});
        QCOMPARE(readConfig(project()), config);
    }

    // Choragen's settings page rewrites the file with `providers` only: a key it adds after a
    // migration is found again and offered for migration.
    void keyAddedLaterBySettingsPageIsMigratedAgain()
    {
        writeConfig(project(), configWithKeys({u"anthropic"_s}));
        QCOMPARE(choragen(at({u"--migrate"_s})).exitCode, 0);
        writeConfig(
            project(),
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-openai-5-not-a-real-key-0000"}}})");
        const Run status = choragen(at({u"config:status"_s}));
        QVERIFY2(status.out.contains("1 key is stored unencrypted"), status.out.constData());
        QVERIFY(status.out.contains("anthropic  keychain"));
        QCOMPARE(choragen(at({u"--migrate"_s})).exitCode, 0);
        QVERIFY(secretToolLookup(u"openai"_s) == "sk-FAKE-openai-5-not-a-real-key-0000");
        QVERIFY(keysInConfig(readConfig(project())).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMigration)
#include "TestMigration.moc"
