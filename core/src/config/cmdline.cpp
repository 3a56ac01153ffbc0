// SPDX-License-Identifier: GPL-2.0-or-later
// Mainline kernel command line: cma=, cma_pernuma=, numa_cma=, hugetlb_cma= (docs/kernel-cma.md#the-command-line).
// Parsers follow early_cma(), early_cma_pernuma(), early_numa_cma() (kernel/dma/contiguous.c) and
// cmdline_parse_hugetlb_cma() (mm/hugetlb_cma.c) to the character, including what they silently ignore.
#include "internal.h"

#include <cmascope/util/memparse.h>

#include <algorithm>
#include <map>
#include <set>

namespace cmascope {

using namespace configio;

namespace {

constexpr int kMaxNumNodes = 1024; // MAX_NUMNODES with CONFIG_NODES_SHIFT=10
constexpr std::uint64_t kGiganticPage = GiB; // hugetlb_cma rounding: PAGE_SIZE << (PUD_SHIFT - PAGE_SHIFT)
constexpr unsigned kHugetlbOrderPerBit = 9; // HUGETLB_PAGE_ORDER on x86-64 / arm64 4K

/// The NUMA nodes of the base platform's banks ({0} without banks).
std::vector<int> nodesOf(const Platform& p)
{
    std::set<int> nodes;
    for (const auto& b : p.banks)
        nodes.insert(b.numaNode);
    if (nodes.empty())
        nodes.insert(0);
    return { nodes.begin(), nodes.end() };
}

std::uint64_t highestBankEnd(const Platform& p)
{
    std::uint64_t end = 0;
    for (const auto& b : p.banks)
        end = std::max(end, b.base + b.size);
    return end;
}

Region nodeArea(std::string name, int node, std::uint64_t size)
{
    Region r;
    r.name = std::move(name);
    r.size = size;
    r.numaNode = node;
    return r;
}

/// sscanf("%lu%n") at @p pos: decimal digits (leading blanks and '+' accepted like scanf).
bool scanUnsigned(std::string_view s, std::size_t& pos, std::uint64_t& v)
{
    std::size_t i = pos;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
        ++i;
    if (i < s.size() && s[i] == '+')
        ++i;
    const std::size_t digits = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
        ++i;
    }
    if (i == digits)
        return false;
    pos = i;
    return true;
}

struct NodeSizes
{
    std::map<int, std::uint64_t> sizes;
    bool plain = false; ///< hugetlb_cma: a single size, no node format
    std::uint64_t plainSize = 0;
};

/// The `<node>:nn[KMG][,<node>:nn]` loop shared by numa_cma= and hugetlb_cma=.
NodeSizes parseNodeList(const KernelParam& p, Messages& msg, bool hugetlb)
{
    NodeSizes out;
    const std::string_view s = p.value;
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::uint64_t node = 0;
        std::size_t after = pos;
        if (!scanUnsigned(s, after, node)) {
            msg.warning(column(p.name + "=", p.valueOffset + pos), p.name,
                "the kernel stops reading " + p.name + "= at \"" + nearText(s, pos) + "\": the rest is ignored",
                "kernel-ignores");
            break;
        }
        if (after < s.size() && s[after] == ':') {
            if (node >= kMaxNumNodes) {
                msg.warning(column(p.name + "=", p.valueOffset + pos), p.name,
                    "node " + std::to_string(node) + " is not below MAX_NUMNODES (" + std::to_string(kMaxNumNodes)
                        + "): the kernel stops reading here",
                    "kernel-ignores");
                break;
            }
            const auto r = memparse(s, after + 1);
            if (r.overflow) {
                msg.error(column(p.name + "=", p.valueOffset + after + 1), p.name,
                    p.name + ": size \"" + nearText(s, after + 1) + "\" does not fit in 64 bits");
                break;
            }
            const int nid = static_cast<int>(node);
            if (out.sizes.count(nid))
                msg.warning(column(p.name + "=", p.valueOffset + pos), p.name,
                    "node " + std::to_string(nid) + " given twice: the later size wins", "kernel-ignores");
            out.sizes[nid] = r.value;
            pos = r.end;
            if (pos < s.size() && s[pos] == ',') {
                ++pos;
                continue;
            }
            if (pos < s.size())
                msg.warning(column(p.name + "=", p.valueOffset + pos), p.name,
                    "the kernel ignores \"" + nearText(s, pos) + "\" after the last size", "kernel-ignores");
            break;
        }
        if (hugetlb) {
            const auto r = memparse(s, 0);
            if (r.overflow) {
                msg.error(column(p.name + "=", p.valueOffset), p.name, "hugetlb_cma: size does not fit in 64 bits");
                break;
            }
            out.plain = true;
            out.plainSize = r.value;
            if (r.end < s.size())
                msg.warning(column(p.name + "=", p.valueOffset + r.end), p.name,
                    "the kernel ignores \"" + nearText(s, r.end) + "\" after the size", "kernel-ignores");
            break;
        }
        msg.error(column(p.name + "=", p.valueOffset + pos), p.name,
            "numa_cma: Invalid numa_cma parameter (expected <node>:<size> near \"" + nearText(s, pos) + "\")",
            "kernel-rejects");
        break;
    }
    return out;
}

/// cma=SIZE[@BASE[-LIMIT]] as the kernel reads it (docs/kernel-cma.md#the-command-line).
struct CmaValue
{
    std::uint64_t size = 0;
    std::optional<std::uint64_t> base, limit;
};

/// memparse in cma='s value at @p pos; nullopt (with an error naming @p what) when it does not fit in 64 bits.
std::optional<MemparseResult> cmaNumber(const KernelParam& p, std::size_t pos, const char* what, Messages& msg)
{
    const auto r = memparse(p.value, pos);
    if (r.overflow) {
        msg.error(column("cma=", p.valueOffset + pos), "cma", std::string("cma: ") + what + " does not fit in 64 bits");
        return std::nullopt;
    }
    return r;
}

/// Reads the value of cma= (warning about what the kernel ignores); nullopt when a number does not fit in 64 bits.
std::optional<CmaValue> parseCmaValue(const KernelParam& p, Messages& msg)
{
    const std::string where = column("cma=", p.valueOffset);
    const std::string_view v = p.value;
    const auto size = memparse(v, 0);
    if (size.overflow) {
        msg.error(where, "cma", "cma: size \"" + nearText(v, 0) + "\" does not fit in 64 bits");
        return std::nullopt;
    }
    if (!size.digits)
        msg.warning(where, "cma",
            "cma=" + std::string(v) + " has no number: the kernel reads size 0 and disables the default area",
            "kernel-ignores");
    CmaValue out;
    out.size = size.value;
    std::size_t pos = size.end;
    if (pos < v.size() && v[pos] == '@') {
        const auto b = cmaNumber(p, pos + 1, "base", msg);
        if (!b)
            return std::nullopt;
        out.base = b->value;
        pos = b->end;
        if (pos < v.size() && v[pos] == '-') {
            const auto l = cmaNumber(p, pos + 1, "limit", msg);
            if (!l)
                return std::nullopt;
            out.limit = l->value;
            pos = l->end;
        } else {
            out.limit = *out.base + size.value; // early_cma: limit_cmdline = base_cmdline + size_cmdline
        }
    }
    if (pos < v.size())
        msg.warning(column("cma=", p.valueOffset + pos), "cma",
            "the kernel ignores \"" + nearText(v, pos) + "\" after cma=" + std::string(v.substr(0, pos)),
            "kernel-ignores");
    return out;
}

/// Places the default area @p r from cma='s base and limit as the kernel does; false when it refuses the area.
bool placeDefaultArea(const KernelParam& p, const CmaValue& value, const Platform& pf, Region& r, Messages& msg)
{
    const std::string where = column("cma=", p.valueOffset);
    const std::uint64_t b = *value.base, l = *value.limit;
    if (l != 0 && (b > l || value.size > l - b)) {
        msg.error(where, "cma",
            "cma: Size (" + hexText(value.size) + ") of region at " + hexText(b) + " exceeds limit (" + hexText(l)
                + "): the kernel refuses the default area",
            "kernel-rejects");
        return false;
    }
    if (b != 0 && l != 0 && b + value.size == l) {
        r.placement = Placement::Fixed; // fixed = (base + size == limit), base != 0
        r.start = b;
    } else if (b == 0) {
        r.limit = l; // base 0: "anywhere below the limit"
        if (!p.value.empty() && p.value.find('-') == std::string::npos)
            msg.warning(where, "cma",
                "cma=SIZE@0 is not a fixed placement: the kernel treats base 0 as 'anywhere below " + hexText(l) + "'",
                "kernel-ignores");
    } else {
        std::uint64_t end = l;
        if (end == 0) {
            end = highestBankEnd(pf);
            msg.warning(where, "cma",
                "limit 0 means the end of memory"
                    + (end ? std::string(" (") + hexText(end) + " from the banks)"
                           : std::string(": no banks known, the range is left open")),
                "note");
            if (end == 0)
                end = ~std::uint64_t { 0 };
        }
        r.allocRanges.push_back({ b, end - b });
    }
    return true;
}

/// The default area of cma=; nullopt when there is none (cma=0) or the kernel refuses it.
std::optional<Region> readDefaultArea(const KernelParam& p, const Platform& pf, Messages& msg)
{
    const auto value = parseCmaValue(p, msg);
    if (!value)
        return std::nullopt;
    if (value->size == 0) {
        msg.info(column("cma=", p.valueOffset), "cma",
            "cma=0: no default CMA area (\"A value of 0 disables CMA altogether\")");
        return std::nullopt;
    }
    Region r;
    r.name = "reserved"; // dma_contiguous_reserve_area() names the default area "reserved"
    r.isDefault = true;
    r.size = value->size;
    if (value->base && !placeDefaultArea(p, *value, pf, r, msg))
        return std::nullopt;
    return r;
}

/// cma_pernuma=: one size on every node of the platform's banks; nullopt when the size does not fit in 64 bits.
std::optional<std::map<int, std::uint64_t>> readPernuma(const KernelParam& p, const Platform& pf, Messages& msg)
{
    const std::string where = column(p.name + "=", p.valueOffset);
    const auto r = memparse(p.value, 0);
    if (r.overflow) {
        msg.error(where, p.name, "cma_pernuma: size does not fit in 64 bits");
        return std::nullopt;
    }
    if (r.end < p.value.size())
        msg.warning(column(p.name + "=", p.valueOffset + r.end), p.name,
            "the kernel ignores \"" + nearText(p.value, r.end) + "\" after the size", "kernel-ignores");
    std::map<int, std::uint64_t> sizes;
    if (pf.banks.empty()) // pf carries the base platform's banks
        msg.warning(where, p.name,
            "no banks known: cma_pernuma= is applied to node 0 only (give a base platform for its nodes)", "note");
    if (r.value != 0) {
        for (int n : nodesOf(pf))
            sizes[n] = r.value;
    }
    return sizes;
}

/// hugetlb_cma=: sizes per node, or one size spread over the nodes as the kernel spreads it.
std::map<int, std::uint64_t> readHugetlb(const KernelParam& p, const Platform& pf, Messages& msg)
{
    const auto ns = parseNodeList(p, msg, true);
    std::map<int, std::uint64_t> hugetlb = ns.sizes;
    if (!ns.plain || !ns.plainSize)
        return hugetlb;
    // hugetlb_cma_reserve(): DIV_ROUND_UP over the nodes, each rounded up to the gigantic page
    const auto nodes = nodesOf(pf);
    const std::uint64_t perNode = pagesFor(ns.plainSize, nodes.size());
    std::uint64_t reserved = 0;
    for (int n : nodes) {
        if (reserved >= ns.plainSize)
            break;
        const auto sz = alignUp(std::min(perNode, ns.plainSize - reserved), kGiganticPage);
        const auto total = sz ? checkedAdd(reserved, *sz) : std::nullopt;
        if (!total) {
            msg.error(column(p.name + "=", p.valueOffset), p.name,
                "hugetlb_cma: the size per node passes 2^64 when rounded up to " + sizeText(kGiganticPage));
            break;
        }
        hugetlb[n] = *sz;
        reserved = *total;
    }
    return hugetlb;
}

/// What the CMA parameters ask for (for each parameter, the last one given).
struct CmdlineAreas
{
    std::optional<Region> defaultArea;
    std::map<int, std::uint64_t> pernuma, numa, hugetlb;
};

/// The areas as regions: the default area, then "pernumaN", "numaN", "hugetlbN" (size 0 left out).
void addAreas(const CmdlineAreas& areas, Platform& pf)
{
    if (areas.defaultArea)
        pf.regions.push_back(*areas.defaultArea);
    for (const auto& [n, sz] : areas.pernuma)
        pf.regions.push_back(nodeArea("pernuma" + std::to_string(n), n, sz));
    for (const auto& [n, sz] : areas.numa) {
        if (sz)
            pf.regions.push_back(nodeArea("numa" + std::to_string(n), n, sz));
    }
    for (const auto& [n, sz] : areas.hugetlb) {
        if (!sz)
            continue;
        Region r = nodeArea("hugetlb" + std::to_string(n), n, sz);
        r.alignment = kGiganticPage;
        r.params.orderPerBit = kHugetlbOrderPerBit;
        r.maxRanges = kCmaMaxRanges; // cma_declare_contiguous_multi() since 6.15 (docs/kernel-cma.md)
        pf.regions.push_back(r);
    }
}

// ---- export helpers --------------------------------------------------------------------------------------

/// The CMA regions by the parameter that declares them.
struct CmdlineRegions
{
    std::vector<const Region*> defaults;
    std::map<int, const Region*> pernuma, numa, hugetlb;
};

/// Sorts the regions by parameter (a note for each one the command line cannot declare); out.error when two
/// per-node areas of one kind share a node.
CmdlineRegions sortRegions(const Platform& platform, ExportResult& out)
{
    CmdlineRegions sorted;
    for (const auto& r : platform.regions) {
        if (r.type != RegionType::Cma) {
            out.notes.push_back("carve-out '" + r.name + "' cannot be written on the command line (use dts)");
            continue;
        }
        if (r.isDefault) {
            sorted.defaults.push_back(&r);
            continue;
        }
        if (r.numaNode < 0) {
            out.notes.push_back("region '" + r.name
                + "' is neither the default area nor a per-node area: the mainline command line cannot declare it "
                  "(use dts)");
            continue;
        }
        auto& table = r.name.starts_with("hugetlb") ? sorted.hugetlb
            : r.name.starts_with("pernuma")         ? sorted.pernuma
                                                    : sorted.numa;
        if (table.count(r.numaNode)) {
            out.error = "two per-node areas of the same kind on node " + std::to_string(r.numaNode) + " ('"
                + table[r.numaNode]->name + "', '" + r.name + "'): the kernel has one per node";
            return sorted;
        }
        table[r.numaNode] = &r;
        if (r.placement == Placement::Fixed || !r.allocRanges.empty() || r.limit)
            out.notes.push_back("the placement of per-node area '" + r.name
                + "' is not held: the kernel places it anywhere on its node");
    }
    return sorted;
}

/// The value of cma= for the default area @p d; out.error when cma= cannot say where it is.
std::string cmaValue(const Region& d, const Platform& platform, ExportResult& out)
{
    std::string v = formatSize(d.size);
    if (d.size == 0) {
        v = "0";
    } else if (d.placement == Placement::Fixed) {
        if (d.start == 0) {
            out.error = "the default area '" + d.name
                + "' is fixed at address 0, which cma= cannot say: the kernel reads cma=SIZE@0 as 'anywhere "
                  "below SIZE'";
            return {};
        }
        v += "@" + hexText(d.start);
    } else {
        std::optional<std::uint64_t> lo, hi;
        if (!d.allocRanges.empty()) {
            lo = d.allocRanges[0].base;
            hi = d.allocRanges[0].base + d.allocRanges[0].size;
            if (d.allocRanges.size() > 1)
                out.notes.push_back("cma= holds one range: only the first alloc-range of '" + d.name + "' is written");
            if (d.limit && d.limit < *hi)
                hi = d.limit;
            if (*hi != 0 && *lo + d.size == *hi && *lo != 0)
                out.notes.push_back("the range of '" + d.name
                    + "' is exactly its size: the kernel reserves it fixed at " + hexText(*lo));
        } else if (d.limit) {
            lo = 0;
            hi = d.limit;
        }
        if (lo)
            v += "@" + hexText(*lo) + "-" + hexText(*hi);
    }
    if (d.alignment > (std::uint64_t { platform.pageSize } << platform.pageblockOrder))
        out.notes.push_back("the alignment of '" + d.name + "' (" + formatSize(d.alignment)
            + ") is not held: cma= areas are aligned to the CMA minimum");
    if (d.name != "reserved")
        out.notes.push_back("the kernel names the default area 'reserved', not '" + d.name + "'");
    return v;
}

/// cma_pernuma=SIZE when the "pernuma" areas have one size on every node. Otherwise they join @p numa (to be
/// written as numa_cma=) and the result is empty; out.error when a node would have two.
std::string pernumaParam(const Platform& platform, const std::map<int, const Region*>& pernuma,
    std::map<int, const Region*>& numa, ExportResult& out)
{
    std::set<std::uint64_t> sizes;
    for (const auto& [n, r] : pernuma)
        sizes.insert(r->size);
    const auto nodeVec = nodesOf(platform);
    const std::set<int> nodes(nodeVec.begin(), nodeVec.end());
    std::set<int> have;
    for (const auto& [n, r] : pernuma)
        have.insert(n);
    if (sizes.size() == 1 && have == nodes)
        return "cma_pernuma=" + formatSize(*sizes.begin());
    out.notes.push_back("per-NUMA areas of different sizes, or not on every node, cannot be written with "
                        "cma_pernuma= (one size for all nodes): written as numa_cma=");
    for (const auto& [n, r] : pernuma) {
        if (numa.count(n)) {
            out.error = "node " + std::to_string(n) + " has both '" + r->name + "' and '" + numa[n]->name
                + "' and they cannot both be written as numa_cma=";
            return {};
        }
        numa[n] = r;
    }
    return {};
}

/// "0:64M,1:64M": the node list of numa_cma= and hugetlb_cma=.
std::string nodeList(const std::map<int, const Region*>& m)
{
    std::string s;
    for (const auto& [n, r] : m)
        s += (s.empty() ? "" : ",") + std::to_string(n) + ":" + formatSize(r->size);
    return s;
}

} // namespace

// ---- import ----------------------------------------------------------------------------------------------

ImportResult importCmdline(std::string_view text, const ImportOptions& options)
{
    ImportResult result;
    Messages msg(result);
    Platform pf = beginImport(result, options, MapMode::Modern, "kernel command line");

    CmdlineAreas areas;
    bool sawCma = false;
    std::size_t ignored = 0;
    for (const auto& p : splitKernelCmdline(text)) {
        const std::string where = column(p.name + "=", p.valueOffset);
        if (p.name == "cma_map" || p.name == "cma.map" || (p.name == "cma" && p.value.find('=') != std::string::npos)) {
            msg.error(where, p.name,
                "this is the 2010 CMA language (" + p.name + "=" + nearText(p.value, 0)
                    + "), not the mainline command line: import it as cma2010",
                "wrong-format");
            continue;
        }
        if (p.name == "cma") {
            if (!p.hasValue) {
                msg.error(column("cma", p.valueOffset), "cma",
                    "cma: Config string not provided (the kernel rejects \"cma\" without '=')", "kernel-rejects");
                continue;
            }
            if (sawCma)
                msg.warning(where, "cma", "cma= given more than once: the kernel keeps the last one", "kernel-ignores");
            sawCma = true;
            areas.defaultArea = readDefaultArea(p, pf, msg);
        } else if (p.name == "cma_pernuma") {
            if (auto sizes = readPernuma(p, pf, msg))
                areas.pernuma = std::move(*sizes);
        } else if (p.name == "numa_cma") {
            areas.numa = parseNodeList(p, msg, false).sizes;
        } else if (p.name == "hugetlb_cma") {
            areas.hugetlb = readHugetlb(p, pf, msg);
        } else {
            ++ignored;
        }
    }
    if (ignored)
        msg.info("", "", std::to_string(ignored) + " other kernel parameter(s) ignored");

    addAreas(areas, pf);
    for (const Region& r : pf.regions) {
        if (r.maxRanges > 1)
            msg.info("", r.name,
                r.name + ": placed as kernels 6.15 and later place hugetlb_cma= areas, in up to "
                    + std::to_string(r.maxRanges)
                    + " ranges when no single one holds it (set max_ranges to 1 for an older kernel)");
    }
    if (pf.regions.empty() && !msg.hasErrors())
        msg.info("", "", "no CMA parameter found (cma=, cma_pernuma=, numa_cma=, hugetlb_cma=)");
    finish(result, std::move(pf));
    return result;
}

// ---- export ----------------------------------------------------------------------------------------------

ExportResult exportCmdline(const Platform& placed)
{
    const Platform platform = declaredOf(placed);
    ExportResult out;
    CmdlineRegions regions = sortRegions(platform, out);
    if (!out.ok())
        return out;
    const auto& defaults = regions.defaults;
    if (defaults.size() > 1) {
        out.error = "more than one default area ('" + defaults[0]->name + "', '" + defaults[1]->name + "')";
        return out;
    }
    std::vector<std::string> params;
    if (defaults.empty()) {
        out.notes.push_back("no default area: cma= left out (the kernel then uses CONFIG_CMA_SIZE_*)");
    } else {
        const std::string v = cmaValue(*defaults.front(), platform, out);
        if (!out.ok())
            return out;
        params.push_back("cma=" + v);
    }
    if (!regions.pernuma.empty()) {
        const std::string pernuma = pernumaParam(platform, regions.pernuma, regions.numa, out);
        if (!out.ok())
            return out;
        if (!pernuma.empty())
            params.push_back(pernuma);
    }
    if (!regions.numa.empty())
        params.push_back("numa_cma=" + nodeList(regions.numa));
    if (!regions.hugetlb.empty())
        params.push_back("hugetlb_cma=" + nodeList(regions.hugetlb));
    for (const auto& [node, r] : regions.hugetlb) {
        if (r->maxRanges == 1)
            out.notes.push_back("'" + r->name
                + "' is one range here; kernels 6.15 and later split a hugetlb_cma= area over up to 8 ranges when "
                  "no single one holds it");
    }
    if (!platform.rules.empty())
        out.notes.push_back("the map rules are not part of the mainline command line (the kernel binds devices "
                            "through memory-region)");
    if (params.empty()) {
        out.error = "nothing of this platform can be written on the mainline command line: it has no default area "
                    "and no per-node areas (use dts)";
        out.notes.clear();
        return out;
    }
    for (const auto& p : params)
        out.text += (out.text.empty() ? "" : " ") + p;
    out.text += '\n';
    return out;
}

} // namespace cmascope
