// The settings window's Unlock… button against a real, locked gnome-keyring under a real X
// server: the real unlock prompt (gcr-prompter) appears, is answered with xdotool, and the rows
// show the keys, or the prompt is cancelled and the window says so and stays usable.
// Run by check-unlock.sh, which provides the display, the session bus and the keyring.
#include "KeychainBackend.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SecretLineEdit.h"
#include "SettingsWindow.h"
#include "StorageBadge.h"
#include "WindowFixture.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusReply>
#include <QDBusVariant>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

const QString openaiKey = u"sk-FAKE-unlock-00000000000000000d4"_s;
// gnome-keyring's prompt for the login keyring.
const QString promptTitle = u"Unlock Login Keyring"_s;

QDBusMessage secretsCall(const QString &path, const QString &interface, const QString &method,
                         const QVariantList &arguments)
{
    QDBusMessage call
        = QDBusMessage::createMethodCall(u"org.freedesktop.secrets"_s, path, interface, method);
    call.setArguments(arguments);
    return QDBusConnection::sessionBus().call(call, QDBus::Block, 10000);
}

QString defaultCollection()
{
    const QDBusReply<QDBusObjectPath> alias
        = secretsCall(u"/org/freedesktop/secrets"_s, u"org.freedesktop.Secret.Service"_s,
                      u"ReadAlias"_s, {u"default"_s});
    return alias.isValid() ? alias.value().path() : QString();
}

bool isLocked(const QString &collection)
{
    const QDBusReply<QDBusVariant> locked
        = secretsCall(collection, u"org.freedesktop.DBus.Properties"_s, u"Get"_s,
                      {u"org.freedesktop.Secret.Collection"_s, u"Locked"_s});
    return locked.isValid() && locked.value().variant().toBool();
}

// Runs xdotool with @p arguments (and @p input on its standard input); its standard output.
QByteArray xdotool(const QStringList &arguments, const QByteArray &input = {})
{
    QProcess process;
    process.start(u"xdotool"_s, arguments);
    if (!process.waitForStarted(5000))
        return {};
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(10000);
    return process.readAllStandardOutput();
}

} // namespace

class TestUnlock : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Guard: this locks the login keyring, so only the private one of check-unlock.sh.
        QVERIFY2(qEnvironmentVariableIsSet("CHORAGEN_UNLOCK_SESSION"),
                 "run through tests/gui/check-unlock.sh");
        QStandardPaths::setTestModeEnabled(true);
        qunsetenv("OPENAI_API_KEY");
        m_password = qgetenv("CHORAGEN_TEST_KEYRING_PASSWORD");
        QVERIFY(!m_password.isEmpty());
        QVERIFY2(QFileInfo(choragenBinary()).isExecutable(), "CHORAGEN_BINARY is not set");
        KeychainBackend backend;
        QVERIFY(writeKeychainEntry(backend, u"openai"_s, openaiKey.toUtf8()).ok());
        m_collection = defaultCollection();
        QVERIFY(!m_collection.isEmpty());
    }

    void init()
    {
        // Locked, as after an automatic login.
        const QDBusMessage lock = secretsCall(
            u"/org/freedesktop/secrets"_s, u"org.freedesktop.Secret.Service"_s, u"Lock"_s,
            {QVariant::fromValue(QList<QDBusObjectPath> {QDBusObjectPath(m_collection)})});
        QVERIFY2(lock.type() == QDBusMessage::ReplyMessage, qPrintable(lock.errorMessage()));
        QVERIFY(isLocked(m_collection));

        // Not setUpWithKeychain(): clearing the test entries would ask to unlock.
        setUp(R"({"credentialStorage": "keychain"})", std::make_unique<KeychainBackend>());
        QVERIFY(open());
    }

    void cleanup() { tearDown(); }

    void lockedIsExplainedOnceWithUnlockButton()
    {
        QPushButton *unlock = m_window->unlockButton();
        QCOMPARE(unlock->objectName(), u"unlockButton"_s);
        QVERIFY(unlock->isVisible());
        QVERIFY(unlock->isEnabled());
        QVERIFY(!unlock->accessibleName().isEmpty());
        QVERIFY(unlock->focusPolicy() & Qt::TabFocus);
        QCOMPARE(m_window->storageReasonLabel()->text(), u"The keychain is locked."_s);
        QVERIFY(m_window->storageFixLabel()->text().contains(u"Unlock…"_s));
        for (ProviderRow *row : m_window->rows()) {
            QCOMPARE(row->badge()->text(), u"Locked"_s);
            // The header explains; the rows do not repeat it.
            QVERIFY2(row->statusLabel()->isHidden(), qPrintable(row->statusLabel()->text()));
        }
    }

    void cancelledUnlockSaysSoAndStaysUsable()
    {
        QPushButton *unlock = m_window->unlockButton();
        QTest::mouseClick(unlock, Qt::LeftButton);
        QCOMPARE(m_window->storageMessageLabel()->text(),
                 u"Waiting for you to unlock the keychain…"_s);
        QVERIFY(!unlock->isEnabled());
        const QString prompt = waitForPrompt();
        QVERIFY2(!prompt.isEmpty(), "the keychain's unlock prompt did not appear");
        xdotool({u"windowfocus"_s, u"--sync"_s, prompt, u"key"_s, u"Escape"_s});

        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isUnlocking(), 20000);
        QVERIFY2(m_window->storageMessageLabel()->text().contains(u"cancelled"_s),
                 qPrintable(m_window->storageMessageLabel()->text()));
        QVERIFY(isLocked(m_collection));
        QVERIFY(unlock->isVisible());
        QVERIFY(unlock->isEnabled());
        QCOMPARE(m_window->row(u"openai"_s)->badge()->text(), u"Locked"_s);

        // Still usable: Unlock… asks again, and this time the keys come.
        QTest::mouseClick(unlock, Qt::LeftButton);
        unlockWithPassword();
    }

    void unlockPromptLoadsTheKeys()
    {
        QTest::keyClick(m_window->unlockButton(), Qt::Key_Space);
        QVERIFY(m_window->isUnlocking());
        QCOMPARE(m_window->storageMessageLabel()->text(),
                 u"Waiting for you to unlock the keychain…"_s);
        unlockWithPassword();
    }

    void commandWaitsForTheUnlockPrompt()
    {
        QProcess get;
        get.start(choragenBinary(),
                  {u"--project"_s, m_project->path(), u"config:get"_s, u"openai"_s});
        QVERIFY(unlockedForCommand(get));
        QCOMPARE(get.exitCode(), 0);
        QVERIFY(get.readAllStandardOutput().trimmed() == openaiKey.toUtf8());
        QVERIFY(!isLocked(m_collection));
    }

    // A migration asks the keychain before its first key: the same prompt, then the keys move.
    void migrateWaitsForTheUnlockPrompt()
    {
        Project project;
        project.writeConfig(
            R"({"providers": {"anthropic": {"apiKey": "sk-FAKE-unlock-migrate-0000000001"}}})");
        QProcess migrate;
        migrate.start(choragenBinary(), {u"--project"_s, project.path(), u"--migrate"_s});
        QVERIFY(unlockedForCommand(migrate));
        QVERIFY2(migrate.exitCode() == 0, migrate.readAllStandardError().constData());
        QVERIFY(project.fileKey(u"anthropic"_s).isEmpty());
        QVERIFY(!isLocked(m_collection));
        KeychainBackend backend;
        QByteArray moved;
        const auto read = waitFor<Error>([&](QObject *context, std::function<void(Error)> done) {
            backend.read(u"anthropic"_s, context,
                         [&moved, done](const Error &e, const QByteArray &s) {
                             moved = s;
                             done(e);
                         });
        });
        QVERIFY(read && read->ok());
        QVERIFY(moved == "sk-FAKE-unlock-migrate-0000000001");
    }

    void commandWithoutDisplaySaysHowToUnlock()
    {
        QProcess get;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        get.setProcessEnvironment(env);
        get.start(choragenBinary(),
                  {u"--project"_s, m_project->path(), u"config:get"_s, u"openai"_s});
        QVERIFY(get.waitForFinished(30000));
        QCOMPARE(get.exitCode(), 3);
        const QByteArray err = get.readAllStandardError();
        QVERIFY2(!err.contains("waiting"), err.constData());
        QVERIFY2(err.contains("gnome-keyring-daemon --replace --unlock"), err.constData());
        QVERIFY(get.readAllStandardOutput().isEmpty());
        QVERIFY(isLocked(m_collection));
    }

private:
    static QString choragenBinary() { return qEnvironmentVariable("CHORAGEN_BINARY"); }

    // The prompt's X window id, once the prompter shows it; empty after 20 s.
    QString waitForPrompt()
    {
        const QDeadlineTimer deadline(20000);
        while (!deadline.hasExpired()) {
            const QByteArray found
                = xdotool({u"search"_s, u"--onlyvisible"_s, u"--name"_s, promptTitle}).trimmed();
            if (!found.isEmpty())
                return QString::fromLatin1(found.split('\n').constFirst());
            QTest::qWait(100);
        }
        return {};
    }

    void unlockWithPassword()
    {
        const QString prompt = waitForPrompt();
        QVERIFY2(!prompt.isEmpty(), "the keychain's unlock prompt did not appear");
        answerWithPassword(prompt);

        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isUnlocking(), 20000);
        QCOMPARE(m_window->storageMessageLabel()->text(), u"The keychain is unlocked."_s);
        QVERIFY(!isLocked(m_collection));
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 15000);
        ProviderRow *openai = m_window->row(u"openai"_s);
        QTRY_COMPARE_WITH_TIMEOUT(openai->badge()->text(), u"Keychain"_s, 15000);
        QVERIFY(openai->lineEdit()->text() == openaiKey);
        QVERIFY(m_window->unlockButton()->isHidden());
        QVERIFY(m_window->storageReasonLabel()->isHidden());
    }

    // A command started in @p process says it waits for the unlock prompt, the prompt appears
    // and is answered with the password, and the command ends; false if any of it did not happen.
    bool unlockedForCommand(QProcess &process)
    {
        if (!process.waitForStarted())
            return false;
        QString err;
        if (!TestSupport::waitForStandardError(
                process, err, u"waiting for you to unlock the keychain in gnome-keyring"_s))
            return false;
        const QString prompt = waitForPrompt();
        if (prompt.isEmpty())
            return false;
        answerWithPassword(prompt);
        return process.waitForFinished(20000);
    }

    void answerWithPassword(const QString &prompt)
    {
        xdotool({u"windowfocus"_s, u"--sync"_s, prompt});
        // From standard input: the password is on no command line.
        xdotool({u"type"_s, u"--delay"_s, u"20"_s, u"--file"_s, u"-"_s}, m_password);
        xdotool({u"key"_s, u"Return"_s});
    }

    QByteArray m_password;
    QString m_collection;
};

QTEST_MAIN(TestUnlock)
#include "TestUnlock.moc"
