// SPDX-License-Identifier: GPL-2.0-or-later
// The event log's cells that only a kernel trace has (docs/event-log.md): the time as trace-cmd prints it, the
// CPU, errno, busy retries, latency, page-order alignment and the outcome with its cause. Each is written as
// ASCII into a caller's buffer, so the model formats a cell and the free-text matcher tests one without
// building a QString per row.
#pragma once

#include <cmascope/replay/replay.h>

#include <cstdint>
#include <string_view>

namespace cmascope::views::tracecells {

/// Room for any cell below.
using Buffer = char[96];

/// Seconds '.' microseconds (6 digits) of @p ns, rounded to the nearest microsecond like the kernel's and
/// trace-cmd's `%5lu.%06lu` (no padding): 2435777500 ns -> "2.435778".
std::string_view time(Buffer& buf, std::uint64_t ns);
/// "0.045 ms", "630.412 ms": start to finish, in ms with microseconds. Empty without a start.
std::string_view latency(Buffer& buf, const ReplayRequest& q);
/// "-16 EBUSY", "-12 ENOMEM", "-4"; empty for 0.
std::string_view errnoText(Buffer& buf, int errorno);
/// The CPU the finish was recorded on; empty when unknown.
std::string_view cpu(Buffer& buf, const ReplayRequest& q);
/// "77"; empty without busy retries.
std::string_view retries(Buffer& buf, const ReplayRequest& q);
/// "allocated", "allocated after 30 busy retries", "failed: busy", "failed" (no cause known), "incomplete".
std::string_view outcome(Buffer& buf, const ReplayRequest& q);
/// "order 9 (2 MiB)" for pages of @p pageSize bytes.
std::string_view alignment(Buffer& buf, unsigned order, std::uint64_t pageSize);

/// What the outcome text depends on (equal keys, equal text).
std::uint64_t outcomeKey(const ReplayRequest& q);

} // namespace cmascope::views::tracecells
