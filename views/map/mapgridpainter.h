// SPDX-License-Identifier: GPL-2.0-or-later
// Paints the memory map's block grid (views/map/mapgrid.h, docs/map-grid.md): per region a title line and
// its cells, one image pixel per cell scaled up, so the cost follows the cells, not the pages. A cell of one
// page looks as the page is (owner colour, lighter when held beyond the request); a cell of several pages
// takes the colour of the owner with the largest share, blended with free space by the share in use.
#pragma once

#include "map/mapgrid.h"

#include <QCoreApplication>
#include <QFont>
#include <QFontMetricsF>
#include <QImage>
#include <QPen>

class QPainter;

namespace cmascope::views {

struct MapStyle;

class MapGridPainter
{
    Q_DECLARE_TR_FUNCTIONS(MapGridPainter)
public:
    /// @p content, @p grid and @p style must outlive the painter.
    MapGridPainter(const MapContent& content, const MapGridLayout& grid, const MapStyle& style);

    /// Colour cells by kind instead of by device.
    void setColourByKind(bool byKind) { m_byKind = byKind; }
    /// Chunk id outlined as selected (0xFFFFFFFF = none).
    void setSelectedChunk(quint32 id) { m_selected = id; }

    /// Paints every region's block; the painter's font is the titles' font.
    void paint(QPainter& p) const;
    /// Region @p regionIndex's cells, one pixel per cell, row-major (what paint() scales up).
    QImage cellImage(int regionIndex) const;
    /// The title line of region @p regionIndex: "name — base, N pages[, M pages per cell]"; with @p metrics, the
    /// name is elided so that the line fits @p width.
    QString title(int regionIndex, const QFontMetricsF* metrics = nullptr, double width = 0) const;

private:
    int colourKey(const MapChunk& c) const { return m_byKind ? c.kind : c.owner; }
    void paintBlock(QPainter& p, int regionIndex) const;
    void paintCellLines(QPainter& p, const MapGridBlock& b) const;
    void fillPages(QImage& cells, int regionIndex) const;
    void fillAggregated(QImage& cells, int regionIndex) const;
    void outlineCells(QPainter& p, int regionIndex, std::uint64_t base, std::uint64_t size, const QPen& pen,
        const QBrush& brush = {}) const;

    const MapContent& m_content;
    const MapGridLayout& m_grid;
    const MapStyle& m_style;
    bool m_byKind = false;
    quint32 m_selected = 0xFFFFFFFF;
};

} // namespace cmascope::views
