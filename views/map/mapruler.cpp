// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapruler.h"

#include "common/textformat.h"
#include "map/mapstyle.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

namespace {
constexpr double kRulerHeight = MapGeometry::kRulerHeight;
} // namespace

MapRuler::MapRuler(const MapGeometry& geometry, const MapStyle& style, const QFont& small)
    : m_geometry(geometry)
    , m_style(style)
    , m_small(small)
{ }

std::uint64_t MapRuler::tickStep(double bytesPerPixel)
{
    std::uint64_t step = 1;
    while (double(step) < bytesPerPixel * kLabelSpacing && step < (std::uint64_t(1) << 62))
        step <<= 1;
    return step;
}

void MapRuler::paint(QPainter& p) const
{
    p.save();
    p.setFont(m_small);
    if (m_geometry.axis().mode() == AxisMode::PerArea) {
        const QRectF plot = m_geometry.plotRect();
        p.setPen(m_style.mutedText);
        p.drawText(QRectF(plot.left(), 2, plot.width(), kRulerHeight - 6), Qt::AlignLeft | Qt::AlignVCenter,
            QCoreApplication::translate(
                "MapRuler", "Per-area axis: every area fills the width, with its own addresses above it."));
        for (int t = 0; t < m_geometry.tracks().size(); ++t)
            paintTrackRuler(p, t);
    } else {
        paintSharedRuler(p);
    }
    p.restore();
}

// Ticks at multiples of a power of two in every drawn (not collapsed) part of the shared axis, labels no
// closer than kLabelSpacing; each break's skipped size where the break is.
void MapRuler::paintSharedRuler(QPainter& p) const
{
    const QRectF plot = m_geometry.plotRect();
    const MapAxis& axis = m_geometry.axis();
    const AxisFold& fold = axis.sharedFold();
    p.setPen(m_style.grid);
    p.drawLine(QPointF(plot.left(), kRulerHeight - 4), QPointF(plot.right(), kRulerHeight - 4));
    const double lineHeight = p.fontMetrics().height();
    const auto [viewBegin, viewEnd] = axis.visibleRange();
    const std::uint64_t pageSize = std::max<std::uint64_t>(1, m_geometry.content().pageSize);
    // The breaks' labels first: tick labels that would overlap one are left out.
    std::vector<QRectF> breakBoxes;
    for (const FoldSegment& s : fold.breaks())
        if (s.physEnd > viewBegin && s.physBegin <= viewEnd)
            if (const QRectF box = paintBreakLabel(p, s, breakBoxes.empty() ? QRectF() : breakBoxes.back());
                !box.isEmpty())
                breakBoxes.push_back(box);
    double lastLabel = -1e9;
    for (const FoldSegment& s : fold.segments()) {
        if (s.physEnd <= viewBegin || s.physBegin > viewEnd || s.collapsed)
            continue;
        const std::uint64_t step = tickStep(axis.bytesPerPixel(-1, s.physBegin));
        const std::uint64_t from = std::max(s.physBegin, viewBegin);
        const std::uint64_t first = from % step ? from + (step - from % step) : from;
        for (std::uint64_t a = first; a < std::min(s.physEnd, viewEnd + 1) && a >= first; a += step) {
            const double x = m_geometry.xForAddress(a);
            p.setPen(m_style.grid);
            p.drawLine(QPointF(x, kRulerHeight - 8), QPointF(x, m_geometry.size().height()));
            if (x - lastLabel < kLabelSpacing * 0.8 || x < plot.left() - 1 || x > plot.right() + 1)
                continue;
            // Centred on the tick, but kept inside the plot: the first and last label are never cut.
            const double labelWidth =
                std::max(p.fontMetrics().horizontalAdvance(hexString(a)),
                    p.fontMetrics().horizontalAdvance(QStringLiteral("pfn %1").arg(hexString(a / pageSize))))
                + 4.0;
            const double left = std::clamp(x - labelWidth / 2, plot.left(), plot.right() - labelWidth);
            const QRectF box(left, 1, labelWidth, 2 * lineHeight);
            if (std::any_of(breakBoxes.begin(), breakBoxes.end(), [&](const QRectF& b) { return b.intersects(box); }))
                continue;
            lastLabel = x;
            p.setPen(m_style.text);
            p.drawText(QRectF(left, 1, labelWidth, lineHeight), Qt::AlignHCenter | Qt::AlignTop, hexString(a));
            p.setPen(m_style.mutedText);
            p.drawText(QRectF(left, 1 + lineHeight, labelWidth, lineHeight), Qt::AlignHCenter | Qt::AlignTop,
                QStringLiteral("pfn %1").arg(hexString(a / pageSize)));
        }
    }
}

QRectF MapRuler::paintBreakLabel(QPainter& p, const FoldSegment& gap, const QRectF& previous) const
{
    const QRectF plot = m_geometry.plotRect();
    const double x0 = m_geometry.xForAddress(gap.physBegin);
    const double x1 = m_geometry.xForAddress(gap.physEnd);
    // The break on the ruler's line: a short zigzag at each edge.
    p.setPen(QPen(m_style.trackBorder, 1.2));
    for (const double x : { x0, x1 })
        p.drawPolyline(QPolygonF({ QPointF(x - 3, kRulerHeight - 10), QPointF(x + 3, kRulerHeight - 6),
            QPointF(x - 3, kRulerHeight - 2), QPointF(x + 3, kRulerHeight + 2) }));
    // "1 GiB skipped", or just the size where breaks crowd, or nothing (the break's tooltip still says it).
    const QString size = approxSizeString(double(gap.physEnd - gap.physBegin));
    for (const QString& text : { QStringLiteral("%1 skipped").arg(size), size }) {
        const double w = std::max(x1 - x0, p.fontMetrics().horizontalAdvance(text) + 8.0);
        const double left = std::clamp((x0 + x1 - w) / 2, plot.left(), std::max(plot.left(), plot.right() - w));
        const QRectF box(left, 2, w, kRulerHeight - 8);
        if (!previous.isEmpty() && box.left() < previous.right())
            continue;
        p.setPen(m_style.mutedText);
        p.drawText(box, Qt::AlignCenter, text);
        return box;
    }
    return {};
}

// Per area: the track's addresses in the band above it, ticks at multiples of a power of two; the first and
// last address of the area at its two ends when they are in view.
void MapRuler::paintTrackRuler(QPainter& p, int track) const
{
    const MapTrack& t = m_geometry.tracks()[track];
    if (t.region < 0)
        return;
    const QRectF plot = m_geometry.plotRect();
    const MapAxis& axis = m_geometry.axis();
    const auto& r = m_geometry.content().regions[t.region];
    const double top = m_geometry.trackTop(track) - MapGeometry::kTrackRuler - 1;
    const double bottom = top + MapGeometry::kTrackRuler;
    const auto [viewBegin, viewEnd] = axis.visibleRange(t.region);
    const std::uint64_t step = tickStep(axis.bytesPerPixel(t.region, r.base));
    const std::uint64_t first = viewBegin % step ? viewBegin + (step - viewBegin % step) : viewBegin;
    for (std::uint64_t a = first; a <= viewEnd && a >= first; a += step) {
        const double x = m_geometry.xFor(t.region, a);
        if (x < plot.left() - 1 || x > plot.right() + 1)
            continue;
        p.setPen(m_style.grid);
        p.drawLine(QPointF(x, bottom - 3), QPointF(x, bottom + 2 + m_geometry.trackHeight()));
        p.setPen(m_style.mutedText);
        const double left = std::clamp(x - 70, plot.left(), plot.right() - 140);
        const Qt::Alignment align = x - 70 < plot.left() ? Qt::AlignLeft
            : x + 70 > plot.right()                      ? Qt::AlignRight
                                                         : Qt::AlignHCenter;
        p.drawText(QRectF(left, top, 140, MapGeometry::kTrackRuler), align | Qt::AlignVCenter, hexString(a));
    }
}

// A break: where a track runs through a collapsed range, that stretch is hatched with a zigzag on both
// edges, so a bank holding no region stays visible as a short hatched stub (a track that does not reach the
// break, like another bank's, is left alone).
void MapRuler::paintBreaks(QPainter& p) const
{
    if (m_geometry.axis().mode() != AxisMode::Compact)
        return;
    const QRectF plot = m_geometry.plotRect();
    p.setPen(QPen(m_style.trackBorder, 1.2));
    p.setBrush(Qt::NoBrush);
    for (const FoldSegment& gap : m_geometry.axis().sharedFold().breaks()) {
        const double x0 = m_geometry.xForAddress(gap.physBegin);
        const double x1 = m_geometry.xForAddress(gap.physEnd);
        if (x1 < plot.left() || x0 > plot.right())
            continue;
        for (int t = 0; t < m_geometry.tracks().size(); ++t) {
            const QRectF track = m_geometry.trackRect(t);
            const double left = std::max(x0, track.left()), right = std::min(x1, track.right());
            if (right - left < 1)
                continue;
            const double top = track.top() - 3;
            const double height = track.height() + 6;
            const QRectF stretch(left + 2, track.top(), std::max(0.0, right - left - 4), track.height());
            p.fillRect(stretch, m_style.background);
            p.fillRect(stretch, QBrush(m_style.trackBorder, Qt::BDiagPattern));
            for (const double x : { left + 2, right - 2 }) {
                QPainterPath zigzag(QPointF(x, top));
                for (int i = 0; top + i * 6 < top + height; ++i)
                    zigzag.lineTo(QPointF(x + (i % 2 ? -2.5 : 2.5), top + (i + 1) * 6));
                p.drawPath(zigzag);
            }
        }
    }
}

} // namespace cmascope::views
