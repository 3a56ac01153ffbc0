// SPDX-License-Identifier: GPL-2.0-or-later
// The DMA reach of each region (docs/planner.md#dma-limits).
#include <cmascope/model/maplang.h>
#include <cmascope/plan/dmareach.h>

namespace cmascope {

std::vector<std::optional<DmaReach>> regionDmaReach(const Platform& platform)
{
    std::vector<std::optional<DmaReach>> reach(platform.regions.size());
    for (std::size_t di = 0; di < platform.devices.size(); ++di) {
        const Device& d = platform.devices[di];
        if (d.dmaBits == 0 || d.dmaBits >= 64)
            continue;
        const std::uint64_t limit = std::uint64_t { 1 } << d.dmaBits;
        for (const DeviceRegionUse& u : regionsOfDevice(platform, di)) {
            for (std::size_t r = 0; r < platform.regions.size(); ++r) {
                if (platform.regions[r].name != u.region)
                    continue;
                if (!reach[r] || limit < reach[r]->limit)
                    reach[r] = DmaReach { limit, d.dmaBits, d.name };
            }
        }
    }
    return reach;
}

} // namespace cmascope
