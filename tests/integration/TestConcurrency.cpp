// Several processes writing one config file at once: the lock and the atomic save keep it whole,
// and a migration waiting on the keychain holds the lock only for its final rewrite.
#include "CredentialStore.h"
#include "KeychainBackend.h"
#include "Migrator.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <optional>
#include <vector>

using namespace TestSupport;
using namespace Choragen;
using namespace Qt::StringLiterals;

namespace {

// The real keychain, with reads and writes held back until open(): a migration or export waiting
// on an unlock prompt, with the Secret Service of the test session behind it.
class GatedKeychain : public SecretBackend
{
public:
    QString name() const override { return m_real.name(); }
    void probe(QObject *context, ProbeDone done) override { m_real.probe(context, done); }
    void read(const QString &id, QObject *context, ReadDone done) override
    {
        hold([this, id, context, done] { m_real.read(id, context, done); });
    }
    void write(const QString &id, const QByteArray &secret, QObject *context, Done done) override
    {
        hold([this, id, secret, context, done] { m_real.write(id, secret, context, done); });
    }
    void remove(const QString &id, QObject *context, Done done) override
    {
        m_real.remove(id, context, done);
    }
    void setProfile(const QString &profile) override { m_real.setProfile(profile); }

    int heldCalls() const { return int(m_held.size()); }
    void open()
    {
        m_open = true;
        auto held = std::move(m_held);
        m_held.clear();
        for (auto &call : held)
            call();
    }

private:
    void hold(std::function<void()> call)
    {
        if (m_open)
            return call();
        m_held.push_back(std::move(call));
    }

    KeychainBackend m_real;
    std::vector<std::function<void()>> m_held;
    bool m_open = false;
};

// A migration or export of the project's file run in this process, stopped at its first
// keychain read or write.
struct HeldRun
{
    explicit HeldRun(const QString &projectDir)
    {
        auto keychain = std::make_unique<GatedKeychain>();
        gate = keychain.get();
        store = std::make_unique<CredentialStore>(configPath(projectDir), std::move(keychain));
        store->reload();
        migrator = std::make_unique<Migrator>(*store);
    }
    Migrator::Done done()
    {
        return [this](const MigrationReport &finished) {
            report = finished;
        };
    }
    bool waitUntilHeld() const
    {
        return QTest::qWaitFor([&] { return gate->heldCalls() > 0; }, 20000);
    }
    bool finish()
    {
        gate->open();
        return QTest::qWaitFor([&] { return report.has_value(); }, 20000);
    }

    GatedKeychain *gate = nullptr;
    std::unique_ptr<CredentialStore> store;
    std::unique_ptr<Migrator> migrator;
    std::optional<MigrationReport> report;
};

} // namespace

class TestConcurrency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void interleavedSetsLoseNothing()
    {
        QTemporaryDir dir;
        constexpr int writers = 6;
        constexpr int rounds = 5;
        QJsonObject providers;
        for (int i = 0; i < writers; ++i)
            providers.insert(
                QStringLiteral("w%1").arg(i),
                QJsonObject {{QStringLiteral("label"), QStringLiteral("Writer %1").arg(i)}});
        QJsonObject root {{QStringLiteral("credentialStorage"), QStringLiteral("file")},
                          {QStringLiteral("providers"), providers},
                          {QStringLiteral("keepMe"), QStringLiteral("untouched")}};
        writeConfig(dir.path(), QJsonDocument(root).toJson());

        int observations = 0;
        for (int round = 0; round < rounds; ++round) {
            std::vector<std::unique_ptr<QProcess>> processes;
            for (int i = 0; i < writers; ++i) {
                auto process = std::make_unique<QProcess>();
                process->setProcessEnvironment(cleanEnvironment());
                process->start(choragenBinary(),
                               {QStringLiteral("--project"), dir.path(),
                                QStringLiteral("config:set"), QStringLiteral("w%1").arg(i)});
                QVERIFY(process->waitForStarted());
                process->write(fakeKey(QStringLiteral("w%1").arg(i), round));
                process->closeWriteChannel();
                processes.push_back(std::move(process));
            }
            // Read the file over and over while they write: it is always whole.
            bool running = true;
            while (running) {
                const QByteArray content = readConfig(dir.path());
                QVERIFY2(isValidJsonObject(content), "a reader saw a partial config file");
                ++observations;
                running = false;
                for (auto &process : processes)
                    running = running || process->state() != QProcess::NotRunning;
                QTest::qWait(1);
            }
            for (auto &process : processes) {
                process->waitForFinished();
                QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
            }
            const QJsonObject config = QJsonDocument::fromJson(readConfig(dir.path())).object();
            const QJsonObject keys = keysInConfig(readConfig(dir.path()));
            for (int i = 0; i < writers; ++i) {
                const QString id = QStringLiteral("w%1").arg(i);
                QVERIFY2(keys.value(id).toString().toUtf8() == fakeKey(id, round),
                         qPrintable(id + QStringLiteral(" lost")));
            }
            QCOMPARE(config.value(QStringLiteral("keepMe")).toString(),
                     QStringLiteral("untouched"));
            // Each writer's provider keeps its label beside the key it set.
            const QJsonObject written = config.value(QStringLiteral("providers")).toObject();
            QCOMPARE(written.size(), writers);
            for (int i = 0; i < writers; ++i)
                QCOMPARE(written.value(QStringLiteral("w%1").arg(i))
                             .toObject()
                             .value(QStringLiteral("label"))
                             .toString(),
                         QStringLiteral("Writer %1").arg(i));
        }
        qInfo("checked the file %d times while writers ran", observations);
    }

    void init() { clearKeychain(); }
    void cleanup() { clearKeychain(); }

    // config:set of another provider while a migration waits on the keychain: it completes at
    // once (it does not wait for the migration, nor fail with "being changed"), and afterwards
    // each key is where it was put.
    void setDuringMigrationDoesNotWaitForIt()
    {
        QTemporaryDir dir;
        writeConfig(dir.path(), configWithKeys({QStringLiteral("anthropic")}));
        HeldRun migration(dir.path());
        migration.migrator->migrate({}, {}, migration.done());
        QVERIFY(migration.waitUntilHeld());

        QElapsedTimer clock;
        clock.start();
        const Run set = choragen({QStringLiteral("--project"), dir.path(),
                                  QStringLiteral("config:set"), QStringLiteral("openai"),
                                  QStringLiteral("--storage"), QStringLiteral("file")},
                                 fakeKey(QStringLiteral("openai")));
        QVERIFY2(set.exitCode == 0, set.err.constData());
        // Well under the 10 s a writer waits for a held lock.
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!migration.report.has_value());

        QVERIFY(migration.finish());
        QCOMPARE(migration.report->exitCode(), 0);
        const QJsonObject keys = keysInConfig(readConfig(dir.path()));
        QVERIFY(!keys.contains(QStringLiteral("anthropic")));
        QCOMPARE(keys.value(QStringLiteral("openai")).toString().toUtf8(),
                 fakeKey(QStringLiteral("openai")));
        QCOMPARE(secretToolLookup(QStringLiteral("anthropic")),
                 fakeKey(QStringLiteral("anthropic")));
        for (const QString &id : {QStringLiteral("anthropic"), QStringLiteral("openai")}) {
            const Run get = choragen(
                {QStringLiteral("--project"), dir.path(), QStringLiteral("config:get"), id});
            QCOMPARE(get.exitCode, 0);
            QVERIFY2(get.out.trimmed() == fakeKey(id), qPrintable(id));
        }
    }

    // The key in the file changes while the migration writes the one it read: the new key stays
    // in the file, and the migration reports that key as not moved.
    void keyChangedDuringMigrationStaysInFile()
    {
        QTemporaryDir dir;
        const QString anthropic = QStringLiteral("anthropic");
        writeConfig(dir.path(), configWithKeys({anthropic, QStringLiteral("openai")}));
        HeldRun migration(dir.path());
        migration.migrator->migrate({}, {}, migration.done());
        QVERIFY(migration.waitUntilHeld());
        // Choragen's own settings page rewrites the file with a new key.
        QByteArray changed = configWithKeys({anthropic, QStringLiteral("openai")});
        changed.replace(fakeKey(anthropic), fakeKey(anthropic, 1));
        QVERIFY(changed.contains(fakeKey(anthropic, 1)));
        writeConfig(dir.path(), changed);

        QVERIFY(migration.finish());
        QCOMPARE(migration.report->exitCode(), 1);
        const QJsonObject keys = keysInConfig(readConfig(dir.path()));
        QCOMPARE(keys.value(anthropic).toString().toUtf8(), fakeKey(anthropic, 1));
        // The unchanged key was moved as usual.
        QVERIFY(!keys.contains(QStringLiteral("openai")));
        QCOMPARE(secretToolLookup(QStringLiteral("openai")), fakeKey(QStringLiteral("openai")));
        bool anthropicReported = false;
        for (const MigrationItem &item : migration.report->items) {
            if (item.providerId == anthropic) {
                anthropicReported = true;
                QCOMPARE(item.outcome, MigrationItem::Outcome::Conflict);
                QVERIFY(!item.error.message.contains(QString::fromUtf8(fakeKey(anthropic, 1))));
            } else {
                QCOMPARE(item.outcome, MigrationItem::Outcome::Moved);
            }
        }
        QVERIFY(anthropicReported);
        // Nothing was lost: the key read before is the keychain's.
        QCOMPARE(secretToolLookup(anthropic), fakeKey(anthropic));
    }

    // A key appears in the file while an export reads the keychain: it is kept, and the export
    // reports it as a conflict.
    void keyAddedDuringExportIsNotOverwritten()
    {
        QTemporaryDir dir;
        const QString anthropic = QStringLiteral("anthropic");
        QVERIFY(secretToolStore(anthropic, fakeKey(anthropic)));
        writeConfig(dir.path(), R"({"credentialStorage": "keychain"})");
        HeldRun exporting(dir.path());
        Provider provider;
        provider.id = anthropic;
        provider.label = QStringLiteral("Anthropic");
        provider.envVar = QStringLiteral("ANTHROPIC_API_KEY");
        exporting.migrator->exportToFile({provider}, {}, exporting.done());
        QVERIFY(exporting.waitUntilHeld());
        writeConfig(dir.path(), configWithKeys({anthropic}, 1));

        QVERIFY(exporting.finish());
        QCOMPARE(exporting.report->exitCode(), 1);
        QCOMPARE(exporting.report->items.size(), 1);
        QCOMPARE(exporting.report->items.first().outcome, MigrationItem::Outcome::Conflict);
        const QByteArray content = readConfig(dir.path());
        QCOMPARE(keysInConfig(content).value(anthropic).toString().toUtf8(), fakeKey(anthropic, 1));
        QVERIFY(QJsonDocument::fromJson(content).object().value(u"credentialStorage"_s)
                != u"file"_s);
        QCOMPARE(secretToolLookup(anthropic), fakeKey(anthropic));
    }
};

QTEST_GUILESS_MAIN(TestConcurrency)
#include "TestConcurrency.moc"
