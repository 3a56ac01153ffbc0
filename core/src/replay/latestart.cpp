// SPDX-License-Identifier: GPL-2.0-or-later
// Late starts (docs/late-start.md): the evidence one replay pass collects, the greedy inference of the
// bits allocated before the trace, and the passes that apply it.
#include "latestartcollector.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <utility>

namespace cmascope {

std::vector<std::string> lateStartLines(const LateStart& late)
{
    std::vector<std::string> out;
    if (!late.detected)
        return out;
    out.push_back("late start detected: tracing began after the kernel had made allocations");
    for (const auto& e : late.evidence)
        out.push_back("  evidence: " + e);
    if (late.inferred) {
        out.push_back("  inferred " + std::to_string(late.inferredPages) + " pages allocated before the trace in "
            + std::to_string(late.seeds.size()) + " runs (shown as \"(inferred before trace)\")");
        for (const auto& s : late.seeds)
            out.push_back("    " + s.area + " " + hexText(s.pfn) + "+" + std::to_string(s.pages));
    } else if (!late.note.empty()) {
        out.push_back("  nothing inferred: " + late.note);
    }
    out.push_back("  placements predicted: " + std::to_string(late.predictedBefore) + " of "
        + std::to_string(late.placementsBefore) + " without inference, " + std::to_string(late.predictedAfter) + " of "
        + std::to_string(late.placementsAfter) + " now");
    return out;
}

namespace replayinternal {

std::vector<bool>& LateStartCollector::bitsOf(SeedMap& map, const ReplayAreaResult& ar)
{
    std::vector<bool>& bits = map[ar.area.name];
    if (bits.size() < ar.state.maxno())
        bits.resize(ar.state.maxno(), false);
    return bits;
}

void LateStartCollector::orphan(std::uint32_t line)
{
    if (m_sawStart)
        return; // a lost start in the middle of a trace says nothing about when tracing began
    if (m_orphans++ == 0)
        m_firstOrphan = line;
}

void LateStartCollector::placed(const ReplayAreaResult& ar, std::uint64_t offset, std::uint64_t pages)
{
    const unsigned opb = ar.area.orderPerBit;
    std::vector<bool>& bits = bitsOf(m_placed, ar);
    const std::uint64_t first = offset >> opb;
    const std::uint64_t last =
        std::min<std::uint64_t>((offset + pages + (std::uint64_t { 1 } << opb) - 1) >> opb, bits.size());
    for (std::uint64_t b = first; b < last; ++b)
        bits[b] = true;
}

void LateStartCollector::unknownRelease(const ReplayAreaResult& ar, std::uint64_t bit, std::uint32_t line)
{
    if (m_unknownPages == 0) {
        m_firstUnknown = line;
        m_unknownArea = ar.area.name;
    }
    m_unknownPages += std::uint64_t { 1 } << ar.area.orderPerBit;
    // Allocated from the start until this release, unless a placement of the trace held it before.
    const std::vector<bool>& placed = bitsOf(m_placed, ar);
    if (bit < placed.size() && !placed[bit])
        bitsOf(m_newSeeds, ar)[bit] = true;
}

bool LateStartCollector::allowed(const ReplayAreaResult& ar, std::uint64_t bit) const
{
    if (ar.state.testBit(bit))
        return false;
    const auto it = m_forbidden->find(ar.area.name);
    return it == m_forbidden->end() || bit >= it->second.size() || !it->second[bit];
}

/// Makes the recorded placement the lowest window the kernel's search can take: every free aligned
/// window below it (and not recorded busy) gets one set bit, the highest one allowed in it (greedy
/// interval stabbing: with equal-length windows taken in order, the highest bit hits the most of the
/// windows that follow, so the set is the smallest).
void LateStartCollector::stabWindows(
    ReplayAreaResult& ar, const TraceEvent& finish, const std::vector<std::uint64_t>& busyOffsets)
{
    const auto& a = ar.area;
    if (finish.pfn < a.basePfn)
        return;
    const auto sp = ar.state.searchParams(PolicyRequest { finish.count, finish.align });
    const std::uint64_t recordedBit = (finish.pfn - a.basePfn) >> a.orderPerBit;
    const unsigned opb = a.orderPerBit;
    std::uint64_t start = 0;
    while (true) {
        const std::uint64_t p = ar.state.findArea(start, sp.nbits, sp.mask, sp.offset);
        if (p >= recordedBit || p >= ar.state.maxno())
            return;
        if (std::find(busyOffsets.begin(), busyOffsets.end(), p << opb) != busyOffsets.end()) {
            start = p + sp.mask + 1; // the kernel went on after this busy window
            continue;
        }
        std::uint64_t b = p + sp.nbits;
        while (b > p && !allowed(ar, b - 1))
            --b;
        if (b == p) {
            start = p + sp.mask + 1; // nothing may be set in it: not explained by a late start
            continue;
        }
        ar.state.reserve((b - 1) << opb, std::uint64_t { 1 } << opb);
        bitsOf(m_newSeeds, ar)[b - 1] = true;
        start = p;
    }
}

void LateStartCollector::diverged(ReplayAreaResult& ar, const TraceEvent& finish,
    const std::vector<std::uint64_t>& busyOffsets, bool predictedOk, std::uint64_t predictedPfn)
{
    if (finish.failed() || !predictedOk || predictedPfn >= finish.pfn)
        return;
    if (m_higher++ == 0)
        m_firstHigher = finish.line;
    if (m_forbidden)
        stabWindows(ar, finish, busyOffsets);
}

void LateStartCollector::checked(bool succeeded, bool matched)
{
    if (!succeeded)
        return;
    ++m_placementsChecked;
    m_placementsMatched += matched ? 1u : 0u;
}

LateStart LateStartCollector::verdict() const
{
    LateStart v;
    if (m_unknownPages)
        v.evidence.push_back(std::to_string(m_unknownPages)
            + " pages were released that the replay never saw allocated (first on line "
            + std::to_string(m_firstUnknown) + ", area " + m_unknownArea + ")");
    if (m_higher)
        v.evidence.push_back(std::to_string(m_higher)
            + " placements lie above the lowest free window the kernel policy finds on the replayed state: "
              "something occupied the windows below (first on line "
            + std::to_string(m_firstHigher) + ")");
    if (m_orphans)
        v.evidence.push_back(std::to_string(m_orphans)
            + " events before the first cma_alloc_start belong to requests that started before the trace "
              "(first on line "
            + std::to_string(m_firstOrphan) + ")");
    if (m_format == TraceFormat::TracePipe)
        v.evidence.push_back("the trace was read from trace_pipe (no header): it holds only the events after the "
                             "reader opened it");
    v.detected = !v.evidence.empty();
    v.predictedBefore = v.predictedAfter = m_placementsMatched;
    v.placementsBefore = v.placementsAfter = m_placementsChecked;
    return v;
}

} // namespace replayinternal
} // namespace cmascope
