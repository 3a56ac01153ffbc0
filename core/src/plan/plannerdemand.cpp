// SPDX-License-Identifier: GPL-2.0-or-later
// Where the planner's search starts: a bound of what each region could be asked for at once
// (docs/planner.md#where-it-starts).
#include "plannerinternal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <bit>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace cmascope::planner {

std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b) noexcept
{
    return checkedAdd(a, b).value_or(kU64Max);
}

namespace {

/// A live request of the demand sweep: the regions it may land in and its padded bytes.
struct LiveRequest
{
    const std::vector<std::size_t>* regions = nullptr;
    std::uint64_t bytes = 0;
};

/// One scenario's sweep: live bytes per region, their peaks, and the page ranges named by region.
class DemandSweep
{
public:
    DemandSweep(const Platform& platform, const Scenario& scenario, std::vector<std::uint64_t>& peak)
        : m_platform(platform)
        , m_scenario(scenario)
        , m_live(platform.regions.size(), 0)
        , m_peak(peak)
    { }

    void run()
    {
        for (const Step& s : m_scenario.steps) {
            switch (s.type) {
            case StepType::Allocate:
                allocate(s, regionsFor(s));
                break;
            case StepType::AllocateFromRegion: // by handle: its own region only
                if (s.region < m_platform.regions.size())
                    allocate(s, m_single.try_emplace(s.region, std::vector<std::size_t> { s.region }).first->second);
                break;
            case StepType::Free:
                free(s.label);
                break;
            case StepType::Reset:
                while (!m_byLabel.empty())
                    free(m_byLabel.begin()->first);
                break;
            case StepType::Phase:
                break;
            default:
                extent(s);
                break;
            }
        }
    }

private:
    const std::vector<std::size_t>& regionsFor(const Step& s)
    {
        const auto key = std::make_tuple(s.device, s.kind, s.size <= m_platform.pageSize);
        auto it = m_lists.find(key);
        if (it != m_lists.end())
            return it->second;
        std::vector<std::size_t> list;
        const auto res =
            resolveRegions(m_platform, m_scenario.symbols.name(s.device), m_scenario.symbols.name(s.kind), s.size);
        for (const auto& name : res.regions)
            for (std::size_t i = 0; i < m_platform.regions.size(); ++i)
                if (m_platform.regions[i].name == name)
                    list.push_back(i);
        return m_lists.emplace(key, std::move(list)).first->second;
    }

    /// The request's bytes rounded up to pages and then to a power of two (a buddy block), plus its alignment.
    static std::uint64_t padded(const Step& s, std::uint64_t pageSize)
    {
        const std::uint64_t pages = pagesFor(s.size, pageSize);
        const std::uint64_t bytes = pages > (kU64Max / pageSize) ? kU64Max : pages * pageSize;
        const std::uint64_t pow2 = bytes > (std::uint64_t(1) << 63) ? kU64Max : std::bit_ceil(bytes);
        const std::uint64_t align = s.alignLog2 != kDefaultAlign && s.alignLog2 < 64
            ? std::uint64_t(1) << s.alignLog2
            : std::min(pow2, std::uint64_t(4) * MiB);
        return saturatingAdd(pow2, align);
    }

    void allocate(const Step& s, const std::vector<std::size_t>& list)
    {
        const std::uint64_t bytes = padded(s, m_platform.pageSize);
        for (const std::size_t r : list) {
            m_live[r] = saturatingAdd(m_live[r], bytes);
            m_peak[r] = std::max(m_peak[r], m_live[r]);
        }
        if (s.label)
            m_byLabel[s.label].push_back({ &list, bytes });
        // Unlabelled requests can never be freed: they stay counted.
    }

    void free(std::uint32_t label)
    {
        auto it = m_byLabel.find(label);
        if (it == m_byLabel.end())
            return;
        const LiveRequest req = it->second.back();
        it->second.pop_back();
        if (it->second.empty())
            m_byLabel.erase(it);
        for (const std::size_t r : *req.regions)
            m_live[r] = m_live[r] == kU64Max ? kU64Max : m_live[r] - std::min(m_live[r], req.bytes);
    }

    void extent(const Step& s)
    {
        if (s.region >= m_platform.regions.size())
            return;
        const std::uint64_t end = saturatingAdd(s.offset, s.size);
        const std::uint64_t ps = m_platform.regions[s.region].pageSize;
        const std::uint64_t bytes = end > kU64Max / std::max<std::uint64_t>(ps, 1) ? kU64Max : end * ps;
        m_peak[s.region] = std::max(m_peak[s.region], bytes);
    }

    const Platform& m_platform;
    const Scenario& m_scenario;
    std::map<std::tuple<std::uint32_t, std::uint32_t, bool>, std::vector<std::size_t>> m_lists;
    std::map<std::size_t, std::vector<std::size_t>> m_single; ///< AllocateFromRegion: {region}
    std::unordered_map<std::uint32_t, std::vector<LiveRequest>> m_byLabel;
    std::vector<std::uint64_t> m_live;
    std::vector<std::uint64_t>& m_peak;
};

} // namespace

std::vector<std::uint64_t> peakDemand(const Platform& platform, const std::vector<const Scenario*>& scenarios)
{
    std::vector<std::uint64_t> peak(platform.regions.size(), 0);
    for (const Scenario* sc : scenarios) {
        std::vector<std::uint64_t> one(platform.regions.size(), 0);
        DemandSweep(platform, *sc, one).run();
        for (std::size_t r = 0; r < peak.size(); ++r)
            peak[r] = std::max(peak[r], one[r]);
    }
    return peak;
}

std::string stepText(const Scenario& scenario, std::size_t step)
{
    const Step& s = scenario.steps[step];
    if (s.type == StepType::Allocate) {
        std::string who(scenario.symbols.name(s.device));
        if (s.kind)
            who += "/" + std::string(scenario.symbols.name(s.kind));
        return who + " " + sizeText(s.size);
    }
    if (s.type == StepType::AllocateFromRegion)
        return std::string(scenario.symbols.name(s.device)) + " " + sizeText(s.size) + " by region handle";
    return std::string(stepTypeName(s.type)) + " of " + std::to_string(s.size) + " pages at page "
        + std::to_string(s.offset);
}

std::string fromRegionWhatever(const Platform& platform, const Step& s)
{
    // The checks of cma_alloc_from_region() that no region size changes (docs/cma2010.md#private-regions).
    if (platform.mapMode != MapMode::Map2010 || platform.mapDialect == MapDialect::V1)
        return "cma_alloc_from_region() does not exist in this kernel (v2 on)";
    if (s.size == 0 || (s.offset != 0 && !std::has_single_bit(s.offset)))
        return "cma_alloc_from_region() refuses a size of 0 or an alignment that is not a power of two (-EINVAL)";
    if (s.region >= platform.regions.size() || platform.regions[s.region].type != RegionType::Cma)
        return "cma_alloc_from_region() asks a region that is not a CMA region (-EINVAL)";
    return {};
}

} // namespace cmascope::planner
