// SPDX-License-Identifier: GPL-2.0-or-later
// Checks a replay against debugfs snapshots taken at CHECKPOINT markers (docs/late-start.md,
// "Checking against snapshots").
#include <cmascope/replay/snapshotcheck.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace cmascope {

namespace {

/// snapshot directory name -> checkpoint name, from a checkpoints.tsv next to or above @p dir.
std::map<std::string, std::string> checkpointNames(const std::filesystem::path& dir)
{
    std::map<std::string, std::string> out;
    for (const auto& tsv : { dir / "checkpoints.tsv", dir.parent_path() / "checkpoints.tsv" }) {
        std::ifstream in(tsv);
        if (!in)
            continue;
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream f(line);
            std::string snapshotDir, checkpoint;
            if (f >> snapshotDir >> checkpoint)
                out.emplace(snapshotDir, checkpoint);
        }
        break;
    }
    return out;
}

/// "03-round-5" -> "round-5".
std::string nameFromDirectory(const std::string& name)
{
    std::size_t i = 0;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9')
        ++i;
    return i > 0 && i < name.size() && name[i] == '-' ? name.substr(i + 1) : name;
}

std::string areaName(const std::string& snapshotName)
{
    return snapshotName.starts_with("cma-") ? snapshotName.substr(4) : snapshotName;
}

/// The checkpoint of a marker "CHECKPOINT <name> begin" (or "CHECKPOINT <name>"); empty otherwise.
std::string beginCheckpoint(const std::string& text)
{
    std::istringstream in(text);
    std::string word, name, phase;
    if (!(in >> word) || word != "CHECKPOINT" || !(in >> name))
        return {};
    if ((in >> phase) && phase != "begin")
        return {};
    return name;
}

} // namespace

CheckpointSnapshotsRead readCheckpointSnapshots(const std::filesystem::path& dir)
{
    CheckpointSnapshotsRead out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        out.error = dir.string() + ": not a directory (expected snapshot directories such as snapshots/00-start)";
        return out;
    }
    const auto names = checkpointNames(dir);
    auto add = [&](const std::filesystem::path& d) {
        auto read = readDebugfsAreas(d);
        if (!read.error.empty())
            return false;
        const std::string base = d.filename().string();
        const auto it = names.find(base);
        out.snapshots.push_back(
            { d.string(), it != names.end() ? it->second : nameFromDirectory(base), std::move(read.snapshots) });
        return true;
    };
    if (add(dir))
        return out; // one snapshot directory
    std::vector<std::filesystem::path> subdirs;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_directory())
            subdirs.push_back(entry.path());
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& d : subdirs)
        add(d);
    if (out.snapshots.empty())
        out.error = dir.string() + ": no snapshot here (no directory with debugfs cma areas in it)";
    return out;
}

void SnapshotChecker::attach(ReplayOptions& options)
{
    options.onMarker = [this](const ReplayMarker& m, std::span<const ReplayAreaResult> areas) { atMarker(m, areas); };
}

void SnapshotChecker::atMarker(const ReplayMarker& marker, std::span<const ReplayAreaResult> areas)
{
    const std::string name = beginCheckpoint(marker.text);
    if (name.empty())
        return;
    for (std::size_t i = 0; i < m_snapshots.size(); ++i) {
        if (m_done[i] || m_snapshots[i].checkpoint != name)
            continue;
        m_done[i] = true;
        ++m_result.checkpoints;
        compare(m_snapshots[i], areas);
    }
}

namespace {

/// The bits that differ between the kernel's bitmaps and the replay's, range after range.
struct BitDifference
{
    std::uint64_t firstPfn = 0, runBits = 0, differing = 0; ///< the first run of differing bits; all of them

    void add(std::span<const std::uint32_t> kernel, const KernelBitmapPolicy& st)
    {
        bool inFirstRun = false;
        for (std::uint64_t b = 0; b < st.maxno(); ++b) {
            const bool set = b / 32 < kernel.size() && ((kernel[b / 32] >> (b % 32)) & 1u);
            if (set == st.testBit(b)) {
                inFirstRun = false;
                continue;
            }
            if (differing == 0) {
                firstPfn = st.geometry().basePfn + (b << st.orderPerBit());
                inFirstRun = true;
            }
            runBits += inFirstRun ? 1u : 0u;
            ++differing;
        }
    }
};

/// The snapshot's ranges (a pre-6.15 area: its base) are the replayed area's.
bool sameGeometry(const DebugfsSnapshot& s, const ReplayAreaResult& a)
{
    if (s.ranges.empty())
        return a.rangeCount() == 1 && s.basePfn == a.area.basePfn;
    if (s.ranges.size() != a.rangeCount())
        return false;
    for (std::size_t r = 0; r < s.ranges.size(); ++r)
        if (s.ranges[r].basePfn != a.area.range(r).basePfn || s.ranges[r].count != a.area.range(r).pages)
            return false;
    return true;
}

} // namespace

void SnapshotChecker::compare(const CheckpointSnapshot& snap, std::span<const ReplayAreaResult> areas)
{
    for (const DebugfsSnapshot& s : snap.areas) {
        ++m_result.areasCompared;
        SnapshotDifference d;
        d.checkpoint = snap.checkpoint;
        d.area = areaName(s.name);
        d.kernelUsed = s.used;
        d.kernelMaxchunk = s.maxchunk;
        const auto it = std::find_if(areas.begin(), areas.end(),
            [&](const ReplayAreaResult& a) { return a.area.name == d.area || a.area.name == s.name; });
        if (it == areas.end()) {
            d.text = "checkpoint " + d.checkpoint + ": area " + d.area + " is not in the replay at this point";
            m_result.differences.push_back(std::move(d));
            continue;
        }
        const unsigned opb = it->area.orderPerBit;
        d.replayUsed = it->usedBitPages();
        d.replayMaxchunk = it->maxchunkPages();
        const std::size_t kernelRanges = std::max<std::size_t>(1, s.ranges.size());
        BitDifference diff;
        for (std::size_t r = 0; r < std::min(kernelRanges, it->rangeCount()); ++r)
            diff.add(s.ranges.empty() ? s.bitmap : s.ranges[r].bitmap, it->rangeState(r));
        const bool sameRanges = sameGeometry(s, *it);
        const bool usedOk = s.used == it->usedBitPages() || s.used == it->usedPages();
        if (diff.differing == 0 && usedOk && s.maxchunk == d.replayMaxchunk && sameRanges)
            continue;
        d.firstPfn = diff.firstPfn;
        d.runPages = diff.runBits << opb;
        d.differingPages = diff.differing << opb;
        d.text = "checkpoint " + d.checkpoint + ", area " + d.area + ": ";
        if (!sameRanges)
            d.text += "the kernel's ranges are not the replay's (" + std::to_string(kernelRanges) + " against "
                + std::to_string(it->rangeCount()) + "); ";
        if (diff.differing)
            d.text += std::to_string(d.differingPages) + " pages differ, first " + hexText(d.firstPfn) + "-"
                + hexText(d.firstPfn + d.runPages - 1) + " (" + std::to_string(d.runPages) + " pages); ";
        d.text += "used " + std::to_string(d.replayUsed) + " (kernel " + std::to_string(s.used) + "), maxchunk "
            + std::to_string(d.replayMaxchunk) + " (kernel " + std::to_string(s.maxchunk) + ")";
        m_result.differences.push_back(std::move(d));
    }
}

SnapshotCheckResult SnapshotChecker::finish()
{
    for (std::size_t i = 0; i < m_snapshots.size(); ++i) {
        if (m_done[i])
            continue;
        SnapshotDifference d;
        d.checkpoint = m_snapshots[i].checkpoint;
        d.text = "checkpoint " + d.checkpoint + " (" + m_snapshots[i].dir + "): no \"CHECKPOINT " + d.checkpoint
            + " begin\" marker was replayed";
        m_result.differences.push_back(std::move(d));
        m_done[i] = true;
    }
    return m_result;
}

TraceSnapshotCheck checkTraceSnapshots(const std::filesystem::path& trace, const ReplayInputs& inputs,
    const std::filesystem::path& dir, const Progress& progress)
{
    TraceSnapshotCheck out;
    auto read = readCheckpointSnapshots(dir);
    if (!read.error.empty()) {
        out.error = read.error;
        return out;
    }
    SnapshotChecker checker(std::move(read.snapshots));
    ReplayOptions options;
    options.buildTimeline = false;
    checker.attach(options);
    const auto replayed = replayTraceFile(trace, inputs, options, progress);
    if (!replayed.ok() || !replayed.result.error.empty()) {
        out.error = replayed.error.empty() ? replayed.result.error : replayed.error;
        if (out.error.empty())
            out.error = trace.string() + ": cancelled";
        return out;
    }
    out.result = checker.finish();
    return out;
}

std::vector<std::string> snapshotCheckLines(const SnapshotCheckResult& result)
{
    std::vector<std::string> out;
    for (const auto& d : result.differences)
        out.push_back("snapshot differs: " + d.text);
    out.push_back("snapshots: " + std::to_string(result.checkpoints) + " checkpoints, "
        + std::to_string(result.areasCompared) + " area states compared, " + std::to_string(result.differences.size())
        + (result.differences.size() == 1 ? " difference" : " differences"));
    return out;
}

} // namespace cmascope
