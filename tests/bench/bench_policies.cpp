// SPDX-License-Identifier: GPL-2.0-or-later
// Throughput of every allocation policy on a mixed allocate/free workload.
//
// For each policy: 1,000,000 steps on a 65,536-page region; ~55% of the steps allocate (sizes
// log-uniform in 1..1024 pages, alignment order uniform in 0..6), the rest free a random live
// allocation (an allocation step also frees when the policy refuses). Same seed for every policy.
#include <cmascope/policies/policy.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace cmascope;

namespace {

constexpr std::uint64_t kRegionPages = 65536;
constexpr std::uint64_t kBasePfn = 0x80000;
constexpr int kSteps = 1'000'000;
constexpr std::uint64_t kSeed = 0xC0FFEE;

struct Live
{
    std::uint64_t offset;
    std::uint64_t pages;
};

struct Outcome
{
    double seconds = 0;
    std::uint64_t allocations = 0;
    std::uint64_t refusals = 0;
    std::uint64_t frees = 0;
    std::size_t peakLive = 0;
};

Outcome run(AllocationPolicy& policy)
{
    std::mt19937_64 rng(kSeed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_int_distribution<unsigned> alignDist(0, 6);
    const double logMax = std::log(1024.0);

    std::vector<Live> live;
    live.reserve(1 << 16);
    Outcome out;
    const auto t0 = std::chrono::steady_clock::now();
    for (int step = 0; step < kSteps; ++step) {
        const bool wantAlloc = live.empty() || unit(rng) < 0.55;
        if (wantAlloc) {
            // log-uniform in [1, 1024]: many small requests, a long tail of large ones
            const auto pages = std::min<std::uint64_t>(1024, static_cast<std::uint64_t>(std::exp(unit(rng) * logMax)));
            const PolicyRequest req { std::max<std::uint64_t>(1, pages), alignDist(rng) };
            const PolicyResult r = policy.allocate(req, nullptr);
            if (r.ok) {
                ++out.allocations;
                live.push_back({ r.offset, req.pages });
                out.peakLive = std::max(out.peakLive, live.size());
                continue;
            }
            ++out.refusals;
            if (live.empty())
                continue;
        }
        const std::size_t i = std::uniform_int_distribution<std::size_t>(0, live.size() - 1)(rng);
        if (!policy.release(live[i].offset, live[i].pages)) {
            std::fprintf(stderr, "%s: release(%llu, %llu) failed\n", std::string(policy.id()).c_str(),
                static_cast<unsigned long long>(live[i].offset), static_cast<unsigned long long>(live[i].pages));
            std::exit(1);
        }
        live[i] = live.back();
        live.pop_back();
        ++out.frees;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace

int main()
{
    PolicyParams params;
    params.maxAlignOrder = std::nullopt; // cma_alloc() called directly, no CONFIG_CMA_ALIGNMENT cap
    std::printf("%d steps, %llu-page region, sizes log-uniform 1..1024, align orders 0..6, ~55%% allocs\n\n", kSteps,
        static_cast<unsigned long long>(kRegionPages));
    std::printf("%-10s %14s %10s %10s %10s %10s\n", "policy", "ops/s", "allocs", "refused", "frees", "peak live");
    for (const PolicyKind kind : allPolicies()) {
        auto policy = makePolicy(kind, params);
        if (const auto err = policy->reset(RegionGeometry { kBasePfn, kRegionPages })) {
            std::fprintf(stderr, "reset failed: %s\n", err->c_str());
            return 1;
        }
        const Outcome o = run(*policy);
        std::printf("%-10s %14.0f %10llu %10llu %10llu %10zu\n", std::string(policyId(kind)).c_str(),
            kSteps / o.seconds, static_cast<unsigned long long>(o.allocations),
            static_cast<unsigned long long>(o.refusals), static_cast<unsigned long long>(o.frees), o.peakLive);
    }
    return 0;
}
