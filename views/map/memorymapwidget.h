// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map: banks as tracks over an address axis (physical, compact or one track per area,
// docs/memory-map.md), regions inside them, allocated chunks coloured by device or kind; or a block grid
// (rows of pages, like a bitmap) for teaching.
// The widget holds the view (zoom, pan, layout, selection) and handles input and tooltips; where things
// are is MapGeometry's (views/map/mapgeometry.h) and the painting MapPainter's (views/map/mappainter.h).
#pragma once

#include "map/mapaxis.h"
#include "map/mapcontent.h"
#include "map/mapgeometry.h"
#include "map/mappainter.h"

#include <QWidget>

class QMenu;
class QRubberBand;

namespace cmascope::views {

class Document;
struct MapStyle;

class MemoryMapWidget : public QWidget
{
    Q_OBJECT
public:
    using Layout = MapLayout;
    using ColourBy = MapColourBy;

    explicit MemoryMapWidget(QWidget* parent = nullptr);
    ~MemoryMapWidget() override;

    /// Follows @p document: the state at its current step, its selected chunk. The zoom is kept while
    /// stepping and reset when the platform changes.
    void setDocument(Document* document);
    void setContent(MapContent content);
    /// Replaces what is shown keeping the axis mode, zoom and pan (within the new extent): another state of the
    /// same platform.
    void updateContent(MapContent content);
    const MapContent& content() const { return m_content; }
    /// The zoom and pan of the axis (in the axis mode's coordinate: physical addresses on the physical axis).
    const AddressAxis& axis() const { return m_axis.view(); }
    const MapAxis& mapAxis() const { return m_axis; }

    /// The axis mode; setting one turns the automatic choice off.
    void setAxisMode(AxisMode mode);
    AxisMode axisMode() const { return m_axis.mode(); }
    /// Automatic: every new project gets MapAxis::suggestedMode() (every area readable), the default.
    void setAutomaticAxis(bool automatic);
    bool automaticAxis() const { return m_automaticAxis; }
    /// The width of the track labels (views/map/mapgeometry.h).
    double leftMargin() const { return m_leftMargin; }
    /// The last paint drew some region as shades per pixel column (the legend explains them).
    bool densityShown() const { return m_densityShown; }

    void setLayoutMode(Layout layout);
    Layout layoutMode() const { return m_layout; }
    void setColourBy(ColourBy by);
    ColourBy colourBy() const { return m_colourBy; }
    /// Names and colours of what the chunks are coloured by (for a legend).
    QVector<QPair<QString, QColor>> legend() const;

    /// Chunk id highlighted as selected (0xFFFFFFFF = none).
    void setSelectedChunk(quint32 id);
    quint32 selectedChunk() const { return m_selected; }

    /// Linear layout: the rectangle (widget coordinates) of track @p track (bank @p track on the physical and
    /// compact axis, area @p track per area).
    QRectF trackRect(int track) const;
    /// Linear layout: x (widget coordinates) of @p address on region @p regionIndex's track.
    double xFor(int regionIndex, quint64 address) const;
    /// Grid layout: the rectangle of region @p index's grid, and pages per row / per cell.
    QRectF gridRect(int regionIndex) const;
    /// The address under a widget position (linear: x only; grid: the page cell), or nullopt.
    std::optional<std::uint64_t> addressAtPos(QPointF pos) const;
    /// Linear layout: the address under a widget x coordinate.
    std::uint64_t addressAt(double x) const;
    /// Index of the region drawn under @p pos, or -1.
    int regionAt(QPointF pos) const;
    /// Index (into content().chunks) of the chunk drawn under @p pos, or -1.
    int chunkAt(QPointF pos) const;

    /// Ctrl+drag starting inside a region picks a range of it (regionRangeDragged()) instead of drawing a new
    /// region; the sandbox turns this on (docs/sandbox.md).
    void setRegionDragEnabled(bool enabled) { m_regionDragEnabled = enabled; }
    bool regionDragEnabled() const { return m_regionDragEnabled; }
    /// Pick mode (predict, then reveal: docs/teaching.md#predict-then-reveal): a left click (not a drag) on a region
    /// picks the address under it (addressPicked()) instead of selecting a chunk. Off by default.
    void setPickMode(bool on) { m_pickMode = on; }
    bool pickMode() const { return m_pickMode; }
    /// A line added to the tooltip over regions (what the mouse can do there), empty for none.
    void setInteractionHint(const QString& hint) { m_hint = hint; }
    QString interactionHint() const { return m_hint; }
    /// The context menu for @p pos (widget coordinates), filled by contextMenuRequested()'s receivers; the
    /// caller owns it. A right click without a drag shows it when it is not empty.
    QMenu* createContextMenu(QPointF pos);

    /// Writes what the map shows now to @p path: SVG for ".svg", otherwise a raster image by suffix.
    /// @p size defaults to the widget's size. False (with nothing written) when the file cannot be written.
    bool exportImage(const QString& path, QSize size = {});

    QSize sizeHint() const override { return { 900, 320 }; }
    QSize minimumSizeHint() const override { return { 240, 120 }; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitAll();
    /// Shows the hull of all placed regions with a margin (the initial view).
    void zoomToRegions();
    void zoomToRegion(int regionIndex);
    /// Shows bank @p bankIndex whole (double-click its label): its regions may be slivers on the shared axis.
    void zoomToBank(int bankIndex);
    /// The track whose label (left of the tracks) is at @p pos, or -1.
    int labelAt(QPointF pos) const;
    /// The track's name as its label shows it: in full, or elided in the middle past the widest margin.
    QString labelText(int track) const;
    /// The label's tooltip: the full name and the bank's (or area's) range.
    QString labelToolTip(int track) const;
    /// The tooltip of a break of the compact axis: the range it skips.
    static QString breakToolTip(const FoldSegment& gap);
    /// What the map says instead of drawing when the platform has no bank (why, and what to do); empty
    /// when there is something to draw.
    QString emptyMessage() const;
    /// Shows the physical range [begin, end) (clamped to the banks; per area, that share of every area).
    void setView(quint64 begin, quint64 end);
    /// Shows [begin, end) of the axis' own coordinate (axis(); saved with the project).
    void setAxisView(quint64 begin, quint64 end);

Q_SIGNALS:
    /// The address under the mouse changed (for the status bar).
    void hoveredAddressChanged(quint64 address, const QString& description);
    void viewChanged();
    /// What is drawn changed (new content, layout or colouring): the legend follows this.
    void contentChanged();
    /// The axis mode changed (by the user, or automatically for a new project).
    void axisModeChanged();
    /// densityShown() changed.
    void densityShownChanged();
    /// The user clicked a chunk (or empty space: 0xFFFFFFFF).
    void chunkClicked(quint32 id);
    /// The user Ctrl+dragged across a bank: a new region is wanted at [base, base + size).
    void regionDrawn(quint64 base, quint64 size);
    /// With regionDragEnabled(): the user Ctrl+dragged over region @p regionIndex (into content().regions);
    /// [begin, end) is the dragged range clamped to the region.
    void regionRangeDragged(int regionIndex, quint64 begin, quint64 end);
    /// A context menu is being built for a right click: add actions to @p menu (connect directly). @p chunkId is
    /// the chunk under the click (0xFFFFFFFF: none), @p regionIndex the region (-1: none), @p address the address.
    void contextMenuRequested(QMenu* menu, quint32 chunkId, int regionIndex, quint64 address);
    /// In pick mode: the user clicked @p address in region @p regionIndex (into content().regions).
    void addressPicked(int regionIndex, quint64 address);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    /// Where things are drawn, at the widget's size.
    MapGeometry mapGeometry() const
    {
        MapGeometry g(m_content, m_axis, m_layout, size(), m_leftMargin);
        g.setLabelHeight(fontMetrics().height()); // a larger type (presentation mode) moves the chunks down
        return g;
    }
    /// A painter of the content as the widget shows it (colours, selection, device pixel ratio).
    MapPainter painterFor(const MapGeometry& geometry, const MapStyle& style) const;
    void updateAxisWidth();
    /// Rebuilds the axis for the content in @p mode (showing everything) and the label margin.
    void resetAxis(AxisMode mode);
    /// Another mode: rebuilt, shown from the regions' view, axisModeChanged(); nothing when it is the same.
    void switchAxis(AxisMode mode);
    /// The plot width the automatic axis judges readability at.
    double suggestionWidth() const;
    void viewUpdated();
    void refreshFromDocument(bool resetView);
    QString describe(QPointF pos) const;
    /// Grid layout: "\ncell of N pages, pfn A–B, U in use" for a cell of several pages under @p pos, else empty.
    QString gridCellText(QPointF pos) const;
    /// The end of a rubber-band drag released at @p pos: zoom, draw a region or pick a region's range.
    void finishRubberBand(QPointF pos);

    MapContent m_content;
    MapAxis m_axis;
    bool m_automaticAxis = true;
    double m_leftMargin = MapGeometry::kLeftMargin;
    bool m_densityShown = false;
    Layout m_layout = Layout::Linear;
    ColourBy m_colourBy = ColourBy::Device;
    bool m_dragging = false;
    bool m_dragMoved = false;
    bool m_rubberBanding = false;
    bool m_drawingRegion = false; ///< the rubber band draws a new region (Ctrl+drag) instead of zooming
    bool m_regionDragEnabled = false;
    bool m_pickMode = false;
    QString m_hint;
    QPointF m_lastDragPos;
    QPointF m_pressPos;
    QRubberBand* m_rubberBand = nullptr;
    Document* m_doc = nullptr;
    quint32 m_selected = 0xFFFFFFFF;
};

} // namespace cmascope::views
