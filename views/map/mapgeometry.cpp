// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapgeometry.h"

#include <algorithm>
#include <cmath>

namespace cmascope::views {

MapGeometry::MapGeometry(const MapContent& content, const AddressAxis& axis, MapLayout layout, QSizeF size)
    : m_content(&content)
    , m_axis(&axis)
    , m_layout(layout)
    , m_size(size)
{
    // The grid has no ruler and no bank labels: it takes the whole map but for room at the bottom for the failure
    // line (MapPainter::paint).
    if (m_layout == MapLayout::Grid)
        m_grid = MapGridLayout(content, MapGridLayout::area(size));
}

QRectF MapGeometry::plotRect(QSizeF size)
{
    return QRectF(kLeftMargin, kRulerHeight, std::max(1.0, size.width() - kLeftMargin - kRightMargin),
        std::max(1.0, size.height() - kRulerHeight));
}

double MapGeometry::trackHeight() const
{
    // Tracks share the height, within limits, so a single bank fills a good part of the view.
    const auto banks = std::max<qsizetype>(1, m_content->banks.size());
    const double available = (plotRect().height() - 24.0) / double(banks) - kTrackGap;
    return std::clamp(available * 0.6, kMinTrackHeight, kMaxTrackHeight);
}

double MapGeometry::trackTop(int bankIndex) const
{
    return plotRect().top() + kTrackGap / 2 + bankIndex * (trackHeight() + kTrackGap);
}

QRectF MapGeometry::trackRect(int bankIndex) const
{
    if (bankIndex < 0 || bankIndex >= m_content->banks.size())
        return {};
    const auto& b = m_content->banks[bankIndex];
    const QRectF plot = plotRect();
    const double x0 = std::max(plot.left() + m_axis->xForAddress(b.base), plot.left() - 1.0);
    const double x1 = std::min(plot.left() + m_axis->xForAddress(b.base + b.size), plot.right() + 1.0);
    return QRectF(x0, trackTop(bankIndex), std::max(0.0, x1 - x0), trackHeight());
}

std::uint64_t MapGeometry::addressAt(double x) const
{
    return m_axis->addressForX(x - plotRect().left());
}

std::optional<std::uint64_t> MapGeometry::addressAtPos(QPointF pos) const
{
    if (m_layout == MapLayout::Linear)
        return addressAt(pos.x());
    return m_grid.addressAt(pos);
}

int MapGeometry::regionAt(QPointF pos) const
{
    if (m_layout == MapLayout::Grid)
        return m_grid.regionAt(pos);
    const std::uint64_t a = addressAt(pos.x());
    for (int i = 0; i < m_content->regions.size(); ++i) {
        const auto& r = m_content->regions[i];
        if (r.bank < 0)
            continue;
        const QRectF track = trackRect(r.bank);
        if (pos.y() < track.top() || pos.y() > track.bottom())
            continue;
        if (a >= r.base && a - r.base < r.size)
            return i;
    }
    return -1;
}

int MapGeometry::chunkAt(QPointF pos) const
{
    if (m_layout == MapLayout::Grid)
        return m_grid.chunkAt(pos); // a cell of several pages: its first chunk
    const int region = regionAt(pos);
    if (region < 0)
        return -1;
    const auto address = addressAtPos(pos);
    if (!address)
        return -1;
    const std::uint64_t a = *address;
    // Half a pixel of slack so that chunks narrower than a pixel can still be hovered (linear layout).
    const auto slack = m_layout == MapLayout::Linear ? static_cast<std::uint64_t>(m_axis->bytesPerPixel() / 2) : 0;
    const auto& r = m_content->regions[region];
    const auto begin = m_content->chunks.begin() + r.firstChunk;
    const auto end = begin + r.chunkCount;
    // Chunks of a region are sorted by address: the candidate is the last one starting at or before a.
    auto it = std::upper_bound(begin, end, a + slack, [](std::uint64_t v, const MapChunk& c) { return v < c.base; });
    if (it == begin)
        return -1;
    --it;
    if (a < it->base + it->size + slack)
        return int(it - m_content->chunks.begin());
    return -1;
}

int MapGeometry::bankLabelAt(QPointF pos) const
{
    if (m_layout != MapLayout::Linear || pos.x() < 0 || pos.x() >= plotRect().left())
        return -1;
    for (int i = 0; i < m_content->banks.size(); ++i) {
        const QRectF track = trackRect(i);
        if (pos.y() >= track.top() && pos.y() <= track.bottom())
            return i;
    }
    return -1;
}

} // namespace cmascope::views
