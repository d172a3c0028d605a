#include "SecretClipboard.h"
#include "SecretLineEdit.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QMimeData>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;

class TestSecretLineEdit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init()
    {
        QGuiApplication::clipboard()->clear();
        SecretClipboard::instance()->setClearDelayMs(SecretClipboard::defaultClearDelayMs);
    }

    void startsMasked()
    {
        SecretLineEdit edit;
        QCOMPARE(edit.echoMode(), QLineEdit::Password);
        QVERIFY(!edit.isRevealed());
        QVERIFY(edit.inputMethodHints() & Qt::ImhSensitiveData);
    }

    void revealActionTogglesEchoMode()
    {
        SecretLineEdit edit;
        QAction *reveal = edit.findChild<QAction *>(QStringLiteral("revealAction"));
        QVERIFY(reveal);
        QVERIFY(edit.actions().contains(reveal));
        QVERIFY(reveal->isCheckable());
        reveal->trigger();
        QCOMPARE(edit.echoMode(), QLineEdit::Normal);
        QVERIFY(reveal->isChecked());
        reveal->trigger();
        QCOMPARE(edit.echoMode(), QLineEdit::Password);
        QVERIFY(!reveal->isChecked());
    }

    void revealShortcutFromKeyboard()
    {
        SecretLineEdit edit;
        edit.show();
        edit.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&edit));
        edit.setFocus();
        QTRY_VERIFY(edit.hasFocus());
        QTest::keyClick(&edit, Qt::Key_H, Qt::ControlModifier);
        QVERIFY(edit.isRevealed());
        QTest::keyClick(&edit, Qt::Key_H, Qt::ControlModifier);
        QVERIFY(!edit.isRevealed());
    }

    void copySetsSecretHint()
    {
        SecretLineEdit edit;
        const QString secret = QStringLiteral("sk-ant-FAKE-clipboard-0000000001");
        edit.setText(secret);
        QAction *copy = edit.findChild<QAction *>(QStringLiteral("copyAction"));
        QVERIFY(copy);
        QVERIFY(copy->isEnabled());
        copy->trigger();
        const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
        QVERIFY(mime);
        QVERIFY(mime->text() == secret);
        QCOMPARE(mime->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArray("secret"));
        QVERIFY(SecretClipboard::instance()->isClearPending());
        QCOMPARE(SecretClipboard::instance()->clearDelayMs(), 30000);
    }

    void copyDisabledWhenEmpty()
    {
        SecretLineEdit edit;
        QAction *copy = edit.findChild<QAction *>(QStringLiteral("copyAction"));
        QVERIFY(copy);
        QVERIFY(!copy->isEnabled());
        edit.setText(QStringLiteral("x"));
        QVERIFY(copy->isEnabled());
    }

    void clipboardClearedAfterDelayWhenStillOurs()
    {
        SecretClipboard::instance()->setClearDelayMs(200);
        SecretLineEdit edit;
        edit.setText(QStringLiteral("sk-FAKE-clipboard-clear-000000002"));
        QSignalSpy cleared(SecretClipboard::instance(), &SecretClipboard::cleared);
        edit.copySecret();
        QVERIFY(!QGuiApplication::clipboard()->text().isEmpty());
        QVERIFY(cleared.wait(3000));
        QVERIFY(QGuiApplication::clipboard()->text().isEmpty());
    }

    void clipboardKeptWhenChangedMeanwhile()
    {
        SecretClipboard::instance()->setClearDelayMs(200);
        SecretLineEdit edit;
        edit.setText(QStringLiteral("sk-FAKE-clipboard-keep-0000000003"));
        QSignalSpy cleared(SecretClipboard::instance(), &SecretClipboard::cleared);
        edit.copySecret();
        QGuiApplication::clipboard()->setText(QStringLiteral("something the user copied"));
        // The clipboard is cleared, or not, when the pending clear ends.
        QTRY_VERIFY_WITH_TIMEOUT(!SecretClipboard::instance()->isClearPending(), 3000);
        QCOMPARE(cleared.count(), 0);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("something the user copied"));
    }
};

QTEST_MAIN(TestSecretLineEdit)
#include "TestSecretLineEdit.moc"
