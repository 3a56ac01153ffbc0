// SPDX-License-Identifier: GPL-2.0-or-later
// The figures of one run that the comparison shows side by side (docs/compare.md), computed from the
// run's step records, and the first step where two runs of one scenario part ways.
#pragma once

#include <cmascope/sim/simulator.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

/// One region of one run. Fragmentation is the charts' relative fragmentation, 1 - largest free / free
/// (sim/metricseries.h, Metric::RelativeFragmentation; 0 when nothing is free).
struct RegionFigures
{
    std::string name;
    std::uint64_t sizeBytes = 0;
    std::uint64_t peakUsedBytes = 0;
    std::uint64_t largestFreeEndBytes = 0; ///< after the last step
    std::uint64_t largestFreeMinBytes = 0; ///< the smallest it was at any position (0 = before any step)
    double fragmentationEnd = 0.0;
    double fragmentationPeak = 0.0;
};

/// One variant of the comparison; variant 0 is the base (the project or trace unchanged).
struct VariantFigures
{
    std::string spec; ///< the spec as given; empty for the base
    std::string description; ///< in words (describeVariant)
    /// False when only the counts and the first difference are known (a trace variant whose record could not
    /// be run).
    bool hasMetrics = true;
    std::uint64_t requests = 0; ///< allocation requests
    std::uint64_t failures = 0;
    std::uint64_t peakUsedBytes = 0; ///< peak of the bytes used in every region together
    std::uint64_t largestFreeEndBytes = 0; ///< the largest free extent in any region, after the last step
    std::uint64_t largestFreeMinBytes = 0; ///< its minimum over the run
    double fragmentationEnd = 0.0; ///< the most fragmented region after the last step
    double fragmentationPeak = 0.0; ///< the most fragmented region at any position
    std::vector<RegionFigures> regions; ///< allocatable regions only (size-0 and carve-outs are left out)
    std::optional<std::uint32_t> firstDifference; ///< first step whose outcome differs from the base
    std::string difference; ///< what differed there, in words
    std::uint64_t differingSteps = 0; ///< steps whose outcome differs from the base
};

/// The counts and metrics of a finished run (firstDifference is left unset).
VariantFigures figuresOf(const Simulation& sim);

/// How @p step of @p sim ended, in words: "placed in video at page 12", "failed (…)", "freed 4 pages".
std::string outcomeText(const Simulation& sim, std::size_t step);

/// Sets out.firstDifference, difference and differingSteps: steps whose outcome, region, first page or
/// page count differ between @p base and @p variant (two complete runs of the same scenario).
void findDifferences(const Simulation& base, const Simulation& variant, VariantFigures& out);

} // namespace cmascope
