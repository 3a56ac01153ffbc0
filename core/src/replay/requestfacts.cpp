// SPDX-License-Identifier: GPL-2.0-or-later
// What the replay knows about one request beyond its record: its busy windows, the kernel policy's
// prediction, and the evidence of its failure cause (docs/trace-analysis.md, "Causes").
#include <cmascope/replay/replay.h>
#include <cmascope/trace/tracetime.h>
#include <cmascope/util/units.h>

#include <algorithm>

namespace cmascope {

namespace {

template <typename T> const T* findByRequest(const std::vector<T>& v, std::size_t index)
{
    const auto it = std::lower_bound(
        v.begin(), v.end(), index, [](const T& x, std::size_t i) { return std::size_t(x.request) < i; });
    return it != v.end() && it->request == index ? &*it : nullptr;
}

std::string seconds(std::uint64_t ns)
{
    return traceTimeText(ns) + " s";
}

/// The busy windows of a request as one sentence: how many, where, over how long.
std::string busyEvidence(const ReplayRequest& q, std::span<const ReplayBusyWindow> windows)
{
    std::uint64_t lo = UINT64_MAX, hi = 0, first = UINT64_MAX, last = 0;
    std::uint32_t firstLine = UINT32_MAX, lastLine = 0;
    for (const auto& w : windows) {
        lo = std::min(lo, w.pfn);
        hi = std::max(hi, w.pfn > UINT64_MAX - q.count ? UINT64_MAX : w.pfn + q.count);
        first = std::min(first, w.timestampNs);
        last = std::max(last, w.timestampNs);
        firstLine = std::min(firstLine, w.line);
        lastLine = std::max(lastLine, w.line);
    }
    std::string text = std::to_string(windows.size()) + (windows.size() == 1 ? " window" : " windows") + " of "
        + std::to_string(q.count) + " pages in " + hexText(lo) + "–" + hexText(hi - 1)
        + " could not be migrated: pages in them were pinned or in use (cma_alloc_busy_retry, lines "
        + std::to_string(firstLine) + "–" + std::to_string(lastLine);
    if (q.hasLatency())
        text += "; " + seconds(q.latencyNs()) + " from start to finish";
    else if (last > first)
        text += "; " + seconds(last - first) + " between the first and last retry";
    return text + ")";
}

/// "6.12 rules" / "6.15+ rules" / "kernel rules unknown", for the errno reading.
std::string rulesText(KernelSemantics k)
{
    return k == KernelSemantics::Unknown ? std::string("kernel rules unknown")
                                         : std::string(kernelSemanticsName(k)) + " rules";
}

/// How the kernel's errno reads under kernel rules @p k; it changed in 6.15 (docs/trace-analysis.md, "Reading the
/// errno"; docs/kernel-cma.md, "Kernel semantics").
std::string errnoReading(const ReplayRequest& q, KernelSemantics k)
{
    const std::string rules = " (" + rulesText(k) + ")";
    if (q.errorno == -16 && q.busyRetries)
        return "; -16 (EBUSY): the last window tried could not be migrated and no further window was free" + rules;
    if (q.errorno == -16) {
        if (busyMeansNoRoom(k))
            return "; -16 (EBUSY) without a busy retry" + rules
                + ": the answer when no window fits or the request exceeds available_count, not a sign of pinned "
                  "pages";
        if (k == KernelSemantics::Unknown)
            return "; -16 (EBUSY) without a busy retry" + rules
                + ": on 6.15+ the answer when no window fits (6.12 returned -12 for that); without a busy retry it "
                  "does not mean pinned pages on any kernel";
        return "; -16 (EBUSY) without a busy retry" + rules
            + ": 6.12 traces every busy window, so events were lost or the kernel is 6.15+";
    }
    if (q.errorno == -12 && q.busyRetries)
        return "; -12 (ENOMEM) after busy windows: alloc_contig_range() gave up with -ENOMEM" + rules;
    if (q.errorno == -12)
        return busyMeansNoRoom(k) ? "; -12 (ENOMEM)" + rules
                + ": not a lack of room (that returns -16): alloc_contig_range() failed with "
                  "-ENOMEM"
                                  : "; -12 (ENOMEM): no free window" + rules
                + (k == KernelSemantics::Unknown ? "; 6.15+ would return -16" : "");
    return {};
}

} // namespace

std::span<const ReplayBusyWindow> ReplayResult::busyWindowsOf(std::size_t index) const
{
    if (index >= requests.size())
        return {};
    const ReplayRequest& q = requests[index];
    if (q.firstBusy >= busyWindows.size())
        return {};
    const std::size_t n = std::min<std::size_t>(q.busyRetries, busyWindows.size() - q.firstBusy);
    return std::span<const ReplayBusyWindow>(busyWindows).subspan(q.firstBusy, n);
}

const ReplayRequest* ReplayResult::requestAtStep(std::size_t step) const
{
    if (step >= timeline.size() || timeline[step].kind != TimelineEntry::Request)
        return nullptr;
    const std::uint32_t i = timeline[step].index;
    return i < requests.size() ? &requests[i] : nullptr;
}

std::optional<std::uint64_t> ReplayResult::predictedPfn(std::size_t index) const
{
    if (index >= requests.size())
        return std::nullopt;
    const ReplayRequest& q = requests[index];
    if (q.check == ReplayRequest::Matched)
        return q.succeeded ? std::optional<std::uint64_t>(q.pfn) : std::nullopt;
    if (const auto* p = findByRequest(predictions, index); p && p->ok)
        return p->pfn;
    return std::nullopt;
}

const ReplayFailureFacts* ReplayResult::failureFactsOf(std::size_t index) const
{
    return findByRequest(failureFacts, index);
}

std::string ReplayResult::failureEvidence(std::size_t index) const
{
    if (index >= requests.size() || requests[index].succeeded || !requests[index].complete)
        return {};
    const ReplayRequest& q = requests[index];
    if (q.area >= areas.size())
        return {};
    const ReplayArea& a = areas[q.area].area;
    const ReplayFailureFacts* f = failureFactsOf(index);
    const std::string need = std::to_string(q.count) + " pages";
    const std::string size = std::to_string(a.totalPages()) + " pages";
    const std::string where = a.rangeCount() == 1 ? "the area " + hexText(a.basePfn) + "+" + size
                                                  : "any of the area's " + std::to_string(a.rangeCount()) + " ranges";
    std::string text;
    switch (q.cause) {
    case FailureCause::None:
        return "not checked (the replay ran without the kernel policy)";
    case FailureCause::NoArea:
        return "area " + a.name + " has no pages";
    case FailureCause::Busy:
        text = busyEvidence(q, busyWindowsOf(index));
        break;
    case FailureCause::TooSmall:
        text = q.count > a.totalPages() ? "the request (" + need + ") is larger than the whole area (" + size + ")"
                                        : "the area had " + std::to_string(f ? f->freePages : 0) + " free pages of "
                + size + ", the request needs " + need
                + (busyMeansNoRoom(kernel.semantics) ? " (6.15+ kernels give up before searching when a request "
                                                       "exceeds available_count)"
                                                     : "");
        break;
    case FailureCause::Alignment:
        text = "no window of " + need + " aligned to 2^" + std::to_string(q.align) + " pages (a PFN multiple of "
            + hexText(std::uint64_t { 1 } << std::min<unsigned>(q.align, 63u)) + ") fits in " + where
            + (a.orderPerBit ? " (order_per_bit " + std::to_string(a.orderPerBit) + ")" : "")
            + ", even when it is empty";
        break;
    case FailureCause::Fragmented:
        text = std::to_string(f ? f->freePages : 0) + " pages were free, but the largest free run was "
            + std::to_string(f ? f->largestFreeRun : 0) + " pages and the largest free window aligned to 2^"
            + std::to_string(q.align) + " was " + std::to_string(f ? f->largestAligned : 0) + " pages: none held "
            + need + (a.rangeCount() > 1 ? " (a request is served whole by one range, never two)" : "");
        break;
    case FailureCause::Unexplained:
        text = "the replayed state had a free window for it and the trace shows no busy retry: the replay's state "
               "is not the kernel's (tracing started late, or events were lost?)";
        break;
    }
    return text + errnoReading(q, kernel.semantics);
}

} // namespace cmascope
