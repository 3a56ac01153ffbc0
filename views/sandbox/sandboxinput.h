// SPDX-License-Identifier: GPL-2.0-or-later
// What the sandbox's request bar reads (docs/sandbox.md): a request's size and alignment in the kernel's size
// syntax, checked so that nothing wraps and a request no region could ever hold is refused with a reason;
// the pages a drag on the map covers; and which device the map sends to a region.
#pragma once

#include <cmascope/model/platform.h>

#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace cmascope::views {

/// A size typed in the bar: the bytes, or why not.
struct SizeInput
{
    std::optional<std::uint64_t> bytes;
    QString error; ///< set when bytes is not
};

/// A request's size (memparse syntax: "4096", "64K", "6M", "0x1000"): more than 0, and no larger than the
/// largest bank of @p platform (a region lies in one bank, so nothing larger could ever be served).
SizeInput parseRequestSize(const QString& text, const Platform& platform);
/// An alignment: empty = none (0), otherwise a power of two in the same syntax.
SizeInput parseAlignment(const QString& text);

/// Pages [offset, offset + pages) of a region.
struct PageRange
{
    std::uint64_t offset = 0;
    std::uint64_t pages = 0;
    bool operator==(const PageRange&) const = default;
};

/// The pages of a region at @p base of @p size bytes (pages of @p pageSize bytes) that the addresses
/// [begin, end) touch: partly covered pages count. nullopt when the range misses the region.
std::optional<PageRange> pagesTouched(
    std::uint64_t base, std::uint64_t size, std::uint64_t pageSize, std::uint64_t begin, std::uint64_t end);

/// A (device, kind) whose requests of @p bytes the map sends to region @p region first: @p preferred when it
/// does, else the first device (kinds in the platform's order, no kind first). nullopt when none does.
std::optional<std::pair<std::string, std::string>> requesterFor(const Platform& platform, const std::string& region,
    std::uint64_t bytes, const std::pair<std::string, std::string>& preferred);

} // namespace cmascope::views
