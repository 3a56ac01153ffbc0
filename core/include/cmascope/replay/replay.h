// SPDX-License-Identifier: GPL-2.0-or-later
// Faithful replay of a kernel CMA trace (issue 5): the kernel's bitmap state step by step, a fidelity
// check of every recorded placement against the kernel policy (mm/cma.c, bit for bit), concurrent
// requests reordered the way the kernel must have served them, and a timeline (Platform + Scenario)
// the Simulation can step through. Areas: areas.h; the JSON report: report.h; what-if runs of the
// same requests under another policy or geometry: tracewhatif.h.
// Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/project.h>
#include <cmascope/model/scenario.h>
#include <cmascope/policies/kernelbitmap.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/latestart.h>
#include <cmascope/trace/events.h>
#include <cmascope/trace/kernelsemantics.h>
#include <cmascope/trace/reader.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// Why the kernel refused a request, as the replay can prove it (docs/trace-analysis.md, "Causes").
enum class FailureCause : std::uint8_t {
    None, ///< not a failure
    TooSmall, ///< the area is smaller than the request, or has fewer free pages than it asks for
    Alignment, ///< no window of that size at that alignment exists in the area even when it is empty
    Fragmented, ///< enough free pages, but no free window of that size at that alignment
    Busy, ///< windows were free but their pages could not be migrated (cma_alloc_busy_retry, -EBUSY)
    NoArea, ///< the area is unknown (no geometry) or empty
    Unexplained, ///< the replayed state has a window the kernel did not use, and no busy retry says why
};
inline constexpr std::size_t kFailureCauseCount = 7;
/// The report's id: "too-small", "alignment", "fragmented", "busy", "no-area", "unexplained" ("" for None).
std::string_view failureCauseName(FailureCause cause) noexcept;

/// A recorded request (cma_alloc_start -> cma_alloc_finish of one task on one area, or one legacy
/// cma_alloc line). 72 bytes.
struct ReplayRequest
{
    enum Check : std::uint8_t {
        NotChecked, ///< area unknown, or incomplete (no finish before the end / the stop marker)
        Matched, ///< the kernel policy predicts what the kernel recorded
        Diverged, ///< no reservation order explains the recorded outcome
    };
    std::uint64_t pfn = 0; ///< recorded PFN (successes)
    std::uint64_t count = 0;
    std::uint64_t timestampNs = 0; ///< of the finish (start for incomplete requests)
    std::uint64_t startNs = 0; ///< of the cma_alloc_start (valid when startLine != 0)
    std::uint32_t startLine = 0; ///< 0 = no start seen (legacy event, or tracing started late)
    std::uint32_t finishLine = 0; ///< 0 = no finish seen
    std::uint32_t task = 0; ///< ReplayResult::tasks index
    std::uint32_t area = 0; ///< index into ReplayResult::areas
    std::uint32_t busyRetries = 0; ///< cma_alloc_busy_retry events of this request
    std::uint32_t firstBusy = 0; ///< its first window in ReplayResult::busyWindows (busyRetries of them)
    std::int16_t errorno = 0; ///< of the finish (0 when the line had none)
    std::int16_t cpu = -1; ///< of the finish
    std::uint8_t align = 0; ///< page order
    bool succeeded = false;
    bool complete = false;
    Check check = NotChecked;
    FailureCause cause = FailureCause::None; ///< failures: why (ReplayOptions::fidelity only)

    /// Start to finish, in ns (0 when no start was seen).
    std::uint64_t latencyNs() const
    {
        return startLine && complete && timestampNs > startNs ? timestampNs - startNs : 0;
    }
    bool hasLatency() const { return startLine != 0 && complete; }
};
static_assert(sizeof(ReplayRequest) <= 72);

/// One cma_alloc_busy_retry: the window [pfn, pfn + count of its request) could not be migrated.
struct ReplayBusyWindow
{
    std::uint64_t pfn = 0;
    std::uint64_t timestampNs = 0;
    std::uint32_t line = 0;
    std::uint32_t request = 0; ///< ReplayResult::requests index
};

/// The area as a failed request met it (ReplayResult::failureFacts), for the cause's evidence.
struct ReplayFailureFacts
{
    std::uint32_t request = 0; ///< ReplayResult::requests index
    std::uint64_t freePages = 0; ///< available_count
    std::uint64_t largestFreeRun = 0; ///< pages (whole bits), like debugfs maxchunk
    std::uint64_t largestAligned = 0; ///< largest free window at the request's alignment (Fragmented only)
};

/// What the kernel policy predicted for a request whose recorded outcome it did not explain.
struct ReplayPrediction
{
    std::uint32_t request = 0;
    bool ok = false;
    std::uint64_t pfn = 0;
};

/// A request to an area the replay has no geometry for (it is counted, never on the timeline).
struct ReplayUnplacedRequest
{
    std::string area;
    std::string task;
    std::uint64_t count = 0;
    std::uint64_t timestampNs = 0;
    std::uint32_t line = 0;
    std::uint8_t align = 0;
    std::int16_t errorno = 0;
};

/// A prediction the kernel policy could not reconcile with the trace.
struct ReplayDivergence
{
    std::uint32_t line = 0; ///< the cma_alloc_finish (or legacy cma_alloc) line
    std::string area;
    std::string task;
    std::uint64_t count = 0;
    unsigned align = 0;
    bool recordedOk = false;
    std::uint64_t recordedPfn = 0;
    bool predictedOk = false;
    std::uint64_t predictedPfn = 0;
    std::string text; ///< one sentence
};

struct ReplayWarning
{
    std::uint32_t line = 0;
    std::string message;
};

struct ReplayMarker
{
    std::string text;
    std::uint32_t line = 0;
    std::uint64_t timestampNs = 0;
};

/// While a replay is live (FollowReplay::live(), docs/following.md), a step in a later range of a multi-range area
/// carries a provisional region, liveRangeRegion(area, range); the end of input numbers those regions after every
/// area's first (ReplayAreaResult::regions), as numberedRegion() does for the areas met so far.
inline constexpr std::uint16_t kLiveRangeRegion = 0x8000;
constexpr std::uint16_t liveRangeRegion(std::size_t area, std::size_t range) noexcept
{
    return area < 4000 && range < 8 ? static_cast<std::uint16_t>(kLiveRangeRegion + area * 8 + range) : 0xFFFF;
}

struct ReplayAreaResult;
/// The region a live step's @p region stands for with the later ranges numbered after every area's first, area by
/// area, range by range, for @p areas as they are now; a region below kLiveRangeRegion is returned as it is.
std::uint16_t numberedRegion(const std::vector<ReplayAreaResult>& areas, std::uint16_t region) noexcept;

/// The platform a replay's timeline runs on, for @p areas: one kernel-policy region per area at its range 0 (region
/// i for area i, no alignment cap), then one per later range of a multi-range area, "AREA range N", area by area
/// (the numbering of numberedRegion()). Modern map mode, no banks, no name.
Platform areasPlatform(const std::vector<ReplayAreaResult>& areas, std::uint32_t pageSize);

/// One area after the replay.
struct ReplayAreaResult
{
    ReplayArea area;
    KernelBitmapPolicy state; ///< range 0's bitmap (the whole area's when it has one range) at the end
    std::vector<KernelBitmapPolicy> moreStates {}; ///< the bitmaps of area.moreRanges, in the area's order
    /// The timeline region of each range (Platform::regions index; range 0's is the area's index).
    std::vector<std::uint16_t> regions {};
    std::uint64_t requested = 0, succeeded = 0, failed = 0, busyRetries = 0, incomplete = 0;
    std::uint64_t releases = 0, releasedPages = 0;
    std::uint64_t unknownReleasePages = 0; ///< pages released that the replay did not know as allocated
    std::array<std::uint64_t, kFailureCauseCount> failuresByCause {}; ///< by FailureCause
    std::uint64_t busyRequests = 0; ///< requests with at least one busy retry (succeeded or not)

    std::size_t rangeCount() const noexcept { return 1 + moreStates.size(); }
    const KernelBitmapPolicy& rangeState(std::size_t r) const { return r == 0 ? state : moreStates.at(r - 1); }
    KernelBitmapPolicy& rangeState(std::size_t r) { return r == 0 ? state : moreStates.at(r - 1); }
    /// cma->available_count: the free pages of every range.
    std::uint64_t availablePages() const noexcept;
    /// count - available_count over every range (the 6.15+ debugfs `used`).
    std::uint64_t usedPages() const noexcept;
    /// Set bits << order_per_bit over every range (the older debugfs `used`).
    std::uint64_t usedBitPages() const noexcept;
    /// debugfs `maxchunk` on 6.15+: the longest free run in any single range, in pages.
    std::uint64_t maxchunkPages() const noexcept;
};

/// What happened at one timeline position (Scenario step); parallel to ReplayResult::scenario.steps.
struct TimelineEntry
{
    enum Kind : std::uint8_t { Seed, Request, Release, Marker };
    Kind kind = Marker;
    std::uint32_t index = 0; ///< Request: into ReplayResult::requests; Marker: into markers; Release: trace line
    /// Seed index: from a debugfs bitmap (0) or inferred (docs/late-start.md).
    static constexpr std::uint32_t kInferredSeed = 1;
};

struct ReplayOptions
{
    /// Stop right after the first marker line containing this text (empty = replay everything).
    std::string untilMarker;
    bool fidelity = true; ///< predict every request with the kernel policy
    bool keepRequests = true; ///< fill ReplayResult::requests (what-if and the timeline need them)
    bool buildTimeline = true; ///< fill platform/scenario/timeline (needs keepRequests)
    std::size_t maxWarnings = 100; ///< kept (all are counted)
    std::size_t maxDivergences = 100; ///< kept (all are counted)
    /// Late starts (docs/late-start.md): infer the pages allocated before the trace when detected.
    LateStartInference lateStart = LateStartInference::Auto;
    /// Called at every marker with the state of every area at that point (tests, checkpoints).
    std::function<void(const ReplayMarker&, std::span<const ReplayAreaResult>)> onMarker;
};

struct ReplayResult
{
    std::string error; ///< non-empty: unusable input (an area geometry or bitmap that cannot be used)
    std::vector<ReplayAreaResult> areas;
    std::vector<std::string> notes; ///< e.g. "area reserved inferred from the trace: ..."

    // trace figures (copied from TraceData; up to the stop marker when stopped)
    std::uint64_t lines = 0, events = 0, skippedLines = 0, errorCount = 0, lostEvents = 0;
    std::vector<TraceError> errors;

    std::uint64_t requested = 0, succeeded = 0, failed = 0, busyRetries = 0, incomplete = 0;
    std::uint64_t releases = 0;
    std::array<std::uint64_t, kFailureCauseCount> failuresByCause {}; ///< by FailureCause (all areas)
    /// Requests (all failures) to areas nothing describes: counted in requested/failed, not replayed.
    std::vector<ReplayUnplacedRequest> unplaced;

    // fidelity
    std::uint64_t compared = 0, matched = 0, divergenceCount = 0;
    std::vector<ReplayDivergence> divergences; ///< the first ReplayOptions::maxDivergences
    std::uint64_t concurrentGroups = 0; ///< groups of requests that were in flight together
    std::uint64_t reordered = 0; ///< requests whose bits the kernel must have reserved before an earlier finish

    std::vector<ReplayMarker> markers;
    std::uint64_t warningCount = 0;
    std::vector<ReplayWarning> warnings;
    bool stoppedAtMarker = false;
    std::uint32_t stopLine = 0;
    LateStart lateStart; ///< did tracing begin after allocations; what was inferred (latestart.h)
    /// The kernel rules the failures are read with, and the evidence for them (kernelsemantics.h).
    KernelSemanticsChoice kernel;

    std::vector<ReplayRequest> requests; ///< in timeline order: reservation (successes) or finish (keepRequests)
    std::vector<ReplayBusyWindow> busyWindows; ///< grouped by request (ReplayRequest::firstBusy)
    std::vector<ReplayFailureFacts> failureFacts; ///< one per failed request (fidelity), by request index
    std::vector<ReplayPrediction> predictions; ///< one per diverged request, by request index
    std::vector<std::string> tasks; ///< "comm-pid" by ReplayRequest::task

    // timeline (buildTimeline): one region per area, kernel policy, no alignment cap
    Platform platform;
    Scenario scenario;
    std::vector<TimelineEntry> timeline; ///< parallel to scenario.steps

    const ReplayAreaResult* findArea(std::string_view name) const;
    /// Explains request @p index with the kernel's view of the state just before it: free pages,
    /// largest free run, aligned windows, the cma_debug_show_areas() line. Needs the timeline.
    std::string explainRequest(std::size_t index) const;
    /// The busy windows of request @p index.
    std::span<const ReplayBusyWindow> busyWindowsOf(std::size_t index) const;
    /// The request at timeline position @p step (nullptr for releases, markers and seeds).
    const ReplayRequest* requestAtStep(std::size_t step) const;
    /// Where the kernel policy placed request @p index (nullopt: it refused it, or it was not checked).
    std::optional<std::uint64_t> predictedPfn(std::size_t index) const;
    /// The area as failed request @p index met it (null: not a failure, or not checked).
    const ReplayFailureFacts* failureFactsOf(std::size_t index) const;
    /// One sentence with the numbers that prove the cause of failed request @p index (empty: not a failure).
    /// The -EBUSY/-ENOMEM reading is the one of the kernels that wrote it (docs/trace-analysis.md).
    std::string failureEvidence(std::size_t index) const;
};

/// One task's requests in a replay (tasks are the devices of a trace).
struct ReplayTaskStats
{
    std::uint32_t task = 0; ///< ReplayResult::tasks index
    std::uint64_t requested = 0, succeeded = 0, failed = 0;
    std::uint64_t busyRetries = 0, busyRequests = 0; ///< busy windows, and requests that met at least one
    std::uint64_t requestedPages = 0;
    std::array<std::uint64_t, kFailureCauseCount> failuresByCause {};
};
/// Per task, in ReplayResult::tasks order (tasks without a request are left out). Linear in the requests.
std::vector<ReplayTaskStats> taskStatistics(const ReplayResult& result);

/// Replays a trace already in memory. Areas are resolved from @p inputs (see AreaSource).
ReplayResult replayTrace(const TraceData& data, const ReplayInputs& inputs, const ReplayOptions& options = {});

struct ReplayFileResult
{
    ReadStatus status = ReadStatus::Ok; ///< Failed: `error` names the file
    std::string error;
    TraceFormat format = TraceFormat::Unknown;
    ReplayResult result;
    bool ok() const { return status == ReadStatus::Ok; }
};
/// Reads and replays a trace file in one streaming pass: events are replayed block by block and
/// dropped, so memory does not grow with the trace (a second pass happens only when an area must
/// be inferred; a late start adds passes, docs/late-start.md). trace.dat files are read whole through
/// libtracecmd.
ReplayFileResult replayTraceFile(const std::filesystem::path& path, const ReplayInputs& inputs,
    const ReplayOptions& options = {}, const TraceProgress& progress = {});

/// A project to step through a replay in the app or render it: the replay's platform (one kernel-policy
/// region per area) with one bank per area (a trace knows no banks) and its timeline as the scenario.
Project replayProject(const ReplayResult& result, std::string name);

} // namespace cmascope
