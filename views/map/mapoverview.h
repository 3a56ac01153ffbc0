// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's overview strip (docs/memory-map.md): the whole platform on the map's axis mode, one thin
// row per track with the occupancy shaded per pixel column, and the map's current view marked on it. Drag
// (or click) to move the view, double-click to show everything, the wheel zooms the map around a point.
// Aligned with the map below it: the same label margin, the same plot width.
#pragma once

#include "map/mapaxis.h"

#include <QWidget>

namespace cmascope::views {

class MemoryMapWidget;
class MapGeometry;

class MapOverview : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kHeight = 38;

    explicit MapOverview(MemoryMapWidget* map, QWidget* parent = nullptr);

    /// The map's axis with everything in view, at this strip's width (what the strip draws).
    MapAxis wholeAxis() const;
    /// The strip's x range of the map's current view (widget coordinates).
    QPair<double, double> viewportSpan() const;
    /// Centres the map's view on the strip's x (widget coordinates), keeping its zoom.
    void centreViewAt(double x);

    QSize sizeHint() const override { return { 600, kHeight }; }
    QSize minimumSizeHint() const override { return { 200, kHeight }; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    /// The rows' vertical extent: row @p track of @p tracks.
    QRectF rowRect(const MapGeometry& geometry, int track) const;
    void paintRows(QPainter& p, const MapGeometry& geometry) const;
    void paintViewport(QPainter& p) const;

    MemoryMapWidget* m_map;
};

} // namespace cmascope::views
