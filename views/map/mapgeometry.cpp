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
    layoutGrids();
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

void MapGeometry::layoutGrids()
{
    if (m_layout != MapLayout::Grid || m_content->regions.isEmpty())
        return;
    // Each region gets a block of rows; a cell is one page (or, for large regions, several pages).
    const QRectF plot = plotRect().adjusted(0, 4, 0, -26); // room for the failure line at the bottom
    const int n = int(m_content->regions.size());
    const double blockHeight = plot.height() / n;
    for (int i = 0; i < n; ++i) {
        const auto& r = m_content->regions[i];
        Grid g;
        const std::uint64_t pages = std::max<std::uint64_t>(1, r.size / r.pageSize);
        const double w = plot.width();
        const double h = std::max(8.0, blockHeight - 22.0);
        // The largest cell that fits all pages; below one pixel, several pages share a cell.
        double cell = std::floor(std::sqrt(w * h / double(pages)));
        g.pagesPerCell = 1;
        if (cell < 1.0) {
            cell = 1.0;
            g.pagesPerCell = std::uint64_t(std::ceil(double(pages) / (std::floor(w) * std::floor(h))));
        }
        cell = std::min(cell, 28.0);
        const std::uint64_t cells = (pages + g.pagesPerCell - 1) / g.pagesPerCell;
        g.columns = std::max(1, int(std::floor(w / cell)));
        g.rows = int((cells + std::uint64_t(g.columns) - 1) / std::uint64_t(g.columns));
        g.cell = cell;
        g.rect = QRectF(plot.left(), plot.top() + i * blockHeight + 18.0, g.columns * cell, g.rows * cell);
        m_grids.push_back(g);
    }
}

QRectF MapGeometry::gridRect(int regionIndex) const
{
    return regionIndex >= 0 && regionIndex < m_grids.size() ? m_grids[regionIndex].rect : QRectF();
}

std::uint64_t MapGeometry::addressAt(double x) const
{
    return m_axis->addressForX(x - plotRect().left());
}

std::optional<std::uint64_t> MapGeometry::addressAtPos(QPointF pos) const
{
    if (m_layout == MapLayout::Linear)
        return addressAt(pos.x());
    for (int i = 0; i < m_grids.size(); ++i) {
        const auto& g = m_grids[i];
        if (!g.rect.contains(pos))
            continue;
        const int col = int((pos.x() - g.rect.left()) / g.cell);
        const int row = int((pos.y() - g.rect.top()) / g.cell);
        const std::uint64_t page =
            (std::uint64_t(row) * std::uint64_t(g.columns) + std::uint64_t(col)) * g.pagesPerCell;
        const auto& r = m_content->regions[i];
        if (page * r.pageSize >= r.size)
            return std::nullopt;
        return r.base + page * r.pageSize;
    }
    return std::nullopt;
}

int MapGeometry::regionAt(QPointF pos) const
{
    if (m_layout == MapLayout::Grid) {
        for (int i = 0; i < m_grids.size(); ++i)
            if (m_grids[i].rect.contains(pos) && addressAtPos(pos))
                return i;
        return -1;
    }
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
