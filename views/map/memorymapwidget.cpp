// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/memorymapwidget.h"

#include "common/document.h"
#include "common/textformat.h"
#include "map/mapbusy.h"
#include "map/mapstyle.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
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

MemoryMapWidget::MemoryMapWidget(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Memory map"));
}

MemoryMapWidget::~MemoryMapWidget() = default;

void MemoryMapWidget::setDocument(Document* document)
{
    m_doc = document;
    // An edit keeps the zoom and pan (within the new extent); a new project is shown whole.
    connect(m_doc, &Document::projectChanged, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::projectReplaced, this, [this] { refreshFromDocument(true); });
    // While a run is going the old simulation is gone: show the platform only.
    connect(m_doc, &Document::runStarted, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::runFinished, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::positionChanged, this, [this] { refreshFromDocument(false); });
    connect(m_doc, &Document::selectionChanged, this, &MemoryMapWidget::setSelectedChunk);
    connect(this, &MemoryMapWidget::chunkClicked, m_doc, &Document::setSelectedChunk);
    refreshFromDocument(true);
}

void MemoryMapWidget::refreshFromDocument(bool resetView)
{
    MapContent content = m_doc->simulation() ? MapContent::fromSimulation(*m_doc->simulation(), m_doc->state())
                                             : MapContent::fromPlatform(m_doc->placedPlatform());
    // A kernel trace: the windows its request at this step found busy (docs/map-traces.md).
    if (const auto step = m_doc->currentStep(); step && m_doc->simulation() && m_doc->replay())
        addBusyWindows(content, *m_doc->replay(), *step);
    if (resetView) {
        setContent(std::move(content));
        zoomToRegions();
        return;
    }
    // Same project: keep the zoom and pan, within the extent of what is shown now (an edit may add or move banks).
    m_content = std::move(content);
    const std::uint64_t lo = m_content.lowestAddress();
    const std::uint64_t hi = std::max(m_content.highestAddress(), lo + 1);
    if (lo != m_axis.boundsBegin() || hi != m_axis.boundsEnd()) {
        const std::uint64_t begin = m_axis.viewBegin(), end = m_axis.viewEnd();
        m_axis.setBounds(lo, hi);
        updateAxisWidth();
        m_axis.setView(begin, end);
        Q_EMIT viewChanged();
    }
    update();
    Q_EMIT contentChanged();
}

void MemoryMapWidget::setContent(MapContent content)
{
    m_content = std::move(content);
    m_axis.setBounds(m_content.lowestAddress(), std::max(m_content.highestAddress(), m_content.lowestAddress() + 1));
    updateAxisWidth();
    update();
    Q_EMIT viewChanged();
    Q_EMIT contentChanged();
}

bool MemoryMapWidget::exportImage(const QString& path, QSize size)
{
    if (size.isEmpty())
        size = this->size();
    // The view as it is, at the export's width.
    AddressAxis axis = m_axis;
    axis.setPixelWidth(MapGeometry::plotRect(size).width());
    const MapGeometry geometry(m_content, axis, m_layout, size);
    const MapStyle style(palette());
    return painterFor(geometry, style).writeFile(path);
}

void MemoryMapWidget::setLayoutMode(Layout layout)
{
    if (layout == m_layout)
        return;
    m_layout = layout;
    update();
}

void MemoryMapWidget::setColourBy(ColourBy by)
{
    if (by == m_colourBy)
        return;
    m_colourBy = by;
    update();
    Q_EMIT contentChanged();
}

QVector<QPair<QString, QColor>> MemoryMapWidget::legend() const
{
    const MapStyle style(palette());
    const auto& names = m_colourBy == ColourBy::Device ? m_content.owners : m_content.kinds;
    QVector<QPair<QString, QColor>> out;
    for (int i = 0; i < names.size(); ++i)
        out.push_back({ names[i].isEmpty() ? tr("(no kind)") : names[i], style.ownerColor(i) });
    return out;
}

void MemoryMapWidget::setSelectedChunk(quint32 id)
{
    if (id == m_selected)
        return;
    m_selected = id;
    update();
}

void MemoryMapWidget::updateAxisWidth()
{
    m_axis.setPixelWidth(MapGeometry::plotRect(size()).width());
}

QRectF MemoryMapWidget::trackRect(int bankIndex) const
{
    return mapGeometry().trackRect(bankIndex);
}

QRectF MemoryMapWidget::gridRect(int regionIndex) const
{
    return mapGeometry().gridRect(regionIndex);
}

std::uint64_t MemoryMapWidget::addressAt(double x) const
{
    return mapGeometry().addressAt(x);
}

std::optional<std::uint64_t> MemoryMapWidget::addressAtPos(QPointF pos) const
{
    return mapGeometry().addressAtPos(pos);
}

int MemoryMapWidget::regionAt(QPointF pos) const
{
    return mapGeometry().regionAt(pos);
}

int MemoryMapWidget::chunkAt(QPointF pos) const
{
    return mapGeometry().chunkAt(pos);
}

void MemoryMapWidget::zoomIn()
{
    m_axis.zoom(2.0, m_axis.pixelWidth() / 2);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomOut()
{
    m_axis.zoom(0.5, m_axis.pixelWidth() / 2);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::fitAll()
{
    m_axis.fitAll();
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomToRegions()
{
    if (const auto view = m_content.regionsView())
        m_axis.setView(view->first, view->second);
    else
        m_axis.fitAll();
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomToBank(int bankIndex)
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size() || m_layout != Layout::Linear)
        return;
    const auto& b = m_content.banks[bankIndex];
    m_axis.setView(b.base, b.base + b.size);
    update();
    Q_EMIT viewChanged();
}

QString MemoryMapWidget::bankLabelText(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size())
        return {};
    return MapPainter::bankLabelText(m_content.banks[bankIndex].name, font());
}

QString MemoryMapWidget::emptyMessage() const
{
    return MapPainter::emptyMessage(m_content);
}

QString MemoryMapWidget::bankToolTip(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size())
        return {};
    const auto& b = m_content.banks[bankIndex];
    return tr("%1: %2–%3, %4. Double-click to show this bank whole.")
        .arg(b.name, hexString(b.base), hexString(b.base + b.size), sizeString(b.size));
}

int MemoryMapWidget::bankLabelAt(QPointF pos) const
{
    return mapGeometry().bankLabelAt(pos);
}

void MemoryMapWidget::setView(quint64 begin, quint64 end)
{
    m_axis.setView(begin, end);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::zoomToRegion(int regionIndex)
{
    if (regionIndex < 0 || regionIndex >= m_content.regions.size())
        return;
    const auto& r = m_content.regions[regionIndex];
    const std::uint64_t margin = r.size / 50;
    m_axis.setView(r.base > margin ? r.base - margin : 0, r.base + r.size + margin);
    update();
    Q_EMIT viewChanged();
}

void MemoryMapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateAxisWidth();
}

MapPainter MemoryMapWidget::painterFor(const MapGeometry& geometry, const MapStyle& style) const
{
    MapPainter painter(m_content, geometry, style, font());
    painter.setColourBy(m_colourBy);
    painter.setSelectedChunk(m_selected);
    painter.setDevicePixelRatio(devicePixelRatioF());
    return painter;
}

void MemoryMapWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const MapStyle style(palette());
    const MapGeometry geometry = mapGeometry();
    painterFor(geometry, style).paint(p);
}

QString MemoryMapWidget::describe(QPointF pos) const
{
    const auto address = addressAtPos(pos);
    if (!address)
        return {};
    const std::uint64_t a = *address;
    QString text =
        QStringLiteral("%1 (pfn %2)").arg(hexString(a), hexString(a / std::max<std::uint64_t>(1, m_content.pageSize)));
    const int ri = regionAt(pos);
    if (ri >= 0) {
        const auto& r = m_content.regions[ri];
        text += QStringLiteral(" — %1 [%2–%3) %4%5")
                    .arg(r.name, hexString(r.base), hexString(r.base + r.size), sizeString(r.size),
                        r.carveout ? tr(", carve-out") : QStringLiteral(", policy %1").arg(r.policy));
        if (m_layout == Layout::Grid)
            text += gridCellText(pos);
        const int ci = chunkAt(pos);
        if (ci >= 0) {
            const auto& c = m_content.chunks[ci];
            const QString who = m_content.describeChunk ? m_content.describeChunk(c.id) : QString();
            text += QStringLiteral("\n%1: [%2–%3) %4, pfn %5–%6")
                        .arg(who.isEmpty() ? tr("chunk") : who, hexString(c.base), hexString(c.base + c.size),
                            sizeString(c.size), hexString(c.base / r.pageSize),
                            hexString((c.base + c.size) / r.pageSize - 1));
            if (const QString held = m_content.heldText(ci); !held.isEmpty())
                text += QLatin1Char('\n') + held;
        }
        if (const QString busy = busyWindowText(m_content, ri, a); !busy.isEmpty())
            text += QLatin1Char('\n') + busy;
        if (!m_hint.isEmpty())
            text += QLatin1Char('\n') + m_hint;
    }
    return text;
}

QString MemoryMapWidget::gridCellText(QPointF pos) const
{
    // A cell of several pages (docs/map-grid.md): its page range and how much of it is in use.
    const MapGeometry geometry = mapGeometry();
    const auto cell = geometry.gridLayout().cellAt(pos);
    if (!cell || geometry.grids()[cell->region].pagesPerCell <= 1)
        return {};
    const auto& r = m_content.regions[cell->region];
    const MapGridCellUse use = geometry.gridLayout().use(*cell);
    QString text = tr("\ncell of %1 pages, pfn %2–%3, %4 in use")
                       .arg(cell->pages)
                       .arg(hexString(cell->base / r.pageSize), hexString((cell->base + cell->size) / r.pageSize - 1))
                       .arg(use.used);
    if (use.held > 0)
        text += tr(" (%1 held beyond the request)").arg(use.held);
    if (use.pinned > 0)
        text += tr(", %1 pinned").arg(use.pinned);
    return text;
}

bool MemoryMapWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        if (const int bank = bankLabelAt(he->pos()); bank >= 0) {
            QToolTip::showText(he->globalPos(), bankToolTip(bank), this);
        } else if (regionAt(he->pos()) >= 0) {
            QToolTip::showText(he->globalPos(), describe(he->pos()), this);
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
    m_axis.zoom(std::pow(1.25, steps), event->position().x() - MapGeometry::plotRect(size()).left());
    update();
    Q_EMIT viewChanged();
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
        m_axis.panPixels(-dx);
        update();
        Q_EMIT viewChanged();
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
        if (!m_dragMoved) {
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
    const std::uint64_t a0 = addressAt(x0);
    const std::uint64_t a1 = addressAt(x1);
    if (m_drawingRegion) {
        // With the sandbox on, a drag that starts inside a region picks a range of it (docs/sandbox.md).
        if (const int ri = regionAt(m_pressPos); m_regionDragEnabled && ri >= 0) {
            const auto& r = m_content.regions[ri];
            const std::uint64_t lo = std::max<std::uint64_t>(a0, r.base);
            const std::uint64_t hi = std::min<std::uint64_t>(a1, r.base + r.size);
            if (hi > lo)
                Q_EMIT regionRangeDragged(ri, lo, hi);
            return;
        }
        // Only inside the bank under the press: clamp the range to it.
        for (int bi = 0; bi < m_content.banks.size(); ++bi) {
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
    m_axis.setView(a0, a1);
    update();
    Q_EMIT viewChanged();
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
    if (const int bank = bankLabelAt(event->position()); bank >= 0) {
        zoomToBank(bank);
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
        m_axis.panPixels(-m_axis.pixelWidth() / 8);
        update();
        Q_EMIT viewChanged();
        break;
    case Qt::Key_Right:
        m_axis.panPixels(m_axis.pixelWidth() / 8);
        update();
        Q_EMIT viewChanged();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace cmascope::views
