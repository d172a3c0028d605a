#include "ConfigFile.h"
#include "DelayedBackend.h"
#include "ProviderListModel.h"
#include "Secret.h"
#include "WindowFixture.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

const QByteArray anthropicKey = "sk-ant-FAKE-model-000000000000a1";
const QByteArray openaiKey = "sk-FAKE-model-00000000000000000b2";
const QByteArray googleKey = "AIzaFAKE-model-0000000000000000c3";

const QByteArray legacyConfig = R"({
  "model": "claude",
  "providers": {
    "openai": { "apiKey": "sk-FAKE-model-00000000000000000b2" },
    "mistral": { "label": "Mistral", "env": "MISTRAL_API_KEY" }
  }
})";

} // namespace

class TestProviderListModel : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        auto backend = std::make_unique<DelayedBackend>(10);
        m_backend = backend.get();
        setUp(legacyConfig, std::move(backend));
        m_model = std::make_unique<ProviderListModel>(*m_store);
    }

    void cleanup() { tearDown(); }

    void rowPerBuiltInAndDeclaredProvider()
    {
        QVERIFY(m_model->refresh().ok());
        QCOMPARE(m_model->rowCount(), 4);
        QStringList ids;
        QStringList labels;
        for (int row = 0; row < m_model->rowCount(); ++row) {
            ids << m_model->index(row).data(ProviderListModel::IdRole).toString();
            labels << m_model->index(row).data(Qt::DisplayRole).toString();
        }
        QCOMPARE(ids, QStringList({u"anthropic"_s, u"openai"_s, u"google"_s, u"mistral"_s}));
        QCOMPARE(labels, QStringList({u"Anthropic"_s, u"OpenAI"_s, u"Google"_s, u"Mistral"_s}));
        QCOMPARE(m_model->index(3).data(ProviderListModel::EnvVarRole).toString(),
                 QStringLiteral("MISTRAL_API_KEY"));
    }

    void addingProviderToConfigAddsRow()
    {
        QVERIFY(m_model->refresh().ok());
        QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
        m_project->writeConfig(R"({"providers": {"mistral": {"label": "Mistral"},
                                                  "groq": {"label": "Groq", "env": "GROQ_API_KEY"}}})");
        QVERIFY(m_model->refresh().ok());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m_model->rowCount(), 5);
        QCOMPARE(m_model->rowOf(QStringLiteral("groq")), 4);
        QCOMPARE(m_model->provider(4).label, QStringLiteral("Groq"));
    }

    void rowsStartLoadingAndSettle()
    {
        QSignalSpy settled(m_model.get(), &ProviderListModel::settled);
        QVERIFY(m_model->refresh().ok());
        for (int row = 0; row < m_model->rowCount(); ++row)
            QCOMPARE(m_model->state(row), ProviderListModel::RowState::Loading);
        QVERIFY(!m_model->keychainStatus());
        QVERIFY(settled.wait(5000));
        QVERIFY(m_model->keychainStatus() && m_model->keychainStatus()->available);
        for (int row = 0; row < m_model->rowCount(); ++row)
            QCOMPARE(m_model->state(row), ProviderListModel::RowState::Ready);
    }

    void locationPerRow()
    {
        m_backend->setEntry(QStringLiteral("anthropic"), anthropicKey);
        qputenv("GOOGLE_API_KEY", googleKey);
        QSignalSpy settled(m_model.get(), &ProviderListModel::settled);
        QVERIFY(m_model->refresh().ok());
        QVERIFY(settled.wait(5000));
        const auto location = [this](const char *id) {
            return m_model->index(m_model->rowOf(QLatin1String(id)))
                .data(ProviderListModel::LocationRole)
                .value<KeyLocation>();
        };
        QCOMPARE(location("anthropic"), KeyLocation::Keychain);
        QCOMPARE(location("openai"), KeyLocation::File);
        QCOMPARE(location("google"), KeyLocation::Environment);
        QCOMPARE(location("mistral"), KeyLocation::None);
        QVERIFY(m_model->secret(m_model->rowOf(QStringLiteral("anthropic"))) == anthropicKey);
        QVERIFY(m_model->secret(m_model->rowOf(QStringLiteral("google"))) == googleKey);
        // Previews are masked: never the whole key.
        const QString preview = m_model->index(0).data(ProviderListModel::PreviewRole).toString();
        QCOMPARE(preview, maskSecret(anthropicKey));
        QVERIFY(!preview.contains(QString::fromLatin1(anthropicKey)));
        QCOMPARE(m_model->fileKeyProviders(), QStringList {QStringLiteral("openai")});
    }

    void waitingAfterDelay()
    {
        m_backend->setDelayMs(800);
        m_model->setWaitingDelayMs(150);
        QVERIFY(m_model->refresh().ok());
        QVERIFY(!m_model->index(0).data(ProviderListModel::WaitingRole).toBool());
        QVERIFY(!m_model->isProbeWaiting());
        QTRY_VERIFY_WITH_TIMEOUT(m_model->index(0).data(ProviderListModel::WaitingRole).toBool(),
                                 700);
        QVERIFY(m_model->isProbeWaiting());
        QTRY_VERIFY_WITH_TIMEOUT(m_model->state(0) == ProviderListModel::RowState::Ready, 5000);
        QVERIFY(!m_model->index(0).data(ProviderListModel::WaitingRole).toBool());
    }

    void saveStoresAndRereads()
    {
        QSignalSpy settled(m_model.get(), &ProviderListModel::settled);
        QVERIFY(m_model->refresh().ok());
        QVERIFY(settled.wait(5000));
        const int row = m_model->rowOf(QStringLiteral("anthropic"));
        m_model->save(row, anthropicKey);
        QCOMPARE(m_model->state(row), ProviderListModel::RowState::Saving);
        QVERIFY(settled.wait(5000));
        QCOMPARE(m_model->index(row).data(ProviderListModel::LocationRole).value<KeyLocation>(),
                 KeyLocation::Keychain);
        QCOMPARE(m_model->index(row)
                     .data(ProviderListModel::MessageKindRole)
                     .value<ProviderListModel::MessageKind>(),
                 ProviderListModel::MessageKind::Success);
        QVERIFY(m_backend->entry(QStringLiteral("anthropic")) == anthropicKey);
    }

    void saveFailureStaysInRow()
    {
        m_project->writeConfig(R"({"credentialStorage": "keychain"})");
        QSignalSpy settled(m_model.get(), &ProviderListModel::settled);
        QVERIFY(m_model->refresh().ok());
        QVERIFY(settled.wait(5000));
        m_backend->setWriteError(
            Error::make(ErrorCode::AccessDenied, QStringLiteral("Test keychain: access denied")));
        const int row = m_model->rowOf(QStringLiteral("openai"));
        m_model->save(row, openaiKey);
        QVERIFY(settled.wait(5000));
        QCOMPARE(m_model->index(row)
                     .data(ProviderListModel::MessageKindRole)
                     .value<ProviderListModel::MessageKind>(),
                 ProviderListModel::MessageKind::Error);
        QVERIFY(m_model->index(row)
                    .data(ProviderListModel::MessageRole)
                    .toString()
                    .contains(QStringLiteral("access denied")));
        QCOMPARE(m_model->index(row).data(ProviderListModel::LocationRole).value<KeyLocation>(),
                 KeyLocation::None);
        // Fail closed: not written to the file instead.
        QVERIFY(m_project->fileKey(QStringLiteral("openai")).isEmpty());
    }

    void removeDeletes()
    {
        m_backend->setEntry(QStringLiteral("anthropic"), anthropicKey);
        QSignalSpy settled(m_model.get(), &ProviderListModel::settled);
        QVERIFY(m_model->refresh().ok());
        QVERIFY(settled.wait(5000));
        m_model->remove(m_model->rowOf(QStringLiteral("anthropic")));
        QVERIFY(settled.wait(5000));
        QVERIFY(!m_backend->entry(QStringLiteral("anthropic")));
        QCOMPARE(m_model->index(0).data(ProviderListModel::LocationRole).value<KeyLocation>(),
                 KeyLocation::None);
        m_model->remove(m_model->rowOf(QStringLiteral("openai")));
        QVERIFY(settled.wait(5000));
        QVERIFY(m_project->fileKey(QStringLiteral("openai")).isEmpty());
    }

    void keepKeysInFileRecordsChoice()
    {
        QVERIFY(m_model->refresh().ok());
        QVERIFY(!m_project->storageMode());
        std::optional<Error> result;
        m_model->keepKeysInFile(this, [&](const Error &error) { result = error; });
        QTRY_VERIFY(result.has_value());
        QVERIFY(result->ok());
        QCOMPARE(m_project->storageMode(), std::optional(StorageMode::File));
        QVERIFY(m_project->fileKey(QStringLiteral("openai")) == openaiKey);
        QVERIFY(m_project->configBytes().contains("\"model\": \"claude\""));
    }

    // Called from the window: while another process holds the config lock, the choices wait for
    // it from the event loop (never on the UI thread) and land once it is released.
    void settingsWaitForTheConfigLockWithoutBlocking()
    {
        QVERIFY(m_model->refresh().ok());
        const QByteArray before = m_project->configBytes();
        ConfigLock other(m_project->configPath());
        QVERIFY(other.acquire(0).ok());
        QElapsedTimer clock;
        clock.start();
        std::optional<Error> kept;
        std::optional<Error> profiled;
        m_model->keepKeysInFile(this, [&](const Error &error) { kept = error; });
        m_model->setProfile(QStringLiteral("work"), this,
                            [&](const Error &error) { profiled = error; });
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        // Neither failed at once, nor wrote past the lock.
        QVERIFY(!kept && !profiled);
        QCOMPARE(m_project->configBytes(), before);
        other.release();
        QTRY_VERIFY(kept && profiled);
        QVERIFY2(kept->ok(), qPrintable(kept->text()));
        QVERIFY2(profiled->ok(), qPrintable(profiled->text()));
        QCOMPARE(m_project->storageMode(), std::optional(StorageMode::File));
        QVERIFY(m_project->configBytes().contains("\"keyProfile\": \"work\""));
        QCOMPARE(m_store->profile(), QStringLiteral("work"));
    }

    // An invalid profile name is refused without touching the file, later like every answer.
    void invalidProfileNameIsRefused()
    {
        QVERIFY(m_model->refresh().ok());
        const QByteArray before = m_project->configBytes();
        std::optional<Error> result;
        m_model->setProfile(QStringLiteral("Not A Profile"), this,
                            [&](const Error &error) { result = error; });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(result->code, ErrorCode::InvalidInput);
        QCOMPARE(m_project->configBytes(), before);
    }

    void unreadableConfigIsReported()
    {
        m_project->writeConfig("{ not json");
        const Error error = m_model->refresh();
        QCOMPARE(error.code, ErrorCode::ConfigInvalid);
        QCOMPARE(m_model->configError().code, ErrorCode::ConfigInvalid);
        QVERIFY(m_model->fileKeyProviders().isEmpty());
        QCOMPARE(m_project->configBytes(), QByteArray("{ not json"));
    }

private:
    DelayedBackend *m_backend = nullptr; // owned by m_store
};

QTEST_GUILESS_MAIN(TestProviderListModel)
#include "TestProviderListModel.moc"
