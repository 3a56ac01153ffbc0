// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map: banks as tracks over one physical address axis, regions inside them, allocated
// chunks coloured by owner. Custom-painted (not a chart).
#pragma once

#include "addressaxis.h"
#include "mapcontent.h"

#include <QWidget>

namespace cmascope::views {

class Document;

class MemoryMapWidget : public QWidget
{
    Q_OBJECT
public:
    explicit MemoryMapWidget(QWidget* parent = nullptr);

    /// Follows @p document: the state at its current step, its selected chunk. The view (zoom) is kept
    /// while stepping and reset when the platform changes.
    void setDocument(Document* document);
    /// Chunk id highlighted as selected (kNoChunk = none).
    void setSelectedChunk(quint32 id);
    quint32 selectedChunk() const { return m_selected; }

    void setContent(MapContent content);
    const MapContent& content() const { return m_content; }
    const AddressAxis& axis() const { return m_axis; }

    /// The rectangle (widget coordinates) of the track of bank @p index.
    QRectF trackRect(int bankIndex) const;
    /// The address under a widget x coordinate.
    std::uint64_t addressAt(double x) const;
    /// Index of the region drawn under @p pos, or -1.
    int regionAt(QPointF pos) const;
    /// Index of the chunk drawn under @p pos, or -1.
    int chunkAt(QPointF pos) const;

    QSize sizeHint() const override { return { 900, 320 }; }
    QSize minimumSizeHint() const override { return { 240, 120 }; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void fitAll();
    /// Shows the hull of all placed regions with a margin (the initial view).
    void zoomToRegions();

Q_SIGNALS:
    /// The address under the mouse changed (for the status bar).
    void hoveredAddressChanged(quint64 address, const QString& description);
    void viewChanged();
    /// The user clicked a chunk (or empty space: kNoChunk).
    void chunkClicked(quint32 id);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRectF plotRect() const;
    double trackHeight() const;
    QString describe(QPointF pos) const;
    void updateAxisWidth();
    void refreshFromDocument(bool resetView);

    MapContent m_content;
    AddressAxis m_axis;
    bool m_dragging = false;
    bool m_dragMoved = false;
    QPointF m_lastDragPos;
    QPointF m_pressPos;
    Document* m_doc = nullptr;
    quint32 m_selected = 0xFFFFFFFF;
};

} // namespace cmascope::views
