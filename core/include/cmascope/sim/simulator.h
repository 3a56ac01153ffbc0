// SPDX-License-Identifier: GPL-2.0-or-later
// The stepping simulator: runs a scenario against a placed platform, records a compact outcome and
// per-region metrics for every step, and can reconstruct the state at any step (checkpoints + replay)
// and explain any failed request.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>
#include <cmascope/policies/policy.h>
#include <cmascope/sim/freeextents.h>
#include <cmascope/util/progress.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace cmascope {

inline constexpr std::uint16_t kNoRegion = 0xFFFF;
inline constexpr std::uint32_t kNoChunk = 0xFFFFFFFF;

enum class Outcome : std::uint8_t {
    Allocated, ///< placed in `region`
    /// served by the system allocator: through a size-0 region or a full Verkuil dma/common pool (no CMA
    /// memory used)
    AllocatedFallback,
    Failed, ///< no region could place it; see Simulation::diagnose()
    Freed, ///< a chunk (or a range of one) was given back
    FreeUnknown, ///< free of a label / range that is not allocated: reported, nothing changed
    Phase, ///< phase marker
    Pinned,
    Unpinned,
    Reset,
};

std::string_view outcomeName(Outcome o) noexcept;

/// The request was served: placed in a region, or by the system allocator through a size-0 region.
constexpr bool isServed(Outcome o) noexcept
{
    return o == Outcome::Allocated || o == Outcome::AllocatedFallback;
}

/// What one step did, and the metrics of the region it touched right after it. 32 bytes.
struct StepRecord
{
    std::uint32_t offset = 0; ///< first page (relative to the region) placed or freed
    std::uint32_t pages = 0; ///< pages placed or freed
    std::uint32_t usedPages = 0; ///< region metrics after the step (occupied pages)
    std::uint32_t largestFree = 0; ///< largest free run, pages
    std::uint32_t freeRuns = 0; ///< number of free runs
    std::uint32_t chunk = kNoChunk; ///< the chunk allocated or freed
    std::uint16_t region = kNoRegion;
    Outcome outcome = Outcome::Phase;
    Refusal refusal = Refusal::None; ///< Failed: the refusal of the last region tried
    std::uint32_t busyRetries = 0; ///< windows found busy (pinned) while placing
};
static_assert(sizeof(StepRecord) <= 32, "StepRecord must stay compact");

/// A chunk of allocated memory over its lifetime. A partial release ends a chunk and starts the
/// remaining pieces as new chunks with the same origin step.
struct ChunkInfo
{
    std::uint32_t offset = 0; ///< first page relative to the region
    std::uint32_t pages = 0; ///< pages set aside by the policy
    std::uint32_t requestPages = 0; ///< pages asked for (the count given back to the policy on release)
    std::uint32_t originStep = 0; ///< the Allocate step that created the memory (device, kind, label, size)
    std::uint32_t bornStep = 0; ///< step from which this chunk exists
    std::uint32_t diedStep = UINT32_MAX; ///< step that freed it; UINT32_MAX = still live at the end
    std::uint16_t region = kNoRegion;
};
static_assert(sizeof(ChunkInfo) <= 28, "ChunkInfo must stay compact");

/// Run-wide figures, computed from the records.
struct RunSummary
{
    std::uint64_t steps = 0;
    std::uint64_t allocations = 0;
    std::uint64_t failures = 0;
    std::uint64_t fallbacks = 0;
    std::uint64_t frees = 0;
    std::uint64_t busyRetries = 0;
    struct PerOwner
    {
        std::uint64_t requests = 0;
        std::uint64_t failures = 0;
    };
    std::map<std::pair<std::uint32_t, std::uint32_t>, PerOwner> byDeviceKind; ///< (device, kind) symbol ids
    struct PerRegion
    {
        std::uint64_t peakUsedPages = 0; ///< peak occupancy
        std::uint64_t peakFootprintPages = 0; ///< peak of the highest page in use (+1)
        std::uint64_t peakLiveBytes = 0; ///< peak of the bytes requested by live chunks
        std::uint64_t internalWasteBytesAtPeak = 0; ///< rounding to pages / bits / orders, at peak occupancy
        /// Johnstone & Wilson fragmentation #4: (peak footprint - peak live) / peak live.
        double jwFragmentation4 = 0.0;
    };
    std::vector<PerRegion> regions;
};

/// The explanation of one allocation request (usually a failed one).
struct Diagnosis
{
    struct RegionAttempt
    {
        std::string region;
        bool exists = true;
        bool fallbackRegion = false; ///< the system allocator was asked (a size-0 region or a full pool)
        PolicyResult result; ///< what the region's policy answered
        std::uint64_t neededPages = 0;
        unsigned alignOrder = 0;
        std::uint64_t freePages = 0;
        std::uint64_t largestFree = 0;
        std::uint64_t largestAligned = 0; ///< largest free window at the request's alignment
        std::uint64_t pinnedPages = 0;
        int extfragIndex = 0; ///< thousandths, kernel __fragmentation_index at the request's order
        /// The extfrag index in words, consistent with the verdict (empty when it does not apply).
        std::string extfragNote;
        std::string verdict; ///< one sentence a person can act on
    };
    std::uint32_t step = 0;
    std::string device;
    std::string kind;
    std::uint64_t bytes = 0;
    std::string mapSummary; ///< which rule matched, or why none did
    std::vector<std::string> mapTrail; ///< one line per rule or area considered
    std::vector<RegionAttempt> attempts; ///< in the order tried
    bool succeeded = false;
    std::string summary;
};

/// The kernel extfrag index of a refused request in words, consistent with the refusal: the index explains
/// only failures where enough pages were free (Refusal::Fragmented); for any other refusal it is shown as
/// not the cause. Empty for an index < 0 (a suitable free block exists: the index does not apply).
std::string extfragText(int extfragIndex, Refusal refusal);

/// The mutable state of a simulation at one position: one runtime per region plus the label table.
class SimState
{
public:
    struct RegionRuntime
    {
        std::uint16_t index = 0;
        std::uint64_t basePfn = 0;
        std::uint64_t pageSize = 4096;
        bool fallback = false; ///< size-0 region served by the system allocator (SystemFallback::SizeZero)
        /// A region whose failed allocation goes to the system allocator (SystemFallback::PoolFull, Verkuil's
        /// dma/common pools).
        bool poolFallback = false;
        bool carveout = false;
        bool unreserved = false; ///< failed to reserve at boot (Region::placementFailure): does not exist
        /// Pages can be allocated here (not a size-0 region, a carve-out or a region that failed to reserve).
        bool allocatable() const noexcept { return !fallback && !carveout && !unreserved; }
        std::unique_ptr<AllocationPolicy> policy;
        FreeExtents occupancy; ///< independent of the policy: the truth the metrics come from
        std::map<std::uint64_t, std::uint64_t> pinned; ///< offset -> pages (disjoint)
        std::map<std::uint64_t, std::uint32_t> live; ///< offset -> chunk id
        std::uint64_t liveBytes = 0; ///< bytes requested by live chunks
        std::uint64_t livePages = 0; ///< pages set aside for live chunks
    };

    SimState() = default;
    SimState(const SimState& other);
    SimState& operator=(const SimState& other);
    SimState(SimState&&) noexcept = default;
    SimState& operator=(SimState&&) noexcept = default;

    std::vector<RegionRuntime> regions;
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> liveByLabel; ///< label -> live chunks (LIFO)
    std::uint32_t position = 0; ///< number of steps executed
    std::uint32_t chunksCreated = 0; ///< chunk ids are handed out in creation order

    /// Approximate heap bytes held, for checkpoint budgeting.
    std::size_t approximateBytes() const;
};

struct SimulationOptions
{
    /// Average bytes per step the checkpoints may cost; the interval adapts to the state size.
    std::size_t checkpointBytesPerStep = 16;
    /// Never fewer steps than this between checkpoints, never more than the maximum.
    std::uint32_t minCheckpointInterval = 1024;
    /// Bounds the replay a jump needs: at >= 1 M steps/s, 16 Ki steps is well under the 20 ms target.
    std::uint32_t maxCheckpointInterval = 16384;
};

/// Thread safety: create() and run() need the object to themselves. After run() returns, const members
/// (stateAt(), advance() on a caller-owned state, diagnose(), summary(), the accessors) may be called from
/// any number of threads at once, e.g. through a std::shared_ptr<const Simulation>: they only read what
/// run() recorded and write nothing but the SimState or result they return.
class Simulation
{
public:
    /// Prepares a run. Every region must have an address (Fixed, or placedBase set by placeRegions())
    /// unless it is a size-0 region or placement failed for it (Region::placementFailure: the region does
    /// not exist at run time, as in the kernel). Returns an error text if the platform cannot be simulated.
    static std::variant<Simulation, std::string> create(
        const Platform& platform, Scenario scenario, SimulationOptions options = {});

    Simulation(Simulation&&) noexcept;
    Simulation& operator=(Simulation&&) noexcept;
    ~Simulation();

    /// Runs every step, recording outcomes. @p progress gets (done, total) now and then and may return
    /// false to cancel; a cancelled run keeps the steps done so far. Returns false if cancelled.
    bool run(const Progress& progress = {});
    /// A growing run (a followed trace, docs/following.md): @p source is this run's scenario with steps added
    /// at its end (its steps, times and symbols so far are this run's, unchanged); the new steps, their
    /// times and the new symbols are appended, and run() records them. Needs the object to itself, as run()
    /// does. Returns an error (nothing appended) when a new step names a region the platform lacks.
    std::optional<std::string> appendSteps(const Scenario& source);

    const Platform& platform() const;
    const Scenario& scenario() const;
    std::size_t stepCount() const; ///< steps recorded so far
    const std::vector<StepRecord>& records() const;
    const std::vector<ChunkInfo>& chunks() const;

    /// The state after the first @p position steps (0 = the initial state). Fast: nearest checkpoint,
    /// then replay.
    SimState stateAt(std::size_t position) const;
    /// Moves @p state forward to @p position (must not be behind it) without recording.
    void advance(SimState& state, std::size_t position) const;

    /// Explains allocation step @p step: map rules, regions tried and why each refused.
    Diagnosis diagnose(std::size_t step) const;

    RunSummary summary() const;

    /// Memory held by records, chunks and checkpoints, in bytes.
    std::size_t memoryBytes() const;
    std::size_t checkpointCount() const;

private:
    struct Impl;
    explicit Simulation(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace cmascope
