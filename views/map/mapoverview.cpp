// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapoverview.h"

#include "map/mapdensity.h"
#include "map/mapgeometry.h"
#include "map/mapstyle.h"
#include "map/memorymapwidget.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

namespace {
constexpr double kTop = 4.0;
constexpr double kBottom = 4.0;
constexpr double kMaxRow = 8.0;
} // namespace

MapOverview::MapOverview(MemoryMapWidget* map, QWidget* parent)
    : QWidget(parent)
    , m_map(map)
{
    setFixedHeight(kHeight);
    setMouseTracking(false);
    setCursor(Qt::PointingHandCursor);
    setAccessibleName(tr("Memory map overview"));
    setToolTip(tr("The whole platform: drag to move the map's view, double-click to show everything, "
                  "wheel to zoom."));
    for (auto signal :
        { &MemoryMapWidget::viewChanged, &MemoryMapWidget::contentChanged, &MemoryMapWidget::axisModeChanged })
        connect(m_map, signal, this, qOverload<>(&QWidget::update));
}

MapAxis MapOverview::wholeAxis() const
{
    MapAxis axis = m_map->mapAxis();
    axis.setPixelWidth(MapGeometry::plotRect(size(), m_map->leftMargin()).width());
    axis.view().fitAll();
    return axis;
}

QPair<double, double> MapOverview::viewportSpan() const
{
    const MapAxis whole = wholeAxis();
    const double left = m_map->leftMargin();
    const AddressAxis& view = m_map->axis();
    return { left + whole.view().xForAddress(view.viewBegin()), left + whole.view().xForAddress(view.viewEnd()) };
}

void MapOverview::centreViewAt(double x)
{
    const MapAxis whole = wholeAxis();
    const AddressAxis& view = m_map->axis();
    const std::uint64_t span = view.viewEnd() - view.viewBegin();
    const long double centre = whole.view().positionForX(x - m_map->leftMargin());
    const auto lo = static_cast<long double>(view.boundsBegin());
    const auto hi = static_cast<long double>(view.boundsEnd() - span);
    const long double begin = std::clamp(centre - static_cast<long double>(span) / 2, lo, std::max(lo, hi));
    const auto b = static_cast<std::uint64_t>(std::llround(begin));
    m_map->setAxisView(b, b + span);
}

QRectF MapOverview::rowRect(const MapGeometry& geometry, int track) const
{
    const int n = std::max<int>(1, int(geometry.tracks().size()));
    const double row = std::min(kMaxRow, (height() - kTop - kBottom) / n);
    const double top = kTop + (height() - kTop - kBottom - row * n) / 2 + track * row;
    return QRectF(0, top, width(), std::max(1.0, row - 1));
}

void MapOverview::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const MapStyle style(palette());
    p.fillRect(rect(), palette().window());
    const MapContent& content = m_map->content();
    if (content.banks.isEmpty() && content.regions.isEmpty())
        return;
    const MapAxis whole = wholeAxis();
    const MapGeometry geometry(content, whole, MapLayout::Linear, size(), m_map->leftMargin());
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * 0.85));
    p.setFont(small);
    p.setPen(style.mutedText);
    p.drawText(QRectF(6, 0, m_map->leftMargin() - 12, height()), Qt::AlignLeft | Qt::AlignVCenter, tr("Overview"));
    paintRows(p, geometry);
    paintViewport(p);
}

// Each track's extent, its regions' occupancy one device pixel column at a time, breaks as gaps, and the
// failed request and busy windows of the step as red ticks.
void MapOverview::paintRows(QPainter& p, const MapGeometry& geometry) const
{
    const MapStyle style(palette());
    const MapContent& content = m_map->content();
    const qreal dpr = devicePixelRatioF();
    for (int t = 0; t < geometry.tracks().size(); ++t) {
        const QRectF row = rowRect(geometry, t);
        const QRectF track = geometry.trackRect(t);
        p.fillRect(QRectF(track.left(), row.top(), track.width(), row.height()), style.freeMemory);
    }
    const bool byKind = m_map->colourBy() == MapColourBy::Kind;
    for (int i = 0; i < content.regions.size(); ++i) {
        const int t = geometry.trackOfRegion(i);
        if (t < 0)
            continue;
        const MapRegion& r = content.regions[i];
        const QRectF row = rowRect(geometry, t);
        const double x0 = geometry.xFor(i, r.base), x1 = geometry.xFor(i, r.base + r.size);
        const QRectF box(x0, row.top(), std::max(1.0, x1 - x0), row.height());
        if (r.carveout) {
            p.fillRect(box, style.background);
            p.fillRect(box, QBrush(style.carveout, Qt::BDiagPattern));
            continue;
        }
        p.fillRect(box, style.regionFill);
        if (r.chunkCount == 0)
            continue;
        const int columns = std::max(1, int(std::ceil(box.width() * dpr)));
        ColumnDensity density(double(r.base), double(r.size) / columns, columns);
        const MapChunk* first = content.chunks.constData() + r.firstChunk;
        density.add(first, first + r.chunkCount, byKind);
        QImage line(columns, 1, QImage::Format_ARGB32_Premultiplied);
        density.shade(reinterpret_cast<QRgb*>(line.scanLine(0)), style.regionFill.rgb(), style);
        p.drawImage(box, line, QRectF(0, 0, columns, 1));
    }
    auto tick = [&](int region, std::uint64_t address, const QColor& colour) {
        const int t = geometry.trackOfRegion(region);
        if (t < 0)
            return;
        const QRectF row = rowRect(geometry, t);
        p.fillRect(QRectF(geometry.xFor(region, address) - 1, row.top() - 2, 2, row.height() + 4), colour);
    };
    for (const auto& w : content.busy)
        tick(w.region, w.base, style.busy);
    if (content.ghost)
        tick(content.ghost->region, content.ghost->base, style.failure);
}

void MapOverview::paintViewport(QPainter& p) const
{
    const auto [x0, x1] = viewportSpan();
    const double left = m_map->leftMargin();
    const double right = width() - MapGeometry::kRightMargin;
    // Outside the view dimmed, the view framed: at least 4 px wide so that a deep zoom stays visible.
    const double a = std::clamp(x0, left, right), b = std::clamp(std::max(x1, x0 + 4), left, right);
    QColor dim = palette().color(QPalette::Window);
    dim.setAlphaF(0.55f);
    p.fillRect(QRectF(left, 0, a - left, height()), dim);
    p.fillRect(QRectF(b, 0, right - b, height()), dim);
    p.setPen(QPen(palette().color(QPalette::Highlight), 2.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(a, 1, b - a, height() - 2));
}

void MapOverview::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        centreViewAt(event->position().x());
}

void MapOverview::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        centreViewAt(event->position().x());
}

void MapOverview::mouseDoubleClickEvent(QMouseEvent*)
{
    m_map->fitAll();
}

void MapOverview::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    centreViewAt(event->position().x());
    if (steps > 0)
        m_map->zoomIn();
    else
        m_map->zoomOut();
    event->accept();
}

} // namespace cmascope::views
