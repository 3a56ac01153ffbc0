// SPDX-License-Identifier: GPL-2.0-or-later
// Generating a workload's steps (docs/workload.md, "How steps are generated").
#include <cmascope/model/workload.h>
#include <cmascope/model/workloadsampling.h>
#include <cmascope/util/units.h>

#include <map>
#include <utility>

namespace cmascope {

std::string_view phaseKindName(PhaseKind kind) noexcept
{
    switch (kind) {
    case PhaseKind::Ramp:
        return "ramp";
    case PhaseKind::Peak:
        return "peak";
    case PhaseKind::Plateau:
        return "plateau";
    case PhaseKind::Drain:
        return "drain";
    }
    return "?";
}

std::string_view sizeDistributionName(SizeDistributionKind kind) noexcept
{
    switch (kind) {
    case SizeDistributionKind::Fixed:
        return "fixed";
    case SizeDistributionKind::Uniform:
        return "uniform";
    case SizeDistributionKind::LogUniform:
        return "log-uniform";
    case SizeDistributionKind::Histogram:
        return "histogram";
    }
    return "?";
}

std::string WorkloadResult::errorText() const
{
    std::string out;
    for (const auto& m : errors)
        out += m.toString() + '\n';
    return out;
}

namespace {

/// The target linearly between @p from (before tick 0) and @p to (at tick @p length - 1), at tick @p t.
std::uint64_t linear(std::uint64_t from, std::uint64_t to, std::uint64_t t, std::uint64_t length)
{
    if (length == 0)
        return to;
    // Operands are at most kWorkloadMaxConcurrency and kWorkloadMaxTicks: the products fit in 64 bits.
    return to >= from ? from + (to - from) * (t + 1) / length : from - (from - to) * (t + 1) / length;
}

/// The phase's target live count at its tick @p t, starting from @p start live allocations.
std::uint64_t targetAt(const WorkloadPhase& ph, std::uint64_t start, std::uint64_t t)
{
    switch (ph.kind) {
    case PhaseKind::Ramp:
        return linear(start, ph.concurrency, t, ph.ticks);
    case PhaseKind::Peak: {
        const std::uint64_t up = (ph.ticks + 1) / 2; // the top is at the middle tick
        return t < up ? linear(start, ph.concurrency, t, up) : linear(ph.concurrency, start, t - up, ph.ticks - up);
    }
    case PhaseKind::Plateau:
        return ph.concurrency;
    case PhaseKind::Drain:
        return linear(start, 0, t, ph.ticks);
    }
    return 0;
}

inline constexpr std::uint64_t kNever = kU64Max; ///< the due tick of an allocation that lives until a drain

struct LiveAllocation
{
    std::uint32_t label = 0; ///< symbol id
    std::uint64_t bytes = 0;
};

/// The generator's state: the engine, the live allocations ordered by (due tick, sequence number).
class Generator
{
public:
    Generator(const WorkloadSpec& spec, const Platform& platform)
        : m_spec(spec)
        , m_rng(spec.seed)
        , m_pageSize(platform.pageSize ? platform.pageSize : 4096)
    {
        std::uint64_t sum = 0;
        for (const WorkloadStream& s : spec.streams) {
            m_samplers.emplace_back(s.sizes);
            m_streamPrefix.push_back(sum += s.weight);
        }
        for (const WorkloadPhase& ph : spec.phases)
            m_totalTicks += ph.ticks;
        m_stride = m_totalTicks / 256 + (m_totalTicks % 256 != 0);
        m_out.name = spec.name.empty() ? "Workload" : spec.name;
        m_out.description = "Generated workload, seed " + std::to_string(spec.seed) + " (docs/workload.md)";
    }

    WorkloadResult run(const Progress& progress);

private:
    /// One phase; false when the step limit is passed or the progress cancelled.
    bool runPhase(const WorkloadPhase& ph, const Progress& progress);
    void freeFirst();
    void allocate();

    const WorkloadSpec& m_spec;
    WorkloadRng m_rng;
    std::uint64_t m_pageSize;
    std::vector<SizeSampler> m_samplers;
    std::vector<std::uint64_t> m_streamPrefix;
    std::map<std::pair<std::uint64_t, std::uint64_t>, LiveAllocation> m_live;
    std::uint64_t m_liveBytes = 0;
    std::uint64_t m_now = 0; ///< the current tick, counted from the first phase's start
    std::uint64_t m_totalTicks = 0;
    std::uint64_t m_stride = 1; ///< ticks per value of WorkloadStats::liveSeries
    std::uint64_t m_sequence = 0;
    Scenario m_out;
    WorkloadResult m_result;
};

void Generator::freeFirst()
{
    const auto first = m_live.begin();
    m_out.free(m_out.symbols.name(first->second.label));
    m_liveBytes -= first->second.bytes;
    m_live.erase(first);
    ++m_result.stats.frees;
}

void Generator::allocate()
{
    // The draws, in this order, for every request: the stream, the size, the lifetime (docs/workload.md).
    const WorkloadStream& s = m_spec.streams[weightedIndex(m_rng, m_streamPrefix)];
    const std::size_t index = std::size_t(&s - m_spec.streams.data());
    const std::uint64_t drawn = m_samplers[index](m_rng);
    // validateWorkload() keeps sizes and rounding at most 2^40: the rounding cannot pass 2^64.
    const std::uint64_t bytes = *alignUp(drawn, s.roundTo ? s.roundTo : m_pageSize);
    const std::uint64_t due =
        s.lifetime.untilDrain ? kNever : m_now + uniformBetween(m_rng, s.lifetime.min, s.lifetime.max);
    const std::string label = s.device + "." + std::to_string(m_sequence);
    m_out.allocate(s.device, s.kind, bytes, label, s.align);
    m_live.emplace(std::pair { due, m_sequence++ }, LiveAllocation { m_out.symbols.find(label), bytes });
    m_liveBytes += bytes;
    WorkloadStats& st = m_result.stats;
    ++st.allocations;
    st.peakLive = std::max<std::uint64_t>(st.peakLive, m_live.size());
    st.peakLiveBytes = std::max(st.peakLiveBytes, m_liveBytes);
}

bool Generator::runPhase(const WorkloadPhase& ph, const Progress& progress)
{
    m_out.phase(ph.name);
    const std::uint64_t start = m_live.size();
    for (std::uint64_t t = 0; t < ph.ticks; ++t, ++m_now) {
        while (!m_live.empty() && m_live.begin()->first.first <= m_now)
            freeFirst(); // lifetimes that ended
        const std::uint64_t target = targetAt(ph, start, t);
        while (m_live.size() > target)
            freeFirst(); // the curve goes down: the allocations due first go first
        while (ph.kind != PhaseKind::Drain && m_live.size() < target && m_out.steps.size() <= kWorkloadMaxSteps)
            allocate();
        if (m_out.steps.size() > kWorkloadMaxSteps) {
            m_result.errors.push_back({ LoadMessage::Severity::Error, "phases",
                "the workload has more than " + std::to_string(kWorkloadMaxSteps)
                    + " steps; shorten the phases or lower their concurrency" });
            return false;
        }
        if ((m_now + 1) % m_stride == 0 || m_now + 1 == m_totalTicks)
            m_result.stats.liveSeries.push_back(m_live.size());
        if (m_now % 1024 == 0 && !progress(m_now, m_totalTicks)) {
            m_result.cancelled = true;
            return false;
        }
    }
    return true;
}

WorkloadResult Generator::run(const Progress& progress)
{
    for (const WorkloadPhase& ph : m_spec.phases)
        if (!runPhase(ph, progress))
            return std::move(m_result);
    m_result.stats.liveAtEnd = m_live.size();
    m_result.scenario = std::move(m_out);
    return std::move(m_result);
}

} // namespace

WorkloadResult generateWorkload(const WorkloadSpec& spec, const Platform& platform, const Progress& progress)
{
    WorkloadResult result;
    result.errors = validateWorkload(spec, platform);
    if (!result.errors.empty())
        return result;
    return Generator(spec, platform).run(progress);
}

} // namespace cmascope
