// SPDX-License-Identifier: GPL-2.0-or-later
// Orders for sorting the event log without formatting cells: QString::compare order on UTF-8 text, the
// ranks of a run's symbol names in that order, and a stable radix sort of (key, row) pairs.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace cmascope {
class SymbolTable;
}

namespace cmascope::views {

/// (sort key, source row) pairs.
using SortItems = std::vector<std::pair<std::uint64_t, std::uint32_t>>;

/// QString::compare (UTF-16 code units) on UTF-8 text: byte order is code point order, which differs from
/// UTF-16 order only between U+E000..U+FFFF and supplementary characters (lead bytes >= 0xEE in both).
bool textLess(std::string_view a, std::string_view b);

/// The rank of every symbol's name in QString::compare order (id 0, the empty text, ranks first). Sorts on an
/// 8-byte prefix first, then compares whole names only within equal prefixes.
std::vector<std::uint32_t> symbolRanks(const SymbolTable& symbols);

/// Stable LSD radix sort of (key, row) pairs by key; bytes equal in every key are skipped.
void radixSort(SortItems& items);

} // namespace cmascope::views
