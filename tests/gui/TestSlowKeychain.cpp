// A keychain that takes seconds to answer (as behind an unlock prompt), played by a delaying
// test double: the window shows at once, stays responsive, and says it is waiting. The same holds
// while another process holds the config file's lock.
#include "DelayedBackend.h"

#include "ConfigFile.h"
#include "Launcher.h"
#include "MigrationWizard.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SecretLineEdit.h"
#include "SettingsWindow.h"
#include "StorageBadge.h"
#include "WindowFixture.h"

#include <QComboBox>
#include <QLineEdit>

#include <QAbstractButton>
#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int slowMs = 1800;

bool anyModalDialogVisible()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (widget->isVisible() && qobject_cast<QDialog *>(widget))
            return true;
    }
    return false;
}

// Ticks on the event loop every 20 ms from its construction: a loop blocked by a wait shows as a
// long gap between ticks.
class LoopWatch
{
public:
    LoopWatch()
    {
        m_clock.start();
        QObject::connect(&m_ticker, &QTimer::timeout, &m_ticker, [this] {
            const qint64 now = m_clock.elapsed();
            m_longestGap = std::max(m_longestGap, now - m_last);
            m_last = now;
            ++m_ticks;
        });
        m_ticker.start(20);
    }

    void stop() { m_ticker.stop(); }
    qint64 elapsed() const { return m_clock.elapsed(); }
    qint64 longestGap() const { return m_longestGap; }
    int ticks() const { return m_ticks; }

private:
    QElapsedTimer m_clock;
    QTimer m_ticker;
    qint64 m_last = 0;
    qint64 m_longestGap = 0;
    int m_ticks = 0;
};

} // namespace

class TestSlowKeychain : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        auto backend = std::make_unique<DelayedBackend>(slowMs);
        m_backend = backend.get();
        m_backend->setEntry(u"anthropic"_s, "sk-ant-FAKE-slow-00000000000000a1");
        setUp(R"({"credentialStorage": "keychain"})", std::move(backend));
    }

    void cleanup() { tearDown(); }

    void windowShowsAtOnceWithRowsLoading()
    {
        QElapsedTimer clock;
        clock.start();
        show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY2(clock.elapsed() < slowMs / 2, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(m_window->windowTitle(), u"Choragen Settings"_s);
        QCOMPARE(m_window->rows().size(), 3);
        for (ProviderRow *row : m_window->rows()) {
            QCOMPARE(row->badge()->kind(), StorageBadge::Kind::Loading);
            QCOMPARE(row->badge()->text(), u"Loading…"_s);
            QVERIFY(!row->lineEdit()->isEnabled());
            QVERIFY(!row->saveButton()->isEnabled());
        }
        QCOMPARE(m_window->storageBadge()->text(), u"Checking the keychain…"_s);
    }

    void waitingForKeychainAfterASecond()
    {
        QElapsedTimer shown;
        shown.start();
        show();
        ProviderRow *row = m_window->row(u"anthropic"_s);
        QVERIFY(row);
        QCOMPARE(row->badge()->text(), u"Loading…"_s);
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Waiting for keychain…"_s, 2500);
        // Not before a second: a keychain that answers in moments never shows "Waiting".
        QVERIFY2(shown.elapsed() >= 900, qPrintable(QString::number(shown.elapsed())));
        QCOMPARE(row->badge()->kind(), StorageBadge::Kind::Waiting);
        QCOMPARE(row->lineEdit()->placeholderText(), u"Waiting for keychain…"_s);
        QCOMPARE(m_window->storageBadge()->text(), u"Waiting for keychain…"_s);
        // And the answer arrives in the end.
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Keychain"_s, 4 * slowMs);
        QVERIFY(row->lineEdit()->text() == u"sk-ant-FAKE-slow-00000000000000a1"_s);
        QCOMPARE(m_window->storageBadge()->kind(), StorageBadge::Kind::Keychain);
    }

    void eventLoopStaysResponsive()
    {
        show();
        LoopWatch loop;
        QTRY_VERIFY_WITH_TIMEOUT(m_model->state(0) == ProviderListModel::RowState::Ready,
                                 4 * slowMs);
        loop.stop();
        QVERIFY2(loop.elapsed() >= slowMs, "the backend did not delay");
        // A blocked loop would show a gap as long as the keychain's delay.
        QVERIFY2(loop.longestGap() < 500, qPrintable(QString::number(loop.longestGap())));
        QVERIFY(loop.ticks() > int(loop.elapsed() / 20 / 2));
        QVERIFY(m_backend->callsFinished() > 0);
    }

    void switchingProfileShowsItsKeysWithoutBlocking()
    {
        m_backend->setEntry(u"anthropic"_s, "sk-ant-FAKE-work-profile-00000000a1", u"work"_s);
        m_backend->setDelayMs(50);
        show();
        ProviderRow *row = m_window->row(u"anthropic"_s);
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Keychain"_s, 4 * slowMs);
        QVERIFY(row->lineEdit()->text() == u"sk-ant-FAKE-slow-00000000000000a1"_s);
        QTRY_COMPARE(m_window->row(u"openai"_s)->badge()->text(), u"Not set"_s);
        QCOMPARE(m_window->profileComboBox()->currentText(), u"default"_s);
        QCOMPARE(m_window->profileComboBox()->accessibleName(), u"Key profile"_s);

        // Switch with the keyboard; the reads take slowMs each.
        m_backend->setDelayMs(slowMs);
        LoopWatch loop;
        QComboBox *profiles = m_window->profileComboBox();
        profiles->setFocus();
        profiles->lineEdit()->selectAll();
        QTest::keyClicks(profiles->lineEdit(), u"work"_s);
        QTest::keyClick(profiles->lineEdit(), Qt::Key_Return);
        QVERIFY2(loop.elapsed() < slowMs / 2, "switching waited for the keychain");
        // Once the config records the profile, the rows read again, asynchronously.
        QTRY_VERIFY(m_model->isPending(m_model->rowOf(u"anthropic"_s)));
        QTRY_VERIFY_WITH_TIMEOUT(
            row->lineEdit()->text() == u"sk-ant-FAKE-work-profile-00000000a1"_s, 4 * slowMs);
        loop.stop();
        QCOMPARE(row->badge()->text(), u"Keychain"_s);
        QCOMPARE(m_window->row(u"openai"_s)->badge()->text(), u"Not set"_s);
        QVERIFY2(loop.elapsed() >= slowMs, "the backend did not delay");
        QVERIFY2(loop.longestGap() < 500, qPrintable(QString::number(loop.longestGap())));
        QCOMPARE(m_store->profile(), u"work"_s);
        QVERIFY(m_project->configBytes().contains("\"keyProfile\": \"work\""));
        // The default profile's key is still there, untouched.
        QVERIFY(m_backend->entry(u"anthropic"_s).has_value());
    }

    void saveDisablesRowWhilePendingAndReportsFailureInline()
    {
        QVERIFY(showWindowOverQuickKeychain());
        ProviderRow *row = m_window->row(u"openai"_s);
        // Every row loaded, so that "the rest is not locked" below is about the save alone.
        QTRY_VERIFY(row->lineEdit()->isEnabled());
        QTRY_VERIFY(m_window->row(u"google"_s)->lineEdit()->isEnabled());
        m_backend->setDelayMs(slowMs);
        m_backend->setWriteError(
            Error::make(ErrorCode::AccessDenied, u"Test keychain: access denied"_s));
        row->lineEdit()->setFocus();
        QTest::keyClicks(row->lineEdit(), u"sk-FAKE-slow-save-000000000000b2"_s);
        QVERIFY(row->saveButton()->isEnabled());
        QTest::keyClick(row->lineEdit(), Qt::Key_Return);
        // Pending: the row is locked, the rest of the window is not.
        QVERIFY(!row->saveButton()->isEnabled());
        QVERIFY(!row->removeButton()->isEnabled());
        QVERIFY(row->lineEdit()->isReadOnly());
        QCOMPARE(row->badge()->text(), u"Saving…"_s);
        QVERIFY(m_window->row(u"google"_s)->lineEdit()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Waiting for keychain…"_s, 1500);
        QTRY_VERIFY_WITH_TIMEOUT(!row->lineEdit()->isReadOnly(), 4 * slowMs);
        QVERIFY(row->statusLabel()->isVisible());
        QVERIFY(row->statusLabel()->text().contains(u"access denied"_s));
        // Still what was typed, to try again; and no dialog popped up.
        QVERIFY(row->lineEdit()->text() == u"sk-FAKE-slow-save-000000000000b2"_s);
        QVERIFY(row->saveButton()->isEnabled());
        QVERIFY(!anyModalDialogVisible());
    }

    // Another process holds the config lock (here: a lock this test takes, which the window sees
    // exactly as one held by another live process): Save waits for it without blocking the window,
    // and completes once it is released.
    void saveWaitsForConfigLockWithoutBlocking()
    {
        m_project->writeConfig(R"({"credentialStorage": "file"})");
        QVERIFY(showWindowOverQuickKeychain());
        ProviderRow *row = m_window->row(u"openai"_s);
        QTRY_VERIFY(row->lineEdit()->isEnabled());

        ConfigLock other(m_project->configPath());
        QVERIFY(other.acquire(0).ok());
        LoopWatch loop;
        row->lineEdit()->setFocus();
        QTest::keyClicks(row->lineEdit(), u"sk-FAKE-locked-save-00000000000d4"_s);
        QTest::keyClick(row->lineEdit(), Qt::Key_Return);
        QVERIFY2(loop.elapsed() < 1000, "Save waited for the lock on the UI thread");
        // The loop keeps running for a while the lock is held; the row is still saving.
        QTRY_VERIFY_WITH_TIMEOUT(loop.ticks() >= 40, 4000);
        QCOMPARE(m_model->state(m_model->rowOf(u"openai"_s)), ProviderListModel::RowState::Saving);
        QVERIFY(!m_project->configBytes().contains("sk-FAKE-locked-save"));

        other.release();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_project->configBytes().contains("sk-FAKE-locked-save-00000000000d4"), 4000);
        QTRY_VERIFY(!row->lineEdit()->isReadOnly());
        loop.stop();
        QVERIFY2(loop.longestGap() < 500, qPrintable(QString::number(loop.longestGap())));
        QVERIFY2(row->statusLabel()->text().contains(u"Saved in the config file"_s),
                 qPrintable(row->statusLabel()->text()));
    }

    // The profile box, like Save: while another process holds the config lock, a switch is not
    // refused but waits for the lock without blocking the window, and lands once it is released.
    void profileSwitchWaitsForConfigLock()
    {
        QVERIFY(showWindowOverQuickKeychain());
        QComboBox *profiles = m_window->profileComboBox();

        HeldLock other = holdConfigLock();
        QVERIFY(other.lock);
        profiles->setFocus();
        profiles->lineEdit()->selectAll();
        QTest::keyClicks(profiles->lineEdit(), u"work"_s);
        QTest::keyClick(profiles->lineEdit(), Qt::Key_Return);
        QVERIFY2(other.since.elapsed() < 1000, "the switch waited for the lock on the UI thread");
        // Not refused: the box waits for the file, which is untouched while the lock is held.
        QVERIFY(!profiles->isEnabled());
        QVERIFY(m_window->storageMessageLabel()->text().isEmpty());
        QCOMPARE(m_project->configBytes(), other.before);

        other.lock.reset();
        QTRY_VERIFY_WITH_TIMEOUT(profiles->isEnabled(), 4000);
        QVERIFY(m_project->configBytes().contains("\"keyProfile\": \"work\""));
        QCOMPARE(m_store->profile(), u"work"_s);
        QCOMPARE(profiles->currentText(), u"work"_s);
        QVERIFY2(m_window->storageMessageLabel()->text().contains(u"work"_s),
                 qPrintable(m_window->storageMessageLabel()->text()));
    }

    // The first-run wizard's "Keep keys in file", the same way.
    void keepKeysInFileWaitsForConfigLock()
    {
        m_project->writeConfig(
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-slow-legacy-0000000000c3"}}})");
        m_backend->setDelayMs(50);
        m_model = std::make_unique<ProviderListModel>(*m_store);
        m_model->refresh();
        MigrationWizard wizard(*m_model);
        wizard.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wizard));
        QAbstractButton *keep = wizard.button(MigrationWizard::KeepInFileButton);
        QVERIFY(keep->isVisible() && keep->isEnabled());

        HeldLock other = holdConfigLock();
        QVERIFY(other.lock);
        keep->click();
        QVERIFY2(other.since.elapsed() < 1000,
                 "Keep keys in file waited for the lock on the UI thread");
        // Not refused: the wizard waits, and cannot be asked twice meanwhile.
        QVERIFY(wizard.isVisible());
        QVERIFY(!keep->isEnabled());
        QCOMPARE(m_project->configBytes(), other.before);

        other.lock.reset();
        QTRY_VERIFY_WITH_TIMEOUT(!wizard.isVisible(), 4000);
        QCOMPARE(wizard.outcome(), MigrationWizard::Outcome::KeptInFile);
        QCOMPARE(m_project->storageMode(), std::optional(StorageMode::File));
        QVERIFY(m_project->configBytes().contains("sk-FAKE-slow-legacy-0000000000c3"));
    }

    void launcherShowsWindowFirstThenWizard()
    {
        m_project->writeConfig(
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-slow-legacy-0000000000c3"}}})");
        Launcher launcher(*m_store);
        launcher.start();
        QVERIFY(!launcher.settingsWindow()->isVisible());
        // The keychain takes longer than the grace period: the window shows, loading.
        QTRY_VERIFY_WITH_TIMEOUT(launcher.settingsWindow()->isVisible(), slowMs - 300);
        QVERIFY(!launcher.wizard());
        // Once it answers "usable", the wizard is offered over the window.
        QTRY_VERIFY_WITH_TIMEOUT(launcher.wizard() && launcher.wizard()->isVisible(), 3 * slowMs);
        QCOMPARE(launcher.wizard()->windowTitle(), u"Secure your API keys"_s);
        QCOMPARE(launcher.wizard()->windowModality(), Qt::WindowModal);
    }

private:
    // The window over a keychain that answers in moments, shown and active.
    bool showWindowOverQuickKeychain()
    {
        m_backend->setDelayMs(50);
        show();
        return QTest::qWaitForWindowActive(m_window.get());
    }

    // The project's config lock, held as by another live process (the window cannot tell the
    // difference) until `lock` is reset; null if it could not be taken.
    struct HeldLock
    {
        std::unique_ptr<ConfigLock> lock;
        QByteArray before; // the config as it was when the lock was taken
        QElapsedTimer since;
    };
    HeldLock holdConfigLock()
    {
        HeldLock held;
        held.lock = std::make_unique<ConfigLock>(m_project->configPath());
        if (!held.lock->acquire(0).ok())
            held.lock.reset();
        held.before = m_project->configBytes();
        held.since.start();
        return held;
    }

    DelayedBackend *m_backend = nullptr; // owned by m_store
};

QTEST_MAIN(TestSlowKeychain)
#include "TestSlowKeychain.moc"
