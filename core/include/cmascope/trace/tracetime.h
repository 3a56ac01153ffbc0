// SPDX-License-Identifier: GPL-2.0-or-later
// Trace timestamps as trace-cmd prints them (docs/time-and-latency.md, "Timestamps"): `trace-cmd report` prints
// a record's nanosecond timestamp with libtraceevent's "%6.1000d" time format, which adds 500 ns and divides
// by 1000 (the nearest microsecond, halves up) before printing seconds '.' six digits. The kernel's own
// `trace` file rounds the same way. cmascope stores every trace time in that microsecond so a trace.dat, its
// report and the ftrace text of one run give the same numbers.
// Standard C++20, no Qt.
#pragma once

#include <cstdint>
#include <string>

namespace cmascope {

/// @p ns rounded to the nearest microsecond (halves up), in ns; never wraps (the last microsecond below
/// 2^64 that cannot be rounded up stays truncated).
constexpr std::uint64_t roundToMicroseconds(std::uint64_t ns) noexcept
{
    const std::uint64_t down = ns / 1000 * 1000;
    if (ns % 1000 < 500 || down > UINT64_MAX - 1000)
        return down;
    return down + 1000;
}

/// "12.345678": seconds '.' microseconds (six digits) of @p ns rounded as trace-cmd report does.
std::string traceTimeText(std::uint64_t ns);

} // namespace cmascope
