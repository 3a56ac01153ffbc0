// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapgrid.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

namespace cmascope::views {

namespace {

/// Whole cells of edge @p cell along @p length; at least one, so a block never has no row or column.
std::uint64_t cellsAlong(double length, double cell)
{
    return std::max<std::uint64_t>(1, std::uint64_t(std::floor(std::max(0.0, length) / cell)));
}

std::uint64_t capacity(QSizeF space, double cell)
{
    return cellsAlong(space.width(), cell) * cellsAlong(space.height(), cell);
}

std::uint64_t ceilDiv(std::uint64_t a, std::uint64_t b)
{
    return a / b + (a % b != 0 ? 1 : 0);
}

/// The height a block of @p pages wants at one page per cell of edge @p cell, title and gap included.
double wantedHeight(std::uint64_t pages, double width, double cell)
{
    const std::uint64_t rows = ceilDiv(pages, cellsAlong(width, cell));
    // Past a million rows every block wants more than any screen: cap before the double conversion.
    return MapGridLayout::kTitleHeight + double(std::min<std::uint64_t>(rows, 1u << 20)) * cell
        + MapGridLayout::kBlockGap;
}

/// The cells' space in a block of @p height: below the title, above the gap to the next block.
QSizeF blockSpace(double width, double height)
{
    return QSizeF(width, height - MapGridLayout::kTitleHeight - MapGridLayout::kBlockGap);
}

/// Shares @p total out: in order of what they want, each gets what it wants or an equal share of what is left.
QVector<double> shareOut(const QVector<double>& wanted, double total)
{
    const int n = int(wanted.size());
    QVector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return wanted[a] < wanted[b]; });
    QVector<double> share(n);
    for (int k = 0; k < n; ++k) {
        const int i = order[k];
        share[i] = std::min(wanted[i], total / double(n - k));
        total -= share[i];
    }
    return share;
}

} // namespace

MapGridLayout::MapGridLayout(const MapContent& content, const QRectF& plot)
    : m_content(&content)
{
    layoutBlocks(plot);
}

QRectF MapGridLayout::area(QSizeF size)
{
    return QRectF(kMargin, kMargin, std::max(1.0, size.width() - 2 * kMargin),
        std::max(1.0, size.height() - kMargin - kFailureLine));
}

std::uint64_t MapGridLayout::pagesOf(const MapRegion& r)
{
    return std::max<std::uint64_t>(1, r.size / std::max<std::uint64_t>(1, r.pageSize));
}

MapGridFit MapGridLayout::fit(std::uint64_t pages, QSizeF space)
{
    MapGridFit f;
    pages = std::max<std::uint64_t>(1, pages);
    // The fewest pages per cell that fit at the smallest cells: a power of two, so cells align like bitmap bits.
    const std::uint64_t room = capacity(space, kMinCell);
    if (pages > room)
        f.pagesPerCell = std::bit_ceil(ceilDiv(pages, room));
    f.cells = ceilDiv(pages, f.pagesPerCell);
    // Then the largest whole-pixel cell that still holds them all.
    f.cell = kMinCell;
    for (double c = kMaxCell; c > kMinCell; c -= 1.0) {
        if (c <= space.width() && c <= space.height() && capacity(space, c) >= f.cells) {
            f.cell = c;
            break;
        }
    }
    const std::uint64_t columns = std::min(cellsAlong(space.width(), f.cell), f.cells);
    f.columns = int(columns);
    f.rows = int(ceilDiv(f.cells, columns));
    return f;
}

// Blocks stacked top to bottom in region order; heights come from shareHeight().
void MapGridLayout::layoutBlocks(const QRectF& plot)
{
    const int n = int(m_content->regions.size());
    if (n == 0)
        return;
    const QVector<double> height = shareHeight(plot);
    double top = plot.top();
    for (int i = 0; i < n; ++i) {
        const auto& r = m_content->regions[i];
        MapGridBlock b;
        static_cast<MapGridFit&>(b) = fit(pagesOf(r), blockSpace(plot.width(), height[i]));
        b.title = QRectF(plot.left(), top, plot.width(), kTitleHeight - 2);
        b.rect = QRectF(plot.left(), top + kTitleHeight, b.columns * b.cell, b.rows * b.cell);
        m_blocks.push_back(b);
        top += height[i];
    }
}

// Heights in three steps. First pages per cell: when one page per cell at the smallest cells does not fit every
// region, the height is shared out like water (a region that needs less than an equal share gets what it needs,
// the others share the rest equally), so small regions keep their pages apart and big ones get the rest; each
// region takes the height of its pages per cell at the smallest cells. Then what is left halves pages per cell
// where it can (refineShares()), then makes cells larger (growCells()).
QVector<double> MapGridLayout::shareHeight(const QRectF& plot) const
{
    const int n = int(m_content->regions.size());
    QVector<double> height(n);
    for (int i = 0; i < n; ++i)
        height[i] = wantedHeight(pagesOf(m_content->regions[i]), plot.width(), kMinCell);
    if (std::accumulate(height.begin(), height.end(), 0.0) > plot.height()) {
        const QVector<double> share = shareOut(height, plot.height());
        for (int i = 0; i < n; ++i) {
            const std::uint64_t pages = pagesOf(m_content->regions[i]);
            const std::uint64_t ppc = fit(pages, blockSpace(plot.width(), share[i])).pagesPerCell;
            height[i] = std::min(height[i], wantedHeight(ceilDiv(pages, ppc), plot.width(), kMinCell));
        }
    }
    refineShares(plot, height);
    return growCells(plot, height);
}

// What is left after @p height, shared out like water up to the height of the largest cells. A region whose whole
// cells do not take all of its share keeps only what they take, and the rest goes to the others.
QVector<double> MapGridLayout::growCells(const QRectF& plot, const QVector<double>& height) const
{
    const int n = int(height.size());
    const double spare = std::max(0.0, plot.height() - std::accumulate(height.begin(), height.end(), 0.0));
    QVector<double> room(n);
    for (int i = 0; i < n; ++i)
        room[i] = std::max(0.0, wantedHeight(pagesOf(m_content->regions[i]), plot.width(), kMaxCell) - height[i]);
    QVector<double> extra = shareOut(room, spare);
    for (int pass = 0; pass < 4; ++pass) {
        bool capped = false;
        for (int i = 0; i < n; ++i) {
            const MapGridFit f = fit(pagesOf(m_content->regions[i]), blockSpace(plot.width(), height[i] + extra[i]));
            const double taken = std::max(0.0, kTitleHeight + f.rows * f.cell + kBlockGap - height[i]);
            if (taken < extra[i] - 0.5) {
                room[i] = taken;
                capped = true;
            }
        }
        if (!capped)
            break;
        extra = shareOut(room, spare);
    }
    QVector<double> grown(n);
    for (int i = 0; i < n; ++i)
        grown[i] = height[i] + extra[i];
    return grown;
}

// What the shares leave over goes to regions whose cells hold several pages: the cheapest halving of pages per
// cell first. Regions of the same size and pages per cell change together (two equal areas keep one scale), or
// not at all.
void MapGridLayout::refineShares(const QRectF& plot, QVector<double>& height) const
{
    const int n = int(height.size());
    double spare = plot.height() - std::accumulate(height.begin(), height.end(), 0.0);
    auto pagesPerCell = [&](int i) {
        return fit(pagesOf(m_content->regions[i]), blockSpace(plot.width(), height[i])).pagesPerCell;
    };
    // The height region i needs at half its pages per cell (at the smallest cells), or 0 at one page per cell.
    auto finer = [&](int i) -> double {
        const std::uint64_t ppc = pagesPerCell(i);
        if (ppc == 1)
            return 0.0;
        const std::uint64_t cells = ceilDiv(pagesOf(m_content->regions[i]), ppc / 2);
        return kTitleHeight + double(ceilDiv(cells, cellsAlong(plot.width(), kMinCell))) * kMinCell + kBlockGap;
    };
    QVector<bool> stuck(n, false);
    for (int round = 0; round < 64 && spare > 0; ++round) {
        int best = -1;
        for (int i = 0; i < n; ++i)
            if (!stuck[i] && finer(i) > 0 && (best < 0 || finer(i) - height[i] < finer(best) - height[best]))
                best = i;
        if (best < 0)
            return;
        QVector<int> group;
        double extra = 0;
        for (int j = 0; j < n; ++j) {
            if (m_content->regions[j].size == m_content->regions[best].size && pagesPerCell(j) == pagesPerCell(best)) {
                group.push_back(j);
                extra += finer(j) - height[j];
            }
        }
        if (extra > spare) {
            for (const int j : group)
                stuck[j] = true;
            continue;
        }
        for (const int j : group) {
            const double need = finer(j);
            height[j] = need;
        }
        spare -= extra;
    }
}

QRectF MapGridLayout::blockRect(int regionIndex) const
{
    return regionIndex >= 0 && regionIndex < m_blocks.size() ? m_blocks[regionIndex].rect : QRectF();
}

std::optional<MapGridCell> MapGridLayout::cellAt(QPointF pos) const
{
    for (int i = 0; i < m_blocks.size(); ++i) {
        const auto& b = m_blocks[i];
        if (pos.x() < b.rect.left() || pos.x() >= b.rect.right() || pos.y() < b.rect.top()
            || pos.y() >= b.rect.bottom())
            continue;
        const int col = std::clamp(int((pos.x() - b.rect.left()) / b.cell), 0, b.columns - 1);
        const int row = std::clamp(int((pos.y() - b.rect.top()) / b.cell), 0, b.rows - 1);
        MapGridCell c;
        c.region = i;
        c.index = std::uint64_t(row) * std::uint64_t(b.columns) + std::uint64_t(col);
        if (c.index >= b.cells)
            return std::nullopt; // past the last cell of a partial row
        const auto& r = m_content->regions[i];
        const std::uint64_t pages = pagesOf(r);
        c.firstPage = c.index * b.pagesPerCell;
        if (c.firstPage >= pages)
            return std::nullopt;
        c.pages = std::min(b.pagesPerCell, pages - c.firstPage);
        c.base = r.base + c.firstPage * r.pageSize;
        c.size = c.pages * r.pageSize;
        return c;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> MapGridLayout::addressAt(QPointF pos) const
{
    if (const auto c = cellAt(pos))
        return c->base;
    return std::nullopt;
}

int MapGridLayout::regionAt(QPointF pos) const
{
    const auto c = cellAt(pos);
    return c ? c->region : -1;
}

int MapGridLayout::chunkAt(QPointF pos) const
{
    const auto cell = cellAt(pos);
    if (!cell)
        return -1;
    const auto& r = m_content->regions[cell->region];
    const auto begin = m_content->chunks.begin() + r.firstChunk;
    const auto end = begin + r.chunkCount;
    // Chunks of a region are sorted by address: the first one ending past the cell's start.
    const auto it = std::lower_bound(
        begin, end, cell->base, [](const MapChunk& c, std::uint64_t v) { return c.base + c.size <= v; });
    if (it == end || it->base >= cell->base + cell->size)
        return -1;
    return int(it - m_content->chunks.begin());
}

std::pair<std::uint64_t, std::uint64_t> MapGridLayout::cellSpan(
    int regionIndex, std::uint64_t base, std::uint64_t size) const
{
    if (regionIndex < 0 || regionIndex >= m_blocks.size())
        return { 0, 0 };
    const auto& b = m_blocks[regionIndex];
    const auto& r = m_content->regions[regionIndex];
    const std::uint64_t pageSize = std::max<std::uint64_t>(1, r.pageSize);
    const std::uint64_t from = std::clamp(base, r.base, r.base + r.size) - r.base;
    const std::uint64_t to =
        std::clamp(base + std::min(size, ~std::uint64_t(0) - base), r.base, r.base + r.size) - r.base;
    const std::uint64_t c0 = std::min(from / pageSize / b.pagesPerCell, b.cells);
    const std::uint64_t c1 = std::min(ceilDiv(ceilDiv(to, pageSize), b.pagesPerCell), b.cells);
    return { c0, std::max(c0, c1) };
}

MapGridCellUse MapGridLayout::use(const MapGridCell& cell) const
{
    MapGridCellUse u;
    if (!m_content || cell.region < 0 || cell.region >= m_content->regions.size())
        return u;
    const auto& r = m_content->regions[cell.region];
    const std::uint64_t pageSize = std::max<std::uint64_t>(1, r.pageSize);
    const std::uint64_t end = cell.base + cell.size;
    auto overlap = [&](std::uint64_t a, std::uint64_t b) {
        const std::uint64_t lo = std::max(a, cell.base), hi = std::min(b, end);
        return hi > lo ? (hi - lo) / pageSize : 0;
    };
    const auto begin = m_content->chunks.begin() + r.firstChunk;
    const auto last = begin + r.chunkCount;
    auto it = std::lower_bound(
        begin, last, cell.base, [](const MapChunk& c, std::uint64_t v) { return c.base + c.size <= v; });
    for (; it != last && it->base < end; ++it) {
        u.used += overlap(it->base, it->base + it->size);
        if (it->requested && it->requested < it->size)
            u.held += overlap(it->base + it->requested, it->base + it->size);
    }
    for (const auto& pin : m_content->pinned)
        if (pin.region == cell.region)
            u.pinned += overlap(pin.base, pin.base + pin.size);
    return u;
}

} // namespace cmascope::views
