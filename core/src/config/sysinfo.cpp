// SPDX-License-Identifier: GPL-2.0-or-later
// What a running board tells: /proc/iomem "System RAM" lines as banks, boot-log CMA messages as regions.
#include "internal.h"

#include <cmascope/trace/bootlog.h>

#include <algorithm>
#include <charconv>

namespace cmascope {

using namespace configio;

ImportResult importIomem(std::string_view text, const ImportOptions& options)
{
    ImportResult result;
    result.source = sourceName(options);
    Messages msg(result);
    Platform pf = startPlatform(options, true, true);
    pf.banks.clear();
    if (pf.name.empty())
        pf.name = "/proc/iomem";

    std::size_t pos = 0, lineNo = 0;
    bool allZero = true;
    std::size_t ranges = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        std::size_t indent = 0;
        while (indent < line.size() && line[indent] == ' ')
            ++indent;
        line.remove_prefix(indent);
        if (line.empty())
            continue;
        const std::string where = "line " + std::to_string(lineNo);
        // "00100000-bfffffff : System RAM"
        const auto dash = line.find('-');
        const auto colon = line.find(" : ");
        std::uint64_t first = 0, last = 0;
        const auto parseHex = [](std::string_view s, std::uint64_t& v) {
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
            return ec == std::errc() && p == s.data() + s.size() && !s.empty();
        };
        if (dash == std::string_view::npos || colon == std::string_view::npos || dash > colon
            || !parseHex(line.substr(0, dash), first) || !parseHex(line.substr(dash + 1, colon - dash - 1), last)) {
            msg.error(where, "",
                "not an iomem line (expected \"<start>-<end> : <name>\"): " + std::string(line.substr(0, 60)));
            continue;
        }
        if (last < first) {
            msg.error(where, "", "end " + hexText(last) + " is below start " + hexText(first));
            continue;
        }
        ++ranges;
        if (first || last)
            allZero = false;
        const std::string_view name = line.substr(colon + 3);
        if (indent != 0 || name != "System RAM")
            continue;
        Bank b;
        b.name = "ram@" + hexText(first).substr(2);
        b.base = first;
        b.size = last - first + 1;
        pf.banks.push_back(b);
    }
    if (!msg.hasErrors()) {
        if (ranges && allZero)
            msg.error("", "",
                "every address is 0: /proc/iomem was read without CAP_SYS_ADMIN; read it as root (sudo cat "
                "/proc/iomem)");
        else if (pf.banks.empty())
            msg.error("", "", "no top-level \"System RAM\" line found");
    }
    finish(result, std::move(pf));
    return result;
}

ImportResult importDmesg(std::string_view text, const ImportOptions& options)
{
    ImportResult result;
    Messages msg(result);
    Platform pf = beginImport(result, options, MapMode::Modern, "boot log");

    const auto areas = parseBootLog(text);
    std::optional<std::uint64_t> total;
    std::size_t unnamed = 0;
    for (const auto& a : areas) {
        const std::string where = "line " + std::to_string(a.line);
        if (a.kind == BootLogKind::MemoryCmaReserved) {
            total = a.size;
            continue;
        }
        Region* found = nullptr;
        for (auto& r : pf.regions) {
            if ((a.base && r.placement == Placement::Fixed && r.start == *a.base)
                || (!a.name.empty() && r.name == a.name)) {
                found = &r;
                break;
            }
        }
        if (found) {
            if (!a.name.empty() && found->name.starts_with("cma") && !a.nameInferred)
                found->name = a.name; // a later line names an area an earlier one only located
            if (a.base && found->placement != Placement::Fixed) {
                found->placement = Placement::Fixed;
                found->start = *a.base;
            }
            if (a.size && found->size != a.size && a.kind != BootLogKind::DtNodeInitialized)
                msg.warning(where, found->name,
                    "size " + std::to_string(a.size) + " differs from " + std::to_string(found->size)
                        + " printed earlier for the same area",
                    "dmesg");
            continue;
        }
        if (a.kind == BootLogKind::DtNodeInitialized)
            continue; // only names a pool; its base comes from the "created CMA memory pool" line
        Region r;
        r.name = a.name.empty() ? "cma" + std::to_string(unnamed++) : a.name;
        r.size = a.size;
        if (a.base) {
            r.placement = Placement::Fixed;
            r.start = *a.base;
        }
        r.numaNode = a.kind == BootLogKind::HugetlbCma || a.node >= 0 ? a.node : -1;
        if (r.name == "reserved" || r.name == "linux,cma") {
            r.isDefault = true;
            msg.info(where, r.name, "'" + r.name + "' taken as the default area", "dmesg");
        }
        pf.regions.push_back(r);
    }
    if (pf.regions.empty()) {
        msg.error("", "",
            "no CMA reservation message found (\"cma: Reserved ...\", \"Reserved memory: created CMA memory pool "
            "...\", \"OF: reserved mem: ...\")");
    } else if (total) {
        std::uint64_t sum = 0;
        for (const auto& r : pf.regions)
            sum += r.size;
        if (sum != *total)
            msg.warning("", "",
                "the areas found add up to " + std::to_string(sum / 1024) + "K but the kernel reports "
                    + std::to_string(*total / 1024) + "K cma-reserved: some reservation lines are missing",
                "dmesg");
    }
    finish(result, std::move(pf));
    return result;
}

} // namespace cmascope
