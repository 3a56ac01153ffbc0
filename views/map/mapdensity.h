// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's level of detail (docs/memory-map.md): when chunks are narrower than a pixel, each device
// pixel column of a region shows how much of it is in use (as a shade of the colour of the owner holding
// most of it) instead of one chunk over the other. Shared by the map's painter and its overview strip; the
// cost follows the chunks in view plus the columns, never the region's size.
#pragma once

#include "map/mapcontent.h"

#include <QColor>
#include <QRgb>

#include <vector>

namespace cmascope::views {

struct MapStyle;

/// Occupancy of a run of equal pixel columns laid over one region, linearly: column c covers the
/// addresses [origin + c * columnBytes, origin + (c + 1) * columnBytes).
struct ColumnDensity
{
    double origin = 0; ///< address at the left edge of column 0
    double columnBytes = 1; ///< bytes per column (> 0)
    std::vector<double> used; ///< bytes in use per column; pages held beyond the request count half
    std::vector<double> bestShare; ///< the largest single chunk's bytes per column
    std::vector<int> key; ///< that chunk's colour key per column, -1 where nothing is in use
    int selectedFirst = -1; ///< the columns of the selected chunk, or -1
    int selectedLast = -1;

    ColumnDensity(double origin, double columnBytes, int columns);
    int columns() const { return int(used.size()); }
    /// Adds chunks [first, last) (sorted by address); @p byKind: colour by kind, else by owner.
    void add(const MapChunk* first, const MapChunk* last, bool byKind, quint32 selected = 0xFFFFFFFF);
    /// The share of column @p c in use, in [0, 1].
    double fraction(int c) const;
    /// Writes every column's shade (densityRgb() of its owner's colour in @p style, @p free where nothing is in
    /// use) to @p pixels, columns() of them.
    void shade(QRgb* pixels, QRgb free, const MapStyle& style) const;
};

/// The shade of a column or a block-grid cell: @p owner blended with @p free by the share in use, never below
/// 40 % so that one page stays visible in a column of megabytes. Opaque, integer arithmetic (once per column).
QRgb densityRgb(QRgb free, QRgb owner, double fraction);
inline QColor densityColour(const QColor& free, const QColor& owner, double fraction)
{
    return QColor::fromRgb(densityRgb(free.rgb(), owner.rgb(), fraction));
}

} // namespace cmascope::views
