// The settings window against the real Secret Service of `make test`'s private session.
#include "KeychainBackend.h"
#include "ProviderListModel.h"
#include "ProviderRow.h"
#include "SecretLineEdit.h"
#include "SettingsWindow.h"
#include "StorageBadge.h"
#include "WindowFixture.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;
using namespace Qt::StringLiterals;

namespace {

const QString anthropicKey = u"sk-ant-FAKE-window-0000000000000a1"_s;
const QString openaiKey = u"sk-FAKE-window-0000000000000000b2"_s;
const QString mistralKey = u"FAKE-mistral-window-00000000000c3"_s;

} // namespace

class TestSettingsWindow : public QObject, WindowFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // Guard against running on someone's real keyring: make test provides a private one.
        QVERIFY2(enterPrivateKeyringSession(), TestSupport::runInPrivateKeyring);
    }

    void init() { setUpWithKeychain(); }
    void cleanup() { tearDown(); }

    void titleAndRowPerProviderIncludingCustom()
    {
        m_project->writeConfig(R"({"providers": {"mistral": {"label": "Mistral",
                                                              "env": "MISTRAL_API_KEY"}}})");
        QVERIFY(open());
        QCOMPARE(m_window->windowTitle(), u"Choragen Settings"_s);
        QStringList ids;
        for (ProviderRow *row : m_window->rows())
            ids << row->providerId();
        QCOMPARE(ids, QStringList({u"anthropic"_s, u"openai"_s, u"google"_s, u"mistral"_s}));
        ProviderRow *mistral = m_window->row(u"mistral"_s);
        QCOMPARE(mistral->nameLabel()->text().remove(u'&'), u"Mistral"_s);
        QCOMPARE(mistral->lineEdit()->objectName(), u"mistralKeyLineEdit"_s);
        QCOMPARE(mistral->lineEdit()->echoMode(), QLineEdit::Password);
        QVERIFY(mistral->lineEdit()->findChild<QAction *>(u"revealAction"_s));
        QVERIFY(m_window->findChild<QPushButton *>(u"mistralSaveButton"_s));
        QVERIFY(m_window->findChild<QPushButton *>(u"mistralRemoveButton"_s));
        QVERIFY(m_window->findChild<StorageBadge *>(u"mistralStorageBadge"_s));
        // A provider added to the config later gets a row without code.
        m_project->writeConfig(R"({"providers": {"mistral": {"label": "Mistral"},
                                                  "groq": {"label": "Groq"}}})");
        m_window->checkAgainButton()->click();
        QVERIFY(m_window->row(u"groq"_s));
        QCOMPARE(m_window->rows().size(), 5);
    }

    void badgesInKeychainMode()
    {
        m_project->writeConfig(R"({"credentialStorage": "keychain",
                                   "providers": {"openai": {"apiKey": "sk-FAKE-window-0000000000000000b2"}}})");
        writeKeychainEntry(m_store->keychain(), u"anthropic"_s, anthropicKey.toUtf8());
        QVERIFY(open());
        QCOMPARE(m_window->storageBadge()->kind(), StorageBadge::Kind::Keychain);
        // Names the provider really answering (the test session runs gnome-keyring).
        QCOMPARE(m_window->storageBadge()->text(), u"Keychain (gnome-keyring Secret Service)"_s);
        QVERIFY(m_window->storageDetailLabel()->text().contains(u"Secret Service"_s));
        QVERIFY(m_window->storageBadge()->accessibleName().contains(u"Keychain"_s));
        QVERIFY(!m_window->storageReasonLabel()->isVisible());
        QCOMPARE(badgeText(u"anthropic"_s), u"Keychain"_s);
        QCOMPARE(badgeText(u"openai"_s), u"File"_s);
        QCOMPARE(badgeText(u"google"_s), u"Not set"_s);
        QCOMPARE(m_window->row(u"anthropic"_s)->badge()->accessibleName(),
                 u"Anthropic key: Keychain"_s);
        QVERIFY(m_window->row(u"anthropic"_s)->lineEdit()->text() == anthropicKey);
        // A key in the file with a usable keychain: offer the move, and the export.
        QVERIFY(m_window->migrateButton()->isVisible());
        QVERIFY(m_window->exportButton()->isVisible());
    }

    // Choragen's settings page keeps a local model server's address beside the keys.
    void localServerNeedsNoKey()
    {
        m_project->writeConfig(R"({"providers": {"ollama": {"baseUrl": "localhost:11434"},
                                                  "openai": {"apiKey": "sk-FAKE-window-0000000000000000b2"}}})");
        QVERIFY(open());
        ProviderRow *row = m_window->row(u"ollama"_s);
        QVERIFY(row);
        QCOMPARE(badgeText(u"ollama"_s), u"No key needed"_s);
        QVERIFY(row->lineEdit()->isHidden());
        QVERIFY(row->saveButton()->isHidden());
        QVERIFY(row->removeButton()->isHidden());
        QCOMPARE(badgeText(u"openai"_s), u"File"_s);
        QVERIFY(!m_window->row(u"openai"_s)->lineEdit()->isHidden());
    }

    void geminiVariableIsNamedWhenItSuppliesTheKey()
    {
        qputenv("GEMINI_API_KEY", "AIzaFAKE-from-gemini-env-0000000000");
        QVERIFY(open());
        QCOMPARE(m_window->row(u"google"_s)->badge()->text(), u"Environment: GEMINI_API_KEY"_s);
    }

    void environmentOverrides()
    {
        writeKeychainEntry(m_store->keychain(), u"anthropic"_s, anthropicKey.toUtf8());
        qputenv("ANTHROPIC_API_KEY", "sk-ant-FAKE-from-env-000000000000d4");
        QVERIFY(open());
        ProviderRow *row = m_window->row(u"anthropic"_s);
        QCOMPARE(row->badge()->kind(), StorageBadge::Kind::Environment);
        QCOMPARE(row->badge()->text(), u"Environment: ANTHROPIC_API_KEY"_s);
        QVERIFY(row->lineEdit()->isReadOnly());
        QVERIFY(row->lineEdit()->text() == u"sk-ant-FAKE-from-env-000000000000d4"_s);
        QVERIFY(!row->saveButton()->isEnabled());
        QVERIFY(!row->removeButton()->isEnabled());
        QVERIFY(row->statusLabel()->text().contains(u"ANTHROPIC_API_KEY"_s));
    }

    void saveWritesToKeychainAndRemoveDeletes()
    {
        m_project->writeConfig(R"({"credentialStorage": "keychain", "theme": "dark"})");
        QVERIFY(open());
        ProviderRow *row = m_window->row(u"openai"_s);
        row->lineEdit()->setText(QString());
        QTest::keyClicks(row->lineEdit(), openaiKey);
        QVERIFY(row->saveButton()->isEnabled());
        row->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Keychain"_s, 10000);
        QVERIFY(keychainEntry(m_store->keychain(), u"openai"_s).secret == openaiKey.toUtf8());
        QVERIFY(m_project->fileKey(u"openai"_s).isEmpty());
        QVERIFY(m_project->configBytes().contains("\"theme\": \"dark\""));
        QVERIFY(row->statusLabel()->text().contains(u"Saved in the keychain"_s));
        QVERIFY(!row->saveButton()->isEnabled());

        QVERIFY(row->removeButton()->isEnabled());
        // A keychain entry is shared by every project: Remove asks first, and Cancel keeps it.
        row->removeButton()->click();
        QMessageBox *box = row->removeConfirmation();
        QVERIFY(asks(box, u"every project"_s));
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!row->removeConfirmation());
        QVERIFY(keychainEntry(m_store->keychain(), u"openai"_s).secret == openaiKey.toUtf8());
        QCOMPARE(row->badge()->text(), u"Keychain"_s);
        row->removeButton()->click();
        box = row->removeConfirmation();
        QVERIFY(box);
        box->findChild<QPushButton *>(u"removeConfirmButton"_s)->click();
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Not set"_s, 10000);
        const KeychainEntry entry = keychainEntry(m_store->keychain(), u"openai"_s);
        QVERIFY(entry.error.ok());
        QVERIFY(!entry.secret);
        QVERIFY(row->lineEdit()->text().isEmpty());
        QVERIFY(row->statusLabel()->text().contains(u"Removed from the keychain"_s));
    }

    void removeDeletesFromFileToo()
    {
        m_project->writeConfig(
            R"({"providers": {"openai": {"apiKey": "sk-FAKE-window-0000000000000000b2"}}})");
        QVERIFY(open());
        ProviderRow *row = m_window->row(u"openai"_s);
        QCOMPARE(row->badge()->text(), u"File"_s);
        row->removeButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Not set"_s, 10000);
        QVERIFY(m_project->fileKey(u"openai"_s).isEmpty());
    }

    void formatHintIsAWarningNotARefusal()
    {
        QVERIFY(open());
        ProviderRow *row = m_window->row(u"anthropic"_s);
        QVERIFY(!row->hintLabel()->isVisible());
        QTest::keyClicks(row->lineEdit(), openaiKey);
        QVERIFY(row->hintLabel()->isVisible());
        QVERIFY(row->hintLabel()->text().contains(u"OpenAI"_s));
        QVERIFY(row->saveButton()->isEnabled());
        row->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(row->badge()->text(), u"Keychain"_s, 10000);
        QVERIFY(keychainEntry(m_store->keychain(), u"anthropic"_s).secret == openaiKey.toUtf8());
        QVERIFY(!row->hintLabel()->isVisible());
    }

    void keyboardOnly()
    {
        m_project->writeConfig(R"({"providers": {"mistral": {"label": "Mistral"}}})");
        writeKeychainEntry(m_store->keychain(), u"anthropic"_s, anthropicKey.toUtf8());
        QVERIFY(open());
        QApplication::setActiveWindow(m_window.get());
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        ProviderRow *anthropic = m_window->row(u"anthropic"_s);
        ProviderRow *openai = m_window->row(u"openai"_s);
        ProviderRow *mistral = m_window->row(u"mistral"_s);
        // Focus starts in the first key field.
        QTRY_COMPARE(QApplication::focusWidget(), anthropic->lineEdit());
        // Tab order: field, Save (disabled until edited, so skipped), Remove, next row's field.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), anthropic->removeButton());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), openai->lineEdit());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab);
        QCOMPARE(QApplication::focusWidget(), anthropic->removeButton());
        // A mnemonic (Alt+letter) jumps to a row's field.
        const QString mistralLabel = mistral->nameLabel()->text();
        const qsizetype amp = mistralLabel.indexOf(u'&');
        QVERIFY(amp >= 0);
        QTest::keyClick(m_window.get(), mistralLabel.at(amp + 1).toLatin1(), Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), mistral->lineEdit());
        QTest::keyClicks(QApplication::focusWidget(), mistralKey);
        // Ctrl+H reveals, Enter saves the focused row.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_H, Qt::ControlModifier);
        QVERIFY(mistral->lineEdit()->isRevealed());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(mistral->badge()->text(), u"Keychain"_s, 10000);
        QVERIFY(keychainEntry(m_store->keychain(), u"mistral"_s).secret == mistralKey.toUtf8());
        // Focus stayed in the row: Tab now reaches its Remove button (Save is done).
        QCOMPARE(QApplication::focusWidget(), mistral->lineEdit());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), mistral->removeButton());
        // Enter on a focused button presses it; the question about the shared entry takes the
        // keyboard too.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QTRY_VERIFY(mistral->removeConfirmation() && mistral->removeConfirmation()->isVisible());
        auto *confirm
            = mistral->removeConfirmation()->findChild<QPushButton *>(u"removeConfirmButton"_s);
        QVERIFY(confirm);
        confirm->setFocus();
        QTest::keyClick(confirm, Qt::Key_Space);
        QTRY_COMPARE_WITH_TIMEOUT(mistral->badge()->text(), u"Not set"_s, 10000);
        QVERIFY(!keychainEntry(m_store->keychain(), u"mistral"_s).secret);
    }

    void accessibleNamesEverywhere()
    {
        QVERIFY(open());
        for (ProviderRow *row : m_window->rows()) {
            QVERIFY(!row->lineEdit()->accessibleName().isEmpty());
            QVERIFY(!row->badge()->accessibleName().isEmpty());
            QVERIFY(!row->saveButton()->accessibleName().isEmpty());
            QVERIFY(!row->removeButton()->accessibleName().isEmpty());
            QCOMPARE(row->nameLabel()->buddy(), row->lineEdit());
            QVERIFY(row->nameLabel()->text().contains(u'&'));
        }
        QVERIFY(!m_window->storageBadge()->accessibleName().isEmpty());
    }

    void exportAsksFirstThenCopiesKeysToFile()
    {
        m_project->writeConfig(R"({"credentialStorage": "keychain"})");
        writeKeychainEntry(m_store->keychain(), u"anthropic"_s, anthropicKey.toUtf8());
        QVERIFY(open());
        QVERIFY(m_window->exportButton()->isVisible());
        m_window->exportButton()->click();
        QMessageBox *box = m_window->exportConfirmation();
        QVERIFY(asks(box, u"unencrypted"_s));
        // Cancel changes nothing.
        // An export starts (and shows as exporting) on the click that confirms it, or not at all.
        box->button(QMessageBox::Cancel)->click();
        QVERIFY(!m_window->isExporting());
        QVERIFY(m_project->fileKey(u"anthropic"_s).isEmpty());

        m_window->exportButton()->click();
        box = m_window->exportConfirmation();
        QVERIFY(box);
        auto *confirm = box->findChild<QPushButton *>(u"exportConfirmButton"_s);
        QVERIFY(confirm);
        confirm->click();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isExporting(), 10000);
        QVERIFY(m_project->fileKey(u"anthropic"_s) == anthropicKey.toUtf8());
        QCOMPARE(m_project->storageMode(), std::optional(StorageMode::File));
        // Other projects may read the keychain entry: the export leaves it.
        QVERIFY(keychainEntry(m_store->keychain(), u"anthropic"_s).secret == anthropicKey.toUtf8());
        QTRY_COMPARE_WITH_TIMEOUT(badgeText(u"anthropic"_s), u"File"_s, 10000);
        QCOMPARE(m_window->storageBadge()->text(), u"File"_s);
    }

    void longProviderLabelIsElided()
    {
        // A label from a cloned repository's config may be any length.
        const QString label = u"A provider with a very long name "_s.repeated(15).trimmed();
        m_project->writeConfig(
            u"{\"providers\": {\"verbose\": {\"label\": \"%1\"}}}"_s.arg(label).toUtf8());
        QVERIFY(open());
        QLabel *name = m_window->row(u"verbose"_s)->nameLabel();
        QVERIFY(name->text().contains(QChar(0x2026)));
        QVERIFY(name->width() < name->fontMetrics().horizontalAdvance(label) / 4);
        QCOMPARE(name->toolTip(), label);
        QCOMPARE(name->accessibleName(), label);
        // The window is not stretched by it: shown whole, the label alone would be wider.
        QVERIFY2(m_window->width() < name->fontMetrics().horizontalAdvance(label) / 2,
                 qPrintable(QString::number(m_window->width())));
        // Built-in names are short and shown whole.
        QCOMPARE(m_window->row(u"anthropic"_s)->nameLabel()->text().remove(u'&'), u"Anthropic"_s);
    }

private:
    // Whether @p box, a question the window just asked, is there, shows, and says @p what.
    static bool asks(QMessageBox *box, const QString &what)
    {
        return box && QTest::qWaitFor([box] { return box->isVisible(); }, 5000)
            && box->informativeText().contains(what);
    }
};

QTEST_MAIN(TestSettingsWindow)
#include "TestSettingsWindow.moc"
