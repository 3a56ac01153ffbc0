// SPDX-License-Identifier: GPL-2.0-or-later
// The workload generator's random sampling (docs/workload.md, "Reproducible everywhere"). The generator is
// std::mt19937_64, whose sequence the C++ standard fixes; the standard *distributions* are not fixed (libstdc++,
// libc++ and MSVC give different numbers for the same engine), so none is used: every value below is computed
// from the engine's 64-bit outputs with integer arithmetic and the correctly rounded IEEE operations (+ * /
// sqrt), never exp/log/pow, whose last bit differs between C libraries.
#pragma once

#include <cmascope/model/workload.h>

#include <array>
#include <cstdint>
#include <random>

namespace cmascope {

using WorkloadRng = std::mt19937_64;

/// A uniform integer in [0, n) (n > 0), without modulo bias: outputs below 2^64 mod n are drawn again,
/// then the output is reduced modulo n. n == 0 means the whole 64-bit range.
std::uint64_t uniformBelow(WorkloadRng& rng, std::uint64_t n);

/// A uniform integer in [lo, hi] (lo <= hi).
std::uint64_t uniformBetween(WorkloadRng& rng, std::uint64_t lo, std::uint64_t hi);

/// Index i with probability weights[i] / sum(weights), by a uniform draw below the (checked) sum and a
/// binary search of the running sums. @p prefix holds the running sums (prefix.back() = total > 0).
std::size_t weightedIndex(WorkloadRng& rng, const std::vector<std::uint64_t>& prefix);

/// Draws sizes in bytes (before rounding) from one SizeDistribution, within its bounds.
class SizeSampler
{
public:
    /// @p dist must have passed validateWorkload().
    explicit SizeSampler(const SizeDistribution& dist);
    std::uint64_t operator()(WorkloadRng& rng) const;

private:
    std::uint64_t logUniform(WorkloadRng& rng) const;

    SizeDistribution m_dist;
    std::vector<std::uint64_t> m_prefix; ///< Fixed, Histogram: running sums of the weights
    /// LogUniform: x = min * r^u for u uniform in [0, 1) with 32 bits, r = max/min. r^u is the product of
    /// r^(2^-k) over the bits k of u; m_roots[k - 1] = r^(2^-k), each the square root of the one before.
    std::array<double, 32> m_roots {};
};

} // namespace cmascope
