// SPDX-License-Identifier: GPL-2.0-or-later
// The replay engine, areas: an area's ranges and their bitmaps when it is first met or described, the seeds that
// put the pages allocated before the trace on the timeline, and the timeline's platform (one region per range;
// docs/kernel-cma.md, "Multi-range areas in cmascope").
#include "replayer.h"

#include <cmascope/policies/kernelranges.h>

#include <algorithm>
#include <utility>

namespace cmascope {

std::optional<std::string> Replayer::addArea(ReplayArea area)
{
    ReplayAreaResult ar;
    ar.area = std::move(area);
    const auto index = static_cast<std::uint32_t>(m_res.areas.size());
    if (index >= 4000) // timeline region ids are 16 bits, with room for the live ids of later ranges (replay.h)
        return "area " + ar.area.name + ": more than 4000 areas in one trace";
    if (auto err = loadRanges(ar, index))
        return err;
    if (ar.area.initialBitmap.empty() && ar.rangeCount() == 1)
        seedInferred(index, ar); // late-start inference: single-range areas (docs/late-start.md)
    m_res.areas.push_back(std::move(ar));
    return std::nullopt;
}

/// The bitmap of every range of @p ar, from its initial debugfs bitmaps when it has them (seeding the timeline).
std::optional<std::string> Replayer::loadRanges(ReplayAreaResult& ar, std::uint32_t index)
{
    const ReplayArea& a = ar.area;
    if (a.rangeCount() > KernelAreaRanges::kMaxRanges)
        return "area " + a.name + " (" + a.origin + "): " + std::to_string(a.rangeCount())
            + " ranges: an area has at most 8 (CMA_MAX_RANGES)";
    if (!a.moreInitialBitmaps.empty() && a.moreInitialBitmaps.size() != a.moreRanges.size())
        return a.initialBitmapOrigin + ": a bitmap for range 0 and " + std::to_string(a.moreInitialBitmaps.size())
            + " of the other " + std::to_string(a.moreRanges.size()) + " ranges";
    PolicyParams params;
    params.orderPerBit = a.orderPerBit;
    params.maxAlignOrder = std::nullopt;
    for (std::size_t r = 0; r < a.rangeCount(); ++r) {
        KernelBitmapPolicy st(params);
        const AreaRange g = a.range(r);
        for (std::size_t o = 0; o < r; ++o)
            if (const AreaRange h = a.range(o); g.basePfn < h.basePfn + h.pages && h.basePfn < g.basePfn + g.pages)
                return "area " + a.name + " (" + a.origin + "): range " + std::to_string(r) + " overlaps range "
                    + std::to_string(o);
        if (auto err = st.reset(RegionGeometry { g.basePfn, g.pages }))
            return "area " + a.name + " (" + a.origin + ")" + (r ? ", range " + std::to_string(r) : "") + ": " + *err;
        const std::vector<std::uint32_t>* bitmap = r == 0 ? &a.initialBitmap
            : a.moreInitialBitmaps.empty()                ? nullptr
                                                          : &a.moreInitialBitmaps[r - 1];
        if (bitmap && !bitmap->empty()) {
            if (auto err = st.loadDebugfsBitmap(formatDebugfsBitmap(*bitmap)))
                return a.initialBitmapOrigin + (r ? " (range " + std::to_string(r) + ")" : "") + ": bitmap: " + *err;
            seedBitmap(index, r, st);
        }
        if (r == 0)
            ar.state = std::move(st);
        else
            ar.moreStates.push_back(std::move(st));
    }
    return std::nullopt;
}

/// Seed ops: one per run of set bits of range @p range, so the timeline starts from the same state.
void Replayer::seedBitmap(std::uint32_t index, std::size_t range, const KernelBitmapPolicy& st)
{
    const unsigned opb = st.orderPerBit();
    const std::uint64_t maxno = st.maxno();
    for (std::uint64_t b = 0; b < maxno;) {
        if (!st.testBit(b)) {
            ++b;
            continue;
        }
        std::uint64_t e = b;
        while (e < maxno && st.testBit(e))
            ++e;
        TimelineOp op { TimelineEntry::Seed, index, 0, b << opb, (e - b) << opb };
        op.range = static_cast<std::uint8_t>(range);
        pushOp(op);
        b = e;
    }
}
/// The bits a late-start inference found allocated before the trace (docs/late-start.md), as seeds.
void Replayer::seedInferred(std::uint32_t index, ReplayAreaResult& ar)
{
    if (!m_setup.seeds)
        return;
    const auto it = m_setup.seeds->find(ar.area.name);
    if (it == m_setup.seeds->end())
        return;
    const std::vector<bool>& bits = it->second;
    const unsigned opb = ar.area.orderPerBit;
    const std::uint64_t n = std::min<std::uint64_t>(bits.size(), ar.state.maxno());
    for (std::uint64_t b = 0; b < n;) {
        if (!bits[b] || ar.state.testBit(b)) {
            ++b;
            continue;
        }
        std::uint64_t e = b;
        while (e < n && bits[e] && !ar.state.testBit(e))
            ++e;
        ar.state.reserve(b << opb, (e - b) << opb);
        pushOp({ TimelineEntry::Seed, index, TimelineEntry::kInferredSeed, b << opb, (e - b) << opb });
        b = e;
    }
}

/// Areas described but never met in the trace: debugfs snapshots and --area specs.
void Replayer::addIdleAreas()
{
    auto known = [&](std::string_view n) {
        return std::any_of(m_res.areas.begin(), m_res.areas.end(), [&](const auto& a) { return a.area.name == n; });
    };
    for (std::size_t i = 0; i < m_inputs.debugfs.size() && m_res.error.empty(); ++i) {
        const auto& s = m_inputs.debugfs[i];
        std::string n = s.name.starts_with("cma-") && !known(s.name) ? s.name.substr(4) : s.name;
        if (known(n) || known(s.name))
            continue;
        if (auto err = addArea(debugfsArea(m_inputs, i, std::move(n))))
            m_res.error = *err;
    }
    for (const auto& s : m_inputs.areaSpecs) {
        if (known(s.name) || !m_res.error.empty())
            continue;
        if (auto err = addArea(specArea(s)))
            m_res.error = *err;
    }
    addBootLogIdleAreas();
}

/// Areas the boot log defines that no event has met yet (e.g. before their first use at --until-marker).
void Replayer::addBootLogIdleAreas()
{
    for (const auto& b : m_inputs.bootLog) {
        if (!m_res.error.empty())
            return;
        if (b.name.empty() || !b.base || b.size == 0)
            continue;
        auto area = resolveArea(m_inputs, m_inferred, b.name, m_res.notes);
        if (!area)
            continue;
        const bool known = std::any_of(m_res.areas.begin(), m_res.areas.end(),
            [&](const auto& a) { return a.area.name == area->name || a.area.basePfn == area->basePfn; });
        if (known)
            continue;
        if (auto err = addArea(std::move(*area)))
            m_res.error = *err;
    }
}

/// The timeline's platform: areasPlatform(), named after the trace.
void Replayer::buildTimelinePlatform(const TraceData& data)
{
    renumberRangeRegions();
    Platform& pf = m_res.platform;
    pf = areasPlatform(m_res.areas, m_inputs.pageSize ? m_inputs.pageSize : 4096);
    pf.name = data.source.empty() ? std::string("kernel trace") : data.source;
    Scenario& sc = m_res.scenario;
    sc.name = "replay";
    sc.description = "kernel trace " + pf.name;
}

/// The later ranges' regions follow every area's first, area by area, range by range; the steps written with
/// provisional ids (regionOf()) get the final ones, and every area learns its regions.
void Replayer::renumberRangeRegions()
{
    bool any = false;
    for (std::size_t i = 0; i < m_res.areas.size(); ++i) {
        auto& ar = m_res.areas[i];
        ar.regions.assign(1, static_cast<std::uint16_t>(i));
        for (std::size_t range = 1; range < ar.rangeCount(); ++range) {
            ar.regions.push_back(numberedRegion(m_res.areas, liveRangeRegion(i, range)));
            any = true;
        }
    }
    if (!any)
        return;
    for (Step& st : m_res.scenario.steps)
        st.region = numberedRegion(m_res.areas, st.region);
}

} // namespace cmascope
