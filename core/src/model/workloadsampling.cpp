// SPDX-License-Identifier: GPL-2.0-or-later
// Portable sampling for the workload generator (docs/workload.md, "Reproducible everywhere").
#include <cmascope/model/workloadsampling.h>

#include <algorithm>
#include <cmath>

namespace cmascope {

std::uint64_t uniformBelow(WorkloadRng& rng, std::uint64_t n)
{
    if (n == 0)
        return rng();
    // 2^64 mod n, computed without 2^64: (0 - n) mod n. Outputs below it would make small results likelier.
    const std::uint64_t threshold = (0 - n) % n;
    std::uint64_t x = rng();
    while (x < threshold)
        x = rng();
    return x % n;
}

std::uint64_t uniformBetween(WorkloadRng& rng, std::uint64_t lo, std::uint64_t hi)
{
    // hi - lo + 1 wraps to 0 exactly for the whole 64-bit range, which uniformBelow() takes as 2^64.
    return lo + uniformBelow(rng, hi - lo + 1);
}

std::size_t weightedIndex(WorkloadRng& rng, const std::vector<std::uint64_t>& prefix)
{
    const std::uint64_t x = uniformBelow(rng, prefix.back());
    // The first running sum above x: weight i covers [prefix[i - 1], prefix[i]).
    return std::size_t(std::upper_bound(prefix.begin(), prefix.end(), x) - prefix.begin());
}

SizeSampler::SizeSampler(const SizeDistribution& dist)
    : m_dist(dist)
{
    std::uint64_t sum = 0;
    for (const WeightedSize& c : m_dist.choices)
        m_prefix.push_back(sum += c.weight); // validateWorkload() checked that the sum fits
    if (m_dist.kind == SizeDistributionKind::LogUniform && m_dist.min > 0) {
        double root = double(m_dist.max) / double(m_dist.min);
        for (double& r : m_roots)
            r = root = std::sqrt(root); // sqrt is correctly rounded (IEEE 754): the same bits everywhere
    }
}

std::uint64_t SizeSampler::logUniform(WorkloadRng& rng) const
{
    // u = b1/2 + b2/4 + ... + b32/2^32 from the output's top 32 bits; r^u = product of r^(2^-k) for set bits bk.
    const std::uint64_t bits = rng() >> 32;
    double x = double(m_dist.min);
    for (unsigned k = 0; k < 32; ++k)
        if (bits & (std::uint64_t(1) << (31 - k)))
            x *= m_roots[k];
    // Products are rounded, so clamp the (exact) bounds back in; the floor makes [min, max + 1) sizes in bytes.
    return std::clamp(std::uint64_t(x), m_dist.min, m_dist.max);
}

std::uint64_t SizeSampler::operator()(WorkloadRng& rng) const
{
    switch (m_dist.kind) {
    case SizeDistributionKind::Fixed:
    case SizeDistributionKind::Histogram:
        return m_dist.choices[weightedIndex(rng, m_prefix)].bytes;
    case SizeDistributionKind::Uniform:
        return uniformBetween(rng, m_dist.min, m_dist.max);
    case SizeDistributionKind::LogUniform:
        return logUniform(rng);
    }
    return m_dist.min;
}

} // namespace cmascope
