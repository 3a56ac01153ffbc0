// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mappainter.h"

#include "common/textformat.h"
#include "map/mapgridpainter.h"
#include "map/mapstyle.h"

#include <QFontMetrics>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QScreen>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>
#include <vector>

namespace cmascope::views {

namespace {
constexpr double kLeftMargin = MapGeometry::kLeftMargin;
constexpr double kRightMargin = MapGeometry::kRightMargin;
constexpr double kRulerHeight = MapGeometry::kRulerHeight;
constexpr double kChunkTop = MapGeometry::kChunkTop;

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
        float(a.greenF() + (b.greenF() - a.greenF()) * t), float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

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

QString MapPainter::bankLabelText(const QString& name, const QFont& font)
{
    // Names like "memory@800000000" differ at their end: elide in the middle (the tooltip has the full name).
    return QFontMetrics(font).elidedText(name, Qt::ElideMiddle, int(kLeftMargin - 12));
}

void MapPainter::paint(QPainter& p) const
{
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
        paintRuler(p);
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
        const double left = m_geometry.layout() == MapLayout::Grid ? MapGridLayout::kMargin : kLeftMargin;
        p.drawText(QRectF(left, height - 22, width - left - kRightMargin, 20), Qt::AlignLeft | Qt::AlignVCenter,
            m_content.ghostText);
    }
}

bool MapPainter::writeFile(const QString& path) const
{
    const QSize size = m_geometry.size().toSize();
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
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
        return painter.end();
    }
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(m_style.background);
    {
        QPainter painter(&image);
        paint(painter);
    }
    return image.save(path);
}

void MapPainter::paintRuler(QPainter& p) const
{
    const QRectF plot = m_geometry.plotRect();
    const AddressAxis& axis = m_geometry.axis();
    p.setFont(m_small);
    const double bpp = axis.bytesPerPixel();
    std::uint64_t step = 1;
    while (step < bpp * 120 && step < (std::uint64_t(1) << 62))
        step <<= 1;
    const std::uint64_t first = (axis.viewBegin() + step - 1) / step * step;
    p.setPen(m_style.grid);
    p.drawLine(QPointF(plot.left(), kRulerHeight - 4), QPointF(plot.right(), kRulerHeight - 4));
    const double lineHeight = p.fontMetrics().height();
    for (std::uint64_t a = first; a < axis.viewEnd() && a >= first; a += step) {
        const double x = m_geometry.xForAddress(a);
        p.setPen(m_style.grid);
        p.drawLine(QPointF(x, kRulerHeight - 8), QPointF(x, m_geometry.size().height()));
        p.setPen(m_style.text);
        p.drawText(QRectF(x - 70, 1, 140, lineHeight), Qt::AlignHCenter | Qt::AlignTop, hexString(a));
        p.setPen(m_style.mutedText);
        p.drawText(QRectF(x - 70, 1 + lineHeight, 140, lineHeight), Qt::AlignHCenter | Qt::AlignTop,
            QStringLiteral("pfn %1").arg(hexString(a / std::max<std::uint64_t>(1, m_content.pageSize))));
    }
    p.setFont(m_font);
}

void MapPainter::paintLinear(QPainter& p) const
{
    const QRectF plot = m_geometry.plotRect();
    p.save();
    p.setClipRect(QRectF(plot.left(), 0, plot.width(), m_geometry.size().height()));
    paintTracks(p);
    for (const auto& r : m_content.regions)
        if (r.bank >= 0)
            paintRegion(p, r);
    paintMarks(p);
    p.restore();
    paintBankLabels(p);
}

void MapPainter::paintTracks(QPainter& p) const
{
    for (int bi = 0; bi < m_content.banks.size(); ++bi) {
        const QRectF track = m_geometry.trackRect(bi);
        if (track.width() <= 0)
            continue;
        p.fillRect(track, m_style.freeMemory);
        p.setPen(m_style.trackBorder);
        p.drawRect(track.adjusted(0.5, 0.5, -0.5, -0.5));
    }
}

// One region on its bank's track: its fill (hatched for a carve-out), its chunks, its border and name.
void MapPainter::paintRegion(QPainter& p, const MapRegion& r) const
{
    const QRectF plot = m_geometry.plotRect();
    const QRectF track = m_geometry.trackRect(r.bank);
    const double x0 = m_geometry.xForAddress(r.base);
    const double x1 = m_geometry.xForAddress(r.base + r.size);
    QRectF rr(x0, track.top() + 4, std::max(1.0, x1 - x0), track.height() - 8);
    rr = rr.intersected(QRectF(plot.left() - 2, rr.top(), plot.width() + 4, rr.height()));
    if (rr.isEmpty())
        return;
    if (r.carveout)
        p.fillRect(rr, QBrush(m_style.carveout, Qt::BDiagPattern));
    else
        p.fillRect(rr, m_style.regionFill);
    const QRectF chunkArea(rr.left(), track.top() + kChunkTop, rr.width(), track.height() - kChunkTop - 6);
    if (!r.carveout)
        paintRegionChunks(p, r, chunkArea);
    p.setPen(QPen(m_style.regionBorder, 1.5));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rr);
    if (rr.width() > 24) {
        p.setPen(m_style.text);
        p.drawText(rr.adjusted(4, 1, -4, -2), Qt::AlignLeft | Qt::AlignTop,
            p.fontMetrics().elidedText(r.name, Qt::ElideRight, int(rr.width() - 8)));
    }
}

void MapPainter::paintRegionChunks(QPainter& p, const MapRegion& r, const QRectF& area) const
{
    if (r.chunkCount == 0 || area.width() <= 0)
        return;
    const QRectF plot = m_geometry.plotRect();
    const auto begin = m_content.chunks.cbegin() + r.firstChunk;
    const auto end = begin + r.chunkCount;
    // Visible chunks only: binary search the view window.
    const std::uint64_t viewBegin = m_geometry.axis().viewBegin();
    const std::uint64_t viewEnd = m_geometry.axis().viewEnd();
    auto first = std::lower_bound(
        begin, end, viewBegin, [](const MapChunk& c, std::uint64_t v) { return c.base + c.size <= v; });
    auto last = std::lower_bound(first, end, viewEnd, [](const MapChunk& c, std::uint64_t v) { return c.base < v; });
    const qsizetype visible = last - first;
    if (visible == 0)
        return;
    const double left = std::max(area.left(), plot.left());
    const double right = std::min(area.right(), plot.right());
    if (right <= left)
        return;
    // Detailed drawing when chunks are few enough to be told apart.
    if (double(visible) * 3.0 <= right - left)
        paintChunksDetailed(p, first, last, area);
    else
        paintChunksAggregated(p, first, last, area, left, right);
}

// One rectangle per chunk, a separator line when it is wide enough, an outline when selected.
void MapPainter::paintChunksDetailed(QPainter& p, ChunkIterator first, ChunkIterator last, const QRectF& area) const
{
    for (auto it = first; it != last; ++it) {
        const double x0 = m_geometry.xForAddress(it->base);
        const double x1 = m_geometry.xForAddress(it->base + it->size);
        const QRectF cr(x0, area.top(), std::max(1.0, x1 - x0), area.height());
        const QColor colour = m_style.ownerColor(colourKey(*it));
        p.fillRect(cr, colour);
        if (it->requested && it->requested < it->size) {
            // What the bitmap holds beyond the request: the owner's colour, lighter and hatched.
            // The requested part keeps at least 2 pixels when the chunk is wide enough to show both.
            const double xr =
                std::max(m_geometry.xForAddress(it->base + it->requested), x0 + (cr.width() >= 8 ? 2.0 : 1.0));
            const QRectF held(xr, cr.top(), x1 - xr, cr.height());
            if (held.width() > 0) {
                p.fillRect(held, m_style.heldFill(colour));
                p.fillRect(held, m_style.heldBrush(colour));
            }
        }
        if (cr.width() >= 6) {
            p.setPen(m_style.background);
            p.drawLine(cr.topRight(), cr.bottomRight());
        }
        if (it->id == m_selected) {
            p.setPen(QPen(m_style.text, 2.0));
            p.setBrush(Qt::NoBrush);
            p.drawRect(cr.adjusted(-1, -1, 1, 1));
        }
    }
}

// Level of detail: one device pixel column at a time. Each column gets the colour of the owner with
// the largest single share in it, blended with free space by the share of the column in use (never
// below 40%, so a single page stays visible in a column of megabytes).
void MapPainter::paintChunksAggregated(
    QPainter& p, ChunkIterator first, ChunkIterator last, const QRectF& area, double left, double right) const
{
    const double bpp = m_geometry.axis().bytesPerPixel();
    const int columns = std::max(1, int(std::ceil((right - left) * m_dpr)));
    thread_local QImage scanline; // reused between paints
    if (scanline.width() < columns)
        scanline = QImage(columns, 1, QImage::Format_ARGB32_Premultiplied);
    auto* pixels = reinterpret_cast<QRgb*>(scanline.scanLine(0));
    thread_local std::vector<double> used;
    thread_local std::vector<double> bestShare;
    thread_local std::vector<int> bestKey;
    used.assign(std::size_t(columns), 0.0);
    bestShare.assign(std::size_t(columns), 0.0);
    bestKey.assign(std::size_t(columns), -1);
    const double colBytes = bpp / m_dpr;
    const double columnOrigin =
        m_geometry.axis().viewBegin() + (left - m_geometry.plotRect().left()) * bpp; // address at column 0
    int selectedFirst = -1, selectedLast = -1;
    for (auto it = first; it != last; ++it) {
        const double a0 = std::max(double(it->base), columnOrigin);
        const double a1 = std::min(double(it->base + it->size), columnOrigin + columns * colBytes);
        if (a1 <= a0)
            continue;
        int c0 = std::clamp(int((a0 - columnOrigin) / colBytes), 0, columns - 1);
        const int c1 = std::clamp(int((a1 - columnOrigin) / colBytes), 0, columns - 1);
        const int key = colourKey(*it);
        // Pages held beyond the request count half: the column is lighter, as the hatching is up close.
        const double requestedEnd = double(it->base + (it->requested ? it->requested : it->size));
        for (int c = c0; c <= c1; ++c) {
            const double cs = columnOrigin + c * colBytes;
            const double lo = std::max(a0, cs), hi = std::min(a1, cs + colBytes);
            const double share = hi - lo;
            const double solid = std::clamp(std::min(hi, requestedEnd) - lo, 0.0, share);
            used[std::size_t(c)] += solid + 0.5 * (share - solid);
            if (share > bestShare[std::size_t(c)]) {
                bestShare[std::size_t(c)] = share;
                bestKey[std::size_t(c)] = key;
            }
        }
        if (it->id == m_selected) {
            selectedFirst = c0;
            selectedLast = c1;
        }
    }
    const QColor freeColour = m_style.regionFill;
    for (int c = 0; c < columns; ++c) {
        if (bestKey[std::size_t(c)] < 0) {
            pixels[c] = freeColour.rgba();
            continue;
        }
        const double fraction = std::clamp(used[std::size_t(c)] / colBytes, 0.0, 1.0);
        pixels[c] = blend(freeColour, m_style.ownerColor(bestKey[std::size_t(c)]), 0.4 + 0.6 * fraction).rgba();
    }
    p.drawImage(QRectF(left, area.top(), right - left, area.height()), scanline, QRectF(0, 0, columns, 1));
    if (selectedFirst >= 0) {
        p.setPen(QPen(m_style.text, 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(left + selectedFirst / m_dpr - 1, area.top() - 1,
            (selectedLast - selectedFirst + 1) / m_dpr + 2, area.height() + 2));
    }
}

// Pinned pages, the largest hole and the ghost of a failed request, on top of the regions.
void MapPainter::paintMarks(QPainter& p) const
{
    for (const auto& pin : m_content.pinned) {
        const auto& r = m_content.regions[pin.region];
        const QRectF track = m_geometry.trackRect(r.bank);
        const double x0 = m_geometry.xForAddress(pin.base);
        const double x1 = m_geometry.xForAddress(pin.base + pin.size);
        p.fillRect(
            QRectF(x0, track.bottom() - 8, std::max(2.0, x1 - x0), 5), QBrush(m_style.failure, Qt::Dense4Pattern));
    }
    if (m_content.largestHole) {
        const auto& h = *m_content.largestHole;
        const auto& r = m_content.regions[h.region];
        paintLargestHole(p, h, m_geometry.trackRect(r.bank));
    }
    if (m_content.ghost) {
        const auto& g = *m_content.ghost;
        const auto& r = m_content.regions[g.region];
        const QRectF track = m_geometry.trackRect(r.bank);
        const double x0 = m_geometry.xForAddress(g.base);
        const double x1 = m_geometry.xForAddress(g.base + g.size);
        const QRectF gr(x0, track.top() + kChunkTop - 6, std::max(3.0, x1 - x0), track.height() - kChunkTop);
        QColor fill = m_style.failure;
        fill.setAlphaF(0.25f);
        p.fillRect(gr, fill);
        p.setPen(QPen(m_style.failure, 2.0, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRect(gr);
    }
    paintBusyWindows(p);
}

// The windows the shown trace request found busy: hatched over the chunks with a solid bar above them,
// at least two pixels wide so that every window stays visible when the whole area is shown.
void MapPainter::paintBusyWindows(QPainter& p) const
{
    for (const auto& w : m_content.busy) {
        const auto& r = m_content.regions[w.region];
        if (r.bank < 0)
            continue;
        const QRectF track = m_geometry.trackRect(r.bank);
        const double x0 = m_geometry.xForAddress(w.base);
        const double x1 = m_geometry.xForAddress(w.base + w.size);
        const double width = std::max(2.0, x1 - x0);
        const QRectF area(x0, track.top() + kChunkTop, width, track.height() - kChunkTop - 6);
        p.fillRect(area, QBrush(m_style.busy, Qt::DiagCrossPattern));
        p.fillRect(QRectF(x0, track.top() + kChunkTop - 5, width, 4), m_style.busy);
        if (x1 - x0 >= 4) {
            p.setPen(QPen(m_style.busy, 1.0));
            p.setBrush(Qt::NoBrush);
            p.drawRect(area);
        }
    }
}

void MapPainter::paintLargestHole(QPainter& p, const MapRange& range, const QRectF& track) const
{
    const double x0 = m_geometry.xForAddress(range.base);
    const double x1 = m_geometry.xForAddress(range.base + range.size);
    p.setPen(QPen(m_style.highlight, 2.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(QRectF(x0, track.top() + kChunkTop - 2, std::max(2.0, x1 - x0), track.height() - kChunkTop - 2));
}

// Bank labels in the left margin: the (elided) name above the middle of the track, its size below.
void MapPainter::paintBankLabels(QPainter& p) const
{
    for (int bi = 0; bi < m_content.banks.size(); ++bi) {
        const auto& b = m_content.banks[bi];
        const double th = m_geometry.trackHeight();
        const double y = m_geometry.trackTop(bi);
        p.setFont(m_font);
        p.setPen(m_style.text);
        p.drawText(
            QRectF(6, y, kLeftMargin - 12, th / 2), Qt::AlignLeft | Qt::AlignBottom, bankLabelText(b.name, m_font));
        p.setFont(m_small);
        p.setPen(m_style.mutedText);
        p.drawText(QRectF(6, y + th / 2, kLeftMargin - 12, th / 2), Qt::AlignLeft | Qt::AlignTop, sizeString(b.size));
    }
    p.setFont(m_font);
}

} // namespace cmascope::views
