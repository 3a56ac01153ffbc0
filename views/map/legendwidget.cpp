// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/legendwidget.h"

#include "map/mapdensity.h"
#include "map/mapstyle.h"
#include "map/memorymapwidget.h"

#include <QPainter>

#include <algorithm>

namespace cmascope::views {

namespace {
constexpr int kRow = 20;
constexpr int kSwatch = 14;
} // namespace

LegendWidget::LegendWidget(MemoryMapWidget* map, QWidget* parent)
    : QWidget(parent)
    , m_map(map)
{
    const auto refresh = [this] {
        setMinimumHeight(heightForWidth(width()));
        updateGeometry();
        update();
    };
    connect(m_map, &MemoryMapWidget::contentChanged, this, refresh);
    connect(m_map, &MemoryMapWidget::densityShownChanged, this, refresh);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
}

QStringList LegendWidget::entries() const
{
    QStringList out;
    for (const auto& [name, colour] : m_map->legend())
        out << name;
    out << tr("free") << tr("carve-out") << tr("pinned pages") << tr("failed request (ghost)") << tr("largest hole");
    // Trace entries only when the map shows them (docs/map-traces.md).
    if (m_map->content().hasHeldPages())
        out << heldEntry();
    if (!m_map->content().busy.isEmpty())
        out << busyEntry();
    if (m_map->densityShown())
        out << densityEntry();
    return out;
}

QString LegendWidget::heldEntry()
{
    return tr("held by the bitmap, not requested");
}

QString LegendWidget::busyEntry()
{
    return tr("busy: could not be migrated");
}

QString LegendWidget::densityEntry()
{
    return tr("shade: share of a pixel column in use");
}

int LegendWidget::columnWidth() const
{
    int widest = 0;
    for (const auto& e : entries())
        widest = std::max(widest, fontMetrics().horizontalAdvance(e));
    return widest + kSwatch + 22;
}

int LegendWidget::columnsFor(int width) const
{
    return std::max(1, width / std::max(1, columnWidth()));
}

int LegendWidget::heightForWidth(int width) const
{
    const int n = int(entries().size());
    const int columns = columnsFor(width);
    return (n + columns - 1) / columns * kRow + 8;
}

QSize LegendWidget::sizeHint() const
{
    return { 2 * columnWidth(), heightForWidth(2 * columnWidth()) };
}

QSize LegendWidget::minimumSizeHint() const
{
    return { columnWidth(), heightForWidth(width()) };
}

void LegendWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    setMinimumHeight(heightForWidth(width()));
}

void LegendWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const MapStyle style(palette());
    p.fillRect(rect(), palette().window());
    // As many columns as heightForWidth() counted on, filled row by row; a name too long for its column is
    // elided in the middle.
    const int columns = columnsFor(width());
    const int columnWidth = width() / columns;
    int i = 0;
    auto row = [&](const QString& text, auto&& swatch) {
        const int x = 6 + (i % columns) * columnWidth;
        const int y = 4 + (i / columns) * kRow;
        ++i;
        const QRect box(x, y + (kRow - kSwatch) / 2, kSwatch, kSwatch);
        swatch(box);
        p.setPen(palette().color(QPalette::WindowText));
        const QRect textRect(box.right() + 8, y, x + columnWidth - box.right() - 14, kRow);
        p.drawText(textRect, Qt::AlignLeft | Qt::AlignVCenter,
            fontMetrics().elidedText(text, Qt::ElideMiddle, textRect.width()));
    };
    for (const auto& [name, colour] : m_map->legend()) {
        const QColor c = colour;
        row(name, [&](const QRect& b) { p.fillRect(b, c); });
    }
    row(tr("free"), [&](const QRect& b) {
        p.fillRect(b, style.regionFill);
        p.setPen(style.regionBorder);
        p.drawRect(b.adjusted(0, 0, -1, -1));
    });
    row(tr("carve-out"), [&](const QRect& b) { p.fillRect(b, QBrush(style.carveout, Qt::BDiagPattern)); });
    row(tr("pinned pages"), [&](const QRect& b) { p.fillRect(b, QBrush(style.failure, Qt::Dense4Pattern)); });
    row(tr("failed request (ghost)"), [&](const QRect& b) {
        QColor fill = style.failure;
        fill.setAlphaF(0.25f);
        p.fillRect(b, fill);
        p.setPen(QPen(style.failure, 2.0, Qt::DashLine));
        p.drawRect(b.adjusted(1, 1, -1, -1));
    });
    row(tr("largest hole"), [&](const QRect& b) {
        p.setPen(QPen(style.highlight, 2.0));
        p.drawRect(b.adjusted(1, 1, -1, -1));
    });
    if (m_map->content().hasHeldPages())
        row(heldEntry(), [&](const QRect& b) {
            // In a neutral colour: on the map it is the owner's.
            p.fillRect(b, style.heldFill(style.mutedText));
            p.fillRect(b, style.heldBrush(style.mutedText));
        });
    if (!m_map->content().busy.isEmpty())
        row(busyEntry(), [&](const QRect& b) {
            p.fillRect(b, QBrush(style.busy, Qt::DiagCrossPattern));
            p.fillRect(QRect(b.left(), b.top(), b.width(), 4), style.busy);
        });
    if (m_map->densityShown())
        row(densityEntry(), [&](const QRect& b) {
            // From a column with one page in use (left) to a full one (right), in the first owner's colour.
            for (int x = 0; x < b.width(); ++x)
                p.fillRect(QRect(b.left() + x, b.top(), 1, b.height()),
                    densityColour(style.regionFill, style.ownerColor(0), double(x) / std::max(1, b.width() - 1)));
        });
}

} // namespace cmascope::views
