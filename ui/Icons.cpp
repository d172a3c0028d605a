#include "Icons.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QHash>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QSvgRenderer>

#include <optional>

// Resources of a static library must be registered by name, outside any namespace.
static void initChoragenResources()
{
    Q_INIT_RESOURCE(choragen);
}

namespace Choragen::Icons {

namespace {

const QString appIconName = QStringLiteral("choragen");

QByteArray svgSource(const QString &name)
{
    static bool initialised = false;
    if (!initialised) {
        initChoragenResources();
        initialised = true;
    }
    static QHash<QString, QByteArray> cache;
    auto it = cache.constFind(name);
    if (it != cache.constEnd())
        return *it;
    QFile file(QStringLiteral(":/icons/%1.svg").arg(name));
    QByteArray source;
    if (file.open(QIODevice::ReadOnly))
        source = file.readAll();
    cache.insert(name, source);
    return source;
}

QByteArray colored(const QString &name, const QColor &color)
{
    QByteArray source = svgSource(name);
    // QtSvg 6.4 does not resolve currentColor itself.
    source.replace("currentColor", color.name(QColor::HexRgb).toLatin1());
    return source;
}

void render(const QByteArray &svg, QPainter *painter, const QRectF &rect, qreal opacity)
{
    QSvgRenderer renderer(svg);
    if (!renderer.isValid())
        return;
    painter->save();
    painter->setOpacity(painter->opacity() * opacity);
    renderer.setAspectRatioMode(Qt::KeepAspectRatio);
    renderer.render(painter, rect);
    painter->restore();
}

// Renders the SVG at whatever size is asked for; a fixed colour, or the palette's text colour at
// the time of painting when none was given.
class SvgIconEngine : public QIconEngine
{
public:
    SvgIconEngine(QString name, std::optional<QColor> color)
        : m_name(std::move(name))
        , m_color(color)
    {
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        render(source(mode), painter, QRectF(rect),
               mode == QIcon::Disabled && m_color ? 0.45 : 1.0);
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pixmap(size);
        pixmap.fill(Qt::transparent);
        if (size.isEmpty())
            return pixmap;
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        paint(&painter, QRect(QPoint(0, 0), size), mode, state);
        return pixmap;
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine *clone() const override { return new SvgIconEngine(m_name, m_color); }
    QString key() const override { return QStringLiteral("ChoragenSvgIconEngine"); }
    bool isNull() override { return svgSource(m_name).isEmpty(); }
    QString iconName() override { return m_name; }

private:
    QByteArray source(QIcon::Mode mode) const
    {
        if (m_name == appIconName)
            return svgSource(m_name);
        if (m_color)
            return colored(m_name, *m_color);
        const QPalette palette = QGuiApplication::palette();
        const QPalette::ColorGroup group
            = mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active;
        return colored(m_name, palette.color(group, QPalette::WindowText));
    }

    QString m_name;
    std::optional<QColor> m_color;
};

} // namespace

QIcon icon(const QString &name)
{
    return QIcon(new SvgIconEngine(name, std::nullopt));
}

QIcon icon(const QString &name, const QColor &color)
{
    return QIcon(new SvgIconEngine(name, color));
}

void paint(QPainter *painter, const QString &name, const QRectF &rect, const QColor &color)
{
    render(colored(name, color), painter, rect, 1.0);
}

QIcon appIcon()
{
    return QIcon(new SvgIconEngine(appIconName, std::nullopt));
}

QStringList names()
{
    svgSource(appIconName);
    QStringList names;
    const QStringList files = QDir(QStringLiteral(":/icons")).entryList({QStringLiteral("*.svg")});
    for (const QString &file : files)
        names << file.chopped(4);
    return names;
}

} // namespace Choragen::Icons
