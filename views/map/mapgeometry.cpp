// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapgeometry.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace cmascope::views {

MapGeometry::MapGeometry(
    const MapContent& content, const MapAxis& axis, MapLayout layout, QSizeF size, double leftMargin)
    : m_content(&content)
    , m_axis(&axis)
    , m_layout(layout)
    , m_size(size)
    , m_leftMargin(leftMargin)
{
    layoutTracks();
    // The grid has no ruler and no bank labels: it takes the whole map but for room at the bottom for the failure
    // line (MapPainter::paint).
    if (m_layout == MapLayout::Grid)
        m_grid = MapGridLayout(content, MapGridLayout::area(size));
}

double MapGeometry::leftMarginFor(const MapContent& content, AxisMode mode, const QFont& font)
{
    const QFontMetricsF metrics(font);
    double widest = 0;
    if (mode == AxisMode::PerArea)
        for (const auto& r : content.regions)
            widest = std::max(widest, metrics.horizontalAdvance(r.name));
    else
        for (const auto& b : content.banks)
            widest = std::max(widest, metrics.horizontalAdvance(b.name));
    return std::clamp(std::ceil(widest) + 16.0, kLeftMargin, kMaxLeftMargin);
}

QRectF MapGeometry::plotRect(QSizeF size, double leftMargin)
{
    return QRectF(leftMargin, kRulerHeight, std::max(1.0, size.width() - leftMargin - kRightMargin),
        std::max(1.0, size.height() - kRulerHeight));
}

void MapGeometry::layoutTracks()
{
    m_regionTrack.fill(-1, m_content->regions.size());
    if (m_layout != MapLayout::Linear)
        return;
    if (m_axis->mode() == AxisMode::PerArea) {
        // Every area its own track, in the content's order (the platform's, or the trace's areas), the later
        // ranges of a multi-range area right after it.
        const auto add = [&](int i) {
            m_regionTrack[i] = int(m_tracks.size());
            m_tracks.push_back({ m_content->regions[i].bank, i });
        };
        for (int i = 0; i < m_content->regions.size(); ++i) {
            if (m_content->regions[i].rangeOf >= 0)
                continue;
            add(i);
            for (int j = 0; j < m_content->regions.size(); ++j)
                if (m_content->regions[j].rangeOf == i)
                    add(j);
        }
        for (int i = 0; i < m_content->regions.size(); ++i) // a range whose area has no track of its own
            if (m_regionTrack[i] < 0)
                add(i);
        return;
    }
    for (int b = 0; b < m_content->banks.size(); ++b)
        m_tracks.push_back({ b, -1 });
    for (int i = 0; i < m_content->regions.size(); ++i)
        m_regionTrack[i] = m_content->regions[i].bank;
}

int MapGeometry::trackOfRegion(int regionIndex) const
{
    return m_regionTrack.value(regionIndex, -1);
}

double MapGeometry::trackHeight() const
{
    // Tracks share the height, within limits, so a single track fills a good part of the view.
    const auto n = std::max<qsizetype>(1, m_tracks.size());
    const double band = m_axis->mode() == AxisMode::PerArea ? kTrackRuler : 0.0;
    const double available = (plotRect().height() - 24.0) / double(n) - trackGap() - band;
    // Many tracks in a short window: thinner tracks (down to a few pixels of chunks) rather than cut off ones.
    if (available < kMinTrackHeight)
        return std::max(available, kTightTrackHeight);
    return std::clamp(available * 0.6, kMinTrackHeight, kMaxTrackHeight);
}

double MapGeometry::trackGap() const
{
    return m_axis->mode() == AxisMode::PerArea ? kTrackGap / 2 : kTrackGap;
}

double MapGeometry::chunkTop() const
{
    return std::min(std::max(kChunkTop, std::ceil(m_labelHeight) + 5), std::floor(trackHeight() * 0.4));
}

double MapGeometry::trackTop(int track) const
{
    const double band = m_axis->mode() == AxisMode::PerArea ? kTrackRuler : 0.0;
    return plotRect().top() + trackGap() / 2 + band + track * (trackHeight() + trackGap() + band);
}

QRectF MapGeometry::trackRect(int track) const
{
    if (track < 0 || track >= m_tracks.size())
        return {};
    const MapTrack& t = m_tracks[track];
    std::uint64_t begin = 0, end = 0;
    if (t.region >= 0) {
        begin = m_content->regions[t.region].base;
        end = begin + m_content->regions[t.region].size;
    } else if (t.bank >= 0) {
        begin = m_content->banks[t.bank].base;
        end = begin + m_content->banks[t.bank].size;
    }
    const QRectF plot = plotRect();
    const double x0 = std::max(xFor(t.region, begin), plot.left() - 1.0);
    const double x1 = std::min(xFor(t.region, end), plot.right() + 1.0);
    return QRectF(x0, trackTop(track), std::max(0.0, x1 - x0), trackHeight());
}

QString MapGeometry::trackName(int track) const
{
    if (track < 0 || track >= m_tracks.size())
        return {};
    const MapTrack& t = m_tracks[track];
    return t.region >= 0 ? m_content->regions[t.region].name : m_content->banks[t.bank].name;
}

std::uint64_t MapGeometry::trackSize(int track) const
{
    if (track < 0 || track >= m_tracks.size())
        return 0;
    const MapTrack& t = m_tracks[track];
    return t.region >= 0 ? m_content->regions[t.region].size : m_content->banks[t.bank].size;
}

QRectF MapGeometry::regionRect(int regionIndex) const
{
    const int track = trackOfRegion(regionIndex);
    if (track < 0)
        return {};
    const auto& r = m_content->regions[regionIndex];
    const double x0 = xFor(regionIndex, r.base);
    const double x1 = xFor(regionIndex, r.base + r.size);
    return QRectF(x0, trackTop(track) + 4, std::max(1.0, x1 - x0), trackHeight() - 8);
}

std::uint64_t MapGeometry::addressAt(double x) const
{
    return m_axis->addressAt(-1, x - plotRect().left());
}

int MapGeometry::trackAt(QPointF pos) const
{
    for (int i = 0; i < m_tracks.size(); ++i) {
        const double top = trackTop(i);
        if (pos.y() >= top && pos.y() <= top + trackHeight())
            return i;
    }
    return -1;
}

std::optional<std::uint64_t> MapGeometry::addressAtPos(QPointF pos) const
{
    if (m_layout == MapLayout::Linear) {
        const int track = trackAt(pos);
        if (track >= 0 && m_tracks[track].region >= 0)
            return m_axis->addressAt(m_tracks[track].region, pos.x() - plotRect().left());
        if (m_axis->mode() == AxisMode::PerArea)
            return std::nullopt;
        return addressAt(pos.x());
    }
    return m_grid.addressAt(pos);
}

int MapGeometry::regionAt(QPointF pos) const
{
    if (m_layout == MapLayout::Grid)
        return m_grid.regionAt(pos);
    const int track = trackAt(pos);
    if (track < 0 || pos.x() < plotRect().left())
        return -1;
    if (const int region = m_tracks[track].region; region >= 0) {
        // The address is clamped to the area: the area is under x only between its ends.
        const QRectF box = regionRect(region);
        return pos.x() >= box.left() && pos.x() < box.right() ? region : -1;
    }
    const std::uint64_t a = addressAt(pos.x());
    for (int i = 0; i < m_content->regions.size(); ++i) {
        const auto& r = m_content->regions[i];
        if (r.bank == m_tracks[track].bank && a >= r.base && a - r.base < r.size)
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
    const auto slack =
        m_layout == MapLayout::Linear ? static_cast<std::uint64_t>(m_axis->bytesPerPixel(region, a) / 2) : 0;
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

std::optional<FoldSegment> MapGeometry::breakAt(QPointF pos) const
{
    if (m_layout != MapLayout::Linear || m_axis->mode() != AxisMode::Compact || pos.x() < plotRect().left())
        return std::nullopt;
    if (pos.y() >= kRulerHeight && trackAt(pos) < 0)
        return std::nullopt;
    const std::uint64_t a = addressAt(pos.x());
    for (const FoldSegment& s : m_axis->sharedFold().breaks())
        if (a >= s.physBegin && a < s.physEnd)
            return s;
    return std::nullopt;
}

int MapGeometry::labelAt(QPointF pos) const
{
    if (m_layout != MapLayout::Linear || pos.x() < 0 || pos.x() >= plotRect().left())
        return -1;
    return trackAt(pos);
}

} // namespace cmascope::views
