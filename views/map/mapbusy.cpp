// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapbusy.h"

#include "common/textformat.h"

#include <cmascope/trace/tracetime.h>
#include <cmascope/util/units.h>

#include <QObject>

#include <algorithm>

namespace cmascope::views {

namespace {
bool covers(const MapBusyWindow& w, int region, std::uint64_t address)
{
    return w.region == region && address >= w.base && address - w.base < w.size;
}

constexpr int kMaxListed = 4;
} // namespace

void addBusyWindows(MapContent& content, const ReplayResult& replay, std::size_t step)
{
    const ReplayRequest* request = replay.requestAtStep(step);
    if (!request || request->area >= replay.areas.size())
        return;
    // The ghost's caption names the cause the replay proved (docs/trace-analysis.md), not the simulator's guess.
    if (!request->succeeded && request->cause != FailureCause::None && !content.ghostText.isEmpty()) {
        const qsizetype open = content.ghostText.indexOf(QLatin1Char('(')),
                        close = content.ghostText.indexOf(QStringLiteral("):"));
        if (open >= 0 && close > open)
            content.ghostText.replace(
                open + 1, close - open - 1, QString::fromUtf8(failureCauseName(request->cause).data()));
    }
    if (request->busyRetries == 0)
        return;
    const QString area = QString::fromStdString(replay.areas[request->area].area.name);
    int region = -1;
    for (int i = 0; i < content.regions.size(); ++i)
        if (content.regions[i].name == area)
            region = i;
    if (region < 0)
        return;
    const MapRegion& r = content.regions[region];
    const std::uint64_t page = std::max<std::uint64_t>(1, r.pageSize);
    const std::uint64_t index = std::uint64_t(request - replay.requests.data());
    for (const ReplayBusyWindow& w : replay.busyWindowsOf(index)) {
        // A window is [pfn, pfn + count) of its request, clipped to the region: addresses never wrap.
        const auto base = checkedMul(w.pfn, page);
        if (!base || *base < r.base || *base - r.base >= r.size)
            continue;
        const std::uint64_t room = r.size - (*base - r.base);
        const std::uint64_t bytes = std::min(checkedMul(request->count, page).value_or(room), room);
        if (bytes)
            content.busy.push_back({ *base, bytes, region, w.line, w.timestampNs });
    }
}

QString busyWindowText(const MapContent& content, int region, std::uint64_t address)
{
    if (region < 0 || region >= content.regions.size())
        return {};
    const std::uint64_t page = std::max<std::uint64_t>(1, content.regions[region].pageSize);
    QStringList lines;
    int more = 0;
    for (const MapBusyWindow& w : content.busy) {
        if (!covers(w, region, address))
            continue;
        if (lines.size() == kMaxListed) {
            ++more;
            continue;
        }
        lines << QObject::tr("busy: pages %1–%2 could not be migrated (line %3, t=%4)")
                     .arg(hexString(w.base / page), hexString((w.base + w.size) / page - 1))
                     .arg(w.line)
                     .arg(QString::fromStdString(traceTimeText(w.timestampNs)));
    }
    if (more)
        lines << QObject::tr("and %n more busy window(s) here", nullptr, more);
    return lines.join(QLatin1Char('\n'));
}

} // namespace cmascope::views
