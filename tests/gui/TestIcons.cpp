#include "Icons.h"
#include "StorageBadge.h"
#include "WindowFixture.h"

#include <QApplication>
#include <QImage>
#include <QPalette>
#include <QStandardPaths>
#include <QTest>

using namespace Choragen;
using namespace Choragen::Test;

namespace {

QPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0xf4, 0xf4, 0xf4));
    palette.setColor(QPalette::WindowText, QColor(0x10, 0x10, 0x10));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::Text, QColor(0x10, 0x10, 0x10));
    return palette;
}

// The average lightness of the pixels the icon paints, ignoring transparent ones.
qreal inkLightness(const QImage &image)
{
    qreal sum = 0;
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor color = image.pixelColor(x, y);
            if (color.alpha() > 200) {
                sum += color.lightnessF();
                ++count;
            }
        }
    }
    return count ? sum / count : -1;
}

} // namespace

class TestIcons : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup() { QApplication::setPalette(QPalette()); }

    void everyIconRenders_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &name :
             {QStringLiteral("keychain"), QStringLiteral("file"), QStringLiteral("environment"),
              QStringLiteral("not-set"), QStringLiteral("waiting"), QStringLiteral("warning"),
              QStringLiteral("error"), QStringLiteral("reveal"), QStringLiteral("conceal"),
              QStringLiteral("copy"), QStringLiteral("choragen")})
            QTest::newRow(qPrintable(name)) << name;
    }
    void everyIconRenders()
    {
        QFETCH(QString, name);
        QVERIFY(Icons::names().contains(name));
        const QIcon icon = name == QLatin1String("choragen") ? Icons::appIcon() : Icons::icon(name);
        QVERIFY(!icon.isNull());
        QVERIFY(inkLightness(icon.pixmap(QSize(32, 32), 1.0).toImage()) >= 0);
    }

    void sharpOnHighDpi_data()
    {
        QTest::addColumn<qreal>("ratio");
        QTest::newRow("1x") << 1.0;
        QTest::newRow("1.5x") << 1.5;
        QTest::newRow("2x") << 2.0;
        QTest::newRow("3x") << 3.0;
    }
    void sharpOnHighDpi()
    {
        QFETCH(qreal, ratio);
        const QPixmap pixmap = Icons::icon(QStringLiteral("keychain")).pixmap(QSize(16, 16), ratio);
        // Rendered for the device pixels, not a 16 px bitmap scaled up.
        QCOMPARE(pixmap.size(), QSize(qRound(16 * ratio), qRound(16 * ratio)));
        QCOMPARE(pixmap.devicePixelRatio(), ratio);
        // A vector edge: at 3x there are pixels of partial coverage, as at 1x.
        const QImage image = pixmap.toImage();
        int opaque = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                opaque += image.pixelColor(x, y).alpha() > 200 ? 1 : 0;
        QVERIFY(opaque > image.width() * image.height() / 8);
    }

    void followPalette()
    {
        QApplication::setPalette(lightPalette());
        const QIcon icon = Icons::icon(QStringLiteral("keychain"));
        const qreal onLight = inkLightness(icon.pixmap(QSize(32, 32), 1.0).toImage());
        QApplication::setPalette(darkPalette());
        // The same QIcon, painted again: it follows the palette without being recreated.
        const qreal onDark = inkLightness(icon.pixmap(QSize(32, 32), 1.0).toImage());
        QVERIFY2(onLight < 0.3, qPrintable(QString::number(onLight)));
        QVERIFY2(onDark > 0.7, qPrintable(QString::number(onDark)));
    }

    void badgeColorsFollowPalette_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("keychain") << int(StorageBadge::Kind::Keychain);
        QTest::newRow("file") << int(StorageBadge::Kind::File);
        QTest::newRow("environment") << int(StorageBadge::Kind::Environment);
        QTest::newRow("not set") << int(StorageBadge::Kind::NotSet);
        QTest::newRow("error") << int(StorageBadge::Kind::Error);
    }
    void badgeColorsFollowPalette()
    {
        QFETCH(int, kind);
        StorageBadge badge;
        badge.setState(StorageBadge::Kind(kind), QStringLiteral("Badge"));
        badge.setPalette(lightPalette());
        const QColor lightBackground = badge.backgroundColor();
        const QColor lightAccent = badge.accentColor();
        badge.setPalette(darkPalette());
        const QColor darkBackground = badge.backgroundColor();
        const QColor darkAccent = badge.accentColor();
        // Light pill with a dark accent on a light theme, and the other way round.
        QVERIFY(lightBackground.lightnessF() > 0.75);
        QVERIFY(darkBackground.lightnessF() < 0.35);
        QVERIFY(lightAccent.lightnessF() < 0.5);
        QVERIFY(darkAccent.lightnessF() > 0.5);
    }

    void badgeSaysWhatItIs()
    {
        StorageBadge badge;
        badge.setSubject(QStringLiteral("Anthropic key"));
        badge.setState(StorageBadge::Kind::Keychain, QStringLiteral("Keychain"));
        QCOMPARE(badge.text(), QStringLiteral("Keychain"));
        QCOMPARE(badge.accessibleName(), QStringLiteral("Anthropic key: Keychain"));
        QCOMPARE(badge.kind(), StorageBadge::Kind::Keychain);
        QVERIFY(badge.sizeHint().width() > badge.fontMetrics().horizontalAdvance(badge.text()));
    }
};

QTEST_MAIN(TestIcons)
#include "TestIcons.moc"
