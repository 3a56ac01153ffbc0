// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapcontent.h"

#include <cmascope/util/units.h>

#include <QObject>
#include <QRegularExpression>

#include <algorithm>
#include <limits>
#include <vector>

namespace cmascope::views {

namespace {

/// The later ranges of multi-range areas: placed ones name their area (Region::rangeOf); a replay's are named
/// "<area> range <N>" after it.
void linkRanges(MapContent& c, const Platform& platform)
{
    auto indexOf = [&](const QString& name) {
        for (int i = 0; i < c.regions.size(); ++i)
            if (c.regions[i].name == name)
                return i;
        return -1;
    };
    for (const Region& r : platform.regions) {
        const QString name = QString::fromStdString(r.name);
        const int me = indexOf(name);
        if (me < 0)
            continue;
        QString area = QString::fromStdString(r.rangeOf);
        if (area.isEmpty()) {
            static const QRegularExpression later(QStringLiteral("^(.+) range [1-7]$"));
            if (const auto m = later.match(name); m.hasMatch())
                area = m.captured(1);
        }
        if (!area.isEmpty() && area != name)
            c.regions[me].rangeOf = indexOf(area);
    }
}

QString fromView(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// The ghost of the request that just failed: as many pages as it needed, laid at the start of the
// largest free run of the last region tried, so it visibly overhangs the hole it did not fit.
void addGhost(MapContent& c, const Simulation& sim, const SimState& state, const QVector<int>& regionIndex)
{
    if (state.position == 0 || state.position > sim.stepCount())
        return;
    const StepRecord& rec = sim.records()[state.position - 1];
    const Step& step = sim.scenario().steps[state.position - 1];
    const bool request =
        step.type == StepType::Allocate || step.type == StepType::Refused || step.type == StepType::AllocateFromRegion;
    if (rec.outcome != Outcome::Failed || !request || rec.region >= state.regions.size())
        return;
    const auto& rt = state.regions[rec.region];
    const int ci = regionIndex.value(rec.region, -1);
    if (ci < 0 || rt.fallback || rt.carveout)
        return;
    std::uint64_t bestStart = 0, bestLen = 0;
    for (const auto& [offset, length] : rt.occupancy.runs())
        if (length > bestLen) {
            bestStart = offset;
            bestLen = length;
        }
    // Allocate asks for bytes; a refused request from a trace counts pages.
    const std::uint64_t needed = step.type == StepType::Refused ? step.size : pagesFor(step.size, rt.pageSize);
    const std::uint64_t base = (rt.basePfn + bestStart) * rt.pageSize;
    // An absurd request (near 2^64 bytes) is drawn to the end of the address space, never wrapped.
    const std::uint64_t ghostBytes = std::min(checkedMul(needed, rt.pageSize).value_or(kU64Max), kU64Max - base);
    c.ghost = MapRange { base, ghostBytes, ci };
    if (bestLen)
        c.largestHole = MapRange { base, bestLen * rt.pageSize, ci };
    c.ghostText = QObject::tr("failed (%3): %1 pages needed, largest hole %2 pages")
                      .arg(needed)
                      .arg(bestLen)
                      .arg(fromView(refusalVerdict(rec.refusal)));
}

/// Tooltip text for a chunk id of @p sim: device/kind 'label', allocated at step N.
std::function<QString(quint32)> chunkDescriber(const Simulation& sim)
{
    const Simulation* simPtr = &sim;
    return [simPtr](quint32 id) -> QString {
        if (id >= simPtr->chunks().size())
            return {};
        const ChunkInfo& ch = simPtr->chunks()[id];
        const Scenario& s = simPtr->scenario();
        if (ch.originStep >= s.steps.size())
            return {};
        const Step& origin = s.steps[ch.originStep];
        const QString kind = origin.kind ? QStringLiteral("/") + fromView(s.symbols.name(origin.kind)) : QString();
        const QString label = origin.label
            ? QStringLiteral(" '") + fromView(s.symbols.name(origin.label)) + QLatin1Char('\'')
            : QString();
        return QObject::tr("%1%2%3, allocated at step %4")
            .arg(fromView(s.symbols.name(origin.device)), kind, label)
            .arg(ch.originStep);
    };
}

/// Owner (device) and kind indices by symbol id (-1 = never named).
struct OwnerNumbers
{
    std::vector<int> owner, kind;
    static int of(const std::vector<int>& v, std::uint32_t sym) { return sym < v.size() ? std::max(v[sym], 0) : 0; }
};

/// Numbers the owners and kinds of @p c: the platform's devices and kinds first, then every other device
/// and kind in the order the scenario's requests first name them. The same at every step of a run, so a
/// task of a trace keeps its colour while chunks come and go (docs/map-traces.md). One pass over the
/// steps with vectors indexed by symbol id: cheap enough to repeat at every step shown.
OwnerNumbers numberOwners(MapContent& c, const Platform& pf, const Scenario& sc)
{
    OwnerNumbers n;
    n.owner.assign(sc.symbols.size(), -1);
    n.kind.assign(sc.symbols.size(), -1);
    // A platform device or kind the scenario never names is listed all the same (the legend shows it).
    auto add = [&](std::vector<int>& map, QVector<QString>& names, std::uint32_t sym, const QString& name) {
        if (sym < map.size() && map[sym] >= 0)
            return;
        if (sym < map.size())
            map[sym] = int(names.size());
        names.push_back(name);
    };
    for (const auto& d : pf.devices)
        add(n.owner, c.owners, sc.symbols.find(d.name), QString::fromStdString(d.name));
    for (const auto& k : pf.kinds)
        add(n.kind, c.kinds, sc.symbols.find(k.name), QString::fromStdString(k.name));
    for (const Step& s : sc.steps) {
        if (s.type != StepType::Allocate && s.type != StepType::Place && s.type != StepType::Refused
            && s.type != StepType::AllocateFromRegion)
            continue;
        if (s.device < n.owner.size() && n.owner[s.device] < 0)
            add(n.owner, c.owners, s.device, fromView(sc.symbols.name(s.device)));
        if (s.kind < n.kind.size() && n.kind[s.kind] < 0)
            add(n.kind, c.kinds, s.kind, fromView(sc.symbols.name(s.kind)));
    }
    return n;
}
} // namespace

std::uint64_t MapContent::lowestAddress() const
{
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
    for (const auto& b : banks)
        lo = std::min(lo, b.base);
    if (banks.isEmpty())
        for (const auto& r : regions)
            lo = std::min(lo, r.base);
    return lo == std::numeric_limits<std::uint64_t>::max() ? 0 : lo;
}

std::uint64_t MapContent::highestAddress() const
{
    std::uint64_t hi = 0;
    for (const auto& b : banks)
        hi = std::max(hi, b.base + b.size);
    if (banks.isEmpty())
        for (const auto& r : regions)
            hi = std::max(hi, r.base + r.size);
    return hi;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> MapContent::regionsView() const
{
    std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0;
    for (const auto& r : regions) {
        lo = std::min(lo, r.base);
        hi = std::max(hi, r.base + r.size);
    }
    if (lo >= hi)
        return std::nullopt;
    const std::uint64_t margin = (hi - lo) / 20;
    return std::pair { lo > margin ? lo - margin : 0, hi + margin };
}

MapContent MapContent::fromPlatform(const Platform& platform)
{
    MapContent c;
    c.pageSize = platform.pageSize;
    for (const auto& b : platform.banks)
        c.banks.push_back({ QString::fromStdString(b.name), b.base, b.size });
    for (const auto& r : platform.regions) {
        std::uint64_t base = 0;
        if (r.placedBase)
            base = *r.placedBase;
        else if (r.placement == Placement::Fixed && r.size && r.placementFailure.empty())
            base = r.start;
        else {
            c.unplaced.push_back(QString::fromStdString(r.name));
            continue;
        }
        MapRegion mr;
        mr.name = QString::fromStdString(r.name);
        mr.base = base;
        mr.size = r.size;
        mr.pageSize = r.pageSize ? r.pageSize : platform.pageSize;
        mr.carveout = r.type == RegionType::Carveout;
        mr.policy = fromView(policyId(r.policy));
        mr.orderPerBit = r.policy == PolicyKind::Kernel ? r.params.orderPerBit : 0;
        for (int i = 0; i < c.banks.size(); ++i) {
            const auto& b = c.banks[i];
            if (base >= b.base && base - b.base < b.size) {
                mr.bank = i;
                break;
            }
        }
        c.regions.push_back(mr);
    }
    linkRanges(c, platform);
    return c;
}

MapContent MapContent::fromSimulation(const Simulation& sim, const SimState& state)
{
    const Platform& pf = sim.platform();
    MapContent c = fromPlatform(pf);
    QVector<int> regionIndex(int(pf.regions.size()), -1);
    for (int i = 0, ci = 0; i < int(pf.regions.size()); ++i) {
        if (ci < c.regions.size() && c.regions[ci].name == QString::fromStdString(pf.regions[std::size_t(i)].name))
            regionIndex[i] = ci++;
    }
    const Scenario& sc = sim.scenario();
    const OwnerNumbers numbers = numberOwners(c, pf, sc);
    std::size_t total = 0;
    for (const auto& rt : state.regions)
        total += rt.live.size();
    c.chunks.reserve(qsizetype(total));
    for (const auto& rt : state.regions) {
        const int ci = regionIndex.value(rt.index, -1);
        if (ci < 0)
            continue;
        MapRegion& region = c.regions[ci];
        region.firstChunk = int(c.chunks.size());
        for (const auto& [offset, id] : rt.live) {
            const ChunkInfo& chunk = sim.chunks()[id];
            MapChunk mc;
            mc.base = (rt.basePfn + offset) * rt.pageSize;
            mc.size = std::uint64_t(chunk.pages) * rt.pageSize;
            mc.requested = std::min(std::uint64_t(chunk.requestPages) * rt.pageSize, mc.size);
            mc.region = ci;
            if (chunk.originStep < sc.steps.size()) {
                const Step& origin = sc.steps[chunk.originStep];
                mc.owner = OwnerNumbers::of(numbers.owner, origin.device);
                mc.kind = OwnerNumbers::of(numbers.kind, origin.kind);
            }
            mc.id = id;
            c.chunks.push_back(mc);
        }
        region.chunkCount = int(c.chunks.size()) - region.firstChunk;
        for (const auto& [offset, pages] : rt.pinned)
            c.pinned.push_back({ (rt.basePfn + offset) * rt.pageSize, pages * rt.pageSize, ci });
    }

    addGhost(c, sim, state, regionIndex);
    c.describeChunk = chunkDescriber(sim);
    return c;
}

QString MapContent::heldText(int index) const
{
    if (index < 0 || index >= chunks.size())
        return {};
    const MapChunk& ch = chunks[index];
    if (ch.requested == 0 || ch.requested >= ch.size || ch.region < 0 || ch.region >= regions.size())
        return {};
    const MapRegion& r = regions[ch.region];
    const std::uint64_t page = std::max<std::uint64_t>(1, r.pageSize);
    if (r.orderPerBit > 0)
        return QObject::tr("requested %1 pages, bitmap holds %2 pages (order_per_bit %3)")
            .arg(ch.requested / page)
            .arg(ch.size / page)
            .arg(r.orderPerBit);
    return QObject::tr("requested %1 pages, policy holds %2 pages").arg(ch.requested / page).arg(ch.size / page);
}

bool MapContent::hasHeldPages() const
{
    return std::any_of(
        chunks.cbegin(), chunks.cend(), [](const MapChunk& ch) { return ch.requested != 0 && ch.requested < ch.size; });
}

} // namespace cmascope::views
