// SPDX-License-Identifier: GPL-2.0-or-later
// Shared by the benchmarks: resident-memory figures of this process.
#pragma once

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

} // namespace cmascope::bench
