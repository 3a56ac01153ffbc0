// SPDX-License-Identifier: GPL-2.0-or-later
// Where the memory map draws what, for a map of a given size: the plot area right of the track labels,
// one track per bank (physical and compact axis) or per area (per-area axis, docs/memory-map.md) in the
// linear layout, or one block of page cells per region (grid layout, MapGridLayout: docs/map-grid.md); and the
// reverse, what lies under a point. Needs no widget: the map widget, the painter and `cmascope-cli render` share it.
#pragma once

#include "map/mapaxis.h"
#include "map/mapcontent.h"
#include "map/mapgrid.h"

#include <QRectF>
#include <QSizeF>
#include <QVector>

#include <cstdint>
#include <optional>

class QFont;

namespace cmascope::views {

/// Banks (or areas) as tracks over an address axis, or a grid of page cells per region.
enum class MapLayout { Linear, Grid };

/// A linear layout's track: a bank on the physical and compact axis, an area on the per-area axis.
struct MapTrack
{
    int bank = -1; ///< index into MapContent::banks, or -1
    int region = -1; ///< per area: index into MapContent::regions; otherwise -1
};

class MapGeometry
{
public:
    static constexpr double kLeftMargin = 120.0; ///< track names, at least
    static constexpr double kMaxLeftMargin = 240.0;
    static constexpr double kRightMargin = 12.0;
    static constexpr double kRulerHeight = 40.0;
    static constexpr double kTrackGap = 18.0;
    static constexpr double kTrackRuler = 15.0; ///< per area: each track's own ruler, above it
    static constexpr double kChunkTop = 20.0; ///< chunks start below the region's name
    static constexpr double kMinTrackHeight = 48.0; ///< a track, while there is room for it
    static constexpr double kTightTrackHeight = 20.0; ///< a track, however many share the height
    static constexpr double kMaxTrackHeight = 120.0;

    /// Grid layout: one region's block of cells (views/map/mapgrid.h).
    using Grid = MapGridBlock;

    /// @p content and @p axis must outlive the geometry (it reads the axis' current view). @p leftMargin is
    /// the width of the track labels (leftMarginFor()).
    MapGeometry(
        const MapContent& content, const MapAxis& axis, MapLayout layout, QSizeF size, double leftMargin = kLeftMargin);

    /// The left margin that shows every track label of @p content on @p mode's axis in full in @p font,
    /// within [kLeftMargin, kMaxLeftMargin] (longer names are elided in the middle).
    static double leftMarginFor(const MapContent& content, AxisMode mode, const QFont& font);
    /// The area right of the track labels and below the ruler, for a map of @p size.
    static QRectF plotRect(QSizeF size, double leftMargin = kLeftMargin);
    QRectF plotRect() const { return plotRect(m_size, m_leftMargin); }
    double leftMargin() const { return m_leftMargin; }
    QSizeF size() const { return m_size; }
    MapLayout layout() const { return m_layout; }
    const MapAxis& axis() const { return *m_axis; }
    const MapContent& content() const { return *m_content; }

    /// Linear layout: the tracks, top to bottom.
    const QVector<MapTrack>& tracks() const { return m_tracks; }
    /// The track region @p regionIndex is drawn on, or -1 (outside every bank on the shared axis).
    int trackOfRegion(int regionIndex) const;
    /// The height of every track, the top of track @p track and its rectangle (the bank's or the area's
    /// extent, clipped to the plot).
    double trackHeight() const;
    /// The space between tracks (per area, tracks are closer: each has its ruler above it).
    double trackGap() const;
    /// Chunks are drawn this far below the top of a track (the region's name is above them), less on thin tracks;
    /// more when the names' type is taller than kChunkTop allows for (setLabelHeight(), presentation mode).
    double chunkTop() const;
    /// The height of a line of the map's type (QFontMetrics::height()); 0 (default): kChunkTop's type.
    void setLabelHeight(double height) { m_labelHeight = height; }
    double trackTop(int track) const;
    QRectF trackRect(int track) const;
    /// A track's label (bank or area name) and the size printed under it.
    QString trackName(int track) const;
    std::uint64_t trackSize(int track) const;
    /// x of @p address on region @p regionIndex's track (map coordinates).
    double xFor(int regionIndex, std::uint64_t address) const
    {
        return plotRect().left() + m_axis->xFor(regionIndex, address);
    }
    /// x of @p address on the shared axis (every track but the per-area ones).
    double xForAddress(std::uint64_t address) const { return xFor(-1, address); }
    /// Region @p regionIndex's box on its track, unclipped (empty when it has no track).
    QRectF regionRect(int regionIndex) const;

    /// Grid layout: every region's block of cells (empty in the linear layout).
    const QVector<Grid>& grids() const { return m_grid.blocks(); }
    QRectF gridRect(int regionIndex) const { return m_grid.blockRect(regionIndex); }
    /// Grid layout: the blocks and what lies under a point (empty in the linear layout).
    const MapGridLayout& gridLayout() const { return m_grid; }

    /// Linear layout: the address under x on the shared axis.
    std::uint64_t addressAt(double x) const;
    /// The track under @p pos (its label or its body, in y), or -1.
    int trackAt(QPointF pos) const;
    /// The address under @p pos (linear: on the track under it, else on the shared axis; per area, nullopt
    /// off the tracks; grid: the page cell), or nullopt.
    std::optional<std::uint64_t> addressAtPos(QPointF pos) const;
    /// Index of the region drawn under @p pos, or -1.
    int regionAt(QPointF pos) const;
    /// Index (into content.chunks) of the chunk drawn under @p pos, or -1.
    int chunkAt(QPointF pos) const;
    /// The track whose label (left of the tracks) is at @p pos, or -1.
    int labelAt(QPointF pos) const;
    /// Compact axis: the break (collapsed address range) under @p pos, on a track or the ruler, or nullopt.
    std::optional<FoldSegment> breakAt(QPointF pos) const;

private:
    void layoutTracks();

    const MapContent* m_content;
    const MapAxis* m_axis;
    MapLayout m_layout;
    QSizeF m_size;
    double m_leftMargin;
    double m_labelHeight = 0;
    QVector<MapTrack> m_tracks;
    QVector<int> m_regionTrack; ///< per region: its track, or -1
    MapGridLayout m_grid;
};

} // namespace cmascope::views
