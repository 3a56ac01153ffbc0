// SPDX-License-Identifier: GPL-2.0-or-later
// The replay engine, requests in flight together.
//
// Concurrent requests. cma_alloc() sets its bits (under cma->lock) at some moment between its
// cma_alloc_start and cma_alloc_finish events; when several tasks are in flight, the trace does not
// show in which order. Events are buffered while any request is in flight (a "group") and swept in
// trace order; after every change of the state each in-flight request whose recorded placement is
// what the kernel's first fit gives on the state so far is reserved at once. Reserving early is
// always safe: the kernel's search returns the lowest free aligned window that is not busy, so
// setting bits elsewhere (a placement that does not overlap the recorded window) never changes a
// prediction that already matches. A request still unmatched at its finish is a divergence.
#include "arearanges.h"
#include "failurecause.h"
#include "replayer.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <utility>

namespace cmascope {

namespace {

/// Busy exactly for the windows the trace recorded (cma_alloc_busy_retry) for one request, by absolute PFN.
class RecordedBusy final : public PfnBusyOracle
{
public:
    explicit RecordedBusy(const std::vector<std::uint64_t>& pfns)
        : m_pfns(pfns)
    { }
    bool isBusyPfn(std::uint64_t pfn, std::uint64_t) const override
    {
        return std::find(m_pfns.begin(), m_pfns.end(), pfn) != m_pfns.end();
    }

private:
    const std::vector<std::uint64_t>& m_pfns;
};

/// The late-start collector works on single-range areas (offsets from range 0's base; docs/late-start.md).
std::vector<std::uint64_t> offsetsOf(const std::vector<std::uint64_t>& pfns, std::uint64_t basePfn)
{
    std::vector<std::uint64_t> out;
    for (const std::uint64_t p : pfns)
        if (p >= basePfn)
            out.push_back(p - basePfn);
    return out;
}

} // namespace

bool Replayer::attempt(GroupRequest& r, bool keepOnMatch, bool& predictedOk, std::uint64_t& predictedPfn)
{
    auto& ar = m_res.areas[r.area];
    const RecordedBusy busy(r.busyPfns);
    const auto ranges = replayinternal::rangePointers(ar);
    const RangePlacement pr =
        allocateInRanges(ranges, r.finish.count, r.finish.align, r.busyPfns.empty() ? nullptr : &busy);
    predictedOk = pr.ok;
    predictedPfn = pr.ok ? pr.pfn : 0;
    const bool recordedOk = !r.finish.failed();
    const bool matched = recordedOk ? (pr.ok && predictedPfn == r.finish.pfn) : !pr.ok;
    if (pr.ok && !(matched && keepOnMatch)) // undo the probe
        ranges[pr.range]->release(pr.pfn - ranges[pr.range]->geometry().basePfn, r.finish.count);
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
    q.startNs = r.hasStart ? r.start.timestampNs : 0;
    q.startLine = r.hasStart ? r.start.line : 0;
    q.finishLine = r.hasFinish ? r.finish.line : 0;
    q.task = taskIndex(data, f.taskId);
    q.area = r.area;
    q.busyRetries = static_cast<std::uint32_t>(r.busy.size());
    q.firstBusy = static_cast<std::uint32_t>(m_res.busyWindows.size());
    q.errorno = static_cast<std::int16_t>(r.hasFinish ? f.errorno : 0);
    q.cpu = f.cpu;
    q.align = f.align;
    q.succeeded = r.hasFinish && !f.failed();
    q.complete = r.hasFinish;
    r.resultIndex = static_cast<std::uint32_t>(m_res.requests.size());
    for (ReplayBusyWindow w : r.busy) {
        w.request = r.resultIndex;
        m_res.busyWindows.push_back(w);
    }
    m_res.requests.push_back(q);
    return r.resultIndex;
}

void Replayer::reserveForced(const TraceData& data, GroupRequest& r)
{
    auto& ar = m_res.areas[r.area];
    const auto& a = ar.area;
    const TraceEvent& f = r.finish;
    const std::optional<std::size_t> range = a.rangeOf(f.pfn);
    const AreaRange g = range ? a.range(*range) : AreaRange {};
    if (!range || f.count > g.basePfn + g.pages - f.pfn) { // an allocation never spans ranges
        warn(f.line,
            "recorded placement " + hexText(f.pfn) + "+" + std::to_string(f.count) + " outside area " + a.name + " ("
                + hexText(a.basePfn) + "+" + std::to_string(a.pages)
                + (a.rangeCount() > 1 ? " and " + std::to_string(a.rangeCount() - 1) + " more ranges" : "")
                + "): not applied");
        return;
    }
    KernelBitmapPolicy& st = ar.rangeState(*range);
    const std::uint64_t offset = f.pfn - g.basePfn;
    if (!st.reserve(offset, f.count)) {
        // The kernel had those bits clear; whatever the replay thought was there is gone.
        const unsigned opb = a.orderPerBit;
        const std::uint64_t nbits = (f.count + (std::uint64_t { 1 } << opb) - 1) >> opb;
        for (std::uint64_t b = offset >> opb; b < (offset >> opb) + nbits && b < st.maxno(); ++b)
            if (st.testBit(b))
                st.release(b << opb, std::uint64_t { 1 } << opb);
        warn(f.line,
            "recorded placement " + hexText(f.pfn) + "+" + std::to_string(f.count)
                + " overlaps pages the replay had as allocated: the trace misses their release");
        if (!st.reserve(offset, f.count)) {
            warn(f.line, "recorded placement " + hexText(f.pfn) + " cannot be applied");
            return;
        }
    }
    if (m_setup.collector && ar.rangeCount() == 1)
        m_setup.collector->placed(ar, offset, f.count);
    const std::uint32_t idx = recordRequest(data, r);
    TimelineOp op { TimelineEntry::Request, r.area, idx, offset, f.count };
    op.range = static_cast<std::uint8_t>(*range);
    pushOp(op);
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
                const auto& ar = m_res.areas[r.area];
                const std::size_t range = ar.area.rangeOf(r.finish.pfn).value_or(0); // matched: in a range
                const std::uint64_t offset = r.finish.pfn - ar.area.range(range).basePfn;
                if (m_setup.collector && ar.rangeCount() == 1)
                    m_setup.collector->placed(ar, offset, r.finish.count);
                const std::uint32_t idx = recordRequest(data, r);
                TimelineOp op { TimelineEntry::Request, r.area, idx, offset, r.finish.count };
                op.range = static_cast<std::uint8_t>(range);
                pushOp(op);
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
    ar.busyRequests += r.busy.empty() ? 0u : 1u;
    const std::uint32_t idx = recordRequest(data, r);
    if (f.failed() && m_opt.fidelity) {
        // the state is the one the request met: failures change nothing, and a request's busy windows
        // are all known by its finish
        const replayinternal::FailureFacts facts { f.count, f.align, static_cast<std::uint32_t>(r.busy.size()),
            f.errorno, predictedOk };
        const auto ranges = replayinternal::rangePointers(std::as_const(ar));
        const FailureCause cause = replayinternal::classifyFailure(ranges, facts);
        ++ar.failuresByCause[static_cast<std::size_t>(cause)];
        ++m_res.failuresByCause[static_cast<std::size_t>(cause)];
        if (idx != kNone) {
            m_res.requests[idx].cause = cause;
            m_res.failureFacts.push_back({ idx, ar.availablePages(), ar.maxchunkPages(),
                cause == FailureCause::Fragmented ? replayinternal::largestAlignedFree(ranges, f.align) : 0 });
        }
    }
    if (f.failed())
        pushOp({ TimelineEntry::Request, r.area, idx, 0, f.count });
    if (!m_opt.fidelity)
        return;
    if (m_setup.collector)
        m_setup.collector->checked(!f.failed(), matched);
    ++m_res.compared;
    if (matched) {
        ++m_res.matched;
        if (idx != kNone)
            m_res.requests[idx].check = ReplayRequest::Matched;
        return;
    }
    if (idx != kNone) {
        m_res.requests[idx].check = ReplayRequest::Diverged;
        m_res.predictions.push_back({ idx, predictedOk, predictedPfn });
    }
    ++m_res.divergenceCount;
    if (m_res.divergences.size() < m_opt.maxDivergences)
        addDivergence(data, r, predictedOk, predictedPfn);
}

/// Keeps the divergence of request @p r (a ReplayDivergence with its one-sentence text).
void Replayer::addDivergence(const TraceData& data, const GroupRequest& r, bool predictedOk, std::uint64_t predictedPfn)
{
    const TraceEvent& f = r.finish;
    ReplayDivergence d;
    d.line = f.line;
    d.area = m_res.areas[r.area].area.name;
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

void Replayer::processGroup(const TraceData& data, bool atEnd)
{
    std::vector<std::uint32_t> active;
    std::size_t requestsInGroup = 0;
    std::vector<std::uint32_t> finishOrder;
    for (std::size_t pos = 0; pos < m_group.size(); ++pos) {
        const TraceEvent& e = m_group[pos];
        const std::uint32_t ri = m_reqOfEvent[pos];
        switch (e.type) {
        case EventType::AllocStart:
            if (m_reqs[ri].settled)
                break; // superseded start (lost finish)
            ++requestsInGroup;
            active.push_back(ri);
            settle(data, active);
            break;
        case EventType::AllocFinish:
        case EventType::LegacyAlloc:
            finishOrder.push_back(ri);
            endRequest(data, ri, active);
            break;
        case EventType::Release:
            applyRelease(data, e, m_areaOfTrace[e.areaId]);
            settle(data, active);
            break;
        case EventType::Marker:
            emitMarker(data, e);
            break;
        case EventType::BusyRetry:
            break;
        }
    }
    warnIncomplete(atEnd);
    if (requestsInGroup > 1) {
        ++m_res.concurrentGroups;
        countReordered(finishOrder);
    }
    m_group.clear();
    m_reqOfEvent.clear();
    m_reqs.clear();
    m_open.clear();
}

/// The finish of request @p ri: one still active (not settled early) is checked now and its recorded
/// placement applied.
void Replayer::endRequest(const TraceData& data, std::uint32_t ri, std::vector<std::uint32_t>& active)
{
    GroupRequest& r = m_reqs[ri];
    bool pok = false;
    std::uint64_t ppfn = 0;
    const auto it = std::find(active.begin(), active.end(), ri);
    const bool wasActive = it != active.end();
    bool matched = !wasActive;
    if (wasActive) {
        active.erase(it);
        auto& ar = m_res.areas[r.area];
        if (m_opt.fidelity && !attempt(r, false, pok, ppfn) && m_setup.collector
            && ar.rangeCount() == 1) // what the policy says now
            m_setup.collector->diverged(ar, r.finish, offsetsOf(r.busyPfns, ar.area.basePfn), pok, ppfn);
        if (!r.finish.failed())
            reserveForced(data, r);
        else if (!m_opt.fidelity)
            matched = true;
    }
    finalize(data, r, matched && m_opt.fidelity, pok, ppfn);
}

/// Requests that never finished (end of trace, or the stop marker).
void Replayer::warnIncomplete(bool atEnd)
{
    for (auto& r : m_reqs) {
        if (r.hasStart && !r.hasFinish && !r.settled) {
            ++m_res.incomplete;
            ++m_res.areas[r.area].incomplete;
            warn(r.start.line,
                atEnd ? "cma_alloc_start without cma_alloc_finish before the end of the trace: outcome unknown"
                      : "request in flight at the stop marker: outcome unknown");
        }
    }
}

/// Counts the requests reserved ahead of one that finished before them.
void Replayer::countReordered(const std::vector<std::uint32_t>& finishOrder)
{
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

} // namespace cmascope
