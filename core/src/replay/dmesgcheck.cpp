// SPDX-License-Identifier: GPL-2.0-or-later
// A replay against the failure dumps of dmesg (docs/kernel-cma.md, "Failures in dmesg").
#include "arearanges.h"

#include <cmascope/replay/dmesgcheck.h>

#include <algorithm>
#include <map>

namespace cmascope {

namespace {

/// The free runs of @p ranges as the kernel prints them (pages @ bit, range by range).
std::vector<DmesgFreeRun> freeRunsOf(const std::vector<KernelBitmapPolicy>& ranges)
{
    std::vector<DmesgFreeRun> out;
    for (std::size_t r = 0; r < ranges.size(); ++r) {
        ranges[r].forEachFreeRun([&](std::uint64_t b, std::uint64_t e) {
            out.push_back({ static_cast<std::uint32_t>(r), (e - b) << ranges[r].orderPerBit(), b });
        });
    }
    return out;
}

std::string runText(const DmesgFreeRun& r, bool perRange)
{
    return (perRange ? "range " + std::to_string(r.range) + " " : std::string()) + std::to_string(r.pages) + "@"
        + std::to_string(r.bit);
}

/// Compares the kernel's dump with the replayed ranges; the first difference in @p text.
bool sameDump(const DmesgFailure& f, const std::vector<KernelBitmapPolicy>& ranges, std::string& text)
{
    const std::vector<DmesgFreeRun> mine = freeRunsOf(ranges);
    for (std::size_t i = 0; i < std::max(mine.size(), f.freeRuns.size()); ++i) {
        if (i < mine.size() && i < f.freeRuns.size() && mine[i] == f.freeRuns[i])
            continue;
        text = "free run " + std::to_string(i + 1) + ": the kernel printed "
            + (i < f.freeRuns.size() ? runText(f.freeRuns[i], f.perRange) : std::string("nothing more"))
            + ", the replay has " + (i < mine.size() ? runText(mine[i], f.perRange) : std::string("nothing more"));
        return false;
    }
    std::uint64_t available = 0, total = 0, runPages = 0;
    for (const auto& r : ranges) {
        available += r.availableCount();
        total += r.geometry().pages;
    }
    for (const auto& r : mine)
        runPages += r.pages;
    // single-range kernels print the sum of the runs, 6.15+ available_count (docs/kernel-cma.md)
    const std::uint64_t freePages = f.perRange ? available : runPages;
    if ((f.freePages && *f.freePages != freePages) || (f.totalPages && *f.totalPages != total)) {
        text = "the kernel printed " + std::to_string(f.freePages.value_or(0)) + " free of "
            + std::to_string(f.totalPages.value_or(0)) + " total pages, the replay has " + std::to_string(freePages)
            + " of " + std::to_string(total);
        return false;
    }
    return true;
}

/// The replay's refused requests by finish time, to join the messages to.
using RefusedByTime = std::vector<std::pair<std::uint64_t, std::size_t>>;

RefusedByTime refusedByTime(const ReplayResult& replay)
{
    RefusedByTime out;
    for (std::size_t q = 0; q < replay.requests.size(); ++q)
        if (!replay.requests[q].succeeded && replay.requests[q].complete
            && replay.requests[q].area < replay.areas.size())
            out.emplace_back(replay.requests[q].timestampNs, q);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return out;
}

/// The refused request @p f reports: by time when the message has one (it is printed just before the request's
/// cma_alloc_finish, and the rate limit may have dropped the messages of others), else the next one in order.
std::optional<std::size_t> requestOf(const ReplayResult& replay, const RefusedByTime& refused, const DmesgFailure& f,
    std::int64_t offsetNs, std::vector<bool>& used, std::size_t& cursor)
{
    constexpr std::uint64_t kBefore = 1000000; // 1 ms: a finish stamped a little before the message
    constexpr std::uint64_t kAfter = 1000000000; // 1 s
    auto fits = [&](std::size_t k) {
        const ReplayRequest& r = replay.requests[refused[k].second];
        return !used[k] && r.count == f.count && replay.areas[r.area].area.name == f.area;
    };
    if (!f.timeNs) {
        for (std::size_t k = cursor; k < refused.size(); ++k)
            if (fits(k))
                return cursor = k + 1, k;
        return std::nullopt;
    }
    // The message's time on the trace's clock (clockOffset()).
    const std::uint64_t t = offsetNs >= 0      ? *f.timeNs + std::uint64_t(offsetNs)
        : *f.timeNs > std::uint64_t(-offsetNs) ? *f.timeNs - std::uint64_t(-offsetNs)
                                               : 0;
    auto k = static_cast<std::size_t>(std::lower_bound(refused.begin(), refused.end(), t > kBefore ? t - kBefore : 0,
                                          [](const auto& a, std::uint64_t v) { return a.first < v; })
        - refused.begin());
    std::optional<std::size_t> best;
    for (; k < refused.size() && refused[k].first <= t + kAfter; ++k) {
        const std::uint64_t d = refused[k].first > t ? refused[k].first - t : t - refused[k].first;
        if (fits(k) && (!best || d < (refused[*best].first > t ? refused[*best].first - t : t - refused[*best].first)))
            best = k;
    }
    return best;
}

/// How many of @p failures join a refused request when their time stamps are moved by @p offsetNs.
std::size_t joinCount(const ReplayResult& replay, const RefusedByTime& refused,
    const std::vector<DmesgFailure>& failures, std::int64_t offsetNs)
{
    std::vector<bool> used(refused.size(), false);
    std::size_t cursor = 0, joined = 0;
    for (const DmesgFailure& f : failures) {
        if (const auto k = requestOf(replay, refused, f, offsetNs, used, cursor)) {
            used[*k] = true;
            ++joined;
        }
    }
    return joined;
}

/// The offset from the kernel log's clock to the trace's that joins the most messages. Both are the kernel's
/// local clock unless the tracer was told otherwise: Perfetto, for one, switches ftrace to the boot clock, which
/// can run seconds apart from the printk time stamps. Candidates are the differences between each message and each
/// refused request it could report; 0 wins a tie. Cost: at most kCandidates joins.
std::int64_t clockOffset(
    const ReplayResult& replay, const RefusedByTime& refused, const std::vector<DmesgFailure>& failures)
{
    constexpr std::size_t kCandidates = 64;
    std::int64_t best = 0;
    std::size_t bestCount = joinCount(replay, refused, failures, 0);
    std::size_t tried = 0;
    for (const DmesgFailure& f : failures) {
        if (!f.timeNs || bestCount == failures.size())
            break;
        for (const auto& [finishNs, q] : refused) {
            const ReplayRequest& r = replay.requests[q];
            if (r.count != f.count || replay.areas[r.area].area.name != f.area)
                continue;
            const std::int64_t d = std::int64_t(finishNs) - std::int64_t(*f.timeNs);
            const std::size_t n = joinCount(replay, refused, failures, d);
            if (n > bestCount) {
                best = d;
                bestCount = n;
            }
            if (++tried == kCandidates)
                return best;
        }
    }
    return best;
}

void joinRequests(const ReplayResult& replay, const std::vector<DmesgFailure>& failures, DmesgCheckResult& out)
{
    const RefusedByTime refused = refusedByTime(replay);
    const std::int64_t offset = clockOffset(replay, refused, failures);
    if (offset != 0)
        out.clockOffsetNs = offset;
    std::vector<bool> used(refused.size(), false);
    std::size_t cursor = 0;
    for (std::size_t i = 0; i < failures.size(); ++i) {
        DmesgFailureCheck c;
        c.failure = i;
        c.line = failures[i].line;
        if (const auto k = requestOf(replay, refused, failures[i], offset, used, cursor)) {
            used[*k] = true;
            c.request = refused[*k].second;
            ++out.matched;
        } else {
            c.text = "no refused request of " + std::to_string(failures[i].count) + " pages in area " + failures[i].area
                + (failures[i].timeNs ? " finished within 1 s of the message" : " is left in the replay to join it to");
        }
        out.checks.push_back(std::move(c));
    }
}

} // namespace

DmesgCheckResult checkDmesgFailures(const ReplayResult& replay, const DmesgFailuresRead& dmesg)
{
    const std::vector<DmesgFailure>& failures = dmesg.failures;
    DmesgCheckResult out;
    out.suppressed = dmesg.suppressed;
    joinRequests(replay, failures, out);
    std::map<std::size_t, std::size_t> checkOfRequest;
    for (std::size_t i = 0; i < out.checks.size(); ++i)
        if (out.checks[i].request && failures[i].hasDump)
            checkOfRequest[*out.checks[i].request] = i;
    std::vector<replayinternal::TimelineRanges> areas;
    for (std::size_t a = 0; a < replay.areas.size(); ++a)
        areas.emplace_back(replay, a);
    for (std::size_t step = 0; step < replay.timeline.size() && !checkOfRequest.empty(); ++step) {
        const TimelineEntry& t = replay.timeline[step];
        if (t.kind == TimelineEntry::Request) {
            const auto it = checkOfRequest.find(t.index);
            if (it != checkOfRequest.end()) {
                DmesgFailureCheck& c = out.checks[it->second];
                const ReplayRequest& q = replay.requests[t.index];
                c.dumpCompared = true;
                c.dumpEqual = sameDump(failures[c.failure], areas[q.area].ranges(), c.text);
                if (!c.dumpEqual && replay.lateStart.detected && replay.areas[q.area].area.initialBitmap.empty())
                    c.text += " (tracing began after the kernel had made allocations the replay cannot all know: give "
                              "--debugfs a snapshot taken when tracing began)";
                out.dumpsCompared += 1;
                out.dumpsEqual += c.dumpEqual ? 1u : 0u;
                checkOfRequest.erase(it);
                continue; // a refusal changes nothing
            }
        }
        for (auto& a : areas)
            a.apply(step);
    }
    return out;
}

std::vector<std::string> DmesgCheckResult::lines() const
{
    std::vector<std::string> out;
    out.push_back("dmesg failures: " + std::to_string(checks.size()) + (checks.size() == 1 ? " line, " : " lines, ")
        + std::to_string(matched) + " joined to refused requests, " + std::to_string(dumpsEqual) + " of "
        + std::to_string(dumpsCompared) + " free-page dumps equal the replay's state"
        + (suppressed ? "; " + std::to_string(suppressed) + " more were dropped by the kernel's rate limit" : ""));
    if (clockOffsetNs) {
        const std::int64_t ms = (*clockOffsetNs < 0 ? -*clockOffsetNs : *clockOffsetNs) / 1000000;
        out.push_back("  the trace's clock is not the kernel log's: its time stamps run " + std::to_string(ms / 1000)
            + "." + std::string(ms % 1000 < 100 ? (ms % 1000 < 10 ? "00" : "0") : "") + std::to_string(ms % 1000)
            + " s " + (*clockOffsetNs < 0 ? "behind" : "ahead of")
            + " it (a tracer on the boot clock?); messages joined with that offset");
    }
    for (const auto& c : checks)
        if (!c.text.empty())
            out.push_back("  dmesg line " + std::to_string(c.line) + ": " + c.text);
    return out;
}

} // namespace cmascope
