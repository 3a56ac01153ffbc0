// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's input: tooltips, the wheel, drags (pan, rubber-band zoom, Ctrl+drag to draw or pick a range),
// clicks, double-clicks and keys. The widget itself is in memorymapwidget.cpp.
#include "common/textformat.h"
#include "map/memorymapwidget.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QRubberBand>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

namespace {
constexpr double kRulerHeight = MapGeometry::kRulerHeight;
constexpr quint32 kNone = 0xFFFFFFFF;
} // namespace

bool MemoryMapWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        if (const int track = labelAt(he->pos()); track >= 0) {
            QToolTip::showText(he->globalPos(), labelToolTip(track), this);
        } else if (regionAt(he->pos()) >= 0) {
            QToolTip::showText(he->globalPos(), describe(he->pos()), this);
        } else if (const auto gap = mapGeometry().breakAt(he->pos())) {
            QToolTip::showText(he->globalPos(), breakToolTip(*gap), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(e);
}

void MemoryMapWidget::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0 || m_layout != Layout::Linear)
        return;
    m_axis.view().zoom(std::pow(1.25, steps), event->position().x() - m_leftMargin);
    viewUpdated();
    event->accept();
}

void MemoryMapWidget::mousePressEvent(QMouseEvent* event)
{
    m_pressPos = event->position();
    m_lastDragPos = event->position();
    m_dragMoved = false;
    // Shift+drag or a right-button drag draws a rubber band to zoom to; Ctrl+drag draws a new region on a
    // bank; a left drag pans.
    const bool ctrl = event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier);
    if (m_layout == Layout::Linear
        && (ctrl || event->button() == Qt::RightButton
            || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)))) {
        m_rubberBanding = true;
        m_drawingRegion = ctrl;
        if (!m_rubberBand)
            m_rubberBand = new QRubberBand(QRubberBand::Rectangle, this);
        m_rubberBand->setGeometry(QRect(event->position().toPoint(), QSize(1, height())));
        m_rubberBand->show();
        return;
    }
    if (event->button() == Qt::LeftButton)
        m_dragging = true;
}

void MemoryMapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (m_rubberBanding) {
        const double x0 = std::min(m_pressPos.x(), event->position().x());
        const double x1 = std::max(m_pressPos.x(), event->position().x());
        m_rubberBand->setGeometry(
            QRect(int(x0), int(kRulerHeight), std::max(1, int(x1 - x0)), int(height() - kRulerHeight)));
        return;
    }
    if (m_dragging && !m_dragMoved && (event->position() - m_pressPos).manhattanLength() >= 4) {
        m_dragMoved = true;
        setCursor(Qt::ClosedHandCursor);
    }
    if (m_dragging && m_dragMoved && m_layout == Layout::Linear) {
        const double dx = event->position().x() - m_lastDragPos.x();
        m_lastDragPos = event->position();
        m_axis.view().panPixels(-dx);
        viewUpdated();
    }
    const auto address = addressAtPos(event->position());
    Q_EMIT hoveredAddressChanged(address.value_or(0), describe(event->position()));
}

void MemoryMapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_rubberBanding) {
        m_rubberBanding = false;
        m_rubberBand->hide();
        if (event->button() == Qt::RightButton && std::abs(event->position().x() - m_pressPos.x()) < 4) {
            // A right click, not a drag: the context menu.
            QMenu* menu = createContextMenu(event->position());
            if (!menu->isEmpty())
                menu->exec(event->globalPosition().toPoint());
            delete menu;
            return;
        }
        finishRubberBand(event->position());
        return;
    }
    if (event->button() == Qt::LeftButton && m_dragging) {
        m_dragging = false;
        unsetCursor();
        if (!m_dragMoved && m_pickMode) {
            // Pick mode: the click names an address in a region; the selection stays.
            const int ri = regionAt(event->position());
            if (const auto address = addressAtPos(event->position()); ri >= 0 && address)
                Q_EMIT addressPicked(ri, *address);
        } else if (!m_dragMoved) {
            // A click, not a drag: select the chunk under the cursor (or clear the selection).
            const int ci = chunkAt(event->position());
            const quint32 id = ci >= 0 ? m_content.chunks[ci].id : kNone;
            setSelectedChunk(id);
            Q_EMIT chunkClicked(id);
        }
    }
}

void MemoryMapWidget::finishRubberBand(QPointF pos)
{
    const double x0 = std::min(m_pressPos.x(), pos.x());
    const double x1 = std::max(m_pressPos.x(), pos.x());
    if (x1 - x0 < 4)
        return;
    const double left = m_leftMargin;
    if (m_drawingRegion) {
        // With the sandbox on, a drag that starts inside a region picks a range of it (docs/sandbox.md).
        if (const int ri = regionAt(m_pressPos); m_regionDragEnabled && ri >= 0) {
            const auto& r = m_content.regions[ri];
            const std::uint64_t a0 = m_axis.addressAt(ri, x0 - left);
            const std::uint64_t a1 = m_axis.addressAt(ri, x1 - left);
            const std::uint64_t lo = std::max<std::uint64_t>(a0, r.base);
            const std::uint64_t hi = std::min<std::uint64_t>(a1, r.base + r.size);
            if (hi > lo)
                Q_EMIT regionRangeDragged(ri, lo, hi);
            return;
        }
        // Only inside the bank under the press (per area there are no bank tracks): clamp the range to it.
        const std::uint64_t a0 = addressAt(x0);
        const std::uint64_t a1 = addressAt(x1);
        for (int bi = 0; bi < m_content.banks.size() && m_axis.mode() != AxisMode::PerArea; ++bi) {
            const QRectF track = trackRect(bi);
            if (m_pressPos.y() < track.top() || m_pressPos.y() > track.bottom())
                continue;
            const auto& b = m_content.banks[bi];
            const std::uint64_t lo = std::max<std::uint64_t>(a0, b.base);
            const std::uint64_t hi = std::min<std::uint64_t>(a1, b.base + b.size);
            if (hi > lo)
                Q_EMIT regionDrawn(lo, hi - lo);
        }
        return;
    }
    // Zoom to the band, in the axis' own coordinate (the same share of every area per area).
    m_axis.view().setView(m_axis.view().addressForX(x0 - left), m_axis.view().addressForX(x1 - left));
    viewUpdated();
}

QMenu* MemoryMapWidget::createContextMenu(QPointF pos)
{
    auto* menu = new QMenu(this);
    const int ci = chunkAt(pos);
    Q_EMIT contextMenuRequested(
        menu, ci >= 0 ? m_content.chunks[ci].id : kNone, regionAt(pos), addressAtPos(pos).value_or(0));
    return menu;
}

void MemoryMapWidget::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (const int track = labelAt(event->position()); track >= 0) {
        const MapTrack t = mapGeometry().tracks()[track];
        if (t.region >= 0)
            zoomToRegion(t.region);
        else
            zoomToBank(t.bank);
        return;
    }
    const int ri = regionAt(event->position());
    if (ri >= 0 && m_layout == Layout::Linear)
        zoomToRegion(ri);
}

void MemoryMapWidget::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_0:
        fitAll();
        break;
    case Qt::Key_Left:
        m_axis.view().panPixels(-m_axis.pixelWidth() / 8);
        viewUpdated();
        break;
    case Qt::Key_Right:
        m_axis.view().panPixels(m_axis.pixelWidth() / 8);
        viewUpdated();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace cmascope::views
