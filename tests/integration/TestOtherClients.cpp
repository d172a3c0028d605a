// The keychain entries are a contract with other programs: keys set by choragen are read by
// keytar, Python keyring and secret-tool, and keys they wrote are read by choragen and brought
// to one full item when choragen next writes. Real clients against make test's Secret Service.
#include "TestSupport.h"

#include <QDir>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

class TestOtherClients : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    bool m_keytar = false;

    void requireKeytar()
    {
        if (!m_keytar)
            QSKIP("keytar and @napi-rs/keyring could not be installed: the npm registry cannot "
                  "be reached");
    }

    // One item, with the whole attribute set, holding @p key for every client.
    void verifyOneFullItem(const QString &account, const QByteArray &key)
    {
        const auto items = keychainItems(account);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items.first(), fullAttributes(account));
        QVERIFY(secretToolLookupBy({QStringLiteral("service"), QStringLiteral("choragen"),
                                    QStringLiteral("account"), account})
                == key);
        QVERIFY(secretToolLookupBy({QStringLiteral("server"), QStringLiteral("choragen"),
                                    QStringLiteral("user"), account})
                == key);
        QVERIFY(clientGet(Client::PythonKeyring, account) == key);
        if (m_keytar) {
            QVERIFY(clientGet(Client::Keytar, account) == key);
            QVERIFY(clientGet(Client::NapiKeyring, account) == key);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QByteArray log;
        const int status = prepareKeytar(&log);
        // In CI the registry is reachable: a skip there would hide a broken contract.
        if (status == 77 && qEnvironmentVariableIsEmpty("CI"))
            return;
        QVERIFY2(status == 0, log.constData());
        m_keytar = true;
    }

    void init()
    {
        setUpKeychainProject();
        writeConfig(project(), R"({"credentialStorage": "keychain"})");
    }

    void cleanup() { clearKeychain(); }

    void setIsReadByEveryClient()
    {
        const QByteArray key = fakeKey(QStringLiteral("anthropic"));
        const Run set
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), key);
        QVERIFY2(set.exitCode == 0, set.err.constData());
        verifyOneFullItem(QStringLiteral("anthropic-api-key"), key);
    }

    void profileEntryIsReadByEveryClient()
    {
        const QByteArray key = fakeKey(QStringLiteral("openai"), 4);
        const Run set = choragen(at({QStringLiteral("--profile"), QStringLiteral("work"),
                                     QStringLiteral("config:set"), QStringLiteral("openai")}),
                                 key);
        if (set.exitCode == 2)
            QSKIP("this build's command line has no --profile yet");
        QVERIFY2(set.exitCode == 0, set.err.constData());
        verifyOneFullItem(QStringLiteral("openai-api-key@work"), key);
    }

    void othersKeyIsReadAndRewrittenAsOne_data()
    {
        QTest::addColumn<QString>("writer");
        QTest::newRow("keytar") << QStringLiteral("keytar");
        QTest::newRow("python keyring") << QStringLiteral("python keyring");
        QTest::newRow("@napi-rs/keyring") << QStringLiteral("napi");
        QTest::newRow("earlier choragen (server+user)") << QStringLiteral("server+user");
    }

    void othersKeyIsReadAndRewrittenAsOne()
    {
        QFETCH(QString, writer);
        const QString account = QStringLiteral("google-api-key");
        const QByteArray theirs = fakeKey(QStringLiteral("google"), 1);
        if (writer == QLatin1String("keytar")) {
            requireKeytar();
            QVERIFY(clientSet(Client::Keytar, account, theirs));
        } else if (writer == QLatin1String("napi")) {
            requireKeytar();
            QVERIFY(clientSet(Client::NapiKeyring, account, theirs));
        } else if (writer == QLatin1String("python keyring")) {
            QVERIFY(clientSet(Client::PythonKeyring, account, theirs));
        } else {
            QVERIFY(secretToolStore({QStringLiteral("server"), QStringLiteral("choragen"),
                                     QStringLiteral("user"), account, QStringLiteral("type"),
                                     QStringLiteral("plaintext")},
                                    theirs));
        }
        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("google")}));
        QVERIFY2(get.exitCode == 0, get.err.constData());
        QVERIFY(get.out.trimmed() == theirs);

        const QByteArray ours = fakeKey(QStringLiteral("google"), 2);
        const Run set
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("google")}), ours);
        QVERIFY2(set.exitCode == 0, set.err.constData());
        verifyOneFullItem(account, ours);
    }

    // A migration asks once which keys have no entry: an entry another client wrote, under any
    // of the three names, still counts, and is neither duplicated nor overwritten.
    void migrationFindsWhatOthersWrote_data() { othersKeyIsReadAndRewrittenAsOne_data(); }

    void migrationFindsWhatOthersWrote()
    {
        QFETCH(QString, writer);
        const auto store = [&](const QString &account, const QByteArray &key) {
            if (writer == QLatin1String("keytar"))
                return clientSet(Client::Keytar, account, key);
            if (writer == QLatin1String("napi"))
                return clientSet(Client::NapiKeyring, account, key);
            if (writer == QLatin1String("python keyring"))
                return clientSet(Client::PythonKeyring, account, key);
            return secretToolStore({QStringLiteral("server"), QStringLiteral("choragen"),
                                    QStringLiteral("user"), account, QStringLiteral("type"),
                                    QStringLiteral("plaintext")},
                                   key);
        };
        if (writer == QLatin1String("keytar") || writer == QLatin1String("napi"))
            requireKeytar();
        const QString same = QStringLiteral("anthropic");
        const QString different = QStringLiteral("google");
        const QString nobodys = QStringLiteral("openai");
        QVERIFY(store(same + QStringLiteral("-api-key"), fakeKey(same)));
        QVERIFY(store(different + QStringLiteral("-api-key"), fakeKey(different, 5)));
        writeConfig(project(), configWithKeys({same, different, nobodys}));

        const Run migrate = choragen(at({QStringLiteral("--migrate")}));
        QCOMPARE(migrate.exitCode, 1);
        QVERIFY2(migrate.err.contains("google"), migrate.err.constData());
        // Theirs, as they wrote it: one item each, the different key kept in the file.
        QCOMPARE(keychainItems(same + QStringLiteral("-api-key")).size(), 1);
        const auto theirs = keychainItems(different + QStringLiteral("-api-key"));
        QCOMPARE(theirs.size(), 1);
        QStringList attributes;
        for (auto it = theirs.first().cbegin(); it != theirs.first().cend(); ++it)
            attributes << it.key() << it.value();
        QVERIFY(secretToolLookupBy(attributes) == fakeKey(different, 5));
        const QJsonObject left = keysInConfig(readConfig(project()));
        QCOMPARE(left.keys(), QStringList {different});
        verifyOneFullItem(nobodys + QStringLiteral("-api-key"), fakeKey(nobodys));
    }

    void oneItemAfterAnySequenceOfWrites()
    {
        const QString account = QStringLiteral("anthropic-api-key");
        int generation = 0;
        const auto set = [&] {
            return choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
                            fakeKey(QStringLiteral("anthropic"), ++generation))
                .exitCode;
        };
        QCOMPARE(set(), 0);
        QCOMPARE(set(), 0);
        QCOMPARE(keychainItems(account).size(), 1);
        // Python keyring adds a second item beside ours; a choragen write leaves one.
        QVERIFY(
            clientSet(Client::PythonKeyring, account, fakeKey(QStringLiteral("anthropic"), 50)));
        QCOMPARE(keychainItems(account).size(), 2);
        QCOMPARE(set(), 0);
        QCOMPARE(keychainItems(account).size(), 1);
        if (m_keytar) {
            // keytar cuts our item down to its own three attributes; the next write restores them.
            QVERIFY(clientSet(Client::Keytar, account, fakeKey(QStringLiteral("anthropic"), 51)));
            QCOMPARE(set(), 0);
        }
        verifyOneFullItem(account, fakeKey(QStringLiteral("anthropic"), generation));
        const Run unset
            = choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")}));
        QVERIFY2(unset.exitCode == 0, unset.err.constData());
        QVERIFY(keychainItems(account).isEmpty());
    }

    // Killed between deleting the old items and writing the new one: the keychain holds no
    // item, the config file is untouched, and the key is still with the one who set it, so
    // setting it again finishes the job.
    void crashBetweenDeleteAndWriteLeavesTheKeyWithTheCaller()
    {
        const QString account = QStringLiteral("google-api-key");
        QVERIFY(secretToolStore(
            {QStringLiteral("server"), QStringLiteral("choragen"), QStringLiteral("user"), account},
            fakeKey(QStringLiteral("google"), 1)));
        const QByteArray config = readConfig(project());
        const QByteArray key = fakeKey(QStringLiteral("google"), 2);
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("CHORAGEN_CRASH_AT"),
                   QStringLiteral("keychain:deleted-before-write"));
        const Run crashed
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("google")}), key, env);
        QCOMPARE(crashed.exitCode, 77);
        QVERIFY(keychainItems(account).isEmpty());
        QCOMPARE(readConfig(project()), config);

        const Run again
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("google")}), key);
        QVERIFY2(again.exitCode == 0, again.err.constData());
        verifyOneFullItem(account, key);
    }

    void differentKeysUnderOneNameAreReported()
    {
        const QString account = QStringLiteral("openai-api-key");
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("openai")}),
                          fakeKey(QStringLiteral("openai"), 1))
                     .exitCode,
                 0);
        QVERIFY(clientSet(Client::PythonKeyring, account, fakeKey(QStringLiteral("openai"), 2)));
        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("openai")}));
        QVERIFY(get.exitCode != 0);
        QVERIFY(get.out.isEmpty());
        QVERIFY(!get.err.contains("not-a-real-key"));
        QVERIFY2(get.err.contains("different keys"), get.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestOtherClients)
#include "TestOtherClients.moc"
