#include "KeyFormatHint.h"

#include <QTest>

using namespace Choragen;
using namespace Qt::StringLiterals;

class TestKeyFormatHint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hint_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expectedPart"); // empty: no hint

        QTest::newRow("anthropic ok")
            << u"anthropic"_s << u"Anthropic"_s << u"sk-ant-FAKE-aaaa"_s << u""_s;
        QTest::newRow("openai ok") << u"openai"_s << u"OpenAI"_s << u"sk-FAKE-bbbb"_s << u""_s;
        QTest::newRow("openai project ok")
            << u"openai"_s << u"OpenAI"_s << u"sk-proj-FAKE-b"_s << u""_s;
        QTest::newRow("google ok") << u"google"_s << u"Google"_s << u"AIzaFAKEcccc"_s << u""_s;
        QTest::newRow("empty") << u"anthropic"_s << u"Anthropic"_s << u""_s << u""_s;
        QTest::newRow("custom anything") << u"mistral"_s << u"Mistral"_s << u"FAKEdddd"_s << u""_s;
        QTest::newRow("anthropic wrong prefix")
            << u"anthropic"_s << u"Anthropic"_s << u"FAKE-eeee"_s
            << u"usually start with “sk-ant-”"_s;
        QTest::newRow("google wrong prefix")
            << u"google"_s << u"Google"_s << u"FAKE-ffff"_s << u"usually start with “AIza”"_s;
        QTest::newRow("anthropic key in openai row")
            << u"openai"_s << u"OpenAI"_s << u"sk-ant-FAKE-gggg"_s
            << u"looks like a key for Anthropic"_s;
        QTest::newRow("openai key in anthropic row")
            << u"anthropic"_s << u"Anthropic"_s << u"sk-FAKE-hhhh"_s
            << u"looks like a key for OpenAI"_s;
        QTest::newRow("google key in custom row")
            << u"mistral"_s << u"Mistral"_s << u"AIzaFAKEiiii"_s
            << u"looks like a key for Google"_s;
        QTest::newRow("inner space")
            << u"openai"_s << u"OpenAI"_s << u"sk-FAKE jjjj"_s << u"space"_s;
    }
    void hint()
    {
        QFETCH(QString, provider);
        QFETCH(QString, label);
        QFETCH(QString, key);
        QFETCH(QString, expectedPart);
        const QString hint = keyFormatHint(provider, label, key);
        if (expectedPart.isEmpty())
            QVERIFY2(hint.isEmpty(), qPrintable(hint));
        else
            QVERIFY2(hint.contains(expectedPart), qPrintable(hint));
        // A hint names prefixes, never the key itself.
        if (!key.isEmpty())
            QVERIFY(!hint.contains(key));
    }
};

QTEST_GUILESS_MAIN(TestKeyFormatHint)
#include "TestKeyFormatHint.moc"
