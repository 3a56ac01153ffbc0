// SPDX-License-Identifier: GPL-2.0-or-later
// Simulator benchmark (issue "embedded CMA core"): for each policy, a million mixed allocate/free
// steps on a 65,536-page region, with recording and per-step metrics; then random jumps.
// Prints figures; asserts nothing. Build with the `release` preset.
#include <cmascope/sim/simulator.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

using namespace cmascope;
using Clock = std::chrono::steady_clock;

static double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

static Scenario workload(std::size_t steps, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    Scenario sc;
    sc.steps.reserve(steps);
    std::vector<std::string> names; // label slots are reused once freed: labels need only be unique while live
    std::vector<std::size_t> live, freeSlots;
    std::vector<std::uint64_t> slotPages;
    std::uint64_t livePages = 0;
    // Steady state: allocate with probability 0.55 while the live requests stay below 70% of the region
    // (ramps and plateaus, Wilson et al. 1995), free otherwise. Failures still happen through fragmentation.
    const std::uint64_t target = 65536 * 7 / 10;
    for (std::size_t i = 0; i < steps; ++i) {
        if (live.empty() || (livePages < target && rng() % 100 < 55)) {
            std::size_t slot;
            if (!freeSlots.empty()) {
                slot = freeSlots.back();
                freeSlots.pop_back();
            } else {
                slot = names.size();
                names.push_back("L" + std::to_string(slot));
                slotPages.push_back(0);
            }
            // Skewed sizes: mostly small, sometimes large (1..1024 pages).
            const double u = double(rng() % 1000000) / 1e6;
            const std::uint64_t pages = 1 + std::uint64_t(1023.0 * u * u * u);
            const unsigned alignOrder = rng() % 4 == 0 ? unsigned(rng() % 7) : 0;
            sc.allocate("dev", "", pages * 4096, names[slot], alignOrder ? (4096ull << alignOrder) : 0);
            live.push_back(slot);
            slotPages[slot] = pages;
            livePages += pages;
        } else {
            const std::size_t k = rng() % live.size();
            sc.free(names[live[k]]);
            livePages -= slotPages[live[k]];
            freeSlots.push_back(live[k]);
            live[k] = live.back();
            live.pop_back();
        }
    }
    return sc;
}

int main(int argc, char** argv)
{
    const std::size_t steps = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    Platform pf;
    pf.banks.push_back({ "ram", 0x40000000, 1 * GiB, 0 });
    Region r;
    r.name = "cma";
    r.size = 65536ull * 4096;
    r.placement = Placement::Fixed;
    r.start = 0x40000000;
    pf.regions.push_back(r);
    pf.rules.push_back({ { "*" }, { "cma" } });

    const Scenario sc = workload(steps, 20101119);
    std::printf("cmascope simulator benchmark: %zu steps, region of 65536 pages (256 MiB), recording + per-step "
                "metrics\n\n",
        steps);
    std::printf("%-10s %14s %10s %9s %12s %12s %12s\n", "policy", "steps/s", "failures", "B/step", "jump avg ms",
        "jump max ms", "checkpoints");
    for (const PolicyKind k : allPolicies()) {
        pf.regions[0].policy = k;
        auto created = Simulation::create(pf, sc);
        auto& sim = std::get<Simulation>(created);
        const auto t0 = Clock::now();
        sim.run();
        const auto t1 = Clock::now();
        std::size_t failures = 0;
        for (const auto& rec : sim.records())
            failures += rec.outcome == Outcome::Failed;
        std::mt19937_64 rng(7);
        double total = 0, worst = 0;
        const int jumps = 200;
        std::uint64_t sink = 0;
        for (int j = 0; j < jumps; ++j) {
            const std::size_t pos = rng() % (steps + 1);
            const auto a = Clock::now();
            const SimState st = sim.stateAt(pos);
            const auto b = Clock::now();
            sink += st.regions[0].occupancy.usedPages();
            const double ms = seconds(a, b) * 1000;
            total += ms;
            worst = std::max(worst, ms);
        }
        std::printf("%-10s %14.0f %10zu %9.1f %12.2f %12.2f %12zu%s\n", std::string(policyId(k)).c_str(),
            double(steps) / seconds(t0, t1), failures, double(sim.memoryBytes()) / double(steps), total / jumps, worst,
            sim.checkpointCount(), sink == 42 ? " " : "");
    }
    return 0;
}
