// SPDX-License-Identifier: GPL-2.0-or-later
// Shared by the benchmarks: resident-memory figures of this process, and the benchmark board.
#pragma once

#include <cmascope/model/platform.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace cmascope::bench {

/// VmHWM (peak resident set) in KiB, from /proc/self/status; -1 if unavailable.
inline long peakRssKiB()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

/// The board the GUI benchmarks run on: 4 GiB of RAM at 0x40000000 holding one fixed region "cma" of
/// @p regionBytes at its start, and sixteen devices dev0..dev15 (kinds and rules are the benchmark's).
inline Platform benchBoard(std::uint64_t regionBytes)
{
    Platform pf;
    pf.name = "bench";
    pf.banks.push_back({ "ram", 0x40000000, 4 * GiB, 0 });
    Region r;
    r.name = "cma";
    r.size = regionBytes;
    r.placement = Placement::Fixed;
    r.start = 0x40000000;
    pf.regions.push_back(r);
    for (int d = 0; d < 16; ++d) {
        Device dev;
        dev.name = "dev" + std::to_string(d);
        pf.devices.push_back(dev);
    }
    return pf;
}

} // namespace cmascope::bench
