// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/pagetypeinfo, as the kernel's pagetypeinfo_show() prints it (docs/evidence-imports.md).
#include "textlines.h"

#include <cmascope/system/pagetypeinfo.h>
#include <cmascope/util/units.h>

namespace cmascope {

using namespace systeminternal;

std::uint64_t PagetypeinfoCmaFree::freePages() const
{
    // Saturates at 2^64 - 1: a file cannot make the sum wrap.
    std::uint64_t pages = 0;
    for (std::size_t order = 0; order < counts.size(); ++order) {
        const auto p = order < 64 ? checkedMul(counts[order], std::uint64_t { 1 } << order)
                                  : (counts[order] ? std::nullopt : std::optional<std::uint64_t>(0));
        pages = p ? checkedAdd(pages, *p).value_or(kU64Max) : kU64Max;
    }
    return pages;
}

std::uint64_t Pagetypeinfo::cmaFreePages() const
{
    std::uint64_t pages = 0;
    for (const auto& r : cmaFree)
        pages = checkedAdd(pages, r.freePages()).value_or(kU64Max);
    return pages;
}

bool Pagetypeinfo::capped() const
{
    for (const auto& r : cmaFree)
        for (bool c : r.capped)
            if (c)
                return true;
    return false;
}

namespace {

enum class Table { None, Free, Blocks, Mixed };

/// "Node    0, zone      DMA, type          CMA" or "Node 0, zone      DMA": node, zone, type ("" without
/// one) and the rest of the line. False when it is not that shape.
bool splitRowHead(std::string_view line, int& node, std::string& zone, std::string& type, std::string_view& rest)
{
    line = trim(line);
    if (line.substr(0, 4) != "Node")
        return false;
    const auto c1 = line.find(',');
    const auto n = parseDecimal(trim(line.substr(4, c1 == std::string_view::npos ? 0 : c1 - 4)));
    if (c1 == std::string_view::npos || !n || *n > 1u << 20)
        return false;
    node = int(*n);
    std::string_view after = trim(line.substr(c1 + 1));
    if (after.substr(0, 4) != "zone")
        return false;
    after = trim(after.substr(4));
    const auto c2 = after.find(',');
    const auto zoneWords = splitWords(after.substr(0, c2));
    if (zoneWords.empty())
        return false;
    zone = std::string(zoneWords[0]);
    type.clear();
    if (c2 == std::string_view::npos) { // "zone DMA n n n": the name, then the counts
        rest = after.substr(std::size_t(zoneWords[0].data() - after.data()) + zoneWords[0].size());
        return true;
    }
    after = trim(after.substr(c2 + 1));
    if (after.substr(0, 4) != "type")
        return false;
    const auto words = splitWords(after.substr(4));
    if (words.empty())
        return false;
    type = std::string(words[0]);
    rest = after.substr(std::size_t(words[0].data() - after.data()) + words[0].size());
    return true;
}

/// The counts of a row; ">100000" sets @p capped. False when a word is not a count.
bool rowCounts(std::string_view rest, std::vector<std::uint64_t>& counts, std::vector<bool>& capped)
{
    for (auto w : splitWords(rest)) {
        const bool over = !w.empty() && w.front() == '>';
        const auto v = parseDecimal(over ? w.substr(1) : w);
        if (!v)
            return false;
        counts.push_back(*v);
        capped.push_back(over);
    }
    return true;
}

struct PagetypeinfoReader
{
    std::string_view file;
    Pagetypeinfo info;
    Table table = Table::None;
    std::size_t orders = 0, columns = 0, cmaColumn = 0;
    bool haveCmaColumn = false;
    std::string error;

    bool header(std::string_view line);
    bool row(std::string_view line, std::size_t no);
};

bool PagetypeinfoReader::header(std::string_view line)
{
    if (line.starts_with("Page block order:")) {
        info.pageBlockOrder = unsigned(parseDecimal(trim(line.substr(17))).value_or(0));
        return true;
    }
    if (line.starts_with("Pages per block:")) {
        info.pagesPerBlock = parseDecimal(trim(line.substr(16))).value_or(0);
        return true;
    }
    if (line.starts_with("Free pages count per migrate type at order")) {
        table = Table::Free;
        orders = splitWords(line.substr(42)).size();
        return true;
    }
    const bool blocks = line.starts_with("Number of blocks type");
    if (blocks || line.starts_with("Number of mixed blocks")) {
        table = blocks ? Table::Blocks : Table::Mixed;
        const auto names = splitWords(line.substr(blocks ? 21 : 22));
        columns = names.size();
        haveCmaColumn = false;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == "CMA") {
                cmaColumn = i;
                haveCmaColumn = true;
            }
        return true;
    }
    return false;
}

bool PagetypeinfoReader::row(std::string_view line, std::size_t no)
{
    int node = 0;
    std::string zone, type;
    std::string_view rest;
    std::vector<std::uint64_t> counts;
    std::vector<bool> capped;
    if (!splitRowHead(line, node, zone, type, rest) || !rowCounts(rest, counts, capped)) {
        error = lineError(file, no, "expected \"Node N, zone NAME[, type NAME]\" and counts");
        return false;
    }
    const bool free = table == Table::Free;
    if (table == Table::None || free == type.empty()) {
        error = lineError(file, no, "a row outside its table (no header line before it)");
        return false;
    }
    const std::size_t expected = free ? orders : columns;
    if (counts.size() != expected) {
        error = lineError(file, no,
            std::to_string(counts.size()) + " counts, the header has " + std::to_string(expected) + " columns");
        return false;
    }
    if (free && type == "CMA")
        info.cmaFree.push_back(
            PagetypeinfoCmaFree { node, zone, std::move(counts), std::move(capped), std::uint32_t(no) });
    else if (table == Table::Blocks && haveCmaColumn)
        info.cmaBlocks.push_back(PagetypeinfoCmaBlocks { node, zone, counts[cmaColumn], std::uint32_t(no) });
    return true;
}

} // namespace

PagetypeinfoParse parsePagetypeinfo(std::string_view text, std::string_view fileName)
{
    PagetypeinfoParse out;
    PagetypeinfoReader reader { fileName, {}, Table::None, 0, 0, 0, false, {} };
    const auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = trim(lines[i]);
        if (line.empty() || reader.header(line))
            continue;
        if (!reader.row(line, i + 1)) {
            out.error = reader.error;
            return out;
        }
    }
    if (reader.info.cmaFree.empty()) {
        out.error =
            std::string(fileName) + ": no \"type CMA\" row (not /proc/pagetypeinfo, or a kernel without CONFIG_CMA)";
        return out;
    }
    out.info = std::move(reader.info);
    return out;
}

} // namespace cmascope
