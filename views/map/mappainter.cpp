// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mappainter.h"

#include "common/textformat.h"
#include "map/mapdensity.h"
#include "map/mapgridpainter.h"
#include "map/mapruler.h"
#include "map/mapstyle.h"

#include <QFontMetrics>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QScreen>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cmascope::views {

namespace {
constexpr double kRightMargin = MapGeometry::kRightMargin;

/// The smaller font of the ruler and of the bank sizes.
QFont smallFont(QFont font)
{
    font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.85));
    return font;
}
} // namespace

MapPainter::MapPainter(const MapContent& content, const MapGeometry& geometry, const MapStyle& style, const QFont& font)
    : m_content(content)
    , m_geometry(geometry)
    , m_style(style)
    , m_font(font)
    , m_small(smallFont(font))
{ }

QString MapPainter::emptyMessage(const MapContent& content)
{
    if (!content.banks.isEmpty())
        return {};
    if (!content.unplaced.isEmpty())
        return tr("This board has no memory banks, so its %n region(s) cannot be placed.\n\n"
                  "A device tree whose /memory node the bootloader fills in at boot (as on the Raspberry Pi 4) "
                  "describes no memory. Import it again and give the board's DRAM size when asked "
                  "(cmascope-cli import --memory SIZE[@BASE]), or add a bank in the Banks table.",
            nullptr, int(content.unplaced.size()));
    return tr("No memory banks defined: add a bank in the Banks table, or import a board.");
}

QString MapPainter::labelText(const QString& name, const QFont& font, double leftMargin)
{
    // Names like "memory@800000000" differ at their end: elide in the middle (the tooltip has the full name).
    return QFontMetrics(font).elidedText(name, Qt::ElideMiddle, int(leftMargin - 12));
}

void MapPainter::paint(QPainter& p) const
{
    m_densityShown = false;
    const QRect rect(QPoint(0, 0), m_geometry.size().toSize());
    const double width = m_geometry.size().width();
    const double height = m_geometry.size().height();
    p.setFont(m_font);
    p.fillRect(rect, m_style.background);
    if (const QString empty = emptyMessage(m_content); !empty.isEmpty()) {
        // Nothing to draw on an axis: say why and what to do instead of a ruler reading pfn 0x0.
        p.setPen(m_style.text);
        p.drawText(rect.adjusted(40, 40, -40, -40), Qt::AlignCenter | Qt::TextWordWrap, empty);
        return;
    }
    if (m_geometry.layout() == MapLayout::Linear) {
        MapRuler(m_geometry, m_style, m_small).paint(p);
        paintLinear(p);
    } else {
        MapGridPainter grid(m_content, m_geometry.gridLayout(), m_style);
        grid.setColourByKind(m_colourBy == MapColourBy::Kind);
        grid.setSelectedChunk(m_selected);
        grid.paint(p);
    }
    if (!m_content.ghostText.isEmpty()) {
        p.setPen(m_style.failure);
        // Under the cells: the grid starts at its margin (views/map/mapgrid.h), the linear map at the plot.
        const double left = m_geometry.layout() == MapLayout::Grid ? MapGridLayout::kMargin : m_geometry.leftMargin();
        p.drawText(QRectF(left, height - 22, width - left - kRightMargin, 20), Qt::AlignLeft | Qt::AlignVCenter,
            m_content.ghostText);
    }
}

bool MapPainter::writeFile(const QString& path) const
{
    // through a QSaveFile: a failed or interrupted write leaves an existing file as it was
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const QSize size = m_geometry.size().toSize();
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(tr("cmascope memory map"));
        // Text is laid out at the screen's resolution, as on screen and in a PNG (QSvgGenerator's own is
        // 72 dpi: labels would be measured for a smaller font than the one they are drawn in).
        if (const QScreen* screen = QGuiApplication::primaryScreen())
            svg.setResolution(qRound(screen->logicalDotsPerInchY()));
        QPainter painter;
        if (!painter.begin(&svg))
            return false;
        paint(painter);
        return painter.end() && file.commit();
    }
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(m_style.background);
    {
        QPainter painter(&image);
        paint(painter);
    }
    return image.save(&file, "PNG") && file.commit();
}

void MapPainter::paintLinear(QPainter& p) const
{
    const QRectF plot = m_geometry.plotRect();
    p.save();
    p.setClipRect(QRectF(plot.left(), 0, plot.width(), m_geometry.size().height()));
    paintTracks(p);
    for (int i = 0; i < m_content.regions.size(); ++i)
        if (m_geometry.trackOfRegion(i) >= 0)
            paintRegion(p, i);
    paintMarks(p);
    MapRuler(m_geometry, m_style, m_small).paintBreaks(p);
    p.restore();
    paintTrackLabels(p);
}

void MapPainter::paintTracks(QPainter& p) const
{
    for (int t = 0; t < m_geometry.tracks().size(); ++t) {
        const QRectF track = m_geometry.trackRect(t);
        if (track.width() <= 0)
            continue;
        p.fillRect(track, m_style.freeMemory);
        p.setPen(m_style.trackBorder);
        p.drawRect(track.adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

// One region on its track: its fill (hatched for a carve-out), its chunks, its border and its name with
// its size (elided in the middle, never past the region's visible part).
void MapPainter::paintRegion(QPainter& p, int regionIndex) const
{
    const MapRegion& r = m_content.regions[regionIndex];
    const QRectF plot = m_geometry.plotRect();
    const QRectF track = m_geometry.trackRect(m_geometry.trackOfRegion(regionIndex));
    QRectF rr = m_geometry.regionRect(regionIndex);
    rr = rr.intersected(QRectF(plot.left() - 2, rr.top(), plot.width() + 4, rr.height()));
    if (rr.isEmpty())
        return;
    if (r.carveout)
        p.fillRect(rr, QBrush(m_style.carveout, Qt::BDiagPattern));
    else
        p.fillRect(rr, m_style.regionFill);
    const QRectF chunkArea(
        rr.left(), track.top() + m_geometry.chunkTop(), rr.width(), track.height() - m_geometry.chunkTop() - 6);
    if (!r.carveout)
        paintRegionChunks(p, regionIndex, chunkArea);
    p.setPen(QPen(m_style.regionBorder, 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rr);
    const QRectF textBox = rr.intersected(plot).adjusted(4, 1, -4, -2);
    if (textBox.width() > 16 && m_geometry.chunkTop() >= p.fontMetrics().height()) {
        p.setPen(m_style.text);
        const QFontMetrics metrics = p.fontMetrics();
        const QString withSize = QStringLiteral("%1 · %2").arg(r.name, sizeString(r.size));
        const QString text = metrics.horizontalAdvance(withSize) <= textBox.width()
            ? withSize
            : metrics.elidedText(r.name, Qt::ElideMiddle, int(textBox.width()));
        // A lone ellipsis says nothing: a region too narrow for its name leaves it to the tooltip.
        if (text.size() > 1)
            p.drawText(textBox, Qt::AlignLeft | Qt::AlignTop, text);
    }
}

void MapPainter::paintRegionChunks(QPainter& p, int regionIndex, const QRectF& area) const
{
    const MapRegion& r = m_content.regions[regionIndex];
    if (r.chunkCount == 0 || area.width() <= 0)
        return;
    const QRectF plot = m_geometry.plotRect();
    const auto begin = m_content.chunks.cbegin() + r.firstChunk;
    const auto end = begin + r.chunkCount;
    // Visible chunks only: binary search the view window.
    const auto [viewBegin, viewEnd] = m_geometry.axis().visibleRange(regionIndex);
    auto first = std::lower_bound(
        begin, end, viewBegin, [](const MapChunk& c, std::uint64_t v) { return c.base + c.size <= v; });
    auto last = std::lower_bound(first, end, viewEnd, [](const MapChunk& c, std::uint64_t v) { return c.base <= v; });
    const qsizetype visible = last - first;
    if (visible == 0)
        return;
    const double left = std::max(area.left(), plot.left());
    const double right = std::min(area.right(), plot.right());
    if (right <= left)
        return;
    // Detailed drawing when chunks are few enough to be told apart.
    if (double(visible) * 3.0 <= right - left)
        paintChunksDetailed(p, regionIndex, first, last, area);
    else
        paintChunksAggregated(p, regionIndex, first, last, QRectF(left, area.top(), right - left, area.height()));
}

// One rectangle per chunk, then a separator line on each one wide enough and an outline on the selected one. The
// lines come after every fill: drawn with its chunk, the line on a chunk's right edge could be covered by the next
// chunk's fill when the edge falls inside a pixel.
void MapPainter::paintChunksDetailed(
    QPainter& p, int regionIndex, ChunkIterator first, ChunkIterator last, const QRectF& area) const
{
    const auto chunkRect = [&](const MapChunk& c) {
        const double x0 = m_geometry.xFor(regionIndex, c.base);
        const double x1 = m_geometry.xFor(regionIndex, c.base + c.size);
        return QRectF(x0, area.top(), std::max(1.0, x1 - x0), area.height());
    };
    for (auto it = first; it != last; ++it) {
        const QRectF cr = chunkRect(*it);
        const QColor colour = m_style.ownerColor(colourKey(*it));
        p.fillRect(cr, colour);
        if (it->requested && it->requested < it->size) {
            // What the bitmap holds beyond the request: the owner's colour, lighter and hatched.
            // The requested part keeps at least 2 pixels when the chunk is wide enough to show both.
            const double xr = std::max(
                m_geometry.xFor(regionIndex, it->base + it->requested), cr.left() + (cr.width() >= 8 ? 2.0 : 1.0));
            const QRectF held(xr, cr.top(), cr.right() - xr, cr.height());
            if (held.width() > 0) {
                p.fillRect(held, m_style.heldFill(colour));
                p.fillRect(held, m_style.heldBrush(colour));
            }
        }
    }
    p.setPen(m_style.background);
    for (auto it = first; it != last; ++it) {
        const QRectF cr = chunkRect(*it);
        if (cr.width() >= 6)
            p.drawLine(cr.topRight(), cr.bottomRight());
    }
    for (auto it = first; it != last; ++it) {
        if (it->id == m_selected) {
            p.setPen(QPen(m_style.text, 2.0));
            p.setBrush(Qt::NoBrush);
            p.drawRect(chunkRect(*it).adjusted(-1, -1, 1, 1));
        }
    }
}

// Level of detail (views/map/mapdensity.h): one device pixel column at a time, shaded by the share in use.
// Inside a region the axis is linear on every mode, so the columns are equal slices of addresses.
void MapPainter::paintChunksAggregated(
    QPainter& p, int regionIndex, ChunkIterator first, ChunkIterator last, const QRectF& area) const
{
    const MapRegion& r = m_content.regions[regionIndex];
    const int columns = std::max(1, int(std::ceil(area.width() * m_dpr)));
    const double x0 = m_geometry.xFor(regionIndex, r.base);
    const double bytesPerPixel = double(r.size) / std::max(1e-9, m_geometry.xFor(regionIndex, r.base + r.size) - x0);
    ColumnDensity density(double(r.base) + (area.left() - x0) * bytesPerPixel, bytesPerPixel / m_dpr, columns);
    density.add(&*first, &*first + (last - first), m_colourBy == MapColourBy::Kind, m_selected);
    thread_local QImage scanline; // reused between paints
    if (scanline.width() < columns)
        scanline = QImage(columns, 1, QImage::Format_ARGB32_Premultiplied);
    auto* pixels = reinterpret_cast<QRgb*>(scanline.scanLine(0));
    density.shade(pixels, m_style.regionFill.rgb(), m_style);
    p.drawImage(area, scanline, QRectF(0, 0, columns, 1));
    m_densityShown = true;
    if (density.selectedFirst >= 0) {
        p.setPen(QPen(m_style.text, 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(area.left() + density.selectedFirst / m_dpr - 1, area.top() - 1,
            (density.selectedLast - density.selectedFirst + 1) / m_dpr + 2, area.height() + 2));
    }
}

// Pinned pages, the largest hole and the ghost of a failed request, on top of the regions.
void MapPainter::paintMarks(QPainter& p) const
{
    for (const auto& pin : m_content.pinned) {
        const QRectF track = m_geometry.trackRect(m_geometry.trackOfRegion(pin.region));
        if (track.isEmpty())
            continue;
        const double x0 = m_geometry.xFor(pin.region, pin.base);
        const double x1 = m_geometry.xFor(pin.region, pin.base + pin.size);
        p.fillRect(
            QRectF(x0, track.bottom() - 8, std::max(2.0, x1 - x0), 5), QBrush(m_style.failure, Qt::Dense4Pattern));
    }
    if (m_content.largestHole)
        paintLargestHole(p, *m_content.largestHole);
    if (m_content.ghost)
        paintGhost(p, *m_content.ghost);
    paintBusyWindows(p);
    if (m_content.pick)
        paintPick(p, *m_content.pick);
}

// The ghost: as many pages as the failed request needed, from the largest hole on. Where it would run past
// the end of its area it stops there, with an arrow: the request did not fit in the area at all.
void MapPainter::paintGhost(QPainter& p, const MapRange& g) const
{
    const QRectF track = m_geometry.trackRect(m_geometry.trackOfRegion(g.region));
    if (track.isEmpty() && m_geometry.trackOfRegion(g.region) < 0)
        return;
    const MapRegion& r = m_content.regions[g.region];
    const std::uint64_t regionEnd = r.base + r.size;
    const bool overhangs = g.size > regionEnd - std::min(g.base, regionEnd);
    const double x0 = m_geometry.xFor(g.region, g.base);
    const double x1 = m_geometry.xFor(g.region, overhangs ? regionEnd : g.base + g.size);
    const QRectF gr(
        x0, track.top() + m_geometry.chunkTop() - 6, std::max(3.0, x1 - x0), track.height() - m_geometry.chunkTop());
    QColor fill = m_style.failure;
    fill.setAlphaF(0.25f);
    p.fillRect(gr, fill);
    p.setPen(QPen(m_style.failure, 2.0, Qt::DashLine));
    p.setBrush(Qt::NoBrush);
    p.drawRect(gr);
    if (overhangs) {
        const double y = gr.center().y();
        p.setPen(Qt::NoPen);
        p.setBrush(m_style.failure);
        p.drawPolygon(
            QPolygonF({ QPointF(gr.right() - 10, y - 7), QPointF(gr.right(), y), QPointF(gr.right() - 10, y + 7) }));
    }
}

// The windows the shown trace request found busy: hatched over the chunks with a solid bar above them,
// at least two pixels wide so that every window stays visible when the whole area is shown.
void MapPainter::paintBusyWindows(QPainter& p) const
{
    for (const auto& w : m_content.busy) {
        const int track = m_geometry.trackOfRegion(w.region);
        if (track < 0)
            continue;
        const QRectF trackRect = m_geometry.trackRect(track);
        const double x0 = m_geometry.xFor(w.region, w.base);
        const double x1 = m_geometry.xFor(w.region, w.base + w.size);
        const double width = std::max(2.0, x1 - x0);
        const QRectF area(
            x0, trackRect.top() + m_geometry.chunkTop(), width, trackRect.height() - m_geometry.chunkTop() - 6);
        p.fillRect(area, QBrush(m_style.busy, Qt::DiagCrossPattern));
        p.fillRect(QRectF(x0, trackRect.top() + m_geometry.chunkTop() - 5, width, 4), m_style.busy);
        if (x1 - x0 >= 4) {
            p.setPen(QPen(m_style.busy, 1.0));
            p.setBrush(Qt::NoBrush);
            p.drawRect(area);
        }
    }
}

void MapPainter::paintLargestHole(QPainter& p, const MapRange& range) const
{
    const QRectF track = m_geometry.trackRect(m_geometry.trackOfRegion(range.region));
    if (track.isEmpty())
        return;
    const double x0 = m_geometry.xFor(range.region, range.base);
    const double x1 = m_geometry.xFor(range.region, range.base + range.size);
    p.setPen(QPen(m_style.highlight, 2.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(x0, track.top() + m_geometry.chunkTop() - 2, std::max(2.0, x1 - x0),
        track.height() - m_geometry.chunkTop() - 2));
}

// A student's predicted address (docs/teaching.md#predict-then-reveal): a line through the track in the text
// colour, with a triangle above it pointing down at the page.
void MapPainter::paintPick(QPainter& p, const MapRange& pick) const
{
    const int track = m_geometry.trackOfRegion(pick.region);
    if (track < 0)
        return;
    const QRectF rect = m_geometry.trackRect(track);
    const double x = m_geometry.xFor(pick.region, pick.base);
    const double top = rect.top() + m_geometry.chunkTop();
    p.setPen(QPen(m_style.background, 5.0));
    p.drawLine(QPointF(x, top), QPointF(x, rect.bottom() - 2));
    p.setPen(QPen(m_style.text, 3.0));
    p.drawLine(QPointF(x, top), QPointF(x, rect.bottom() - 2));
    p.setPen(QPen(m_style.background, 1.5));
    p.setBrush(m_style.text);
    p.drawPolygon(QPolygonF({ QPointF(x - 9, top - 14), QPointF(x + 9, top - 14), QPointF(x, top) }));
}

// Track labels in the left margin: the bank's (or, per area, the area's) name above the middle of the track,
// elided in the middle only when longer than the widest margin, and its size below; on a track too thin for
// two lines, the name alone, centred (its tooltip has the size).
void MapPainter::paintTrackLabels(QPainter& p) const
{
    const double width = m_geometry.leftMargin() - 12;
    const double nameHeight = QFontMetricsF(m_font).height();
    const double sizeHeight = QFontMetricsF(m_small).height();
    const double th = m_geometry.trackHeight();
    const bool twoLines = th >= nameHeight + sizeHeight;
    for (int t = 0; t < m_geometry.tracks().size(); ++t) {
        const double middle = m_geometry.trackTop(t) + th / 2;
        const double nameTop = twoLines ? middle - nameHeight : middle - nameHeight / 2;
        p.setFont(m_font);
        p.setPen(m_style.text);
        p.drawText(QRectF(6, nameTop, width, nameHeight), Qt::AlignLeft | Qt::AlignVCenter,
            labelText(m_geometry.trackName(t), m_font, m_geometry.leftMargin()));
        if (!twoLines)
            continue;
        p.setFont(m_small);
        p.setPen(m_style.mutedText);
        p.drawText(QRectF(6, middle, width, sizeHeight), Qt::AlignLeft | Qt::AlignVCenter,
            sizeString(m_geometry.trackSize(t)));
    }
    p.setFont(m_font);
}

} // namespace cmascope::views
