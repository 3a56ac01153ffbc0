// SPDX-License-Identifier: GPL-2.0-or-later
// The workload generator (docs/workload.md): a WorkloadSpec — phases that shape how many allocations are live
// (ramp, peak, plateau, drain), streams of requests per device/kind with a size and a lifetime distribution,
// and a seed — becomes an ordinary Scenario of allocate, free and phase steps. The same spec and seed give the
// same steps on every platform and standard library: the random numbers come from std::mt19937_64 (whose output
// the C++ standard fixes) and every distribution is sampled by this project's own code (workloadsampling.h).
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/project.h>
#include <cmascope/model/scenario.h>
#include <cmascope/util/progress.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

inline constexpr const char* kWorkloadFormat = "cmascope-workload";
inline constexpr int kWorkloadVersion = 1;
/// The largest request a stream may ask for (1 TiB): larger sizes are a typing mistake, never a CMA buffer.
inline constexpr std::uint64_t kWorkloadMaxSize = std::uint64_t(1) << 40;
/// Limits that keep a spec's generation bounded (docs/workload.md).
inline constexpr std::uint64_t kWorkloadMaxTicks = 100'000'000;
inline constexpr std::uint64_t kWorkloadMaxConcurrency = 1'000'000;
inline constexpr std::uint64_t kWorkloadMaxSteps = 20'000'000;

/// How a phase moves the target number of live allocations from where the previous phase left it.
enum class PhaseKind : std::uint8_t {
    Ramp, ///< linearly from the start level to `concurrency` at the last tick
    Peak, ///< linearly up to `concurrency` at the middle tick, then back down to the start level
    Plateau, ///< `concurrency` at every tick: expired allocations are replaced (churn)
    Drain, ///< no new requests; linearly down to 0 at the last tick: every allocation is freed
};
std::string_view phaseKindName(PhaseKind kind) noexcept;

struct WorkloadPhase
{
    std::string name; ///< the phase marker's text
    PhaseKind kind = PhaseKind::Plateau;
    std::uint64_t ticks = 1; ///< duration on the workload's clock (lifetimes count the same ticks)
    std::uint64_t concurrency = 0; ///< target live allocations (the phase's intensity); drain: 0
    bool operator==(const WorkloadPhase&) const = default;
};

enum class SizeDistributionKind : std::uint8_t {
    Fixed, ///< one of `choices`, each with its weight
    Uniform, ///< uniform over [min, max] bytes
    LogUniform, ///< log-uniform over [min, max]: as many requests between 4K and 8K as between 4M and 8M
    Histogram, ///< `choices` are the sizes a trace recorded with their counts (replay/workloadhistogram.h)
};
std::string_view sizeDistributionName(SizeDistributionKind kind) noexcept;

struct WeightedSize
{
    std::uint64_t bytes = 0;
    std::uint64_t weight = 1;
    bool operator==(const WeightedSize&) const = default;
};

struct SizeDistribution
{
    SizeDistributionKind kind = SizeDistributionKind::Fixed;
    std::vector<WeightedSize> choices; ///< Fixed, Histogram
    std::uint64_t min = 0; ///< Uniform, LogUniform: bytes
    std::uint64_t max = 0;
    std::string source; ///< Histogram: where the counts came from (a trace file and filter), for people
    bool operator==(const SizeDistribution&) const = default;
};

struct Lifetime
{
    bool untilDrain = false; ///< lives until the next drain phase (or to the end)
    std::uint64_t min = 1; ///< otherwise uniform over [min, max] ticks
    std::uint64_t max = 1;
    bool operator==(const Lifetime&) const = default;
};

/// Requests of one device (and kind): a share of the workload's allocations.
struct WorkloadStream
{
    std::string device;
    std::string kind; ///< empty: no kind
    std::uint64_t weight = 1; ///< share of the requests, relative to the other streams
    SizeDistribution sizes;
    std::uint64_t roundTo = 0; ///< sizes are rounded up to a multiple of this; 0 = the platform's page size
    std::uint64_t align = 0; ///< asked alignment in bytes (a power of two); 0 = none
    Lifetime lifetime;
    bool operator==(const WorkloadStream&) const = default;
};

struct WorkloadSpec
{
    std::string name; ///< the generated scenario's name
    std::uint64_t seed = 1;
    std::vector<WorkloadPhase> phases;
    std::vector<WorkloadStream> streams;
    bool operator==(const WorkloadSpec&) const = default;
};

/// Every problem of @p spec, each naming its field ("streams[1].sizes.max: ..."); empty when it can be
/// generated. Devices and kinds must exist in @p platform when it lists any.
std::vector<LoadMessage> validateWorkload(const WorkloadSpec& spec, const Platform& platform);

/// Figures of a generated workload, for a preview.
struct WorkloadStats
{
    std::uint64_t allocations = 0, frees = 0;
    std::uint64_t peakLive = 0; ///< allocations live at once
    std::uint64_t peakLiveBytes = 0;
    std::uint64_t liveAtEnd = 0;
    /// Live allocations at the end of each tick, at most 256 values (a tick every ticks/256 when longer).
    std::vector<std::uint64_t> liveSeries;
};

struct WorkloadResult
{
    std::optional<Scenario> scenario; ///< set when generation succeeded
    WorkloadStats stats;
    std::vector<LoadMessage> errors;
    bool cancelled = false;
    bool ok() const { return scenario.has_value(); }
    std::string errorText() const; ///< one message per line
};

/// Generates the steps of @p spec (validated first). Every allocation gets a unique label "DEVICE.N". Steps
/// come tick by tick: a phase marker at each phase's start; at each tick the allocations whose lifetime ended
/// are freed, then the target live count is reached by freeing the allocations due first or by new requests.
/// @p progress gets (ticks done, ticks total) and may cancel.
WorkloadResult generateWorkload(const WorkloadSpec& spec, const Platform& platform, const Progress& progress = {});

/// Reads a workload spec from its JSON form (docs/workload.md); errors name the JSON path.
struct WorkloadLoadResult
{
    std::optional<WorkloadSpec> spec;
    std::vector<LoadMessage> messages;
    bool ok() const { return spec.has_value(); }
    std::string errorText() const;
};
WorkloadLoadResult parseWorkloadSpec(std::string_view jsonText);
WorkloadLoadResult loadWorkloadFile(const std::string& path);
/// The JSON form of @p spec; parseWorkloadSpec() reads it back to an equal spec.
std::string serializeWorkloadSpec(const WorkloadSpec& spec);

} // namespace cmascope
