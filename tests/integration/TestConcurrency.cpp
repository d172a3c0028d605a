// Several processes writing one config file at once: the lock and the atomic save keep it whole.
#include "TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

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
};

QTEST_GUILESS_MAIN(TestConcurrency)
#include "TestConcurrency.moc"
