// SPDX-License-Identifier: GPL-2.0-or-later
// Area resolution for the replay: project regions, debugfs snapshots, boot log lines, --area specs, and
// as a last resort the range the trace's own PFNs span.
#include "arearesolver.h"

#include <cmascope/model/platform.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <limits>
#include <string_view>
#include <utility>

namespace cmascope {

namespace {

constexpr std::uint64_t kPageblockPages = 512; // CMA_MIN_ALIGNMENT with 4 KiB pages (pageblock order 9)

bool isAllocEnd(EventType t)
{
    return t == EventType::AllocFinish || t == EventType::LegacyAlloc;
}

/// The directory debugfs snapshot @p index came from (its name when the inputs do not say).
const std::string& snapshotOrigin(const ReplayInputs& inputs, std::size_t index)
{
    return index < inputs.debugfsOrigins.size() ? inputs.debugfsOrigins[index] : inputs.debugfs[index].name;
}

/// 1. A CMA region of the project with the area's name (unnamed: the default region), if it has an address.
std::optional<ReplayArea> projectArea(
    const ReplayInputs& inputs, const std::string& name, bool unnamed, std::vector<std::string>& notes)
{
    if (!inputs.project)
        return std::nullopt;
    const Region* r = inputs.project->findRegion(name);
    if (!r && unnamed)
        for (const auto& reg : inputs.project->regions)
            if (reg.isDefault)
                r = &reg;
    if (!r || r->type != RegionType::Cma || r->size == 0)
        return std::nullopt;
    const std::uint64_t ps = r->pageSize ? r->pageSize : inputs.project->pageSize;
    std::optional<std::uint64_t> base = r->placedBase;
    if (!base && r->placement == Placement::Fixed)
        base = r->start;
    if (!base) {
        notes.push_back("project region " + r->name + " has no address (not placed): not used");
        return std::nullopt;
    }
    ReplayArea area;
    area.name = name;
    area.basePfn = *base / ps;
    area.pages = r->size / ps;
    area.orderPerBit = r->params.orderPerBit;
    area.source = AreaSource::Project;
    area.origin = "project region " + r->name;
    return area;
}

/// 2. The debugfs snapshot of the area ("cma-" prefix ignored; unnamed: the only snapshot), by index.
std::optional<std::size_t> findSnapshot(const ReplayInputs& inputs, std::string_view name, bool unnamed)
{
    auto debugfsName = [](std::string_view n) { return n.starts_with("cma-") ? n.substr(4) : n; };
    for (std::size_t i = 0; i < inputs.debugfs.size(); ++i) {
        const auto& s = inputs.debugfs[i];
        if (s.name == name || debugfsName(s.name) == name || (unnamed && inputs.debugfs.size() == 1))
            return i;
    }
    return std::nullopt;
}

/// 3. A boot log line with a base for the area (unnamed: the global "reserved" area).
std::optional<ReplayArea> bootLogArea(const ReplayInputs& inputs, const std::string& name, bool unnamed)
{
    const std::uint32_t pageSize = inputs.pageSize ? inputs.pageSize : 4096;
    for (const auto& b : inputs.bootLog) {
        if (!b.base || b.size == 0)
            continue;
        if (b.name == name || (unnamed && b.name == "reserved")) {
            ReplayArea area;
            area.name = name;
            area.basePfn = *b.base / pageSize;
            area.pages = b.size / pageSize;
            area.orderPerBit = b.name.starts_with("hugetlb") ? 9 : 0;
            area.source = AreaSource::BootLog;
            area.origin = (inputs.bootLogOrigin.empty() ? std::string("boot log") : inputs.bootLogOrigin) + ":"
                + std::to_string(b.line) + ": " + b.text;
            return area;
        }
    }
    return std::nullopt;
}

/// 4. An --area spec with the area's name.
std::optional<ReplayArea> commandLineArea(const ReplayInputs& inputs, const std::string& name)
{
    for (const auto& s : inputs.areaSpecs)
        if (s.name == name)
            return specArea(s);
    return std::nullopt;
}

/// 5. The range inferred from the whole trace (computed by the caller).
std::optional<ReplayArea> inferredArea(
    const InferredAreas& inferred, const std::string& name, std::vector<std::string>& notes)
{
    auto it = inferred.find(name);
    if (it == inferred.end())
        return std::nullopt;
    ReplayArea area;
    area.name = name;
    area.basePfn = it->second.basePfn;
    area.pages = it->second.pages;
    area.orderPerBit = 0;
    area.source = AreaSource::Inferred;
    area.origin = "inferred from the trace: the smallest pageblock-aligned (512-page) range holding every "
                  "PFN recorded; order_per_bit assumed 0";
    notes.push_back("area " + name + " inferred from the trace as " + hexText(area.basePfn) + "+"
        + std::to_string(area.pages) + " pages (no project, debugfs, boot log or --area told it)");
    return area;
}

} // namespace

InferredAreas inferAreas(const TraceData& data)
{
    std::vector<std::pair<std::uint64_t, std::uint64_t>> range(
        data.areas.size(), { std::numeric_limits<std::uint64_t>::max(), 0 });
    for (const TraceEvent& e : data.events) {
        if (e.areaId >= range.size() || e.type == EventType::AllocStart || e.type == EventType::Marker)
            continue;
        if (isAllocEnd(e.type) && e.failed())
            continue;
        if (e.count == 0 || e.pfn + e.count < e.pfn)
            continue;
        range[e.areaId].first = std::min(range[e.areaId].first, e.pfn);
        range[e.areaId].second = std::max(range[e.areaId].second, e.pfn + e.count);
    }
    InferredAreas out;
    for (std::size_t i = 0; i < range.size(); ++i) {
        if (range[i].second == 0)
            continue;
        AreaSpec s;
        s.name = data.areas[static_cast<std::uint32_t>(i)];
        s.basePfn = range[i].first / kPageblockPages * kPageblockPages;
        // A PFN from a broken trace can lie within a pageblock of 2^64: never round past it.
        const std::uint64_t end = alignUp(range[i].second, kPageblockPages).value_or(range[i].second);
        s.pages = end - s.basePfn;
        out.emplace(s.name, s);
    }
    return out;
}

namespace {

/// The snapshot's bitmaps as the area's state when tracing started: range 0's, then the later ranges'.
void setInitialBitmaps(ReplayArea& a, const DebugfsSnapshot& s, const std::string& origin)
{
    a.initialBitmap = s.bitmap;
    a.initialBitmapOrigin = origin + (s.ranges.size() > 1 ? "/ranges/N/bitmap" : "/bitmap");
    a.moreInitialBitmaps.clear();
    for (std::size_t r = 1; r < s.ranges.size(); ++r)
        a.moreInitialBitmaps.push_back(s.ranges[r].bitmap);
}

/// A snapshot describes the area when every range (a single-range area: base and count) and order_per_bit agree.
bool sameGeometry(const DebugfsSnapshot& s, const ReplayArea& a)
{
    if (s.orderPerBit != a.orderPerBit)
        return false;
    if (s.ranges.size() <= 1)
        return a.rangeCount() == 1 && s.basePfn == a.basePfn && s.count == a.pages;
    if (s.ranges.size() != a.rangeCount())
        return false;
    for (std::size_t r = 0; r < s.ranges.size(); ++r)
        if (s.ranges[r].basePfn != a.range(r).basePfn || s.ranges[r].count != a.range(r).pages)
            return false;
    return true;
}

} // namespace

ReplayArea debugfsArea(const ReplayInputs& inputs, std::size_t index, std::string name)
{
    const DebugfsSnapshot& s = inputs.debugfs[index];
    ReplayArea a;
    a.name = std::move(name);
    a.basePfn = s.basePfn;
    a.pages = s.ranges.empty() ? s.count : s.ranges.front().count;
    for (std::size_t r = 1; r < s.ranges.size(); ++r)
        a.moreRanges.push_back({ s.ranges[r].basePfn, s.ranges[r].count });
    a.orderPerBit = s.orderPerBit;
    a.source = AreaSource::Debugfs;
    a.origin = snapshotOrigin(inputs, index);
    setInitialBitmaps(a, s, a.origin);
    return a;
}

ReplayArea specArea(const AreaSpec& spec)
{
    ReplayArea a;
    a.name = spec.name;
    a.basePfn = spec.basePfn;
    a.pages = spec.pages;
    a.orderPerBit = spec.orderPerBit;
    a.moreRanges = spec.moreRanges;
    a.source = AreaSource::CommandLine;
    a.origin = "--area " + spec.name;
    return a;
}

std::optional<ReplayArea> resolveArea(
    const ReplayInputs& inputs, const InferredAreas& inferred, const std::string& name, std::vector<std::string>& notes)
{
    const bool unnamed = name == kUnnamedArea;
    std::optional<ReplayArea> area = projectArea(inputs, name, unnamed, notes);
    const std::optional<std::size_t> snap = findSnapshot(inputs, name, unnamed);
    if (!area && snap)
        area = debugfsArea(inputs, *snap, name);
    if (!area)
        area = bootLogArea(inputs, name, unnamed);
    if (!area)
        area = commandLineArea(inputs, name);
    if (!area)
        area = inferredArea(inferred, name, notes);
    if (!area || !snap)
        return area;
    // a debugfs snapshot of the same geometry tells the state when tracing started
    const DebugfsSnapshot& s = inputs.debugfs[*snap];
    const std::string& origin = snapshotOrigin(inputs, *snap);
    if (sameGeometry(s, *area)) {
        setInitialBitmaps(*area, s, origin);
    } else {
        notes.push_back(
            origin + ": geometry differs from " + area->origin + ": its bitmap is not used as the initial state");
    }
    return area;
}

} // namespace cmascope
