// choragen on the other Secret Service providers users run: KeePassXC and KWallet 5. Run by
// tests/support/with-provider.sh, which starts the provider on a private bus and names it in
// CHORAGEN_TEST_PROVIDER (and how to lock it in CHORAGEN_TEST_LOCK). With kwallet-off, KWallet
// runs with its Secret Service interface turned off (CHORAGEN_TEST_SECRET_SERVICE=off).
#include "TestSupport.h"

#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace TestSupport;

class TestSecretServiceProviders : public QObject, ProjectFixture
{
    Q_OBJECT

private:
    static bool interfaceOff()
    {
        return qEnvironmentVariable("CHORAGEN_TEST_SECRET_SERVICE") == QLatin1String("off");
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("CHORAGEN_TEST_PROVIDER"))
            QSKIP("run through tests/support/with-provider.sh");
    }

    void init()
    {
        const bool offTest = QByteArray(QTest::currentTestFunction()).startsWith("interfaceOff");
        if (offTest != interfaceOff())
            QSKIP(offTest ? "the provider serves the Secret Service here"
                          : "the provider's Secret Service interface is off here");
        setUpProject();
        writeConfig(project(), R"({"credentialStorage": "keychain"})");
    }

    // KWallet runs, but not as a Secret Service: status, set and doctor say so and how to turn
    // its interface on, not "install a provider", and keychain mode stores the key nowhere.
    void interfaceOffSaysHowToTurnItOn()
    {
        const QByteArray turnOn = "Use KWallet for the Secret Service interface";
        const Run status
            = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}));
        const QJsonObject keychain = jsonOut(status).value(QStringLiteral("keychain")).toObject();
        QVERIFY2(!keychain.value(QStringLiteral("available")).toBool(), status.out.constData());
        QCOMPARE(keychain.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("no-secret-service"));
        QVERIFY2(keychain.value(QStringLiteral("detail"))
                     .toString()
                     .startsWith(QLatin1String("KWallet is running")),
                 status.out.constData());
        QVERIFY2(
            keychain.value(QStringLiteral("fix")).toString().contains(QString::fromLatin1(turnOn)),
            status.out.constData());

        const Run set = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}),
                                 fakeKey(QStringLiteral("anthropic")));
        QCOMPARE(set.exitCode, 3);
        QVERIFY2(set.err.contains("KWallet is running") && set.err.contains(turnOn),
                 set.err.constData());
        QVERIFY(!set.all().contains("not-a-real-key"));
        QVERIFY(!readConfig(project()).contains("not-a-real-key"));

        const Run doctor = choragen(at({QStringLiteral("config:doctor")}));
        QCOMPARE(doctor.exitCode, 3);
        QVERIFY2(doctor.out.contains(turnOn), doctor.out.constData());
    }

    void statusNamesTheProvider()
    {
        const Run status
            = choragen(at({QStringLiteral("config:status"), QStringLiteral("--json")}));
        QVERIFY2(status.exitCode == 0, status.err.constData());
        const QJsonObject keychain = jsonOut(status).value(QStringLiteral("keychain")).toObject();
        QVERIFY(keychain.value(QStringLiteral("available")).toBool());
        QCOMPARE(keychain.value(QStringLiteral("backend")).toString(),
                 QStringLiteral("%1 Secret Service")
                     .arg(qEnvironmentVariable("CHORAGEN_TEST_PROVIDER")));
    }

    void setGetUnsetAndOtherClients()
    {
        const QString account = QStringLiteral("anthropic-api-key");
        const QByteArray key = fakeKey(QStringLiteral("anthropic"), 7);
        const Run set
            = choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), key);
        QVERIFY2(set.exitCode == 0, set.err.constData());
        const Run get = choragen(at({QStringLiteral("config:get"), QStringLiteral("anthropic")}));
        QVERIFY2(get.exitCode == 0, get.err.constData());
        QVERIFY(get.out.trimmed() == key);
        QVERIFY(secretToolLookup(QStringLiteral("anthropic")) == key);
        QVERIFY(clientGet(Client::PythonKeyring, account) == key);
        QCOMPARE(keychainItems(account).size(), 1);

        // Written again: still one item.
        const QByteArray next = fakeKey(QStringLiteral("anthropic"), 8);
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("anthropic")}), next)
                     .exitCode,
                 0);
        QCOMPARE(keychainItems(account).size(), 1);
        QVERIFY(clientGet(Client::PythonKeyring, account) == next);

        const Run unset
            = choragen(at({QStringLiteral("config:unset"), QStringLiteral("anthropic")}));
        QVERIFY2(unset.exitCode == 0, unset.err.constData());
        bool found = true;
        secretToolLookup(QStringLiteral("anthropic"), &found);
        QVERIFY(!found);
        QVERIFY(keychainItems(account).isEmpty());
    }

    // A locked KeePassXC database (UnlockBeforeSearch=false) or a closed wallet must not let
    // unset claim success, and the message names the provider to unlock. Without a display no
    // prompt can appear; with one, the provider's own prompt that nobody answers leaves the
    // keychain locked, and that is what the command says (not "did not answer").
    void lockedUnsetFails()
    {
        const QString lock = qEnvironmentVariable("CHORAGEN_TEST_LOCK");
        if (lock.isEmpty())
            QSKIP("this provider has no lock command here");
        QCOMPARE(choragen(at({QStringLiteral("config:set"), QStringLiteral("openai")}),
                          fakeKey(QStringLiteral("openai")))
                     .exitCode,
                 0);
        QCOMPARE(QProcess::execute(QStringLiteral("sh"), {QStringLiteral("-c"), lock}), 0);
        QProcessEnvironment terminal = cleanEnvironment();
        terminal.remove(QStringLiteral("DISPLAY"));
        terminal.remove(QStringLiteral("WAYLAND_DISPLAY"));
        QProcessEnvironment desktop = cleanEnvironment();
        desktop.insert(QStringLiteral("CHORAGEN_KEYCHAIN_TIMEOUT_MS"), QStringLiteral("4000"));
        const bool hasDisplay = desktop.contains(QStringLiteral("DISPLAY"));
        for (const QProcessEnvironment &env :
             hasDisplay ? QList {terminal, desktop} : QList {terminal}) {
            const Run unset
                = choragen(at({QStringLiteral("config:unset"), QStringLiteral("openai")}), {}, env);
            QCOMPARE(unset.exitCode, 3);
            QVERIFY2(unset.err.contains("locked"), unset.err.constData());
            QVERIFY2(!unset.err.contains("did not answer"), unset.err.constData());
            QVERIFY2(unset.err.contains(qgetenv("CHORAGEN_TEST_PROVIDER")), unset.err.constData());
            QVERIFY(!unset.all().contains("not-a-real-key"));
        }
    }
};

QTEST_GUILESS_MAIN(TestSecretServiceProviders)
#include "TestSecretServiceProviders.moc"
