// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/textorder.h"

#include "common/utf8text.h"

#include <cmascope/model/scenario.h>

#include <QString>

#include <algorithm>

namespace cmascope::views {

bool textLess(std::string_view a, std::string_view b)
{
    auto high = [](std::string_view s) {
        return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xEE; });
    };
    if (high(a) && high(b))
        return QString::compare(fromUtf8(a), fromUtf8(b)) < 0;
    return a < b;
}

std::vector<std::uint32_t> symbolRanks(const SymbolTable& symbols)
{
    const std::size_t n = symbols.size();
    std::vector<std::string_view> names(n);
    bool high = false;
    for (std::uint32_t id = 0; id < n; ++id) {
        names[id] = symbols.name(id);
        high = high || std::any_of(names[id].begin(), names[id].end(), [](char c) {
            return static_cast<unsigned char>(c) >= 0xEE;
        });
    }
    SortItems items(n);
    for (std::uint32_t id = 0; id < n; ++id) {
        std::uint64_t prefix = 0;
        for (std::size_t i = 0; i < 8; ++i)
            prefix = (prefix << 8) | (i < names[id].size() ? static_cast<unsigned char>(names[id][i]) : 0u);
        items[id] = { high ? 0 : prefix, id };
    }
    radixSort(items);
    auto less = [&](const auto& a, const auto& b) { return textLess(names[a.second], names[b.second]); };
    for (std::size_t begin = 0; begin < n;) {
        std::size_t end = begin + 1;
        while (end < n && items[end].first == items[begin].first)
            ++end;
        if (end - begin > 1)
            std::sort(items.begin() + std::ptrdiff_t(begin), items.begin() + std::ptrdiff_t(end), less);
        begin = end;
    }
    std::vector<std::uint32_t> rank(n);
    for (std::uint32_t i = 0; i < n; ++i)
        rank[items[i].second] = i;
    return rank;
}

void radixSort(SortItems& items)
{
    SortItems tmp(items.size());
    std::uint64_t orBits = 0, andBits = ~std::uint64_t(0);
    for (const auto& it : items) {
        orBits |= it.first;
        andBits &= it.first;
    }
    const std::uint64_t varying = orBits ^ andBits;
    for (int shift = 0; shift < 64; shift += 8) {
        if (((varying >> shift) & 0xFF) == 0)
            continue;
        std::size_t count[257] = {};
        for (const auto& it : items)
            ++count[((it.first >> shift) & 0xFF) + 1];
        for (int i = 0; i < 256; ++i)
            count[i + 1] += count[i];
        for (const auto& it : items)
            tmp[count[(it.first >> shift) & 0xFF]++] = it;
        items.swap(tmp);
    }
}

} // namespace cmascope::views
