// SPDX-License-Identifier: GPL-2.0-or-later
#include "memorymapwidget.h"

#include "document.h"
#include "mapstyle.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

namespace {
constexpr double kLeftMargin = 120.0; // bank names
constexpr double kRightMargin = 12.0;
constexpr double kRulerHeight = 34.0;
constexpr double kMinTrackHeight = 48.0;
constexpr double kMaxTrackHeight = 120.0;
constexpr double kTrackGap = 18.0;
} // namespace

MemoryMapWidget::MemoryMapWidget(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Memory map"));
}

void MemoryMapWidget::setDocument(Document* document)
{
    m_doc = document;
    connect(m_doc, &Document::projectChanged, this, [this] { refreshFromDocument(true); });
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
    if (resetView) {
        setContent(std::move(content));
        zoomToRegions();
        return;
    }
    // Same platform: keep the zoom and pan.
    m_content = std::move(content);
    update();
}

void MemoryMapWidget::setSelectedChunk(quint32 id)
{
    if (id == m_selected)
        return;
    m_selected = id;
    update();
}

void MemoryMapWidget::setContent(MapContent content)
{
    m_content = std::move(content);
    m_axis.setBounds(m_content.lowestAddress(), std::max(m_content.highestAddress(), m_content.lowestAddress() + 1));
    updateAxisWidth();
    update();
    Q_EMIT viewChanged();
}

QRectF MemoryMapWidget::plotRect() const
{
    return QRectF(kLeftMargin, kRulerHeight, std::max(1.0, width() - kLeftMargin - kRightMargin),
        std::max(1.0, height() - kRulerHeight));
}

void MemoryMapWidget::updateAxisWidth()
{
    m_axis.setPixelWidth(plotRect().width());
}

double MemoryMapWidget::trackHeight() const
{
    // Tracks share the height, within limits, so a single bank fills a good part of the view.
    const auto banks = std::max<qsizetype>(1, m_content.banks.size());
    const double available = (plotRect().height() - 24.0) / double(banks) - kTrackGap;
    return std::clamp(available * 0.6, kMinTrackHeight, kMaxTrackHeight);
}

void MemoryMapWidget::zoomToRegions()
{
    std::uint64_t lo = UINT64_MAX, hi = 0;
    for (const auto& r : m_content.regions) {
        lo = std::min(lo, r.base);
        hi = std::max(hi, r.base + r.size);
    }
    if (lo >= hi) {
        fitAll();
        return;
    }
    const std::uint64_t margin = (hi - lo) / 20;
    m_axis.setView(lo > margin ? lo - margin : 0, hi + margin);
    update();
    Q_EMIT viewChanged();
}

QRectF MemoryMapWidget::trackRect(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content.banks.size())
        return {};
    const auto& b = m_content.banks[bankIndex];
    const QRectF plot = plotRect();
    const double x0 = std::max(plot.left() + m_axis.xForAddress(b.base), plot.left() - 1.0);
    const double x1 = std::min(plot.left() + m_axis.xForAddress(b.base + b.size), plot.right() + 1.0);
    const double th = trackHeight();
    const double y = plot.top() + kTrackGap / 2 + bankIndex * (th + kTrackGap);
    return QRectF(x0, y, std::max(0.0, x1 - x0), th);
}

std::uint64_t MemoryMapWidget::addressAt(double x) const
{
    return m_axis.addressForX(x - plotRect().left());
}

int MemoryMapWidget::regionAt(QPointF pos) const
{
    const std::uint64_t a = addressAt(pos.x());
    for (int i = 0; i < m_content.regions.size(); ++i) {
        const auto& r = m_content.regions[i];
        if (r.bank < 0
            || !trackRect(r.bank).adjusted(0, -1, 0, 1).contains(QPointF(trackRect(r.bank).center().x(), pos.y())))
            continue;
        if (a >= r.base && a - r.base < r.size)
            return i;
    }
    return -1;
}

int MemoryMapWidget::chunkAt(QPointF pos) const
{
    const int region = regionAt(pos);
    if (region < 0)
        return -1;
    const std::uint64_t a = addressAt(pos.x());
    // Tolerance of half a pixel so that chunks narrower than a pixel can still be hovered.
    const auto slack = static_cast<std::uint64_t>(m_axis.bytesPerPixel() / 2);
    for (int i = 0; i < m_content.chunks.size(); ++i) {
        const auto& c = m_content.chunks[i];
        if (c.region == region && a + slack >= c.base && a < c.base + c.size + slack)
            return i;
    }
    return -1;
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

void MemoryMapWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    updateAxisWidth();
}

void MemoryMapWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const MapStyle style(palette());
    p.fillRect(rect(), style.background);
    const QRectF plot = plotRect();

    // Address ruler: ticks at a "nice" power-of-two step.
    p.setPen(style.text);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    const double bpp = m_axis.bytesPerPixel();
    std::uint64_t step = 1;
    while (step < bpp * 110 && step < (std::uint64_t(1) << 62))
        step <<= 1;
    const std::uint64_t first = (m_axis.viewBegin() + step - 1) / step * step;
    p.setPen(style.grid);
    p.drawLine(QPointF(plot.left(), kRulerHeight - 6), QPointF(plot.right(), kRulerHeight - 6));
    for (std::uint64_t a = first; a < m_axis.viewEnd() && a >= first; a += step) {
        const double x = plot.left() + m_axis.xForAddress(a);
        p.setPen(style.grid);
        p.drawLine(QPointF(x, kRulerHeight - 10), QPointF(x, height()));
        p.setPen(style.text);
        p.drawText(QRectF(x - 60, 2, 120, kRulerHeight - 12), Qt::AlignHCenter | Qt::AlignBottom,
            QStringLiteral("0x%1").arg(a, 0, 16));
    }

    p.setClipRect(QRectF(plot.left(), 0, plot.width(), height()));
    for (int bi = 0; bi < m_content.banks.size(); ++bi) {
        const QRectF track = trackRect(bi);
        if (track.width() <= 0)
            continue;
        p.fillRect(track, style.freeMemory);
        p.setPen(style.trackBorder);
        p.drawRect(track.adjusted(0.5, 0.5, -0.5, -0.5));
    }
    for (int ri = 0; ri < m_content.regions.size(); ++ri) {
        const auto& r = m_content.regions[ri];
        if (r.bank < 0)
            continue;
        const QRectF track = trackRect(r.bank);
        const double x0 = plot.left() + m_axis.xForAddress(r.base);
        const double x1 = plot.left() + m_axis.xForAddress(r.base + r.size);
        QRectF rr(x0, track.top() + 4, std::max(1.0, x1 - x0), track.height() - 8);
        rr = rr.intersected(QRectF(plot.left() - 2, rr.top(), plot.width() + 4, rr.height()));
        if (rr.isEmpty())
            continue;
        if (r.carveout) {
            p.fillRect(rr, QBrush(style.carveout, Qt::BDiagPattern));
        } else {
            p.fillRect(rr, style.regionFill);
        }
        p.setPen(QPen(style.regionBorder, 1.5));
        p.drawRect(rr);
        if (rr.width() > 30) {
            p.setPen(style.text);
            p.drawText(rr.adjusted(4, 2, -4, -2), Qt::AlignLeft | Qt::AlignTop,
                p.fontMetrics().elidedText(r.name, Qt::ElideRight, int(rr.width() - 8)));
        }
    }
    for (const auto& c : m_content.chunks) {
        if (c.region < 0 || c.region >= m_content.regions.size())
            continue;
        const auto& r = m_content.regions[c.region];
        if (r.bank < 0)
            continue;
        const QRectF track = trackRect(r.bank);
        const double x0 = plot.left() + m_axis.xForAddress(c.base);
        const double x1 = plot.left() + m_axis.xForAddress(c.base + c.size);
        if (x1 < plot.left() || x0 > plot.right())
            continue;
        const QRectF cr(x0, track.top() + 20, std::max(1.0, x1 - x0), track.height() - 26);
        p.fillRect(cr, style.ownerColor(c.owner));
        if (c.id == m_selected) {
            p.setPen(QPen(style.text, 2.0));
            p.drawRect(cr.adjusted(-1, -1, 1, 1));
        }
    }
    p.setClipping(false);

    // Bank labels in the left margin.
    p.setFont(font());
    for (int bi = 0; bi < m_content.banks.size(); ++bi) {
        const auto& b = m_content.banks[bi];
        const double th = trackHeight();
        const double y = plot.top() + kTrackGap / 2 + bi * (th + kTrackGap);
        p.setPen(style.text);
        p.drawText(QRectF(6, y, kLeftMargin - 12, th / 2), Qt::AlignLeft | Qt::AlignBottom, b.name);
        p.setFont(small);
        p.setPen(style.mutedText);
        p.drawText(QRectF(6, y + th / 2, kLeftMargin - 12, th / 2), Qt::AlignLeft | Qt::AlignTop,
            QStringLiteral("%1 MiB").arg(double(b.size) / (1024.0 * 1024.0), 0, 'f', b.size % (1024 * 1024) ? 1 : 0));
        p.setFont(font());
    }
    if (m_content.banks.isEmpty()) {
        p.setPen(style.mutedText);
        p.drawText(rect(), Qt::AlignCenter, tr("No memory banks defined"));
    }
}

QString MemoryMapWidget::describe(QPointF pos) const
{
    const std::uint64_t a = addressAt(pos.x());
    QString text = QStringLiteral("0x%1").arg(a, 0, 16);
    const int ri = regionAt(pos);
    if (ri >= 0) {
        const auto& r = m_content.regions[ri];
        text += QStringLiteral(" — %1 [0x%2–0x%3) %4 KiB%5")
                    .arg(r.name)
                    .arg(r.base, 0, 16)
                    .arg(r.base + r.size, 0, 16)
                    .arg(r.size / 1024)
                    .arg(r.carveout ? tr(", carve-out") : QStringLiteral(", policy %1").arg(r.policy));
        const int ci = chunkAt(pos);
        if (ci >= 0) {
            const auto& c = m_content.chunks[ci];
            const QString owner =
                c.owner >= 0 && c.owner < m_content.owners.size() ? m_content.owners[c.owner] : QString();
            text += QStringLiteral("\n%1 %2: [0x%3–0x%4) %5 KiB")
                        .arg(owner, c.label)
                        .arg(c.base, 0, 16)
                        .arg(c.base + c.size, 0, 16)
                        .arg(c.size / 1024);
        }
    }
    return text;
}

bool MemoryMapWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        if (regionAt(he->pos()) >= 0)
            QToolTip::showText(he->globalPos(), describe(he->pos()), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(e);
}

void MemoryMapWidget::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0.0)
        return;
    m_axis.zoom(std::pow(1.25, steps), event->position().x() - plotRect().left());
    update();
    Q_EMIT viewChanged();
    event->accept();
}

void MemoryMapWidget::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragMoved = false;
        m_lastDragPos = event->position();
        m_pressPos = event->position();
    }
}

void MemoryMapWidget::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragging && !m_dragMoved && (event->position() - m_pressPos).manhattanLength() >= 4) {
        m_dragMoved = true;
        setCursor(Qt::ClosedHandCursor);
    }
    if (m_dragging && m_dragMoved) {
        const double dx = event->position().x() - m_lastDragPos.x();
        m_lastDragPos = event->position();
        m_axis.panPixels(-dx);
        update();
        Q_EMIT viewChanged();
    }
    Q_EMIT hoveredAddressChanged(addressAt(event->position().x()), describe(event->position()));
}

void MemoryMapWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && m_dragging) {
        m_dragging = false;
        unsetCursor();
        if (!m_dragMoved) {
            // A click, not a drag: select the chunk under the cursor (or clear the selection).
            const int ci = chunkAt(event->position());
            const quint32 id = ci >= 0 ? m_content.chunks[ci].id : 0xFFFFFFFF;
            setSelectedChunk(id);
            Q_EMIT chunkClicked(id);
        }
    }
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
