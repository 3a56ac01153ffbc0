// SPDX-License-Identifier: GPL-2.0-or-later
// What-if for projects: the same scenario run on a variant of the platform (one region, or every
// region, with another policy, size or order_per_bit), and the requests whose outcome changed.
// Kernel traces have their own what-if (replay/tracewhatif.h, runWhatIf): their timeline holds recorded
// placements, not requests a policy could place differently.
// Not to be confused with wouldfit.h, which searches what would have served one failed request.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/sim/simulator.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace cmascope {

/// A change to try. Unset fields keep the platform's value.
struct PlatformVariant
{
    std::optional<std::size_t> region; ///< index into Platform::regions; unset = every region
    std::optional<PolicyKind> policy;
    std::optional<std::uint64_t> sizeBytes; ///< a multiple of the region's page size, > 0
    std::optional<unsigned> orderPerBit; ///< the kernel policy's order_per_bit (0..20)
    /// CONFIG_CMA_ALIGNMENT (2..12): the platform's cma_alignment_order and the max_align_order of the
    /// regions changed (docs/compare.md). Platform-wide, so it cannot be given with a region.
    std::optional<unsigned> alignOrder;

    bool empty() const { return !policy && !sizeBytes && !orderPerBit && !alignOrder; }
};

/// One line a person can read, e.g. "video: policy bf, size 24 MiB".
std::string describeVariant(const Platform& platform, const PlatformVariant& variant);

/// The (unplaced) platform with @p variant applied, or an error naming the field that cannot take it.
/// Size-0 (fallback) regions and carve-outs keep their nature: a size or policy for them is an error
/// when they are named, and they are skipped when every region is meant.
std::variant<Platform, std::string> applyVariant(const Platform& platform, const PlatformVariant& variant);

/// A request whose outcome differs between two runs of the same scenario.
struct OutcomeChange
{
    std::uint32_t step = 0;
    Outcome before = Outcome::Failed;
    Outcome after = Outcome::Failed;
    std::uint16_t regionBefore = kNoRegion;
    std::uint16_t regionAfter = kNoRegion;
    std::uint32_t offsetAfter = 0; ///< pages into regionAfter (after succeeded)
    Refusal refusalAfter = Refusal::None; ///< after failed
};

struct RunComparison
{
    std::uint64_t requests = 0; ///< allocation requests compared
    std::uint64_t failedBefore = 0, failedAfter = 0;
    std::uint64_t nowFail = 0, nowSucceed = 0;
    std::uint64_t otherRegion = 0; ///< succeeded in both runs, but in another region
    std::vector<OutcomeChange> changes; ///< failures gained or lost, in step order
    /// Per region (the variant platform's order): the highest number of used pages in each run.
    std::vector<std::uint64_t> peakUsedBefore, peakUsedAfter;
};

/// Compares the records of two complete runs of the same scenario (same step count).
RunComparison compareRuns(std::span<const StepRecord> before, std::span<const StepRecord> after, std::size_t regions);

} // namespace cmascope
