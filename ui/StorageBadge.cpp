#include "StorageBadge.h"

#include "Icons.h"

#include <QPainter>
#include <QPainterPath>

namespace Choragen {

namespace {

constexpr int iconSize = 14;
constexpr int padding = 7;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

QColor mix(const QColor &a, const QColor &b, float amount)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * amount,
                            a.greenF() + (b.greenF() - a.greenF()) * amount,
                            a.blueF() + (b.blueF() - a.blueF()) * amount);
}

} // namespace

StorageBadge::StorageBadge(QWidget *parent)
    : QLabel(parent)
{
    setContentsMargins(padding + iconSize + 4, 2, padding + 2, 2);
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    setState(Kind::NotSet, tr("Not set"));
}

void StorageBadge::setSubject(const QString &subject)
{
    m_subject = subject;
    updateAccessibleName();
}

void StorageBadge::setState(Kind kind, const QString &text)
{
    m_kind = kind;
    setText(text);
    updateAccessibleName();
    update();
}

void StorageBadge::updateAccessibleName()
{
    setAccessibleName(m_subject.isEmpty() ? text() : tr("%1: %2").arg(m_subject, text()));
}

QString StorageBadge::iconName(Kind kind)
{
    switch (kind) {
    case Kind::Keychain:
        return QStringLiteral("keychain");
    case Kind::File:
        return QStringLiteral("file");
    case Kind::Environment:
        return QStringLiteral("environment");
    case Kind::Loading:
    case Kind::Waiting:
        return QStringLiteral("waiting");
    case Kind::Error:
        return QStringLiteral("error");
    case Kind::NotSet:
        break;
    }
    return QStringLiteral("not-set");
}

QColor StorageBadge::accentColor() const
{
    const bool dark = isDark(palette());
    switch (m_kind) {
    case Kind::Keychain:
        return dark ? QColor(0x6f, 0xdc, 0x8c) : QColor(0x1e, 0x7b, 0x34);
    case Kind::File:
        return dark ? QColor(0xf1, 0xc2, 0x1b) : QColor(0x9a, 0x5b, 0x00);
    case Kind::Environment:
        return dark ? QColor(0x78, 0xa9, 0xff) : QColor(0x0f, 0x52, 0xba);
    case Kind::Error:
        return dark ? QColor(0xff, 0x83, 0x89) : QColor(0xb7, 0x1c, 0x1c);
    case Kind::NotSet:
    case Kind::Loading:
    case Kind::Waiting:
        break;
    }
    return mix(palette().color(QPalette::Window), palette().color(QPalette::WindowText), 0.6F);
}

QColor StorageBadge::backgroundColor() const
{
    return mix(palette().color(QPalette::Window), accentColor(), isDark(palette()) ? 0.22F : 0.14F);
}

void StorageBadge::paintEvent(QPaintEvent *event)
{
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF pill = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
        QPainterPath path;
        path.addRoundedRect(pill, pill.height() / 2, pill.height() / 2);
        painter.fillPath(path, backgroundColor());
        painter.setPen(QPen(mix(palette().color(QPalette::Window), accentColor(), 0.55F), 1));
        painter.drawPath(path);
        const QRectF iconRect(padding, (height() - iconSize) / 2.0, iconSize, iconSize);
        Icons::paint(&painter, iconName(m_kind), iconRect, accentColor());
    }
    QLabel::paintEvent(event);
}

} // namespace Choragen
