// SPDX-License-Identifier: GPL-2.0-or-later
// Faithful replay of a kernel CMA trace (issue 5): area geometry from the best source available,
// the kernel's bitmap state step by step, a fidelity check of every recorded placement against the
// kernel policy (mm/cma.c, bit for bit), concurrent requests reordered the way the kernel must have
// served them, a timeline (Platform + Scenario) the Simulation can step through, and what-if runs
// of the same requests under another policy or geometry.
// Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/project.h>
#include <cmascope/model/scenario.h>
#include <cmascope/policies/kernelbitmap.h>
#include <cmascope/trace/trace.h>
#include <cmascope/util/progress.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cmascope {

// ---- areas ----

/// Where an area's geometry came from, in order of preference.
enum class AreaSource : std::uint8_t {
    Project, ///< a region of the project's platform with the area's name
    Debugfs, ///< a debugfs snapshot directory (base_pfn, count, order_per_bit; bitmap = initial state)
    BootLog, ///< a boot log line ("cma: Reserved 16 MiB at 0x...", "created CMA memory pool at ...")
    CommandLine, ///< an --area NAME=BASE_PFN+PAGES[/ORDER_PER_BIT] spec
    Inferred, ///< nothing told: the smallest pageblock-aligned range holding every PFN the trace recorded
};
std::string_view areaSourceName(AreaSource s) noexcept; ///< "project", "debugfs", "boot log", ...

/// An explicit area: the command line's `--area NAME=BASE_PFN+PAGES[/ORDER_PER_BIT]`.
struct AreaSpec
{
    std::string name;
    std::uint64_t basePfn = 0;
    std::uint64_t pages = 0;
    unsigned orderPerBit = 0;
};
/// Parses "NAME=BASE_PFN+PAGES[/ORDER_PER_BIT]" (numbers decimal or 0x hex). On error returns a
/// message naming the field ("--area reserved=0x7dc00+abc: PAGES: not a number").
std::variant<AreaSpec, std::string> parseAreaSpec(std::string_view text);
/// Parses a decimal or 0x-hex unsigned number (the whole text); nullopt when malformed or overflowing.
std::optional<std::uint64_t> parseReplayNumber(std::string_view text);

/// One CMA area as the replay sees it.
struct ReplayArea
{
    std::string name;
    std::uint64_t basePfn = 0;
    std::uint64_t pages = 0;
    unsigned orderPerBit = 0;
    AreaSource source = AreaSource::Inferred;
    std::string origin; ///< human text: the file/line/spec it came from, or how it was inferred
    /// debugfs `bitmap` words: the state when tracing started (empty = empty area at the start).
    std::vector<std::uint32_t> initialBitmap;
    std::string initialBitmapOrigin; ///< the file the initial bitmap came from
};

/// What the replay may use to find areas. Everything is optional.
struct ReplayInputs
{
    const Platform* project = nullptr; ///< regions need placedBase (placeRegions()) or a Fixed start
    std::vector<DebugfsSnapshot> debugfs; ///< one per area; `name` is the area name (a "cma-" prefix is ignored)
    std::vector<std::string> debugfsOrigins; ///< parallel to `debugfs`: the directory each came from
    std::vector<BootLogArea> bootLog;
    std::string bootLogOrigin; ///< file name, for the report
    std::vector<AreaSpec> areaSpecs;
    std::uint32_t pageSize = 4096; ///< PAGE_SIZE of the traced machine (boot log sizes are in bytes)
};

/// Reads `dir` as one area's debugfs directory (it has a `count` file) or as a folder of them.
/// Returns the snapshots with the directories they came from, or an error naming the file.
struct DebugfsAreasResult
{
    std::vector<DebugfsSnapshot> snapshots;
    std::vector<std::string> origins;
    std::string error;
};
DebugfsAreasResult readDebugfsAreas(const std::filesystem::path& dir);

// ---- replay ----

/// A recorded request (cma_alloc_start -> cma_alloc_finish of one task on one area, or one legacy
/// cma_alloc line). 48 bytes.
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
    std::uint32_t startLine = 0; ///< 0 = no start seen (legacy event, or tracing started late)
    std::uint32_t finishLine = 0; ///< 0 = no finish seen
    std::uint32_t task = 0; ///< TraceData::tasks id
    std::uint32_t area = 0; ///< index into ReplayResult::areas
    std::uint32_t busyRetries = 0;
    std::uint8_t align = 0; ///< page order
    bool succeeded = false;
    bool complete = false;
    Check check = NotChecked;
};
static_assert(sizeof(ReplayRequest) <= 56);

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

/// One area after the replay.
struct ReplayAreaResult
{
    ReplayArea area;
    KernelBitmapPolicy state; ///< the bitmap at the end (or at the stop marker)
    std::uint64_t requested = 0, succeeded = 0, failed = 0, busyRetries = 0, incomplete = 0;
    std::uint64_t releases = 0, releasedPages = 0;
    std::uint64_t unknownReleasePages = 0; ///< pages released that the replay did not know as allocated
};

/// What happened at one timeline position (Scenario step); parallel to ReplayResult::scenario.steps.
struct TimelineEntry
{
    enum Kind : std::uint8_t { Seed, Request, Release, Marker };
    Kind kind = Marker;
    std::uint32_t index = 0; ///< Request: into ReplayResult::requests; Marker: into markers; Release: trace line
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

    std::vector<ReplayRequest> requests; ///< in timeline order: reservation (successes) or finish (keepRequests)
    std::vector<std::string> tasks; ///< "comm-pid" by ReplayRequest::task

    // timeline (buildTimeline): one region per area, kernel policy, no alignment cap
    Platform platform;
    Scenario scenario;
    std::vector<TimelineEntry> timeline; ///< parallel to scenario.steps

    const ReplayAreaResult* findArea(std::string_view name) const;
    /// Explains request @p index with the kernel's view of the state just before it: free pages,
    /// largest free run, aligned windows, the cma_debug_show_areas() line. Needs the timeline.
    std::string explainRequest(std::size_t index) const;
};

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
/// be inferred). trace.dat files are read whole through libtracecmd.
ReplayFileResult replayTraceFile(const std::filesystem::path& path, const ReplayInputs& inputs,
    const ReplayOptions& options = {}, const TraceProgress& progress = {});

/// A project to step through a replay in the app or render it: the replay's platform (one kernel-policy
/// region per area) with one bank per area (a trace knows no banks) and its timeline as the scenario.
Project replayProject(const ReplayResult& result, std::string name);

/// The JSON report of the `cmascope-cli replay` contract (lines, events, skipped_lines, errors,
/// allocations, releases, fidelity, markers, areas with the debugfs bitmap text, ...).
std::string replayReportJson(const ReplayResult& result, std::string_view traceName);

// ---- what-if ----

struct WhatIfSpec
{
    std::optional<PolicyKind> policy; ///< default: the kernel policy
    std::optional<std::uint64_t> pages; ///< new area size in pages (default: unchanged)
    std::optional<unsigned> orderPerBit;
    std::optional<std::string> area; ///< only this area changes (default: every area)
};
/// Parses "policy=bf,size=32M,order_per_bit=2,area=reserved" (size: memparse syntax, or pages=N).
std::variant<WhatIfSpec, std::string> parseWhatIfSpec(std::string_view text, std::uint32_t pageSize = 4096);

struct WhatIfChange
{
    std::uint32_t request = 0; ///< index into ReplayResult::requests
    bool recordedOk = false;
    bool whatIfOk = false;
    std::uint64_t whatIfPfn = 0;
    Refusal refusal = Refusal::None;
};

struct WhatIfResult
{
    std::string error; ///< non-empty: the geometry/policy cannot be used, or the run was cancelled
    bool cancelled = false; ///< the Progress asked to stop: the figures cover only part of the trace
    std::uint64_t requests = 0, succeeded = 0, failed = 0;
    std::uint64_t nowFail = 0, nowSucceed = 0;
    std::vector<WhatIfChange> changes; ///< requests whose outcome differs from the recording
    std::vector<std::string> notes;
};
/// Re-runs the recorded requests and releases of @p replay (needs keepRequests and buildTimeline)
/// under @p spec: each recorded request asks again, each release gives back the same part of the
/// allocation it belonged to (partial releases map to the same offsets inside the new placement; a release
/// spanning several allocations gives back its part of each).
/// @p progress gets (timeline entries done, total) every 16 Ki entries and may cancel.
WhatIfResult runWhatIf(const ReplayResult& replay, const WhatIfSpec& spec, const Progress& progress = {});

} // namespace cmascope
