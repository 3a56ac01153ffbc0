// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's block grid (docs/map-grid.md): one block of page cells per region, like a bitmap.
// Lays the blocks out in a plot rectangle and answers what lies under a point. A cell is never smaller
// than kMinCell logical pixels: when a region's pages do not fit, a cell holds a power of two of pages,
// aligned like a bitmap bit, so hovering reads clean PFN ranges. Needs no widget (MapGeometry holds one).
#pragma once

#include "map/mapcontent.h"

#include <QRectF>
#include <QSizeF>
#include <QVector>

#include <cstdint>
#include <optional>

namespace cmascope::views {

/// How a region of some pages fits a space: the cell edge, pages per cell, columns and rows.
struct MapGridFit
{
    double cell = 1.0; ///< cell edge in logical pixels
    std::uint64_t pagesPerCell = 1; ///< a power of two
    std::uint64_t cells = 0; ///< cells that hold pages (the rest of the last row is empty)
    int columns = 1;
    int rows = 1;
};

/// One region's block of cells: its fit, placed.
struct MapGridBlock : MapGridFit
{
    QRectF rect; ///< the cells' area (columns x rows cells; the last row may be partial)
    QRectF title; ///< the title line above the cells
};

/// One cell of a region: its pages [firstPage, firstPage + pages) counted from the region's base.
struct MapGridCell
{
    int region = -1;
    std::uint64_t index = 0; ///< cell number in the region's block, row-major
    std::uint64_t firstPage = 0;
    std::uint64_t pages = 0; ///< pagesPerCell, fewer in the region's last cell
    std::uint64_t base = 0; ///< address of the first page
    std::uint64_t size = 0; ///< bytes of the cell's pages
};

/// What a cell's pages hold, in pages.
struct MapGridCellUse
{
    std::uint64_t used = 0; ///< pages of chunks (what they hold, requested or not)
    std::uint64_t held = 0; ///< of those, held beyond the request (bitmap bits at order_per_bit > 0)
    std::uint64_t pinned = 0;
};

class MapGridLayout
{
public:
    static constexpr double kMinCell = 4.0; ///< smallest cell edge: smaller cells are a smear, not cells
    static constexpr double kMaxCell = 28.0;
    static constexpr double kTitleHeight = 18.0; ///< the region's title line above its cells
    static constexpr double kBlockGap = 8.0; ///< below a block, before the next title
    static constexpr double kMargin = 8.0; ///< around the blocks
    static constexpr double kFailureLine = 26.0; ///< below the blocks: the caption of a failed request

    MapGridLayout() = default;
    /// Lays out every region of @p content in @p plot. @p content must outlive the layout.
    MapGridLayout(const MapContent& content, const QRectF& plot);

    /// Where the blocks go in a map of @p size: all of it but a margin and, at the bottom, the failure line.
    static QRectF area(QSizeF size);
    /// The largest cell edge in [kMinCell, kMaxCell] (whole pixels) and the fewest pages per cell (a power
    /// of two) with which @p pages fit @p space; when even one row of kMinCell cells does not fit, one row.
    static MapGridFit fit(std::uint64_t pages, QSizeF space);
    /// The region's pages (at least 1).
    static std::uint64_t pagesOf(const MapRegion& r);

    const QVector<MapGridBlock>& blocks() const { return m_blocks; }
    QRectF blockRect(int regionIndex) const;

    /// The cell under @p pos, or nullopt (between blocks, past the last cell of a partial row).
    std::optional<MapGridCell> cellAt(QPointF pos) const;
    /// The address of the first page of the cell under @p pos.
    std::optional<std::uint64_t> addressAt(QPointF pos) const;
    /// Index of the region whose cells are under @p pos, or -1.
    int regionAt(QPointF pos) const;
    /// Index (into content.chunks) of the chunk under @p pos: the one holding the cell's first page, else
    /// the first one in the cell; -1 when the cell is free.
    int chunkAt(QPointF pos) const;
    /// The cells [first, last) that hold part of [base, base + size) of region @p regionIndex.
    std::pair<std::uint64_t, std::uint64_t> cellSpan(int regionIndex, std::uint64_t base, std::uint64_t size) const;
    /// What the pages of @p cell hold.
    MapGridCellUse use(const MapGridCell& cell) const;

private:
    void layoutBlocks(const QRectF& plot);
    QVector<double> shareHeight(const QRectF& plot) const;
    QVector<double> growCells(const QRectF& plot, const QVector<double>& height) const;
    void refineShares(const QRectF& plot, QVector<double>& height) const;

    const MapContent* m_content = nullptr;
    QVector<MapGridBlock> m_blocks;
};

} // namespace cmascope::views
