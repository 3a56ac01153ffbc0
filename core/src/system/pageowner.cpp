// SPDX-License-Identifier: GPL-2.0-or-later
// /sys/kernel/debug/page_owner dumps, as the kernel's print_page_owner() writes them
// (docs/evidence-imports.md, "page_owner").
#include "textlines.h"

#include <cmascope/system/pageowner.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <array>

namespace cmascope {

using namespace systeminternal;

namespace {

/// The decimal number after @p key in @p line (nullopt: no such key, or no number).
std::optional<std::uint64_t> numberAfter(std::string_view line, std::string_view key)
{
    const auto at = line.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = line.substr(at + key.size());
    std::size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9')
        ++n;
    return parseDecimal(rest.substr(0, n));
}

/// "Page allocated via order N, mask 0xM(FLAGS), pid P[, tgid T (COMM)], ts S ns[, ...]" into @p r.
bool readHead(std::string_view line, PageOwnerRecord& r)
{
    const auto order = numberAfter(line, "via order ");
    const auto pid = numberAfter(line, ", pid ");
    const auto maskAt = line.find(", mask ");
    if (!order || *order > 40 || !pid || maskAt == std::string_view::npos)
        return false;
    r.order = unsigned(*order);
    r.pid = std::int64_t(*pid);
    std::string_view mask = line.substr(maskAt + 7);
    const auto end = mask.find_first_of("(,");
    const auto m = parseHex(trim(mask.substr(0, end)));
    if (!m || *m > 0xffffffffu)
        return false;
    r.gfpMask = std::uint32_t(*m);
    if (end != std::string_view::npos && mask[end] == '(') {
        const auto close = mask.find(')', end);
        r.gfpFlags = std::string(mask.substr(end + 1, close == std::string_view::npos ? 0 : close - end - 1));
    }
    r.tgid = std::int64_t(numberAfter(line, ", tgid ").value_or(*pid));
    const auto open = line.find(" (", line.find(", pid "));
    const auto close = line.rfind("), ts ");
    if (open != std::string_view::npos && close != std::string_view::npos && close > open)
        r.comm = std::string(line.substr(open + 2, close - open - 2));
    r.tsNs = numberAfter(line, ", ts ").value_or(0);
    return true;
}

/// "PFN 0x5a000 type Movable Block 360 type CMA Flags ..." (older kernels: the PFN in decimal).
bool readPfnLine(std::string_view line, PageOwnerRecord& r)
{
    const auto w = splitWords(line);
    if (w.size() < 8 || w[0] != "PFN" || w[2] != "type" || w[4] != "Block" || w[6] != "type")
        return false;
    const auto pfn = w[1].starts_with("0x") ? parseHex(w[1]) : parseDecimal(w[1]);
    if (!pfn)
        return false;
    r.pfn = *pfn;
    r.pageType = std::string(w[3]);
    r.blockType = std::string(w[7]);
    const auto flags = line.find("Flags ");
    if (flags != std::string_view::npos)
        r.flags = std::string(trim(line.substr(flags + 6)));
    return true;
}

} // namespace

std::vector<std::string> PageOwnerRecord::callerFrames(std::size_t count) const
{
    // The page allocator's own frames, innermost first (docs/evidence-imports.md, "page_owner").
    static constexpr std::array<std::string_view, 10> allocator { "post_alloc_hook", "prep_new_page",
        "get_page_from_freelist", "__alloc_pages", "alloc_pages", "__alloc_frozen_pages", "alloc_frozen_pages",
        "__folio_alloc", "folio_alloc", "alloc_pages_mpol" };
    std::vector<std::string> out;
    bool inAllocator = true;
    for (const auto& f : stack) {
        const std::string_view name = std::string_view(f).substr(0, f.find('+'));
        if (inAllocator
            && std::any_of(allocator.begin(), allocator.end(), [&](std::string_view a) { return name.starts_with(a); }))
            continue;
        inAllocator = false;
        if (out.size() == count)
            break;
        out.push_back(f);
    }
    return out;
}

std::vector<const PageOwnerRecord*> PageOwnerDump::overlapping(std::uint64_t firstPfn, std::uint64_t endPfn) const
{
    std::vector<const PageOwnerRecord*> out;
    // Records are sorted and do not overlap; one of order <= 40 starting below firstPfn may still reach into it.
    auto it = std::lower_bound(records.begin(), records.end(), firstPfn,
        [](const PageOwnerRecord& r, std::uint64_t pfn) { return r.pfn < pfn; });
    if (it != records.begin() && std::prev(it)->pfn + std::prev(it)->pages() > firstPfn)
        --it;
    for (; it != records.end() && it->pfn < endPfn; ++it)
        out.push_back(&*it);
    return out;
}

PageOwnerParse parsePageOwner(std::string_view text, std::string_view fileName)
{
    PageOwnerParse out;
    PageOwnerDump dump;
    const auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        if (trim(line).empty())
            continue;
        if (!line.starts_with("Page allocated via order")) {
            out.error = lineError(fileName, i + 1, "expected \"Page allocated via order ...\" to start a record");
            return out;
        }
        PageOwnerRecord r;
        r.line = std::uint32_t(i + 1);
        if (!readHead(line, r)) {
            out.error =
                lineError(fileName, i + 1, "expected \"Page allocated via order N, mask 0xM(...), pid P, ...\"");
            return out;
        }
        if (i + 1 >= lines.size() || !readPfnLine(lines[i + 1], r)) {
            out.error = lineError(fileName, i + 2, "expected \"PFN 0x... type T Block N type T Flags ...\"");
            return out;
        }
        if (!checkedAdd(r.pfn, r.pages())) {
            out.error = lineError(fileName, i + 2, "the PFN plus 2^order pages passes 2^64");
            return out;
        }
        for (i += 2; i < lines.size() && !trim(lines[i]).empty(); ++i) {
            const std::string_view l = lines[i];
            if (l.starts_with("Page allocated via order")) {
                --i; // a record without its blank line
                break;
            }
            constexpr std::string_view migrated = "Page has been migrated, last migrate reason: ";
            if (l.front() == ' ' || l.front() == '\t')
                r.stack.emplace_back(trim(l));
            else if (l.starts_with(migrated))
                r.migrateReason = std::string(trim(l.substr(migrated.size())));
            // "Charged to memcg ...", "Slab cache page": not needed here
        }
        dump.records.push_back(std::move(r));
    }
    std::stable_sort(dump.records.begin(), dump.records.end(),
        [](const PageOwnerRecord& a, const PageOwnerRecord& b) { return a.pfn < b.pfn; });
    if (dump.records.empty()) {
        out.error = std::string(fileName) + ": no \"Page allocated via order\" record";
        return out;
    }
    out.dump = std::move(dump);
    return out;
}

} // namespace cmascope
