// SPDX-License-Identifier: GPL-2.0-or-later
// The replay engine: turns cma:* events into the kernel's bitmap state, checks every recorded
// outcome against the kernel policy, and reorders concurrent requests like the kernel served them.
//
// Concurrent requests. cma_alloc() sets its bits (under cma->lock) at some moment between its
// cma_alloc_start and cma_alloc_finish events; when several tasks are in flight, the trace does not
// show in which order. Events are buffered while any request is in flight (a "group") and swept in
// trace order; after every change of the state each in-flight request whose recorded placement is
// what the kernel's first fit gives on the state so far is reserved at once. Reserving early is
// always safe: the kernel's search returns the lowest free aligned window that is not busy, so
// setting bits elsewhere (a placement that does not overlap the recorded window) never changes a
// prediction that already matches. A request still unmatched at its finish is a divergence.
#include <cmascope/replay/replay.h>
#include <cmascope/trace/reader.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <limits>
#include <new>
#include <unordered_map>

namespace cmascope {

namespace {

constexpr std::uint64_t kPageblockPages = 512; // CMA_MIN_ALIGNMENT with 4 KiB pages (pageblock order 9)
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// Busy exactly for the windows the trace recorded (cma_alloc_busy_retry) for one request.
class RecordedBusy final : public BusyOracle
{
public:
    explicit RecordedBusy(const std::vector<std::uint64_t>& offsets)
        : m_offsets(offsets)
    { }
    bool isBusy(std::uint64_t offset, std::uint64_t) const override
    {
        return std::find(m_offsets.begin(), m_offsets.end(), offset) != m_offsets.end();
    }

private:
    const std::vector<std::uint64_t>& m_offsets;
};

bool isAllocEnd(EventType t)
{
    return t == EventType::AllocFinish || t == EventType::LegacyAlloc;
}

} // namespace

/// Internal: the streaming engine.
class Replayer
{
public:
    Replayer(const ReplayInputs& inputs, const ReplayOptions& options,
        const std::unordered_map<std::string, AreaSpec>& inferred)
        : m_inputs(inputs)
        , m_opt(options)
        , m_inferred(inferred)
    { }

    /// Feeds events in trace order. Returns false once the stop marker was seen.
    bool feed(const TraceData& data, std::span<const TraceEvent> events);
    /// Reserves room for about @p events trace events so the timeline never copies itself while growing.
    /// Capacity that is never written stays virtual: an over-estimate costs no resident memory.
    void reserveFor(std::uint64_t events);
    /// Ends the replay: flushes in-flight requests, adds idle areas, builds the timeline.
    ReplayResult finish(const TraceData& data);
    /// Areas met that no source describes (their events were not replayed).
    const std::vector<std::string>& unresolved() const { return m_unresolvedNames; }
    std::uint64_t eventsFed() const { return m_eventsFed; }

private:
    struct GroupRequest
    {
        TraceEvent start {}; // type AllocStart when seen; line 0 = none
        TraceEvent finish {};
        bool hasStart = false, hasFinish = false;
        std::uint32_t area = kNone; // result area index
        std::vector<std::uint64_t> busyOffsets;
        std::uint32_t resultIndex = kNone;
        bool settled = false; // reserved (success) or confirmed failing
    };

    std::uint32_t areaFor(const TraceData& data, std::uint32_t traceAreaId);
    std::optional<std::string> addArea(ReplayArea area);
    void warn(std::uint32_t line, std::string message);
    void handleDirect(const TraceData& data, const TraceEvent& e);
    void processGroup(const TraceData& data, bool atEnd);
    void settle(const TraceData& data, std::vector<std::uint32_t>& active);
    bool attempt(GroupRequest& r, bool keepOnMatch, bool& predictedOk, std::uint64_t& predictedPfn);
    void reserveForced(const TraceData& data, GroupRequest& r);
    void finalize(const TraceData& data, GroupRequest& r, bool matched, bool predictedOk, std::uint64_t predictedPfn);
    std::uint32_t recordRequest(const TraceData& data, GroupRequest& r);
    void applyRelease(const TraceEvent& e, std::uint32_t area);
    void emitMarker(const TraceData& data, const TraceEvent& e);
    std::uint32_t taskIndex(const TraceData& data, std::uint32_t traceTask);

    const ReplayInputs& m_inputs;
    const ReplayOptions& m_opt;
    const std::unordered_map<std::string, AreaSpec>& m_inferred;
    ReplayResult m_res;
    std::vector<std::uint32_t> m_areaOfTrace; // trace area id -> result area (kNone = unresolved)
    std::vector<bool> m_areaLooked;
    std::vector<std::string> m_unresolvedNames;
    std::vector<std::uint32_t> m_taskOfTrace; // trace task id -> ReplayResult::tasks index
    std::uint64_t m_eventsFed = 0;
    bool m_stopped = false;

    // the group of in-flight requests
    std::vector<TraceEvent> m_group;
    std::vector<GroupRequest> m_reqs;
    std::vector<std::uint32_t> m_reqOfEvent; // parallel to m_group: request index or kNone
    std::unordered_map<std::uint64_t, std::uint32_t> m_open; // (task << 32 | area) -> m_reqs index

    // timeline pieces, appended to ReplayResult::scenario/timeline as they happen (no staging copy:
    // a staging vector and the final one would both be resident at the end of a long trace)
    struct TimelineOp
    {
        TimelineEntry::Kind kind;
        std::uint32_t area;
        std::uint32_t index; // request / marker / line
        std::uint64_t offset, pages;
        std::uint64_t timeNs = 0; // releases: the event's time (requests and markers keep their own)
    };
    void pushOp(const TimelineOp& op);
};

void Replayer::pushOp(const TimelineOp& op)
{
    if (!m_opt.buildTimeline || !m_opt.keepRequests)
        return;
    Scenario& sc = m_res.scenario;
    const auto region = static_cast<std::uint16_t>(op.area);
    std::uint64_t timeNs = 0;
    switch (op.kind) {
    case TimelineEntry::Seed:
        sc.place(region, op.offset, op.pages, "(before trace)");
        break;
    case TimelineEntry::Request: {
        const ReplayRequest& q = m_res.requests[op.index];
        if (q.succeeded)
            sc.place(region, op.offset, op.pages, m_res.tasks[q.task]);
        else
            sc.refused(region, q.count, q.align, m_res.tasks[q.task], "trace line " + std::to_string(q.finishLine));
        timeNs = q.timestampNs;
        break;
    }
    case TimelineEntry::Release:
        sc.release(region, op.offset, op.pages);
        timeNs = op.timeNs;
        break;
    case TimelineEntry::Marker:
        sc.phase(m_res.markers[op.index].text);
        timeNs = m_res.markers[op.index].timestampNs;
        break;
    }
    m_res.timeline.push_back({ op.kind, op.index });
    sc.timesNs.push_back(timeNs);
}

void Replayer::reserveFor(std::uint64_t events)
{
    if (!m_opt.buildTimeline || !m_opt.keepRequests || events == 0)
        return;
    // A request is at least two events (start + finish) unless the trace is of the legacy single-event
    // kind; a timeline step is at most one event. Capped so a huge file cannot ask for absurd room.
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(events, std::uint64_t { 1 } << 26));
    try {
        m_res.requests.reserve(n);
        m_res.timeline.reserve(n);
        m_res.scenario.steps.reserve(n);
        m_res.scenario.timesNs.reserve(n);
    } catch (const std::bad_alloc&) {
        // growth will do
    }
}

void Replayer::warn(std::uint32_t line, std::string message)
{
    ++m_res.warningCount;
    if (m_res.warnings.size() < m_opt.maxWarnings)
        m_res.warnings.push_back({ line, std::move(message) });
}

std::uint32_t Replayer::taskIndex(const TraceData& data, std::uint32_t traceTask)
{
    if (traceTask >= m_taskOfTrace.size())
        m_taskOfTrace.resize(traceTask + 1, kNone);
    if (m_taskOfTrace[traceTask] == kNone) {
        m_taskOfTrace[traceTask] = static_cast<std::uint32_t>(m_res.tasks.size());
        m_res.tasks.push_back(traceTask < data.tasks.size() ? data.tasks[traceTask] : std::string("?"));
    }
    return m_taskOfTrace[traceTask];
}

std::optional<std::string> Replayer::addArea(ReplayArea area)
{
    ReplayAreaResult ar;
    PolicyParams params;
    params.orderPerBit = area.orderPerBit;
    params.maxAlignOrder = std::nullopt;
    ar.state = KernelBitmapPolicy(params);
    if (auto err = ar.state.reset(RegionGeometry { area.basePfn, area.pages }))
        return "area " + area.name + " (" + area.origin + "): " + *err;
    if (!area.initialBitmap.empty()) {
        if (auto err = ar.state.loadDebugfsBitmap(formatDebugfsBitmap(area.initialBitmap)))
            return area.initialBitmapOrigin + ": bitmap: " + *err;
        // Seed ops: one per run of set bits, so the timeline starts from the same state.
        const unsigned opb = area.orderPerBit;
        const std::uint64_t maxno = ar.state.maxno();
        const auto index = static_cast<std::uint32_t>(m_res.areas.size());
        for (std::uint64_t b = 0; b < maxno;) {
            if (!ar.state.testBit(b)) {
                ++b;
                continue;
            }
            std::uint64_t e = b;
            while (e < maxno && ar.state.testBit(e))
                ++e;
            pushOp({ TimelineEntry::Seed, index, 0, b << opb, (e - b) << opb });
            b = e;
        }
    }
    ar.area = std::move(area);
    m_res.areas.push_back(std::move(ar));
    return std::nullopt;
}

std::uint32_t Replayer::areaFor(const TraceData& data, std::uint32_t traceAreaId)
{
    if (traceAreaId >= m_areaOfTrace.size()) {
        m_areaOfTrace.resize(traceAreaId + 1, kNone);
        m_areaLooked.resize(traceAreaId + 1, false);
    }
    if (m_areaLooked[traceAreaId])
        return m_areaOfTrace[traceAreaId];
    m_areaLooked[traceAreaId] = true;
    const std::string name = data.areas[traceAreaId];
    const bool unnamed = name == kUnnamedArea;
    ReplayArea area;
    area.name = name;
    bool found = false;
    const std::uint32_t pageSize = m_inputs.pageSize ? m_inputs.pageSize : 4096;

    // 1. the project
    if (m_inputs.project) {
        const Region* r = m_inputs.project->findRegion(name);
        if (!r && unnamed)
            for (const auto& reg : m_inputs.project->regions)
                if (reg.isDefault)
                    r = &reg;
        if (r && r->type == RegionType::Cma && r->size > 0) {
            const std::uint64_t ps = r->pageSize ? r->pageSize : m_inputs.project->pageSize;
            std::optional<std::uint64_t> base = r->placedBase;
            if (!base && r->placement == Placement::Fixed)
                base = r->start;
            if (base) {
                area.basePfn = *base / ps;
                area.pages = r->size / ps;
                area.orderPerBit = r->params.orderPerBit;
                area.source = AreaSource::Project;
                area.origin = "project region " + r->name;
                found = true;
            } else {
                m_res.notes.push_back("project region " + r->name + " has no address (not placed): not used");
            }
        }
    }
    // 2. debugfs
    auto debugfsName = [](std::string_view n) { return n.starts_with("cma-") ? n.substr(4) : n; };
    const DebugfsSnapshot* snap = nullptr;
    std::string snapOrigin;
    for (std::size_t i = 0; i < m_inputs.debugfs.size(); ++i) {
        const auto& s = m_inputs.debugfs[i];
        if (s.name == name || debugfsName(s.name) == name || (unnamed && m_inputs.debugfs.size() == 1)) {
            snap = &s;
            snapOrigin = i < m_inputs.debugfsOrigins.size() ? m_inputs.debugfsOrigins[i] : s.name;
            break;
        }
    }
    if (!found && snap) {
        area.basePfn = snap->basePfn;
        area.pages = snap->count;
        area.orderPerBit = snap->orderPerBit;
        area.source = AreaSource::Debugfs;
        area.origin = snapOrigin;
        found = true;
    }
    // 3. boot log
    if (!found) {
        for (const auto& b : m_inputs.bootLog) {
            if (!b.base || b.size == 0)
                continue;
            if (b.name == name || (unnamed && b.name == "reserved")) {
                area.basePfn = *b.base / pageSize;
                area.pages = b.size / pageSize;
                area.orderPerBit = b.name.starts_with("hugetlb") ? 9 : 0;
                area.source = AreaSource::BootLog;
                area.origin = (m_inputs.bootLogOrigin.empty() ? std::string("boot log") : m_inputs.bootLogOrigin) + ":"
                    + std::to_string(b.line) + ": " + b.text;
                found = true;
                break;
            }
        }
    }
    // 4. --area
    if (!found) {
        for (const auto& s : m_inputs.areaSpecs) {
            if (s.name == name) {
                area.basePfn = s.basePfn;
                area.pages = s.pages;
                area.orderPerBit = s.orderPerBit;
                area.source = AreaSource::CommandLine;
                area.origin = "--area " + s.name;
                found = true;
                break;
            }
        }
    }
    // 5. inferred (computed by the caller from the whole trace)
    if (!found) {
        if (auto it = m_inferred.find(name); it != m_inferred.end()) {
            area.basePfn = it->second.basePfn;
            area.pages = it->second.pages;
            area.orderPerBit = 0;
            area.source = AreaSource::Inferred;
            area.origin = "inferred from the trace: the smallest pageblock-aligned (512-page) range holding every "
                          "PFN recorded; order_per_bit assumed 0";
            m_res.notes.push_back("area " + name + " inferred from the trace as " + hexText(area.basePfn) + "+"
                + std::to_string(area.pages) + " pages (no project, debugfs, boot log or --area told it)");
            found = true;
        }
    }
    if (!found) {
        m_unresolvedNames.push_back(name);
        return kNone;
    }
    if (snap) {
        if (snap->basePfn == area.basePfn && snap->count == area.pages && snap->orderPerBit == area.orderPerBit) {
            area.initialBitmap = snap->bitmap;
            area.initialBitmapOrigin = snapOrigin + "/bitmap";
        } else {
            m_res.notes.push_back(snapOrigin + ": geometry differs from " + area.origin
                + ": its bitmap is not used as the initial state");
        }
    }
    if (auto err = addArea(std::move(area))) {
        m_res.error = *err;
        return kNone;
    }
    m_areaOfTrace[traceAreaId] = static_cast<std::uint32_t>(m_res.areas.size() - 1);
    return m_areaOfTrace[traceAreaId];
}

bool Replayer::feed(const TraceData& data, std::span<const TraceEvent> events)
{
    for (const TraceEvent& e : events) {
        if (m_stopped || !m_res.error.empty())
            return false;
        ++m_eventsFed;
        if (e.type == EventType::Marker) {
            if (m_group.empty())
                emitMarker(data, e);
            else {
                m_group.push_back(e);
                m_reqOfEvent.push_back(kNone);
            }
            if (!m_opt.untilMarker.empty() && data.markerText(e).find(m_opt.untilMarker) != std::string_view::npos) {
                m_stopped = true;
                m_res.stoppedAtMarker = true;
                m_res.stopLine = e.line;
                return false;
            }
            continue;
        }
        const std::uint32_t area = areaFor(data, e.areaId);
        if (area == kNone) {
            if (!m_res.error.empty())
                return false;
            continue; // an area nothing describes: counted, not replayed
        }
        const std::uint64_t key = (std::uint64_t(e.taskId) << 32) | e.areaId;
        switch (e.type) {
        case EventType::AllocStart: {
            if (auto it = m_open.find(key); it != m_open.end()) {
                warn(m_reqs[it->second].start.line,
                    "cma_alloc_start without cma_alloc_finish (lost event?): the request is left out");
                m_reqs[it->second].hasStart = false; // becomes incomplete and inert
                m_reqs[it->second].settled = true;
                m_open.erase(it);
            }
            GroupRequest r;
            r.start = e;
            r.hasStart = true;
            r.area = area;
            m_open.emplace(key, static_cast<std::uint32_t>(m_reqs.size()));
            m_reqOfEvent.push_back(static_cast<std::uint32_t>(m_reqs.size()));
            m_reqs.push_back(std::move(r));
            m_group.push_back(e);
            break;
        }
        case EventType::BusyRetry: {
            ++m_res.busyRetries;
            ++m_res.areas[area].busyRetries;
            auto it = m_open.find(key);
            if (it == m_open.end()) {
                warn(e.line, "cma_alloc_busy_retry outside a request of this task (tracing started late?)");
                break;
            }
            const auto& a = m_res.areas[area].area;
            if (e.pfn >= a.basePfn && e.pfn < a.basePfn + a.pages)
                m_reqs[it->second].busyOffsets.push_back(e.pfn - a.basePfn);
            else
                warn(e.line, "cma_alloc_busy_retry at pfn " + hexText(e.pfn) + " outside area " + a.name);
            break;
        }
        case EventType::AllocFinish:
        case EventType::LegacyAlloc: {
            std::uint32_t idx;
            if (auto it = m_open.find(key); it != m_open.end() && e.type == EventType::AllocFinish) {
                idx = it->second;
                m_open.erase(it);
            } else {
                // one-shot: a legacy cma_alloc, or a finish whose start predates the trace
                GroupRequest r;
                r.area = area;
                idx = static_cast<std::uint32_t>(m_reqs.size());
                m_reqs.push_back(std::move(r));
                TraceEvent s = e;
                s.type = EventType::AllocStart;
                m_group.push_back(s); // its window opens at its end
                m_reqOfEvent.push_back(idx);
            }
            m_reqs[idx].finish = e;
            m_reqs[idx].hasFinish = true;
            m_group.push_back(e);
            m_reqOfEvent.push_back(idx);
            break;
        }
        case EventType::Release:
            if (m_group.empty()) {
                applyRelease(e, area);
            } else {
                m_group.push_back(e);
                m_reqOfEvent.push_back(kNone);
            }
            break;
        case EventType::Marker:
            break;
        }
        if (m_open.empty() && !m_group.empty())
            processGroup(data, false);
    }
    return !m_stopped;
}

void Replayer::emitMarker(const TraceData& data, const TraceEvent& e)
{
    ReplayMarker m { std::string(data.markerText(e)), e.line, e.timestampNs };
    if (m_opt.onMarker)
        m_opt.onMarker(m, m_res.areas);
    m_res.markers.push_back(std::move(m));
    pushOp({ TimelineEntry::Marker, kNone, static_cast<std::uint32_t>(m_res.markers.size() - 1), 0, 0 });
}

void Replayer::applyRelease(const TraceEvent& e, std::uint32_t areaIndex)
{
    auto& ar = m_res.areas[areaIndex];
    const auto& a = ar.area;
    ++m_res.releases;
    ++ar.releases;
    if (e.count == 0)
        return;
    if (e.pfn < a.basePfn || e.pfn + e.count > a.basePfn + a.pages || e.pfn + e.count < e.pfn) {
        warn(e.line,
            "cma_release of pfn " + hexText(e.pfn) + "+" + std::to_string(e.count) + " outside area " + a.name + " ("
                + hexText(a.basePfn) + "+" + std::to_string(a.pages) + "): ignored");
        return;
    }
    const std::uint64_t offset = e.pfn - a.basePfn;
    const unsigned opb = a.orderPerBit;
    if (offset % (std::uint64_t { 1 } << opb) != 0) {
        warn(e.line, "cma_release of pfn " + hexText(e.pfn) + " not on a bitmap bit boundary: ignored");
        return;
    }
    if (ar.state.release(offset, e.count)) {
        ar.releasedPages += e.count;
        pushOp({ TimelineEntry::Release, areaIndex, e.line, offset, e.count, e.timestampNs });
        return;
    }
    // Some of the pages were not known as allocated: tracing started after they were allocated.
    // The kernel clears the bits regardless; clear the runs that are set.
    const std::uint64_t firstBit = offset >> opb;
    const std::uint64_t nbits = ((e.count + (std::uint64_t { 1 } << opb) - 1) >> opb);
    std::uint64_t unknown = 0;
    for (std::uint64_t b = firstBit; b < firstBit + nbits;) {
        if (!ar.state.testBit(b)) {
            ++b;
            ++unknown;
            continue;
        }
        std::uint64_t end = b;
        while (end < firstBit + nbits && ar.state.testBit(end))
            ++end;
        const std::uint64_t pages = (end - b) << opb;
        ar.state.release(b << opb, pages);
        ar.releasedPages += pages;
        pushOp({ TimelineEntry::Release, areaIndex, e.line, b << opb, pages, e.timestampNs });
        b = end;
    }
    ar.unknownReleasePages += unknown << opb;
    warn(e.line,
        "cma_release of pfn " + hexText(e.pfn) + "+" + std::to_string(e.count) + ": " + std::to_string(unknown << opb)
            + " pages were not known to be allocated (tracing started after their allocation?)");
}

bool Replayer::attempt(GroupRequest& r, bool keepOnMatch, bool& predictedOk, std::uint64_t& predictedPfn)
{
    auto& ar = m_res.areas[r.area];
    const RecordedBusy busy(r.busyOffsets);
    const PolicyRequest req { r.finish.count, r.finish.align };
    const PolicyResult pr = ar.state.allocate(req, r.busyOffsets.empty() ? nullptr : &busy);
    predictedOk = pr.ok;
    predictedPfn = pr.ok ? ar.area.basePfn + pr.offset : 0;
    const bool recordedOk = !r.finish.failed();
    const bool matched = recordedOk ? (pr.ok && predictedPfn == r.finish.pfn) : !pr.ok;
    if (pr.ok && !(matched && keepOnMatch))
        ar.state.release(pr.offset, req.pages); // undo the probe
    return matched;
}

std::uint32_t Replayer::recordRequest(const TraceData& data, GroupRequest& r)
{
    if (r.resultIndex != kNone || !m_opt.keepRequests)
        return r.resultIndex;
    ReplayRequest q;
    const TraceEvent& f = r.hasFinish ? r.finish : r.start;
    q.pfn = r.hasFinish && !f.failed() ? f.pfn : 0;
    q.count = f.count;
    q.timestampNs = f.timestampNs;
    q.startLine = r.hasStart ? r.start.line : 0;
    q.finishLine = r.hasFinish ? r.finish.line : 0;
    q.task = taskIndex(data, f.taskId);
    q.area = r.area;
    q.busyRetries = static_cast<std::uint32_t>(r.busyOffsets.size());
    q.align = f.align;
    q.succeeded = r.hasFinish && !f.failed();
    q.complete = r.hasFinish;
    r.resultIndex = static_cast<std::uint32_t>(m_res.requests.size());
    m_res.requests.push_back(q);
    return r.resultIndex;
}

void Replayer::reserveForced(const TraceData& data, GroupRequest& r)
{
    auto& ar = m_res.areas[r.area];
    const auto& a = ar.area;
    const TraceEvent& f = r.finish;
    if (f.pfn < a.basePfn || f.pfn + f.count > a.basePfn + a.pages) {
        warn(f.line,
            "recorded placement " + hexText(f.pfn) + "+" + std::to_string(f.count) + " outside area " + a.name + " ("
                + hexText(a.basePfn) + "+" + std::to_string(a.pages) + "): not applied");
        return;
    }
    const std::uint64_t offset = f.pfn - a.basePfn;
    if (!ar.state.reserve(offset, f.count)) {
        // The kernel had those bits clear; whatever the replay thought was there is gone.
        const unsigned opb = a.orderPerBit;
        const std::uint64_t nbits = (f.count + (std::uint64_t { 1 } << opb) - 1) >> opb;
        for (std::uint64_t b = offset >> opb; b < (offset >> opb) + nbits && b < ar.state.maxno(); ++b)
            if (ar.state.testBit(b))
                ar.state.release(b << opb, std::uint64_t { 1 } << opb);
        warn(f.line,
            "recorded placement " + hexText(f.pfn) + "+" + std::to_string(f.count)
                + " overlaps pages the replay had as allocated: the trace misses their release");
        if (!ar.state.reserve(offset, f.count)) {
            warn(f.line, "recorded placement " + hexText(f.pfn) + " cannot be applied");
            return;
        }
    }
    const std::uint32_t idx = recordRequest(data, r);
    pushOp({ TimelineEntry::Request, r.area, idx, offset, f.count });
}

void Replayer::settle(const TraceData& data, std::vector<std::uint32_t>& active)
{
    bool progress = true;
    while (progress) {
        progress = false;
        for (std::size_t i = 0; i < active.size(); ++i) {
            GroupRequest& r = m_reqs[active[i]];
            bool pok = false;
            std::uint64_t ppfn = 0;
            if (!r.hasFinish) {
                continue; // never finished (incomplete): unknown outcome, nothing to reserve
            }
            if (!m_opt.fidelity)
                continue;
            if (!attempt(r, true, pok, ppfn))
                continue;
            r.settled = true;
            if (!r.finish.failed()) {
                const std::uint32_t idx = recordRequest(data, r);
                pushOp({ TimelineEntry::Request, r.area, idx, r.finish.pfn - m_res.areas[r.area].area.basePfn,
                    r.finish.count });
                progress = true; // the state changed: others may match now
            }
            active.erase(active.begin() + static_cast<std::ptrdiff_t>(i));
            --i;
        }
    }
}

void Replayer::finalize(
    const TraceData& data, GroupRequest& r, bool matched, bool predictedOk, std::uint64_t predictedPfn)
{
    auto& ar = m_res.areas[r.area];
    const TraceEvent& f = r.finish;
    ++m_res.requested;
    ++ar.requested;
    if (f.failed()) {
        ++m_res.failed;
        ++ar.failed;
    } else {
        ++m_res.succeeded;
        ++ar.succeeded;
    }
    const std::uint32_t idx = recordRequest(data, r);
    if (f.failed())
        pushOp({ TimelineEntry::Request, r.area, idx, 0, f.count });
    if (!m_opt.fidelity)
        return;
    ++m_res.compared;
    if (matched) {
        ++m_res.matched;
        if (idx != kNone)
            m_res.requests[idx].check = ReplayRequest::Matched;
        return;
    }
    if (idx != kNone)
        m_res.requests[idx].check = ReplayRequest::Diverged;
    ++m_res.divergenceCount;
    if (m_res.divergences.size() < m_opt.maxDivergences) {
        ReplayDivergence d;
        d.line = f.line;
        d.area = ar.area.name;
        d.task = data.tasks[f.taskId];
        d.count = f.count;
        d.align = f.align;
        d.recordedOk = !f.failed();
        d.recordedPfn = f.failed() ? 0 : f.pfn;
        d.predictedOk = predictedOk;
        d.predictedPfn = predictedPfn;
        d.text = d.task + " asked for " + std::to_string(f.count) + " pages (align " + std::to_string(f.align)
            + "): the kernel " + (d.recordedOk ? "placed it at " + hexText(d.recordedPfn) : std::string("refused it"))
            + ", the kernel policy " + (predictedOk ? "would place it at " + hexText(predictedPfn) : "refuses it")
            + " on the replayed state";
        m_res.divergences.push_back(std::move(d));
    }
}

void Replayer::processGroup(const TraceData& data, bool atEnd)
{
    std::vector<std::uint32_t> active;
    std::size_t requestsInGroup = 0;
    std::vector<std::uint32_t> finishOrder;
    for (std::size_t pos = 0; pos < m_group.size(); ++pos) {
        const TraceEvent& e = m_group[pos];
        const std::uint32_t ri = m_reqOfEvent[pos];
        switch (e.type) {
        case EventType::AllocStart: {
            GroupRequest& r = m_reqs[ri];
            if (r.settled)
                break; // superseded start (lost finish)
            ++requestsInGroup;
            active.push_back(ri);
            settle(data, active);
            break;
        }
        case EventType::AllocFinish:
        case EventType::LegacyAlloc: {
            GroupRequest& r = m_reqs[ri];
            finishOrder.push_back(ri);
            bool pok = false;
            std::uint64_t ppfn = 0;
            const bool wasActive = std::find(active.begin(), active.end(), ri) != active.end();
            bool matched = !wasActive;
            if (wasActive) {
                active.erase(std::find(active.begin(), active.end(), ri));
                if (m_opt.fidelity)
                    attempt(r, false, pok, ppfn); // what the policy says now (for the report)
                if (!e.failed())
                    reserveForced(data, r);
                else if (!m_opt.fidelity)
                    matched = true;
            }
            finalize(data, r, matched && m_opt.fidelity, pok, ppfn);
            break;
        }
        case EventType::Release:
            applyRelease(e, m_areaOfTrace[e.areaId]);
            settle(data, active);
            break;
        case EventType::Marker:
            emitMarker(data, e);
            break;
        case EventType::BusyRetry:
            break;
        }
    }
    // Requests that never finished (end of trace, or the stop marker).
    for (auto& r : m_reqs) {
        if (r.hasStart && !r.hasFinish && !r.settled) {
            ++m_res.incomplete;
            ++m_res.areas[r.area].incomplete;
            warn(r.start.line,
                atEnd ? "cma_alloc_start without cma_alloc_finish before the end of the trace: outcome unknown"
                      : "request in flight at the stop marker: outcome unknown");
        }
    }
    if (requestsInGroup > 1) {
        ++m_res.concurrentGroups;
        // Requests reserved ahead of one that finished before them.
        std::vector<std::uint32_t> rank(m_reqs.size(), kNone);
        std::uint32_t k = 0;
        for (const std::uint32_t ri : finishOrder)
            rank[ri] = k++;
        // reservation order = order of resultIndex assignment for successes
        std::vector<std::pair<std::uint32_t, std::uint32_t>> byReservation;
        for (std::uint32_t ri = 0; ri < m_reqs.size(); ++ri)
            if (m_reqs[ri].resultIndex != kNone && rank[ri] != kNone && !m_reqs[ri].finish.failed())
                byReservation.emplace_back(m_reqs[ri].resultIndex, rank[ri]);
        std::sort(byReservation.begin(), byReservation.end());
        std::uint32_t maxRank = 0;
        bool any = false;
        for (const auto& [res, fin] : byReservation) {
            (void)res;
            if (any && fin < maxRank)
                ++m_res.reordered;
            maxRank = any ? std::max(maxRank, fin) : fin;
            any = true;
        }
    }
    m_group.clear();
    m_reqOfEvent.clear();
    m_reqs.clear();
    m_open.clear();
}

ReplayResult Replayer::finish(const TraceData& data)
{
    if (!m_group.empty())
        processGroup(data, !m_stopped);
    // Areas described but never met in the trace: debugfs snapshots and --area specs.
    auto known = [&](std::string_view n) {
        return std::any_of(m_res.areas.begin(), m_res.areas.end(), [&](const auto& a) { return a.area.name == n; });
    };
    for (std::size_t i = 0; i < m_inputs.debugfs.size() && m_res.error.empty(); ++i) {
        const auto& s = m_inputs.debugfs[i];
        std::string n = s.name.starts_with("cma-") && !known(s.name) ? s.name.substr(4) : s.name;
        if (known(n) || known(s.name))
            continue;
        ReplayArea a;
        a.name = n;
        a.basePfn = s.basePfn;
        a.pages = s.count;
        a.orderPerBit = s.orderPerBit;
        a.source = AreaSource::Debugfs;
        a.origin = i < m_inputs.debugfsOrigins.size() ? m_inputs.debugfsOrigins[i] : s.name;
        a.initialBitmap = s.bitmap;
        a.initialBitmapOrigin = a.origin + "/bitmap";
        if (auto err = addArea(std::move(a)))
            m_res.error = *err;
    }
    for (const auto& s : m_inputs.areaSpecs) {
        if (known(s.name) || !m_res.error.empty())
            continue;
        ReplayArea a;
        a.name = s.name;
        a.basePfn = s.basePfn;
        a.pages = s.pages;
        a.orderPerBit = s.orderPerBit;
        a.source = AreaSource::CommandLine;
        a.origin = "--area " + s.name;
        if (auto err = addArea(std::move(a)))
            m_res.error = *err;
    }
    for (const auto& n : m_unresolvedNames)
        m_res.notes.push_back(
            "area " + n + ": no geometry known and none could be inferred; its events were not replayed");

    if (m_opt.buildTimeline && m_opt.keepRequests) {
        Platform& pf = m_res.platform;
        pf.name = data.source.empty() ? std::string("kernel trace") : data.source;
        pf.mapMode = MapMode::Modern;
        pf.pageSize = m_inputs.pageSize ? m_inputs.pageSize : 4096;
        for (const auto& ar : m_res.areas) {
            Region r;
            r.name = ar.area.name;
            r.size = ar.area.pages * pf.pageSize;
            r.placement = Placement::Fixed;
            r.start = ar.area.basePfn * pf.pageSize;
            r.placedBase = r.start;
            r.pageSize = pf.pageSize;
            r.policy = PolicyKind::Kernel;
            r.params.orderPerBit = ar.area.orderPerBit;
            r.params.maxAlignOrder = std::nullopt;
            pf.regions.push_back(std::move(r));
        }
        Scenario& sc = m_res.scenario;
        sc.name = "replay";
        sc.description = "kernel trace " + pf.name;
    }
    m_res.lines = data.lines;
    m_res.events = data.events.size();
    m_res.skippedLines = data.skippedLines;
    m_res.errorCount = data.errorCount;
    m_res.lostEvents = data.lostEvents;
    m_res.errors = data.errors;
    return std::move(m_res);
}

namespace {

/// The smallest pageblock-aligned range holding every PFN recorded for each area.
std::unordered_map<std::string, AreaSpec> inferAreas(const TraceData& data)
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
    std::unordered_map<std::string, AreaSpec> out;
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

/// At most how many events an uncompressed trace file can hold: no cma event line is shorter than
/// about 48 bytes. 0 for compressed files (their size says little).
std::uint64_t eventsUpperBound(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return 0;
    unsigned char magic[4] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(magic), sizeof magic);
    const bool gzip = magic[0] == 0x1f && magic[1] == 0x8b;
    const bool zstd = magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;
    return gzip || zstd ? 0 : size / 48;
}

void trimToStop(ReplayResult& r, std::uint64_t eventsFed)
{
    if (!r.stoppedAtMarker)
        return;
    r.lines = r.stopLine;
    r.events = eventsFed;
    std::erase_if(r.errors, [&](const TraceError& e) { return e.line > r.stopLine; });
    r.errorCount = r.errors.size();
    r.skippedLines = r.lines >= r.events + r.errorCount ? r.lines - r.events - r.errorCount : 0;
}

} // namespace

ReplayResult replayTrace(const TraceData& data, const ReplayInputs& inputs, const ReplayOptions& options)
{
    const auto inferred = inferAreas(data);
    Replayer rp(inputs, options, inferred);
    rp.reserveFor(data.events.size());
    rp.feed(data, data.events);
    const std::uint64_t fed = rp.eventsFed();
    ReplayResult r = rp.finish(data);
    trimToStop(r, fed);
    return r;
}

ReplayFileResult replayTraceFile(const std::filesystem::path& path, const ReplayInputs& inputs,
    const ReplayOptions& options, const TraceProgress& progress)
{
    ReplayFileResult out;
    const std::unordered_map<std::string, AreaSpec> noInference;
    Replayer rp(inputs, options, noInference);
    rp.reserveFor(eventsUpperBound(path));
    TraceReadOptions ro;
    std::uint64_t eventsSeen = 0;
    ro.consumer = [&](TraceData& d) {
        eventsSeen += d.events.size();
        const bool go = rp.feed(d, d.events);
        d.events.clear();
        return go;
    };
    auto read = readTrace(path, ro, progress);
    if (read.status == ReadStatus::Failed) {
        out.status = ReadStatus::Failed;
        out.error = read.error;
        return out;
    }
    out.format = read.data.format;
    if (!rp.unresolved().empty()) {
        // Some area must be inferred from the whole trace: read it again, keeping the events.
        auto full = readTrace(path, {}, progress);
        if (!full.ok()) {
            out.status = full.status;
            out.error = full.error;
            return out;
        }
        out.result = replayTrace(full.data, inputs, options);
        return out;
    }
    const std::uint64_t fed = rp.eventsFed();
    read.data.events.clear();
    out.result = rp.finish(read.data);
    out.result.events = eventsSeen;
    if (read.status == ReadStatus::Cancelled && !out.result.stoppedAtMarker)
        out.status = ReadStatus::Cancelled;
    trimToStop(out.result, fed);
    return out;
}

const ReplayAreaResult* ReplayResult::findArea(std::string_view name) const
{
    for (const auto& a : areas)
        if (a.area.name == name)
            return &a;
    return nullptr;
}

Project replayProject(const ReplayResult& result, std::string name)
{
    Project project;
    project.platform = result.platform;
    project.platform.name = std::move(name);
    if (project.platform.banks.empty())
        for (const auto& r : project.platform.regions)
            project.platform.banks.push_back({ r.name, r.placedBase.value_or(r.start), r.size, 0 });
    project.scenarios.push_back(result.scenario);
    return project;
}

} // namespace cmascope
