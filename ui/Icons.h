#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

class QPainter;
class QRectF;

namespace Choragen::Icons {

// SVG icons from the resources, e.g. "keychain", "reveal". Monochrome icons are drawn in the
// application palette's text colour at paint time, so they follow a dark palette, and are
// rendered at the exact device-pixel size, so they stay sharp on high-DPI screens.
QIcon icon(const QString &name);

// The same icon, drawn in @p color.
QIcon icon(const QString &name, const QColor &color);

// Draws icon @p name into @p rect in @p color, as vectors.
void paint(QPainter *painter, const QString &name, const QRectF &rect, const QColor &color);

// The application's own, multi-coloured icon.
QIcon appIcon();

// The icon names the resources hold.
QStringList names();

} // namespace Choragen::Icons
