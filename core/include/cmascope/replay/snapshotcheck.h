// SPDX-License-Identifier: GPL-2.0-or-later
// Checks a replay against the board (docs/late-start.md, "Checking against snapshots"): debugfs
// snapshots taken between `CHECKPOINT name begin|end` markers are compared with the replayed state at
// the begin marker — bitmap, used and maxchunk of every area.
// Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/replay/replay.h>
#include <cmascope/trace/debugfs.h>
#include <cmascope/util/progress.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cmascope {

/// The areas' debugfs directories taken at one checkpoint (a `snapshots/NN-name/` directory).
struct CheckpointSnapshot
{
    std::string dir; ///< the directory
    std::string checkpoint; ///< from checkpoints.tsv, else the directory name without its "NN-" prefix
    std::vector<DebugfsSnapshot> areas;
};

/// Reads every snapshot directory under @p dir (sorted by name; the checkpoint names from
/// `dir/checkpoints.tsv` or `dir/../checkpoints.tsv` when present). An error names the file.
struct CheckpointSnapshotsRead
{
    std::vector<CheckpointSnapshot> snapshots;
    std::string error;
};
CheckpointSnapshotsRead readCheckpointSnapshots(const std::filesystem::path& dir);

/// One way the replay differs from a snapshot.
struct SnapshotDifference
{
    std::string checkpoint, area;
    std::uint64_t firstPfn = 0, runPages = 0; ///< the first run of pages whose bits differ
    std::uint64_t differingPages = 0; ///< pages whose bits differ in all
    std::uint64_t replayUsed = 0, kernelUsed = 0, replayMaxchunk = 0, kernelMaxchunk = 0;
    std::string text; ///< one sentence
};

struct SnapshotCheckResult
{
    std::size_t checkpoints = 0; ///< snapshots compared (their begin marker was replayed)
    std::size_t areasCompared = 0;
    std::vector<SnapshotDifference> differences;
    bool ok() const { return differences.empty(); }
};

/// Compares the snapshots as the replay reaches their begin markers (ReplayOptions::onMarker).
class SnapshotChecker
{
public:
    explicit SnapshotChecker(std::vector<CheckpointSnapshot> snapshots)
        : m_snapshots(std::move(snapshots))
        , m_done(m_snapshots.size(), false)
    { }
    /// Sets options.onMarker (the checker must outlive the replay).
    void attach(ReplayOptions& options);
    void atMarker(const ReplayMarker& marker, std::span<const ReplayAreaResult> areas);
    /// The result; checkpoints whose marker was never replayed are differences too.
    SnapshotCheckResult finish();

private:
    void compare(const CheckpointSnapshot& snap, std::span<const ReplayAreaResult> areas);

    std::vector<CheckpointSnapshot> m_snapshots;
    std::vector<bool> m_done;
    SnapshotCheckResult m_result;
};

/// Replays @p trace with @p inputs and checks it against the snapshots in @p dir (the app's "Check
/// snapshots…"); `error` is set when the trace or the snapshots cannot be read.
struct TraceSnapshotCheck
{
    std::string error;
    SnapshotCheckResult result;
};
TraceSnapshotCheck checkTraceSnapshots(const std::filesystem::path& trace, const ReplayInputs& inputs,
    const std::filesystem::path& dir, const Progress& progress = {});

/// The result in lines for people: one per difference, then a summary line.
std::vector<std::string> snapshotCheckLines(const SnapshotCheckResult& result);

} // namespace cmascope
