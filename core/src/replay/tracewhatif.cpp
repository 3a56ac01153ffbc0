// SPDX-License-Identifier: GPL-2.0-or-later
// What-if: the recorded requests and releases of a replay, run again under another policy,
// area size or order_per_bit.
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/replay/tracewhatif.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

namespace cmascope {

std::variant<WhatIfSpec, std::string> parseWhatIfSpec(
    std::string_view text, std::uint32_t pageSize, std::string_view option)
{
    WhatIfSpec spec;
    const std::string what = std::string(option) + " " + std::string(text) + ": ";
    if (text.empty())
        return what + "expected policy=ID,size=SIZE,pages=N,order_per_bit=N,area=NAME (any of them)";
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos)
            return what + "'" + std::string(item) + "' is not KEY=VALUE";
        const std::string_view key = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        if (key == "policy") {
            spec.policy = policyFromId(value);
            if (!spec.policy) {
                std::string ids;
                for (const auto k : allPolicies())
                    ids += (ids.empty() ? "" : ", ") + std::string(policyId(k));
                return what + "policy '" + std::string(value) + "' is unknown (one of: " + ids + ")";
            }
        } else if (key == "size") {
            const auto m = memparse(value);
            if (!m.ok() || m.end != value.size() || m.value == 0 || m.value % pageSize != 0)
                return what + "size '" + std::string(value) + "' must be a non-zero multiple of the page size ("
                    + std::to_string(pageSize) + " bytes), e.g. 32M";
            spec.pages = m.value / pageSize;
        } else if (key == "pages") {
            const auto n = parseReplayNumber(value);
            if (!n || *n == 0)
                return what + "pages '" + std::string(value) + "' must be a positive number";
            spec.pages = *n;
        } else if (key == "order_per_bit") {
            const auto n = parseReplayNumber(value);
            if (!n || *n > 20)
                return what + "order_per_bit '" + std::string(value) + "' must be a number from 0 to 20";
            spec.orderPerBit = static_cast<unsigned>(*n);
        } else if (key == "area") {
            if (value.empty())
                return what + "area needs a name";
            spec.area = std::string(value);
        } else {
            return what + "unknown key '" + std::string(key) + "' (policy, size, pages, order_per_bit, area)";
        }
    }
    return spec;
}

namespace {

/// A recorded allocation as the what-if placed it.
struct Allocation
{
    std::uint64_t count = 0; // recorded pages
    std::uint64_t remaining = 0; // recorded pages not given back yet
    std::uint64_t newOffset = 0;
    bool placed = false;
    bool partial = false; // some part was given back on its own
    bool deferred = false; // the policy cannot release parts: give it back whole at the end
};

/// A live part of an allocation, keyed by its recorded offset.
struct Piece
{
    std::uint64_t pages = 0;
    std::uint32_t allocation = 0;
    std::uint64_t delta = 0; // offset of the piece inside its allocation
};

/// One area under the what-if geometry and policy.
struct AreaRun
{
    std::unique_ptr<AllocationPolicy> policy;
    std::uint64_t pages = 0;
    std::map<std::uint64_t, Piece> live; // recorded offset -> live piece of an allocation
};

/// The state of a what-if run: every area and the recorded allocations it holds.
class WhatIfRun
{
public:
    WhatIfRun(const ReplayResult& replay, WhatIfResult& out, WhatIfRecord* record)
        : m_replay(replay)
        , m_out(out)
        , m_runs(replay.areas.size())
        , m_record(record)
    { }
    /// Sets each area up under @p spec. False (with out.error) when a geometry or policy cannot be used.
    bool setUp(const WhatIfSpec& spec);
    /// A run of bits set when tracing started.
    void seed(const Step& s);
    /// Recorded request @p index (timeline step @p s) asks again.
    void request(std::uint32_t index, const Step& s);
    /// A recorded release gives back its part of each live piece it overlaps.
    void release(const Step& s);
    std::uint64_t seedLost() const { return m_seedLost; }

private:
    void releasePiece(AreaRun& run, std::uint64_t pieceStart, const Step& s);
    /// Records that pages [offset, offset + pages) of area @p area were given back (WhatIfRecord).
    void recordRelease(std::uint16_t area, std::uint64_t offset, std::uint64_t pages)
    {
        if (m_record)
            m_record->scenario.release(area, offset, pages);
    }
    std::string_view task(const Step& s) const { return m_replay.scenario.symbols.name(s.device); }

    const ReplayResult& m_replay;
    WhatIfResult& m_out;
    std::vector<Allocation> m_allocations;
    std::vector<AreaRun> m_runs;
    std::uint64_t m_seedLost = 0;
    WhatIfRecord* m_record; ///< null: not recorded
};

bool WhatIfRun::setUp(const WhatIfSpec& spec)
{
    for (std::size_t i = 0; i < m_replay.areas.size(); ++i) {
        const auto& a = m_replay.areas[i].area;
        if (a.rangeCount() > 1) { // docs/kernel-cma.md, "Multi-range areas in cmascope"
            m_out.error = "area " + a.name + " has " + std::to_string(a.rangeCount())
                + " ranges: what-if runs model single-range areas only";
            return false;
        }
        const bool changed = !spec.area || *spec.area == a.name;
        PolicyParams params;
        params.orderPerBit = changed ? spec.orderPerBit.value_or(a.orderPerBit) : a.orderPerBit;
        params.maxAlignOrder = std::nullopt;
        m_runs[i].pages = changed ? spec.pages.value_or(a.pages) : a.pages;
        m_runs[i].policy = makePolicy(changed ? spec.policy.value_or(PolicyKind::Kernel) : PolicyKind::Kernel, params);
        if (auto err = m_runs[i].policy->reset(RegionGeometry { a.basePfn, m_runs[i].pages })) {
            m_out.error = "area " + a.name + ": " + *err;
            return false;
        }
        if (m_record && i < m_record->platform.regions.size()) {
            Region& r = m_record->platform.regions[i];
            r.size = m_runs[i].pages * r.pageSize;
            r.policy = PolicyKind::Kernel; // bookkeeping only: the what-if's policy chose the places
            r.params = PolicyParams {};
            // A kernel variant's places hold whole bitmap bits, as the recording's do (docs/map-traces.md).
            if (!changed || spec.policy.value_or(PolicyKind::Kernel) == PolicyKind::Kernel)
                r.params.orderPerBit = params.orderPerBit;
            r.params.maxAlignOrder = std::nullopt;
            if (m_replay.platform.banks.empty()) // as replayProject() gives the recording: a bank per area
                m_record->platform.banks.push_back({ r.name, r.placedBase.value_or(r.start), r.size, 0 });
        }
    }
    return true;
}

void WhatIfRun::seed(const Step& s)
{
    auto& run = m_runs[s.region];
    if (s.offset + s.size <= run.pages && run.policy->reserve(s.offset, s.size)) {
        run.live[s.offset] = { s.size, static_cast<std::uint32_t>(m_allocations.size()), 0 };
        m_allocations.push_back({ s.size, s.size, s.offset, true, false, false });
        if (m_record)
            m_record->scenario.place(s.region, s.offset, s.size, task(s), "in use when tracing began");
    } else
        m_seedLost += s.size;
}

void WhatIfRun::request(std::uint32_t index, const Step& s)
{
    const ReplayRequest& q = m_replay.requests[index];
    if (q.area >= m_runs.size())
        return;
    auto& run = m_runs[q.area];
    ++m_out.requests;
    const PolicyResult pr = run.policy->allocate(PolicyRequest { q.count, q.align }, nullptr);
    if (pr.ok)
        ++m_out.succeeded;
    else
        ++m_out.failed;
    if (pr.ok != q.succeeded) {
        WhatIfChange c;
        c.request = index;
        c.recordedOk = q.succeeded;
        c.whatIfOk = pr.ok;
        c.whatIfPfn = pr.ok ? m_replay.areas[q.area].area.basePfn + pr.offset : 0;
        c.refusal = pr.refusal;
        m_out.changes.push_back(c);
        ++(pr.ok ? m_out.nowSucceed : m_out.nowFail);
    }
    if (m_record && pr.ok && q.succeeded)
        m_record->scenario.place(static_cast<std::uint16_t>(q.area), pr.offset, q.count, task(s));
    else if (m_record && !pr.ok)
        m_record->scenario.refused(static_cast<std::uint16_t>(q.area), q.count, q.align, task(s));
    if (q.succeeded) {
        const std::uint64_t recordedOffset = q.pfn - m_replay.areas[q.area].area.basePfn;
        run.live[recordedOffset] = { q.count, static_cast<std::uint32_t>(m_allocations.size()), 0 };
        m_allocations.push_back({ q.count, q.count, pr.offset, pr.ok, false, false });
    } else if (pr.ok) {
        run.policy->release(pr.offset, q.count);
    }
}

void WhatIfRun::release(const Step& s)
{
    // One release may span several recorded allocations (cma_release clears whatever it covers):
    // each live piece it overlaps gives back its part.
    auto& run = m_runs[s.region];
    const std::uint64_t end = s.offset + s.size;
    auto it = run.live.upper_bound(s.offset);
    if (it != run.live.begin() && std::prev(it)->first + std::prev(it)->second.pages > s.offset)
        --it;
    std::vector<std::uint64_t> starts;
    for (; it != run.live.end() && it->first < end; ++it)
        starts.push_back(it->first);
    for (const std::uint64_t pieceStart : starts)
        releasePiece(run, pieceStart, s);
}

/// Gives back the part of the live piece at @p pieceStart that release @p s covers, and splits the piece
/// around it.
void WhatIfRun::releasePiece(AreaRun& run, std::uint64_t pieceStart, const Step& s)
{
    const Piece piece = run.live.at(pieceStart);
    const std::uint64_t lo = std::max(s.offset, pieceStart);
    const std::uint64_t hi = std::min(s.offset + s.size, pieceStart + piece.pages);
    Allocation& a = m_allocations[piece.allocation];
    const std::uint64_t delta = piece.delta + (lo - pieceStart);
    if (a.placed) {
        if (!a.partial && delta == 0 && hi - lo == a.count) {
            run.policy->release(a.newOffset, a.count);
            recordRelease(s.region, a.newOffset, a.count);
        } else {
            a.partial = true;
            if (!a.deferred && !run.policy->release(a.newOffset + delta, hi - lo))
                a.deferred = true;
            else if (!a.deferred)
                recordRelease(s.region, a.newOffset + delta, hi - lo);
        }
    }
    a.remaining -= std::min(a.remaining, hi - lo);
    if (a.remaining == 0 && a.placed && a.deferred) {
        run.policy->release(a.newOffset, a.count);
        recordRelease(s.region, a.newOffset, a.count); // gives back only what is still live
    }
    // split the piece around the released range
    run.live.erase(pieceStart);
    if (lo > pieceStart)
        run.live[pieceStart] = { lo - pieceStart, piece.allocation, piece.delta };
    if (hi < pieceStart + piece.pages)
        run.live[hi] = { pieceStart + piece.pages - hi, piece.allocation, piece.delta + (hi - pieceStart) };
}

} // namespace

WhatIfResult runWhatIf(const ReplayResult& replay, const WhatIfSpec& spec, const Progress& progress, bool record)
{
    WhatIfResult out;
    if (replay.timeline.size() != replay.scenario.steps.size() || replay.requests.empty()) {
        if (replay.requests.empty()) {
            out.notes.push_back("the replay recorded no request");
            return out;
        }
        out.error = "the replay has no timeline (ReplayOptions::buildTimeline)";
        return out;
    }
    if (spec.area && !replay.findArea(*spec.area)) {
        std::string names;
        for (const auto& a : replay.areas)
            names += (names.empty() ? "" : ", ") + a.area.name;
        out.error = "no area named " + *spec.area + " in the trace (areas: " + names + ")";
        return out;
    }
    std::shared_ptr<WhatIfRecord> rec;
    if (record) {
        rec = std::make_shared<WhatIfRecord>();
        rec->platform = replay.platform;
        rec->scenario.name = "what-if";
        rec->positionOf.reserve(replay.timeline.size() + 1);
        rec->positionOf.push_back(0);
    }
    WhatIfRun run(replay, out, rec.get());
    if (!run.setUp(spec))
        return out;
    out.notes.push_back("requests that failed in the trace and succeed here are given back at once (the trace has "
                        "no release for them)");
    for (std::size_t i = 0; i < replay.timeline.size(); ++i) {
        if ((i & 0x3FFF) == 0 && !progress(i, replay.timeline.size())) {
            out.cancelled = true;
            out.error = "cancelled";
            return out;
        }
        const TimelineEntry& t = replay.timeline[i];
        const Step& s = replay.scenario.steps[i];
        switch (t.kind) {
        case TimelineEntry::Seed:
            run.seed(s);
            break;
        case TimelineEntry::Request:
            run.request(t.index, s);
            break;
        case TimelineEntry::Release:
            run.release(s);
            break;
        case TimelineEntry::Marker:
            break;
        }
        if (rec)
            rec->positionOf.push_back(static_cast<std::uint32_t>(rec->scenario.steps.size()));
    }
    out.record = std::move(rec);
    if (run.seedLost())
        out.notes.push_back(std::to_string(run.seedLost())
            + " pages in use when tracing started do not fit the new geometry and were left out");
    return out;
}

} // namespace cmascope
