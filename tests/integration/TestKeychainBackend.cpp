// KeychainBackend against the real keychain: the SecretBackend contract, for real.
// On Linux that is the Secret Service of `make test`'s private session, and the items are also
// checked with secret-tool and over D-Bus. The tests that need only the backend's own calls also
// run on Windows against the Credential Manager, which needs no unlock (the desktop workflow);
// the Secret Service item checks are skipped there.
#include "KeychainBackend.h"
#include "KeychainNaming.h"
#include "StoreFixtures.h"
#include "TestSupport.h"

#include <QTest>

#include <optional>

#ifdef Q_OS_WIN
#include <string>

#include <windows.h>
// wincred.h needs windows.h first.
#include <wincred.h>
#endif

using namespace Choragen;
using namespace Choragen::Test;

namespace {

// Secret Service items, their attributes and secret-tool exist on Linux only.
#ifdef Q_OS_LINUX
constexpr bool onSecretService = true;
#else
constexpr bool onSecretService = false;
#endif

// Every entry these tests write, gone: on Linux every item under our names, elsewhere through
// the backend itself.
void clearEntries()
{
    if constexpr (onSecretService) {
        TestSupport::clearKeychain();
        return;
    }
    for (const QString &profile : {QString(), QStringLiteral("work")}) {
        KeychainBackend backend;
        backend.setProfile(profile);
        for (const QString &id : {QStringLiteral("anthropic"), QStringLiteral("openai"),
                                  QStringLiteral("google"), QStringLiteral("mistral")})
            removeKeychainEntry(backend, id);
    }
}

#ifdef Q_OS_WIN
// The Credential Manager's generic credential named @p target, as keytar reads it.
QByteArray credentialManagerLookup(const QString &target, bool *found)
{
    const std::wstring name = target.toStdWString();
    PCREDENTIALW credential = nullptr;
    *found = CredReadW(name.c_str(), CRED_TYPE_GENERIC, 0, &credential) != FALSE;
    if (!*found)
        return {};
    const QByteArray blob(reinterpret_cast<const char *>(credential->CredentialBlob),
                          qsizetype(credential->CredentialBlobSize));
    CredFree(credential);
    return blob;
}
#endif

// The key other programs find under the documented name of @p account; @p found says whether
// they find one.
QByteArray othersLookup(const QString &account, bool *found)
{
#if defined(Q_OS_LINUX)
    return TestSupport::secretToolLookupAccount(account, found);
#elif defined(Q_OS_WIN)
    return credentialManagerLookup(keychainTarget(account), found);
#else
    Q_UNUSED(account)
    *found = false;
    return {};
#endif
}

// Where this test can ask as another program would (secret-tool; the Credential Manager's API).
#if defined(Q_OS_LINUX) || defined(Q_OS_WIN)
constexpr bool canLookUpAsOthers = true;
#else
constexpr bool canLookUpAsOthers = false;
#endif

} // namespace

#define REQUIRE_SECRET_SERVICE()                                                                   \
    if constexpr (!onSecretService)                                                                \
    QSKIP("Secret Service items and attributes exist on Linux only")

class TestKeychainBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { clearEntries(); }
    void cleanup() { clearEntries(); }

    void probeFindsTheKeychain()
    {
        KeychainBackend backend;
        std::optional<BackendStatus> status;
        backend.probe(this, [&](const BackendStatus &s) { status = s; });
        QVERIFY(!status); // never before the call returns
        QTRY_VERIFY_WITH_TIMEOUT(status.has_value(), 10000);
        QVERIFY2(status->available, qPrintable(status->reason.message));
        // Names the provider really answering: make test runs gnome-keyring.
        if constexpr (onSecretService)
            QCOMPARE(status->backend, QStringLiteral("gnome-keyring Secret Service"));
#ifdef Q_OS_WIN
        QCOMPARE(status->backend, QStringLiteral("Windows Credential Manager"));
#endif
        QCOMPARE(backend.name(), status->backend);
    }

    void writeReadRemoveRoundTrip()
    {
        KeychainBackend backend;
        const QByteArray key = TestSupport::fakeKey(QStringLiteral("openai"));
        std::optional<Error> written;
        backend.write(QStringLiteral("openai"), key, this, [&](const Error &e) { written = e; });
        QTRY_VERIFY_WITH_TIMEOUT(written.has_value(), 10000);
        QVERIFY(written->ok());
        // Readable by other tools under the documented names.
        bool found = false;
        if constexpr (canLookUpAsOthers)
            QVERIFY(othersLookup(QStringLiteral("openai-api-key"), &found) == key);

        std::optional<Error> readError;
        QByteArray readBack;
        backend.read(QStringLiteral("openai"), this, [&](const Error &e, const QByteArray &s) {
            readError = e;
            readBack = s;
        });
        QTRY_VERIFY_WITH_TIMEOUT(readError.has_value(), 10000);
        QVERIFY(readError->ok());
        QVERIFY(readBack == key);

        std::optional<Error> removed;
        backend.remove(QStringLiteral("openai"), this, [&](const Error &e) { removed = e; });
        QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 10000);
        QVERIFY(removed->ok());
        if constexpr (canLookUpAsOthers) {
            othersLookup(QStringLiteral("openai-api-key"), &found);
            QVERIFY(!found);
        }
    }

    void writeCarriesEveryClientsAttributes()
    {
        REQUIRE_SECRET_SERVICE();
        KeychainBackend backend;
        QVERIFY(writeKeychainEntry(backend, QStringLiteral("openai"),
                                   TestSupport::fakeKey(QStringLiteral("openai")))
                    .ok());
        const auto items = TestSupport::keychainItems(QStringLiteral("openai-api-key"));
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first(), TestSupport::fullAttributes(QStringLiteral("openai-api-key")));
        // Every client's own question finds it.
        QVERIFY(TestSupport::secretToolLookupBy({QStringLiteral("server"),
                                                 QStringLiteral("choragen"), QStringLiteral("user"),
                                                 QStringLiteral("openai-api-key")})
                == TestSupport::fakeKey(QStringLiteral("openai")));
        QVERIFY(TestSupport::secretToolLookupBy(
                    {QStringLiteral("service"), QStringLiteral("choragen"),
                     QStringLiteral("username"), QStringLiteral("openai-api-key")})
                == TestSupport::fakeKey(QStringLiteral("openai")));
    }

    void profileNamesTheAccount()
    {
        KeychainBackend work;
        work.setProfile(QStringLiteral("work"));
        KeychainBackend plain;
        const QByteArray workKey = TestSupport::fakeKey(QStringLiteral("google"), 1);
        const QByteArray plainKey = TestSupport::fakeKey(QStringLiteral("google"), 2);
        QVERIFY(writeKeychainEntry(work, QStringLiteral("google"), workKey).ok());
        QVERIFY(writeKeychainEntry(plain, QStringLiteral("google"), plainKey).ok());
        if constexpr (canLookUpAsOthers) {
            bool found = false;
            QVERIFY(othersLookup(QStringLiteral("google-api-key@work"), &found) == workKey);
        }
        QVERIFY(readKeychainEntry(work, QStringLiteral("google")).second == workKey);
        QVERIFY(readKeychainEntry(plain, QStringLiteral("google")).second == plainKey);
        QVERIFY(removeKeychainEntry(work, QStringLiteral("google")).ok());
        QCOMPARE(readKeychainEntry(work, QStringLiteral("google")).first.code, ErrorCode::NotFound);
        QVERIFY(readKeychainEntry(plain, QStringLiteral("google")).second == plainKey);
    }

    // Items other programs wrote under our names: keytar (service+account), Python keyring
    // (service+username), earlier Choragen versions through QtKeychain (server+user).
    void othersItemsAreReadAndReplacedByOne_data()
    {
        QTest::addColumn<QStringList>("attributes");
        QTest::newRow("keytar") << QStringList {
            QStringLiteral("xdg:schema"), QStringLiteral("org.freedesktop.Secret.Generic"),
            QStringLiteral("service"),    QStringLiteral("choragen"),
            QStringLiteral("account"),    QStringLiteral("anthropic-api-key")};
        QTest::newRow("python keyring")
            << QStringList {QStringLiteral("application"), QStringLiteral("Python keyring library"),
                            QStringLiteral("service"),     QStringLiteral("choragen"),
                            QStringLiteral("username"),    QStringLiteral("anthropic-api-key")};
        QTest::newRow("earlier choragen")
            << QStringList {QStringLiteral("xdg:schema"), QStringLiteral("org.qt.keychain"),
                            QStringLiteral("server"),     QStringLiteral("choragen"),
                            QStringLiteral("user"),       QStringLiteral("anthropic-api-key"),
                            QStringLiteral("type"),       QStringLiteral("plaintext")};
    }

    void othersItemsAreReadAndReplacedByOne()
    {
        REQUIRE_SECRET_SERVICE();
        QFETCH(QStringList, attributes);
        const QByteArray old = TestSupport::fakeKey(QStringLiteral("anthropic"), 1);
        QVERIFY(TestSupport::secretToolStore(attributes, old));
        KeychainBackend backend;
        const auto [error, secret] = readKeychainEntry(backend, QStringLiteral("anthropic"));
        QVERIFY2(error.ok(), qPrintable(error.message));
        QVERIFY(secret == old);

        const QByteArray next = TestSupport::fakeKey(QStringLiteral("anthropic"), 2);
        QVERIFY(writeKeychainEntry(backend, QStringLiteral("anthropic"), next).ok());
        const auto items = TestSupport::keychainItems(QStringLiteral("anthropic-api-key"));
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first(), TestSupport::fullAttributes(QStringLiteral("anthropic-api-key")));
        QVERIFY(readKeychainEntry(backend, QStringLiteral("anthropic")).second == next);
    }

    void differentKeysAreAnErrorNotAChoice()
    {
        REQUIRE_SECRET_SERVICE();
        QVERIFY(TestSupport::secretToolStore({QStringLiteral("service"), QStringLiteral("choragen"),
                                              QStringLiteral("account"),
                                              QStringLiteral("openai-api-key")},
                                             TestSupport::fakeKey(QStringLiteral("openai"), 1)));
        QVERIFY(
            TestSupport::secretToolStore({QStringLiteral("server"), QStringLiteral("choragen"),
                                          QStringLiteral("user"), QStringLiteral("openai-api-key")},
                                         TestSupport::fakeKey(QStringLiteral("openai"), 2)));
        KeychainBackend backend;
        const auto [error, secret] = readKeychainEntry(backend, QStringLiteral("openai"));
        QCOMPARE(error.code, ErrorCode::Conflict);
        QVERIFY(secret.isEmpty());
        QVERIFY(!error.text().contains(QStringLiteral("not-a-real-key")));
        // A write settles it: one item, the new key.
        QVERIFY(writeKeychainEntry(backend, QStringLiteral("openai"),
                                   TestSupport::fakeKey(QStringLiteral("openai"), 3))
                    .ok());
        QCOMPARE(TestSupport::keychainItems(QStringLiteral("openai-api-key")).size(), 1);
    }

    void removeDeletesEveryForm()
    {
        REQUIRE_SECRET_SERVICE();
        const QByteArray key = TestSupport::fakeKey(QStringLiteral("mistral"));
        QVERIFY(TestSupport::secretToolStore({QStringLiteral("service"), QStringLiteral("choragen"),
                                              QStringLiteral("username"),
                                              QStringLiteral("mistral-api-key")},
                                             key));
        QVERIFY(TestSupport::secretToolStore({QStringLiteral("server"), QStringLiteral("choragen"),
                                              QStringLiteral("user"),
                                              QStringLiteral("mistral-api-key")},
                                             key));
        KeychainBackend backend;
        QVERIFY(removeKeychainEntry(backend, QStringLiteral("mistral")).ok());
        QVERIFY(TestSupport::keychainItems(QStringLiteral("mistral-api-key")).isEmpty());
        QCOMPARE(removeKeychainEntry(backend, QStringLiteral("mistral")).code, ErrorCode::NotFound);
    }

    void absentEntryIsNotFound()
    {
        KeychainBackend backend;
        QCOMPARE(readKeychainEntry(backend, QStringLiteral("google")).first.code,
                 ErrorCode::NotFound);
    }

    void goneContextGetsNoCallback()
    {
        KeychainBackend backend;
        auto *context = new QObject;
        bool called = false;
        backend.read(QStringLiteral("google"), context,
                     [&](const Error &, const QByteArray &) { called = true; });
        delete context;
        // A later call on a live context completes, so the first one had time to.
        std::optional<Error> later;
        backend.read(QStringLiteral("google"), this,
                     [&](const Error &e, const QByteArray &) { later = e; });
        QTRY_VERIFY_WITH_TIMEOUT(later.has_value(), 10000);
        QVERIFY(!called);
    }

    void backendMayGoWhileCallsAreInFlight()
    {
        auto backend = std::make_unique<KeychainBackend>();
        int callbacks = 0;
        for (int i = 0; i < 5; ++i)
            backend->read(QStringLiteral("anthropic"), this,
                          [&](const Error &, const QByteArray &) { ++callbacks; });
        // Let the first job reach libsecret, so its reply is pending when the backend goes.
        QCoreApplication::processEvents();
        backend.reset();
        // The jobs finish after their backend is gone; that must not crash. The provider answers
        // one connection's calls in order, so once this later read has its answer, theirs have
        // come too (and been dropped).
        KeychainBackend another;
        QCOMPARE(readKeychainEntry(another, QStringLiteral("anthropic")).first.code,
                 ErrorCode::NotFound);
        QCOMPARE(callbacks, 0);
    }
};

QTEST_GUILESS_MAIN(TestKeychainBackend)
#include "TestKeychainBackend.moc"
