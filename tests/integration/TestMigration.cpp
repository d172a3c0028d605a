// Migration and export against the real Secret Service of make test's private session.
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

namespace {

QByteArray configWithKeys(const QStringList &ids, int generation = 0)
{
    QJsonObject keys;
    for (const QString &id : ids)
        keys.insert(id, QString::fromUtf8(fakeKey(id, generation)));
    QJsonObject root;
    root.insert(QStringLiteral("model"), QStringLiteral("claude-test"));
    root.insert(QStringLiteral("apiKeys"), keys);
    return QJsonDocument(root).toJson();
}

QStringList providerIds(int count)
{
    if (count == 3)
        return {QStringLiteral("anthropic"), QStringLiteral("openai"), QStringLiteral("google")};
    QStringList ids;
    for (int i = 0; i < count; ++i)
        ids << QStringLiteral("p%1").arg(i, 3, 10, QLatin1Char('0'));
    return ids;
}

QJsonObject parse(const QByteArray &content)
{
    return QJsonDocument::fromJson(content).object();
}

// Every key is readable, from the keychain or the file, with its exact value.
bool everyKeyReadable(const QString &project, const QStringList &ids, int generation, QString *why)
{
    const QJsonObject inFile
        = parse(readConfig(project)).value(QStringLiteral("apiKeys")).toObject();
    for (const QString &id : ids) {
        bool found = false;
        const QByteArray fromKeychain = secretToolLookup(id, &found);
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

class TestMigration : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString project() const { return m_dir->path(); }
    QStringList at(const QStringList &more) const
    {
        return QStringList {QStringLiteral("--project"), project()} + more;
    }

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
    void initTestCase()
    {
        QVERIFY2(secretServiceRunning(), "needs the Secret Service that `make test` starts");
    }

    void init()
    {
        clearKeychain();
        m_dir = std::make_unique<QTemporaryDir>();
    }

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
        QVERIFY(!config.contains(QStringLiteral("apiKeys")));
        QCOMPARE(config.value(QStringLiteral("credentialStorage")).toString(),
                 QStringLiteral("keychain"));
        QCOMPARE(config.value(QStringLiteral("model")).toString(), QStringLiteral("claude-test"));
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
        QVERIFY(config.value(QStringLiteral("apiKeys"))
                    .toObject()
                    .value(QStringLiteral("openai"))
                    .toString()
                    .toUtf8()
                == fakeKey(QStringLiteral("openai")));
        QVERIFY(config.value(QStringLiteral("credentialStorage")).toString()
                != QStringLiteral("keychain"));
        // The others did move.
        QVERIFY(secretToolLookup(QStringLiteral("anthropic"))
                == fakeKey(QStringLiteral("anthropic")));
        QVERIFY(!config.value(QStringLiteral("apiKeys"))
                     .toObject()
                     .contains(QStringLiteral("anthropic")));
        // status reports the conflict rather than hiding it.
        const Run status = choragen(at({QStringLiteral("config:status")}));
        QVERIFY(status.out.contains("CONFLICT"));
    }

    void crashAtEveryMigrationStepLosesNothing()
    {
        const QStringList ids = providerIds(3);
        const QByteArray config = configWithKeys(ids);
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
            QVERIFY(!parse(readConfig(project())).contains(QStringLiteral("apiKeys")));
            QVERIFY2(interruptedSaves().isEmpty(), qPrintable(point));
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
        for (const QString &id : ids) {
            QVERIFY(config.value(QStringLiteral("apiKeys")).toObject().value(id).toString().toUtf8()
                    == fakeKey(id));
            bool found = true;
            secretToolLookup(id, &found);
            QVERIFY2(!found, qPrintable(id));
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
        // The file written, in place, then each keychain copy deleted.
        QCOMPARE(points.size(), 2 + ids.size());

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
            for (const QString &id : ids) {
                bool found = true;
                secretToolLookup(id, &found);
                QVERIFY(!found);
            }
        }
    }

    void crashAtEverySetStepKeepsOldOrNewKey()
    {
        const QString id = QStringLiteral("anthropic");
        const QByteArray config = configWithKeys({id}, 1); // the old key, in the file
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
            QVERIFY(!parse(readConfig(project())).contains(QStringLiteral("apiKeys")));
            QVERIFY2(interruptedSaves().isEmpty(), qPrintable(point));
        }
    }

    void exportCopyLeavesStorageAlone()
    {
        writeConfig(project(), configWithKeys(providerIds(3)));
        QCOMPARE(choragen(at({QStringLiteral("--migrate")})).exitCode, 0);
        const QByteArray before = readConfig(project());
        const QString copy = m_dir->filePath(QStringLiteral("backup.json"));
        const Run run = choragen(at({QStringLiteral("config:export"), QStringLiteral("--output"),
                                     copy, QStringLiteral("--yes")}));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(readConfig(project()), before);
        QFile file(copy);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject exported = parse(file.readAll());
        QVERIFY(exported.value(QStringLiteral("apiKeys"))
                    .toObject()
                    .value(QStringLiteral("google"))
                    .toString()
                    .toUtf8()
                == fakeKey(QStringLiteral("google")));
        QCOMPARE(QFileInfo(copy).permissions() & 0x0077, QFileDevice::Permissions());
        QVERIFY(secretToolLookup(QStringLiteral("google")) == fakeKey(QStringLiteral("google")));
        // An existing file is never overwritten.
        QCOMPARE(choragen(at({QStringLiteral("config:export"), QStringLiteral("--output"), copy,
                              QStringLiteral("--yes")}))
                     .exitCode,
                 1);
    }
};

QTEST_GUILESS_MAIN(TestMigration)
#include "TestMigration.moc"
