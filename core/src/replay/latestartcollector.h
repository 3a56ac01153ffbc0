// SPDX-License-Identifier: GPL-2.0-or-later
// Late-start evidence and inference inside one replay pass (internal to src/replay, not installed;
// docs/late-start.md). The Replayer reports what it meets (orphan events, releases of pages it did
// not know as allocated, placements above the predicted window); in inference passes the collector
// also adds the smallest set of "allocated before the trace" bits that explains each such placement.
#pragma once

#include <cmascope/replay/replay.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmascope::replayinternal {

/// Bitmap bits by area name (a bit covers 2^order_per_bit pages).
using SeedMap = std::map<std::string, std::vector<bool>>;

class LateStartCollector
{
public:
    /// @p forbidden: bits any recorded placement of the trace covers (an inference pass never seeds
    /// them); null in the first pass, which only observes.
    explicit LateStartCollector(const SeedMap* forbidden = nullptr)
        : m_forbidden(forbidden)
    { }

    void started() { m_sawStart = true; }
    /// A cma_alloc_finish or busy retry whose request started before the trace.
    void orphan(std::uint32_t line);
    void placed(const ReplayAreaResult& ar, std::uint64_t offset, std::uint64_t pages);
    void unknownRelease(const ReplayAreaResult& ar, std::uint64_t bit, std::uint32_t line);
    /// A recorded outcome the policy did not predict; @p ar's state is the one the request met. In an
    /// inference pass, reserves (in @p ar's state) the bits that make the recorded placement the lowest.
    void diverged(ReplayAreaResult& ar, const TraceEvent& finish, const std::vector<std::uint64_t>& busyOffsets,
        bool predictedOk, std::uint64_t predictedPfn);
    void checked(bool succeeded, bool matched);
    void finished(TraceFormat format) { m_format = format; }

    /// Bits to seed found in this pass (unknown releases; in inference passes also the windows' stabs).
    const SeedMap& newSeeds() const { return m_newSeeds; }
    /// Bits covered by the recorded placements met in this pass.
    const SeedMap& placedBits() const { return m_placed; }
    /// The verdict from what this pass met (evidence sentences; detected when there is any).
    LateStart verdict() const;
    std::uint64_t placementsChecked() const { return m_placementsChecked; }
    std::uint64_t placementsMatched() const { return m_placementsMatched; }

private:
    static std::vector<bool>& bitsOf(SeedMap& map, const ReplayAreaResult& ar);
    bool allowed(const ReplayAreaResult& ar, std::uint64_t bit) const;
    void stabWindows(ReplayAreaResult& ar, const TraceEvent& finish, const std::vector<std::uint64_t>& busyOffsets);

    const SeedMap* m_forbidden;
    SeedMap m_newSeeds, m_placed;
    bool m_sawStart = false;
    TraceFormat m_format = TraceFormat::Unknown;
    std::uint64_t m_orphans = 0, m_unknownPages = 0, m_higher = 0;
    std::uint32_t m_firstOrphan = 0, m_firstUnknown = 0, m_firstHigher = 0;
    std::string m_unknownArea;
    std::uint64_t m_placementsChecked = 0, m_placementsMatched = 0;
};

/// What the Replayer gets from the late-start driver for one pass.
struct PassSetup
{
    const SeedMap* seeds = nullptr; ///< bits set before the first event (areas without a debugfs bitmap)
    LateStartCollector* collector = nullptr;
};

/// Runs one replay pass; nullopt when it could not run (read error, cancelled).
using PassFn = std::function<std::optional<ReplayResult>(const PassSetup&, const ReplayOptions&)>;

/// The replay with late-start handling: a first pass with @p options; when a late start is detected
/// (and ReplayOptions::lateStart allows), inference passes and a final pass from the inferred seeds.
/// ReplayOptions::onMarker sees the states of the pass whose result is returned only. nullopt when
/// the first pass could not run.
std::optional<ReplayResult> replayWithLateStart(const PassFn& pass, const ReplayOptions& options);

} // namespace cmascope::replayinternal
