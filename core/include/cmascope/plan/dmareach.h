// SPDX-License-Identifier: GPL-2.0-or-later
// DMA reach of the regions: a device that addresses only N bits must get memory below 2^N, so a region any such
// device can be given must lie below it. The planner places dynamic regions accordingly (docs/planner.md#dma-limits);
// validation reports regions that do not (the dma-limit check).
#pragma once

#include <cmascope/model/platform.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmascope {

/// The most limited device that can be given a region.
struct DmaReach
{
    std::uint64_t limit = 0; ///< 2^bits: the region must end at or below this address
    unsigned bits = 64;
    std::string device;
};

/// Per region (Platform::regions order): the lowest reach among the devices with fewer than 64 DMA bits that
/// regionsOfDevice() gives the region (the first device in declaration order on a tie); unset when none is
/// limited.
std::vector<std::optional<DmaReach>> regionDmaReach(const Platform& platform);

} // namespace cmascope
