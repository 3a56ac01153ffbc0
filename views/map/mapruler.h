// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's rulers and axis breaks (docs/memory-map.md): on the physical and compact axis one ruler
// above all tracks (addresses and PFNs), with every collapsed address range drawn as a break across the
// tracks and its skipped size on the ruler; on the per-area axis a small ruler above each area's track.
#pragma once

#include "map/mapgeometry.h"

#include <QFont>

class QPainter;

namespace cmascope::views {

struct MapStyle;

class MapRuler
{
public:
    /// Tick labels are kept at least this far apart (logical pixels).
    static constexpr double kLabelSpacing = 120.0;

    MapRuler(const MapGeometry& geometry, const MapStyle& style, const QFont& small);

    /// The ruler (or, per area, the caption above the tracks and each track's own ruler) and the tick lines.
    void paint(QPainter& p) const;
    /// The breaks of the compact axis over the tracks (after the tracks and regions are painted).
    void paintBreaks(QPainter& p) const;

    /// The tick step for @p bytesPerPixel: the smallest power of two at least kLabelSpacing pixels wide.
    static std::uint64_t tickStep(double bytesPerPixel);

private:
    void paintSharedRuler(QPainter& p) const;
    void paintTrackRuler(QPainter& p, int track) const;
    /// The skipped size above a break and its mark on the ruler's line; returns the label's box.
    /// Leaves the label out (returns an empty box) where it would overlap the @p previous one.
    QRectF paintBreakLabel(QPainter& p, const FoldSegment& gap, const QRectF& previous) const;

    const MapGeometry& m_geometry;
    const MapStyle& m_style;
    QFont m_small;
};

} // namespace cmascope::views
