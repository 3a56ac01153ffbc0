// SPDX-License-Identifier: GPL-2.0-or-later
// Paints the memory map (views/map/memorymapwidget.h describes what it shows) onto any QPainter: the
// widget's paint event, an image or an SVG file. Needs Qt Gui only, so `cmascope-cli render` can paint
// without Qt Widgets. Level of detail: when chunks are narrower than a few pixels, every device pixel
// column is aggregated (dominant owner, share used), so the cost follows the pixels, not the chunks.
#pragma once

#include "map/mapgeometry.h"

#include <QBrush>
#include <QCoreApplication>
#include <QFont>

class QPainter;

namespace cmascope::views {

struct MapStyle;

/// What gives a chunk its colour: the device that asked for it, or its kind.
enum class MapColourBy { Device, Kind };

class MapPainter
{
    Q_DECLARE_TR_FUNCTIONS(MapPainter)
public:
    /// @p content, @p geometry and @p style must outlive the painter; @p font is the map's normal font.
    MapPainter(const MapContent& content, const MapGeometry& geometry, const MapStyle& style, const QFont& font);

    void setColourBy(MapColourBy by) { m_colourBy = by; }
    /// Chunk id outlined as selected (0xFFFFFFFF = none).
    void setSelectedChunk(quint32 id) { m_selected = id; }
    /// Device pixels per logical pixel of the target: the level of detail works per device pixel column.
    void setDevicePixelRatio(qreal ratio) { m_dpr = ratio; }

    /// Paints the whole map over the geometry's size, background included.
    void paint(QPainter& p) const;
    /// Writes the map, at the geometry's size, to @p path: SVG for ".svg", otherwise a raster image by
    /// suffix. False when the file cannot be written.
    bool writeFile(const QString& path) const;

    /// What the map says instead of drawing when @p content has no bank (why, and what to do); empty
    /// when there is something to draw.
    static QString emptyMessage(const MapContent& content);
    /// A track's name as its label shows it in @p font: elided in the middle to the left margin's width.
    static QString labelText(const QString& name, const QFont& font, double leftMargin);
    /// After paint(): some region was drawn at the level of detail (one shade per pixel column, chunks
    /// narrower than pixels), so the legend explains the shades.
    bool densityShown() const { return m_densityShown; }

private:
    using ChunkIterator = QVector<MapChunk>::const_iterator;

    int colourKey(const MapChunk& c) const { return m_colourBy == MapColourBy::Device ? c.owner : c.kind; }
    void paintLinear(QPainter& p) const;
    void paintTracks(QPainter& p) const;
    void paintRegion(QPainter& p, int regionIndex) const;
    void paintRegionChunks(QPainter& p, int regionIndex, const QRectF& area) const;
    void paintChunksDetailed(
        QPainter& p, int regionIndex, ChunkIterator first, ChunkIterator last, const QRectF& area) const;
    void paintChunksAggregated(
        QPainter& p, int regionIndex, ChunkIterator first, ChunkIterator last, const QRectF& area) const;
    void paintMarks(QPainter& p) const;
    void paintGhost(QPainter& p, const MapRange& ghost) const;
    void paintBusyWindows(QPainter& p) const;
    void paintLargestHole(QPainter& p, const MapRange& range) const;
    void paintPick(QPainter& p, const MapRange& pick) const;
    void paintTrackLabels(QPainter& p) const;

    const MapContent& m_content;
    const MapGeometry& m_geometry;
    const MapStyle& m_style;
    QFont m_font;
    QFont m_small; ///< ruler labels and bank sizes
    MapColourBy m_colourBy = MapColourBy::Device;
    quint32 m_selected = 0xFFFFFFFF;
    qreal m_dpr = 1.0;
    mutable bool m_densityShown = false;
};

} // namespace cmascope::views
