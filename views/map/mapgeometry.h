// SPDX-License-Identifier: GPL-2.0-or-later
// Where the memory map draws what, for a map of a given size: the plot area right of the bank labels,
// one track per bank (linear layout) or one block of page cells per region (grid layout, MapGridLayout); and the
// reverse, what lies under a point. Needs no widget: the map widget, the painter and
// `cmascope-cli render` share it.
#pragma once

#include "map/addressaxis.h"
#include "map/mapcontent.h"
#include "map/mapgrid.h"

#include <QRectF>
#include <QSizeF>
#include <QVector>

#include <cstdint>
#include <optional>

namespace cmascope::views {

/// Banks as tracks over one address axis, or a grid of page cells per region.
enum class MapLayout { Linear, Grid };

class MapGeometry
{
public:
    static constexpr double kLeftMargin = 120.0; ///< bank and region names
    static constexpr double kRightMargin = 12.0;
    static constexpr double kRulerHeight = 40.0;
    static constexpr double kTrackGap = 18.0;
    static constexpr double kChunkTop = 20.0; ///< chunks start below the region's name
    static constexpr double kMinTrackHeight = 48.0; ///< a bank's track, however many banks share the height
    static constexpr double kMaxTrackHeight = 120.0;

    /// Grid layout: one region's block of cells (views/map/mapgrid.h).
    using Grid = MapGridBlock;

    /// @p content and @p axis must outlive the geometry (it reads the axis' current view).
    MapGeometry(const MapContent& content, const AddressAxis& axis, MapLayout layout, QSizeF size);

    /// The area right of the bank labels and below the ruler, for a map of @p size.
    static QRectF plotRect(QSizeF size);
    QRectF plotRect() const { return plotRect(m_size); }
    QSizeF size() const { return m_size; }
    MapLayout layout() const { return m_layout; }
    const AddressAxis& axis() const { return *m_axis; }

    /// Linear layout: the height of every bank's track, and the track of bank @p bankIndex.
    double trackHeight() const;
    QRectF trackRect(int bankIndex) const;
    /// The vertical span of bank @p bankIndex's track, unclipped by the view (where its label goes).
    double trackTop(int bankIndex) const;
    /// x of @p address (in map coordinates).
    double xForAddress(std::uint64_t address) const { return plotRect().left() + m_axis->xForAddress(address); }

    /// Grid layout: every region's block of cells (empty in the linear layout).
    const QVector<Grid>& grids() const { return m_grid.blocks(); }
    QRectF gridRect(int regionIndex) const { return m_grid.blockRect(regionIndex); }
    /// Grid layout: the blocks and what lies under a point (empty in the linear layout).
    const MapGridLayout& gridLayout() const { return m_grid; }

    /// Linear layout: the address under x.
    std::uint64_t addressAt(double x) const;
    /// The address under @p pos (linear: x only; grid: the page cell), or nullopt.
    std::optional<std::uint64_t> addressAtPos(QPointF pos) const;
    /// Index of the region drawn under @p pos, or -1.
    int regionAt(QPointF pos) const;
    /// Index (into content.chunks) of the chunk drawn under @p pos, or -1.
    int chunkAt(QPointF pos) const;
    /// The bank whose label (left of the tracks) is at @p pos, or -1.
    int bankLabelAt(QPointF pos) const;

private:
    const MapContent* m_content;
    const AddressAxis* m_axis;
    MapLayout m_layout;
    QSizeF m_size;
    MapGridLayout m_grid;
};

} // namespace cmascope::views
