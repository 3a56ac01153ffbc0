// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/replay/replay.h>
#include <cmascope/replay/replayonto.h>

#include <charconv>

namespace cmascope {

namespace {
constexpr std::size_t kNoRegion = static_cast<std::size_t>(-1);

bool carriesRegion(StepType t) noexcept
{
    return t == StepType::Place || t == StepType::Release || t == StepType::Refused || t == StepType::Pin
        || t == StepType::Unpin;
}

/// "camera@70000000" -> node "camera", address 0x70000000 (the device tree's unit address is hex).
bool splitUnitAddress(const std::string& name, std::string& node, std::uint64_t& address)
{
    const auto at = name.find('@');
    if (at == std::string::npos || at == 0 || at + 1 == name.size())
        return false;
    const char* first = name.data() + at + 1;
    const char* last = name.data() + name.size();
    const auto [end, ec] = std::from_chars(first, last, address, 16);
    if (ec != std::errc {} || end != last)
        return false;
    node = name.substr(0, at);
    return true;
}

/// The region index of every replay area (kNoRegion: left out), or an error naming the area whose region
/// does not fit it.
std::string mapAreas(const Platform& from, const Platform& to, std::vector<std::size_t>& regionOf)
{
    regionOf.assign(from.regions.size(), kNoRegion);
    for (std::size_t a = 0; a < from.regions.size(); ++a) {
        const Region& area = from.regions[a];
        const auto r = regionForArea(to, area.name);
        if (!r)
            continue;
        const Region& region = to.regions[*r];
        if (region.size != area.size || region.pageSize != area.pageSize)
            return "area " + area.name + " (" + std::to_string(area.size / area.pageSize) + " pages of "
                + std::to_string(area.pageSize) + " bytes) does not match region " + region.name + " ("
                + std::to_string(region.size / region.pageSize) + " pages of " + std::to_string(region.pageSize)
                + " bytes): the trace's offsets would name other pages";
        regionOf[a] = *r;
    }
    return {};
}
} // namespace

std::optional<std::size_t> regionForArea(const Platform& platform, const std::string& areaName)
{
    for (std::size_t i = 0; i < platform.regions.size(); ++i)
        if (platform.regions[i].name == areaName)
            return i;
    std::string node;
    std::uint64_t address = 0;
    if (!splitUnitAddress(areaName, node, address))
        return std::nullopt;
    for (std::size_t i = 0; i < platform.regions.size(); ++i) {
        const Region& r = platform.regions[i];
        if (r.name == node && r.placement == Placement::Fixed && r.start == address)
            return i;
    }
    return std::nullopt;
}

ReplayOntoResult replayOntoProject(const ReplayResult& replay, const Project& base, const std::string& name)
{
    ReplayOntoResult out;
    std::vector<std::size_t> regionOf;
    if (out.error = mapAreas(replay.platform, base.platform, regionOf); !out.error.empty())
        return out;
    const Scenario& from = replay.scenario;
    Scenario sc;
    sc.name = name;
    sc.description = from.description;
    sc.symbols = from.symbols; // the steps keep their symbol ids
    std::vector<std::size_t> leftOut(regionOf.size(), 0);
    bool kept = false;
    for (std::size_t i = 0; i < from.steps.size(); ++i) {
        Step s = from.steps[i];
        if (carriesRegion(s.type)) {
            if (s.region >= regionOf.size() || regionOf[s.region] == kNoRegion) {
                ++leftOut[s.region < leftOut.size() ? s.region : 0];
                continue;
            }
            s.region = static_cast<std::uint16_t>(regionOf[s.region]);
            kept = true;
        }
        sc.steps.push_back(s);
        if (i < from.timesNs.size())
            sc.timesNs.push_back(from.timesNs[i]);
    }
    if (!kept) {
        out.error = "no area of the trace has a region in the project (regions are matched by name, or a device-tree "
                    "pool 'node@unit' by its node name and fixed start)";
        return out;
    }
    if (sc.timesNs.size() != sc.steps.size())
        sc.timesNs.clear();
    for (std::size_t a = 0; a < regionOf.size(); ++a)
        if (regionOf[a] == kNoRegion)
            out.notes.push_back("area " + replay.platform.regions[a].name + " has no region in the project: its "
                + std::to_string(leftOut[a]) + " steps are left out");
    out.project = base;
    out.project->scenarios.push_back(std::move(sc));
    return out;
}

} // namespace cmascope
