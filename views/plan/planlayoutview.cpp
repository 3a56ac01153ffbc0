// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/planlayoutview.h"

#include "common/textformat.h"
#include "map/addressaxis.h"
#include "map/mapgeometry.h"
#include "map/mappainter.h"
#include "map/mapstyle.h"

#include <QPainter>

#include <algorithm>

namespace cmascope::views {

namespace {

/// "Now: 384 MiB in 2 regions" — what a layout reserves.
QString captionFor(const QString& title, const Platform& platform)
{
    std::uint64_t bytes = 0;
    int regions = 0;
    for (const Region& r : platform.regions) {
        if (r.size == 0 || r.type != RegionType::Cma)
            continue;
        bytes += r.size;
        ++regions;
    }
    return PlanLayoutView::tr("%1: %2 of CMA in %n region(s)", nullptr, regions).arg(title, sizeString(bytes));
}

constexpr double kCaptionHeight = 20.0;

} // namespace

PlanLayoutView::PlanLayoutView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("planLayout"));
    setToolTip(tr("Where the regions are now (top) and where the plan puts them (bottom), on one address axis"));
}

namespace {

/// @p content without the banks that hold no region of @p now or @p after (their tracks would show nothing).
QVector<int> banksWithRegions(const MapContent& now, const MapContent& after)
{
    QVector<bool> used(now.banks.size(), false);
    for (const MapContent* c : { &now, &after })
        for (const MapRegion& r : c->regions)
            if (r.bank >= 0 && r.bank < used.size())
                used[r.bank] = true;
    QVector<int> index(now.banks.size(), -1); // old bank -> new bank
    int next = 0;
    for (int b = 0; b < used.size(); ++b)
        if (used[b] || !used.contains(true))
            index[b] = next++;
    return index;
}

} // namespace

void PlanLayoutView::setLayouts(const Platform& now, const Platform& planned)
{
    const MapContent before = MapContent::fromPlatform(now);
    const MapContent after = MapContent::fromPlatform(planned);
    const QVector<int> index = banksWithRegions(before, after);
    const int kept = int(std::count_if(index.begin(), index.end(), [](int i) { return i >= 0; }));
    MapContent content = before;
    content.banks.clear();
    content.regions.clear();
    for (const auto* layout : { &before, &after }) {
        const QString tag = layout == &before ? tr("now · %1") : tr("planned · %1");
        for (int b = 0; b < layout->banks.size(); ++b) {
            if (index[b] < 0)
                continue;
            MapBank bank = layout->banks[b];
            bank.name = tag.arg(bank.name);
            content.banks.push_back(bank);
        }
        for (MapRegion r : layout->regions) {
            if (r.bank >= 0)
                r.bank = index[r.bank] < 0 ? -1 : index[r.bank] + (layout == &before ? 0 : kept);
            r.firstChunk = r.chunkCount = 0;
            content.regions.push_back(r);
        }
    }
    for (const QString& name : after.unplaced)
        if (!content.unplaced.contains(name))
            content.unplaced.push_back(tr("%1 (planned)").arg(name));
    // The hull of both layouts' regions: the regions are what changes, not the empty memory around them.
    const auto view = content.regionsView();
    m_window = view ? *view : std::pair { content.lowestAddress(), content.highestAddress() };
    m_content = std::move(content);
    m_caption = captionFor(tr("Now"), now) + QStringLiteral("   →   ") + captionFor(tr("planned"), planned);
    updateGeometry(); // the minimum height grows with the banks
    update();
}

void PlanLayoutView::clear()
{
    m_content.reset();
    m_window = { 0, 0 };
    m_caption.clear();
    update();
}

QSize PlanLayoutView::minimumSizeHint() const
{
    // Room for every track at its smallest height (mapgeometry.cpp: a track gets 0.6 of its share).
    const int tracks = m_content ? std::max<int>(1, int(m_content->banks.size())) : 2;
    const double share = MapGeometry::kMinTrackHeight / 0.6 + MapGeometry::kTrackGap;
    return { 320, int(kCaptionHeight + MapGeometry::kRulerHeight + 24.0 + tracks * share) + 1 };
}

QSize PlanLayoutView::sizeHint() const
{
    return { 640, int(kCaptionHeight + MapGeometry::kRulerHeight + 2 * (MapGeometry::kTrackGap + 70)) };
}

void PlanLayoutView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!m_content) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Plan, and the regions are shown here as they are and as planned."));
        return;
    }
    p.setPen(palette().color(QPalette::Text));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(6, 0, width() - 12, kCaptionHeight), Qt::AlignLeft | Qt::AlignVCenter, m_caption);
    p.setFont(font());
    const QSizeF size(width(), std::max(1.0, height() - kCaptionHeight));
    // Both layouts on the physical axis: the point is where the regions lie.
    MapAxis axis;
    axis.setContent(*m_content, AxisMode::Physical);
    axis.setPixelWidth(MapGeometry::plotRect(size).width());
    if (m_window.second > m_window.first)
        axis.showRange(m_window.first, m_window.second);
    const MapGeometry geometry(*m_content, axis, MapLayout::Linear, size);
    const MapStyle style(palette());
    MapPainter painter(*m_content, geometry, style, font());
    p.translate(0, kCaptionHeight);
    painter.paint(p);
}

} // namespace cmascope::views
