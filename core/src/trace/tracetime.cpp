// SPDX-License-Identifier: GPL-2.0-or-later
// Trace timestamps as trace-cmd prints them (tracetime.h, docs/time-and-latency.md).
#include <cmascope/trace/tracetime.h>

#include <cstdio>

namespace cmascope {

std::string traceTimeText(std::uint64_t ns)
{
    const std::uint64_t us = roundToMicroseconds(ns) / 1000;
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(us / 1000000),
        static_cast<unsigned long long>(us % 1000000));
    return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

} // namespace cmascope
