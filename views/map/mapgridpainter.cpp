// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapgridpainter.h"

#include "common/textformat.h"
#include "map/mapdensity.h"
#include "map/mapstyle.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace cmascope::views {

namespace {

/// The pages [first, end) of a region, counted from its base, that [base, base + size) covers (whole pages).
std::pair<std::uint64_t, std::uint64_t> pagesOfRange(const MapRegion& r, std::uint64_t base, std::uint64_t size)
{
    const std::uint64_t pageSize = std::max<std::uint64_t>(1, r.pageSize);
    const std::uint64_t from = base > r.base ? base - r.base : 0;
    return { from / pageSize, from / pageSize + size / pageSize };
}

/// One aggregated cell being summed up: chunks come in address order, so each cell is finished once.
struct CellSum
{
    std::uint64_t cell = ~std::uint64_t(0);
    double used = 0; ///< pages, held-beyond-request pages counting half
    std::vector<std::pair<int, std::uint64_t>> shares; ///< pages per colour key
};

} // namespace

MapGridPainter::MapGridPainter(const MapContent& content, const MapGridLayout& grid, const MapStyle& style)
    : m_content(content)
    , m_grid(grid)
    , m_style(style)
{ }

void MapGridPainter::paint(QPainter& p) const
{
    for (int i = 0; i < m_grid.blocks().size() && i < m_content.regions.size(); ++i)
        paintBlock(p, i);
}

QString MapGridPainter::title(int regionIndex, const QFontMetricsF* metrics, double width) const
{
    const auto& r = m_content.regions[regionIndex];
    const auto& b = m_grid.blocks()[regionIndex];
    const std::uint64_t pages = r.size / std::max<std::uint64_t>(1, r.pageSize);
    auto line = [&](const QString& name) {
        return tr("%1 — %2, %3 pages%4")
            .arg(name, hexString(r.base))
            .arg(pages)
            .arg(b.pagesPerCell > 1 ? tr(", %1 pages per cell").arg(b.pagesPerCell) : QString());
    };
    auto brief = [&](const QString& name) {
        return tr("%1: %2 pages%3")
            .arg(name)
            .arg(pages)
            .arg(b.pagesPerCell > 1 ? tr(", %1 per cell").arg(b.pagesPerCell) : QString());
    };
    const QString full = line(r.name);
    if (!metrics || metrics->horizontalAdvance(full) <= width)
        return full;
    // Too long: the name gives way first (middle elided, the tooltip has it whole), then the base address; the
    // figures stay as long as they can.
    const double minName = metrics->horizontalAdvance(QStringLiteral("MMM"));
    for (const auto& form :
        { std::function<QString(const QString&)>(line), std::function<QString(const QString&)>(brief) }) {
        const double room = width - metrics->horizontalAdvance(form(QString()));
        if (room >= std::min(minName, metrics->horizontalAdvance(r.name)))
            return form(metrics->elidedText(r.name, Qt::ElideMiddle, room));
    }
    return metrics->elidedText(brief(r.name), Qt::ElideRight, width);
}

// One region as a block of cells: the title, the cells, lines between them, the selected chunk, the ghost of
// a failed request and the busy windows outlined.
void MapGridPainter::paintBlock(QPainter& p, int regionIndex) const
{
    const auto& b = m_grid.blocks()[regionIndex];
    p.setPen(m_style.text);
    const QFontMetricsF metrics(p.font());
    p.drawText(b.title, Qt::AlignLeft | Qt::AlignVCenter, title(regionIndex, &metrics, b.title.width()));
    p.drawImage(b.rect, cellImage(regionIndex));
    paintCellLines(p, b);
    const auto& r = m_content.regions[regionIndex];
    for (int ci = r.firstChunk; ci < r.firstChunk + r.chunkCount; ++ci)
        if (m_content.chunks[ci].id == m_selected)
            outlineCells(p, regionIndex, m_content.chunks[ci].base, m_content.chunks[ci].size, QPen(m_style.text, 2.0));
    if (m_content.ghost && m_content.ghost->region == regionIndex)
        outlineCells(
            p, regionIndex, m_content.ghost->base, m_content.ghost->size, QPen(m_style.failure, 2.0, Qt::DashLine));
    for (const auto& w : m_content.busy)
        if (w.region == regionIndex)
            outlineCells(p, regionIndex, w.base, w.size, QPen(m_style.busy, 2.0));
    if (m_content.pick && m_content.pick->region == regionIndex) // a predicted address (docs/teaching.md)
        outlineCells(p, regionIndex, m_content.pick->base, m_content.pick->size, QPen(m_style.text, 3.0));
}

// Lines in the background colour between cells, so that cells stay cells even where neighbours share a colour.
void MapGridPainter::paintCellLines(QPainter& p, const MapGridBlock& b) const
{
    p.setPen(QPen(m_style.background, 1.0));
    const QRectF& g = b.rect;
    for (int col = 0; col <= b.columns; ++col)
        p.drawLine(QPointF(g.left() + col * b.cell, g.top()), QPointF(g.left() + col * b.cell, g.bottom()));
    for (int row = 0; row <= b.rows; ++row)
        p.drawLine(QPointF(g.left(), g.top() + row * b.cell), QPointF(g.right(), g.top() + row * b.cell));
}

QImage MapGridPainter::cellImage(int regionIndex) const
{
    const auto& b = m_grid.blocks()[regionIndex];
    const auto& r = m_content.regions[regionIndex];
    QImage cells(b.columns, b.rows, QImage::Format_ARGB32_Premultiplied);
    // Cells as one linear array: row-major, so cell i is pixel i (32-bit pixels have no row padding).
    auto* px = reinterpret_cast<QRgb*>(cells.bits());
    const std::uint64_t allCells = std::uint64_t(b.columns) * std::uint64_t(b.rows);
    std::fill(px, px + b.cells, (r.carveout ? m_style.carveout : m_style.freeMemory).rgba());
    std::fill(px + b.cells, px + allCells, m_style.background.rgba());
    if (b.pagesPerCell == 1)
        fillPages(cells, regionIndex);
    else
        fillAggregated(cells, regionIndex);
    // Pinned pages in the failure colour, whatever else their cell holds.
    for (const auto& pin : m_content.pinned) {
        if (pin.region != regionIndex)
            continue;
        const auto [c0, c1] = m_grid.cellSpan(regionIndex, pin.base, pin.size);
        std::fill(px + c0, px + c1, m_style.failure.rgba());
    }
    return cells;
}

// One page per cell: the owner's colour for requested pages, the lighter held fill for the rest.
void MapGridPainter::fillPages(QImage& cells, int regionIndex) const
{
    const auto& b = m_grid.blocks()[regionIndex];
    const auto& r = m_content.regions[regionIndex];
    auto* px = reinterpret_cast<QRgb*>(cells.bits());
    auto fill = [&](std::uint64_t first, std::uint64_t end, QRgb colour) {
        std::fill(px + std::min(first, b.cells), px + std::min(std::max(first, end), b.cells), colour);
    };
    for (int ci = r.firstChunk; ci < r.firstChunk + r.chunkCount; ++ci) {
        const auto& c = m_content.chunks[ci];
        const QColor colour = m_style.ownerColor(colourKey(c));
        const auto [first, end] = pagesOfRange(r, c.base, c.size);
        fill(first, end, m_style.heldFill(colour).rgba());
        fill(first, pagesOfRange(r, c.base, c.requested ? c.requested : c.size).second, colour.rgba());
    }
}

// Several pages per cell (docs/map-grid.md): the colour of the key with the most pages in the cell, blended
// with free space by the share of the cell in use (pages held beyond the request count half), never below
// 40% so a single page stays visible, as the linear view's level of detail does per pixel column.
void MapGridPainter::fillAggregated(QImage& cells, int regionIndex) const
{
    const auto& b = m_grid.blocks()[regionIndex];
    const auto& r = m_content.regions[regionIndex];
    const std::uint64_t regionPages = MapGridLayout::pagesOf(r);
    auto* px = reinterpret_cast<QRgb*>(cells.bits());
    const QRgb freeColour = m_style.freeMemory.rgb();
    CellSum sum;
    std::vector<QRgb> keyColours; // by colour key, 0 = not looked up yet (owner colours are opaque)
    auto colourOf = [&](int key) {
        const auto k = std::size_t(std::max(0, key));
        if (k >= keyColours.size())
            keyColours.resize(k + 1, 0);
        if (keyColours[k] == 0)
            keyColours[k] = m_style.ownerColor(key).rgb();
        return keyColours[k];
    };
    auto finish = [&] {
        if (sum.cell >= b.cells || sum.shares.empty())
            return;
        const auto best = std::max_element(
            sum.shares.begin(), sum.shares.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
        const std::uint64_t cellPages = std::min(b.pagesPerCell, regionPages - sum.cell * b.pagesPerCell);
        px[sum.cell] = densityRgb(freeColour, colourOf(best->first), sum.used / double(cellPages));
    };
    for (int ci = r.firstChunk; ci < r.firstChunk + r.chunkCount; ++ci) {
        const auto& c = m_content.chunks[ci];
        const auto [first, end] = pagesOfRange(r, c.base, c.size);
        const std::uint64_t requestedEnd = pagesOfRange(r, c.base, c.requested ? c.requested : c.size).second;
        const int key = colourKey(c);
        for (std::uint64_t cell = first / b.pagesPerCell; cell * b.pagesPerCell < end && cell < b.cells; ++cell) {
            if (cell != sum.cell) {
                finish();
                sum.cell = cell;
                sum.used = 0.0;
                sum.shares.clear();
            }
            const std::uint64_t lo = std::max(first, cell * b.pagesPerCell);
            const std::uint64_t hi = std::min(end, (cell + 1) * b.pagesPerCell);
            const std::uint64_t solid = std::min(hi, std::max(lo, requestedEnd)) - lo;
            sum.used += double(solid) + 0.5 * double(hi - lo - solid);
            auto share =
                std::find_if(sum.shares.begin(), sum.shares.end(), [key](const auto& s) { return s.first == key; });
            if (share == sum.shares.end())
                sum.shares.push_back({ key, hi - lo });
            else
                share->second += hi - lo;
        }
    }
    finish();
}

// Outlines (and fills with @p brush) the cells that hold part of [base, base + size), one rectangle per row.
void MapGridPainter::outlineCells(
    QPainter& p, int regionIndex, std::uint64_t base, std::uint64_t size, const QPen& pen, const QBrush& brush) const
{
    const auto& b = m_grid.blocks()[regionIndex];
    const auto [c0, c1] = m_grid.cellSpan(regionIndex, base, size);
    const std::uint64_t columns = std::uint64_t(b.columns);
    p.setPen(pen);
    p.setBrush(brush);
    for (std::uint64_t row = c0 / columns; row * columns < c1; ++row) {
        const std::uint64_t s = std::max(c0, row * columns);
        const std::uint64_t e = std::min(c1, (row + 1) * columns);
        p.drawRect(QRectF(b.rect.left() + double(s % columns) * b.cell, b.rect.top() + double(row) * b.cell,
            double(e - s) * b.cell, b.cell));
    }
}

} // namespace cmascope::views
