// SPDX-License-Identifier: GPL-2.0-or-later
// Device trees (docs/device-tree.md): DTS export; DTB import with libfdt; DTS import through dtc.
// The decoding rules are those of drivers/of/of_reserved_mem.c and drivers/of/fdt.c: reserved-memory children
// are decoded with the root's #address-cells/#size-cells, `alignment` is checked against #address-cells (kernel
// quirk), `reg` wins over `size`, CMA = shared-dma-pool + reusable without no-map.
#include "internal.h"

#include <cmascope/util/memparse.h>

extern "C" {
#include <libfdt.h>
}

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <variant>

extern char** environ;

namespace cmascope {

using namespace configio;

namespace {

constexpr std::uint64_t k32 = 0xffffffffu;

std::string hexNoPrefix(std::uint64_t v)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
    return buf;
}

bool isLabelChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// dtc node-name characters: [a-zA-Z0-9,._+-]; everything else (including '@') becomes '-'.
std::string nodeName(std::string_view name)
{
    std::string out;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ','
            || c == '.' || c == '_' || c == '+' || c == '-';
        out += ok ? c : '-';
    }
    return out.empty() ? std::string("node") : out;
}

std::string dtsString(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

class CellWriter
{
public:
    explicit CellWriter(unsigned cells)
        : m_cells(cells)
    { }
    std::string operator()(std::uint64_t v) const
    {
        if (m_cells == 2)
            return hexText(v >> 32) + " " + hexText(v & k32);
        return hexText(v);
    }
    std::string pair(std::uint64_t a, std::uint64_t s) const { return (*this)(a) + " " + (*this)(s); }

private:
    unsigned m_cells;
};

/// Makes @p wanted unique within @p used (appends "_2", "-2", ...).
std::string unique(std::string wanted, std::set<std::string>& used, char sep)
{
    std::string name = wanted;
    for (int i = 2; used.count(name); ++i)
        name = wanted + sep + std::to_string(i);
    used.insert(name);
    return name;
}

// ---- libfdt reading helpers --------------------------------------------------------------------------------

std::uint32_t be32(const void* p)
{
    const auto* b = static_cast<const unsigned char*>(p);
    return (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
}

/// A property's cells read as numbers of @p cells cells each.
std::uint64_t readNumber(const unsigned char*& p, int cells)
{
    std::uint64_t v = 0;
    for (int i = 0; i < cells; ++i, p += 4)
        v = (v << 32) | be32(p);
    return v;
}

struct Prop
{
    const unsigned char* data = nullptr;
    int len = -1;
    explicit operator bool() const { return data != nullptr; }
};

Prop getProp(const void* fdt, int node, const char* name)
{
    int len = 0;
    const void* v = fdt_getprop(fdt, node, name, &len);
    return v ? Prop { static_cast<const unsigned char*>(v), len } : Prop {};
}

std::string propString(const void* fdt, int node, const char* name)
{
    const Prop p = getProp(fdt, node, name);
    if (!p || p.len <= 0)
        return {};
    const auto* c = reinterpret_cast<const char*>(p.data);
    return std::string(c, strnlen(c, static_cast<std::size_t>(p.len)));
}

std::vector<std::string> propStrings(const void* fdt, int node, const char* name)
{
    std::vector<std::string> out;
    const Prop p = getProp(fdt, node, name);
    if (!p)
        return out;
    const auto* c = reinterpret_cast<const char*>(p.data);
    std::size_t i = 0;
    while (i < static_cast<std::size_t>(p.len)) {
        const std::size_t n = strnlen(c + i, static_cast<std::size_t>(p.len) - i);
        out.emplace_back(c + i, n);
        i += n + 1;
    }
    return out;
}

bool available(const void* fdt, int node)
{
    const Prop p = getProp(fdt, node, "status");
    if (!p)
        return true;
    const std::string s = propString(fdt, node, "status");
    return s == "okay" || s == "ok";
}

std::string pathOf(const void* fdt, int node)
{
    char buf[1024];
    if (fdt_get_path(fdt, node, buf, sizeof buf) != 0)
        return "?";
    return buf;
}

std::string nameOf(const void* fdt, int node)
{
    int len = 0;
    const char* n = fdt_get_name(fdt, node, &len);
    return n ? std::string(n, static_cast<std::size_t>(std::max(len, 0))) : std::string();
}

/// #address-cells / #size-cells of a node as the kernel's early FDT code reads them (default 1 when absent).
std::optional<int> cellsProp(const void* fdt, int node, const char* name)
{
    const Prop p = getProp(fdt, node, name);
    if (!p)
        return std::nullopt;
    if (p.len != 4)
        return -1;
    return static_cast<int>(be32(p.data));
}

} // namespace

std::string deviceTreeLabel(std::string_view name)
{
    std::string out;
    for (char c : name)
        out += isLabelChar(c) ? c : '_';
    if (out.empty() || (out[0] >= '0' && out[0] <= '9'))
        out.insert(out.begin(), '_');
    return out;
}

// ---- export ----------------------------------------------------------------------------------------------

ExportResult exportDeviceTree(const Platform& platform, unsigned cells)
{
    ExportResult out;
    if (cells > 2) {
        out.error = "#address-cells/#size-cells must be 1 or 2, not " + std::to_string(cells);
        return out;
    }
    // Which regions are written, and the values they need.
    struct Value
    {
        std::uint64_t v;
        std::string what;
    };
    std::vector<Value> values;
    for (const auto& b : platform.banks) {
        values.push_back({ b.base, "base of bank '" + b.name + "'" });
        values.push_back({ b.size, "size of bank '" + b.name + "'" });
    }
    std::vector<const Region*> regions;
    for (const auto& r : platform.regions) {
        if (r.size == 0) {
            out.notes.push_back("region '" + r.name
                + "' has size 0 (no memory reserved): a reserved-memory node cannot say that, left out");
            continue;
        }
        regions.push_back(&r);
        values.push_back({ r.size, "size of region '" + r.name + "'" });
        if (r.placement == Placement::Fixed) {
            values.push_back({ r.start, "start of region '" + r.name + "'" });
            for (const AddressRange& more : r.dt.moreReg) {
                values.push_back({ more.base, "reg of region '" + r.name + "'" });
                values.push_back({ more.size, "reg of region '" + r.name + "'" });
            }
        } else {
            values.push_back({ r.alignment, "alignment of region '" + r.name + "'" });
            for (const auto& ar : r.allocRanges) {
                values.push_back({ ar.base, "alloc-range of region '" + r.name + "'" });
                values.push_back({ ar.size, "alloc-range of region '" + r.name + "'" });
            }
            values.push_back({ r.limit, "limit of region '" + r.name + "'" });
        }
    }
    const auto big = std::find_if(values.begin(), values.end(), [](const Value& v) { return v.v > k32; });
    if (cells == 0)
        cells = big != values.end() ? 2 : 1;
    if (cells == 1 && big != values.end()) {
        out.error = "one cell cannot hold the " + big->what + " (" + hexText(big->v) + "): use 2 cells";
        return out;
    }
    const CellWriter cw(cells);

    std::set<std::string> labels, rootNames { "reserved-memory", "chosen", "aliases", "cpus" }, rmNames;
    std::ostringstream s;
    s << "// SPDX-License-Identifier: GPL-2.0-or-later\n";
    s << "/* Written by cmascope from the platform \"" << platform.name << "\": the memory banks, the\n";
    s << " * reserved-memory node (Documentation/devicetree/bindings/reserved-memory/ in the kernel) and\n";
    s << " * memory-region stubs to merge into the real device nodes. */\n";
    s << "/dts-v1/;\n\n/ {\n";
    s << "\t#address-cells = <" << cells << ">;\n\t#size-cells = <" << cells << ">;\n";
    if (!platform.name.empty())
        s << "\tmodel = " << dtsString(platform.name) << ";\n";

    for (const auto& b : platform.banks) {
        const std::string node = unique("memory@" + hexNoPrefix(b.base), rootNames, '-');
        std::string label;
        if (b.name != node) {
            label = unique(deviceTreeLabel(b.name), labels, '_');
            if (label != b.name)
                out.notes.push_back(
                    "bank '" + b.name + "' is labelled '" + label + "' (labels take only letters, digits and '_')");
        }
        s << "\n\t" << (label.empty() ? "" : label + ": ") << node << " {\n";
        s << "\t\tdevice_type = \"memory\";\n";
        s << "\t\treg = <" << cw.pair(b.base, b.size) << ">;\n";
        if (b.numaNode != 0)
            s << "\t\tnuma-node-id = <" << b.numaNode << ">;\n";
        s << "\t};\n";
    }

    std::map<std::string, std::string> regionLabel; // region name -> label written
    s << "\n\treserved-memory {\n";
    s << "\t\t#address-cells = <" << cells << ">;\n\t\t#size-cells = <" << cells << ">;\n\t\tranges;\n";
    for (const Region* rp : regions) {
        const Region& r = *rp;
        const std::string wantedLabel = r.label.empty() ? deviceTreeLabel(r.name) : deviceTreeLabel(r.label);
        const std::string label = unique(wantedLabel, labels, '_');
        if (!r.label.empty() && label != r.label)
            out.notes.push_back("label '" + r.label + "' of region '" + r.name + "' written as '" + label + "'");
        regionLabel[r.name] = label;
        std::string base = nodeName(r.name);
        if (base != r.name)
            out.notes.push_back("region '" + r.name + "' is written as node '" + base
                + "' (node names take only letters, digits and ,._+-)");
        const std::string node =
            unique(r.placement == Placement::Fixed ? base + "@" + hexNoPrefix(r.start) : base, rmNames, '-');
        s << "\n\t\t" << label << ": " << node << " {\n";
        // compatible, reusable and no-map: as imported (Region::dt), else from the type. A CMA region is
        // always a reusable shared-dma-pool without no-map, whatever an earlier import said.
        std::vector<std::string> compatible = r.dt.compatible;
        bool reusable = false, noMap = true;
        if (r.type == RegionType::Cma) {
            if (std::find(compatible.begin(), compatible.end(), "shared-dma-pool") == compatible.end())
                compatible = { "shared-dma-pool" };
            reusable = true;
            noMap = false;
        } else {
            reusable = r.dt.reusable.value_or(false);
            noMap = r.dt.noMap.value_or(true);
        }
        if (!compatible.empty()) {
            s << "\t\t\tcompatible = ";
            for (std::size_t i = 0; i < compatible.size(); ++i)
                s << (i ? ", " : "") << dtsString(compatible[i]);
            s << ";\n";
        }
        if (reusable)
            s << "\t\t\treusable;\n";
        if (noMap)
            s << "\t\t\tno-map;\n";
        if (r.placement == Placement::Fixed) {
            s << "\t\t\treg = <" << cw.pair(r.start, r.size);
            for (const AddressRange& more : r.dt.moreReg)
                s << " " << cw.pair(more.base, more.size);
            s << ">;\n";
            if (r.alignment)
                out.notes.push_back("the alignment of fixed region '" + r.name + "' is not written (reg is exact)");
        } else {
            s << "\t\t\tsize = <" << cw(r.size) << ">;\n";
            if (r.alignment)
                s << "\t\t\talignment = <" << cw(r.alignment) << ">;\n";
            std::vector<AddressRange> ranges = r.allocRanges;
            if (r.limit) {
                if (ranges.empty()) {
                    ranges.push_back({ 0, r.limit });
                    out.notes.push_back(
                        "the limit of '" + r.name + "' is written as alloc-ranges = <0 " + hexText(r.limit) + ">");
                } else {
                    for (auto& ar : ranges) {
                        if (ar.base >= r.limit)
                            ar.size = 0;
                        else if (ar.size > r.limit - ar.base)
                            ar.size = r.limit - ar.base;
                    }
                    std::erase_if(ranges, [](const AddressRange& ar) { return ar.size == 0; });
                    out.notes.push_back("the limit of '" + r.name + "' is applied to its alloc-ranges");
                }
            }
            if (!ranges.empty()) {
                s << "\t\t\talloc-ranges = <";
                for (std::size_t i = 0; i < ranges.size(); ++i)
                    s << (i ? " " : "") << cw.pair(ranges[i].base, ranges[i].size);
                s << ">;\n";
            }
        }
        if (r.isDefault)
            s << "\t\t\tlinux,cma-default;\n";
        s << "\t\t};\n";
        if (r.numaNode >= 0)
            out.notes.push_back("NUMA node of region '" + r.name + "' is not held by reserved-memory");
        if (!r.privateTo.empty() || r.asterisk)
            out.notes.push_back("2010 attributes of region '" + r.name + "' (private, asterisk) are not held");
    }
    s << "\t};\n";

    for (const auto& d : platform.devices) {
        if (d.memoryRegions.empty()) {
            if (!platform.rules.empty() || d.numaNode || d.dmaBits != 64)
                out.notes.push_back("device '" + d.name + "' has no memory-region: no stub written");
            continue;
        }
        std::vector<std::string> refs, names;
        for (std::size_t i = 0; i < d.memoryRegions.size(); ++i) {
            const auto it = regionLabel.find(d.memoryRegions[i]);
            if (it == regionLabel.end()) {
                out.notes.push_back("memory-region '" + d.memoryRegions[i] + "' of device '" + d.name
                    + "' is not a written region: left out");
                continue;
            }
            refs.push_back("<&" + it->second + ">");
            if (i < d.memoryRegionNames.size())
                names.push_back(dtsString(d.memoryRegionNames[i]));
        }
        if (refs.empty())
            continue;
        const std::string node = unique(nodeName(d.name), rootNames, '-');
        if (node != d.name)
            out.notes.push_back("device '" + d.name + "' is written as node '" + node + "'");
        s << "\n\t" << node << " {\n\t\tmemory-region = ";
        for (std::size_t i = 0; i < refs.size(); ++i)
            s << (i ? ", " : "") << refs[i];
        s << ";\n";
        if (!names.empty() && names.size() == refs.size()) {
            s << "\t\tmemory-region-names = ";
            for (std::size_t i = 0; i < names.size(); ++i)
                s << (i ? ", " : "") << names[i];
            s << ";\n";
        }
        if (d.numaNode != 0)
            s << "\t\tnuma-node-id = <" << d.numaNode << ">;\n";
        s << "\t};\n";
        if (d.dmaBits != 64)
            out.notes.push_back("the " + std::to_string(d.dmaBits) + "-bit DMA limit of '" + d.name
                + "' is not written (it comes from the bus dma-ranges)");
    }
    s << "};\n";
    if (!platform.rules.empty())
        out.notes.push_back("the 2010 map rules are not held by a device tree (devices use memory-region)");
    out.text = s.str();
    return out;
}

// ---- import: blob ----------------------------------------------------------------------------------------

ImportResult importDeviceTreeBlob(std::string_view bytes, const ImportOptions& options)
{
    ImportResult result;
    result.source = sourceName(options);
    Messages msg(result);

    if (bytes.size() < sizeof(fdt_header)) {
        msg.error("", "", "not a device tree blob: only " + std::to_string(bytes.size()) + " bytes");
        return result;
    }
    // libfdt wants the blob 8-byte aligned.
    std::vector<std::uint64_t> storage(bytes.size() / 8 + 1);
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(storage.data()));
    const void* fdt = storage.data();

    if (const int err = fdt_check_header(fdt); err != 0) {
        msg.error("header", "", std::string("not a device tree blob: ") + fdt_strerror(err));
        return result;
    }
    if (fdt_totalsize(fdt) > bytes.size()) {
        msg.error("header", "",
            "truncated device tree blob: the header says " + std::to_string(fdt_totalsize(fdt)) + " bytes, there are "
                + std::to_string(bytes.size()));
        return result;
    }
    if (const int err = fdt_check_full(fdt, bytes.size()); err != 0) {
        msg.error("structure", "", std::string("malformed device tree blob: ") + fdt_strerror(err));
        return result;
    }

    const auto rootAc = cellsProp(fdt, 0, "#address-cells").value_or(1);
    const auto rootSc = cellsProp(fdt, 0, "#size-cells").value_or(1);
    if (rootAc < 1 || rootAc > 2 || rootSc < 1 || rootSc > 2) {
        msg.error("/: #address-cells", "/",
            "root #address-cells = " + std::to_string(rootAc) + ", #size-cells = " + std::to_string(rootSc)
                + ": cmascope reads 1 or 2 cells");
        return result;
    }
    const auto tupleLen = static_cast<int>((rootAc + rootSc) * 4);

    Platform pf = startPlatform(options);
    pf.banks.clear();
    pf.devices.clear();
    pf.mapMode = MapMode::Modern;
    if (const std::string model = propString(fdt, 0, "model"); !model.empty())
        pf.name = model;
    else if (pf.name.empty())
        pf.name = result.source;

    // Labels: __symbols__ (dtc -@) maps label -> path.
    std::map<int, std::string> labelOf;
    if (const int sym = fdt_path_offset(fdt, "/__symbols__"); sym >= 0) {
        int po = 0;
        fdt_for_each_property_offset(po, fdt, sym)
        {
            const char* lname = nullptr;
            int len = 0;
            const void* v = fdt_getprop_by_offset(fdt, po, &lname, &len);
            if (!v || !lname || len <= 0)
                continue;
            const auto* c = static_cast<const char*>(v);
            const std::string path(c, strnlen(c, static_cast<std::size_t>(len)));
            const int target = fdt_path_offset(fdt, path.c_str());
            if (target >= 0 && !labelOf.count(target))
                labelOf[target] = lname;
        }
    }

    // memory nodes -> banks
    int node = 0;
    fdt_for_each_subnode(node, fdt, 0)
    {
        if (propString(fdt, node, "device_type") != "memory" || !available(fdt, node))
            continue;
        const std::string path = pathOf(fdt, node);
        const Prop reg = getProp(fdt, node, "reg");
        if (!reg || reg.len == 0 || reg.len % tupleLen != 0) {
            msg.error(path + ": reg", nameOf(fdt, node),
                "memory node needs reg = <address size>... in " + std::to_string(rootAc) + "+" + std::to_string(rootSc)
                    + " cells (" + std::to_string(reg.len) + " bytes given)");
            continue;
        }
        const unsigned char* p = reg.data;
        const int tuples = reg.len / tupleLen;
        const auto label = labelOf.find(node);
        const std::string baseName = label != labelOf.end() ? label->second : nameOf(fdt, node);
        int numa = 0;
        if (const Prop n = getProp(fdt, node, "numa-node-id"); n && n.len == 4)
            numa = static_cast<int>(be32(n.data));
        for (int t = 0; t < tuples; ++t) {
            Bank b;
            b.base = readNumber(p, rootAc);
            b.size = readNumber(p, rootSc);
            b.numaNode = numa;
            b.name = tuples == 1 ? baseName : baseName + "[" + std::to_string(t) + "]";
            if (b.size == 0) {
                msg.info(path + ": reg", b.name, "empty memory range skipped (as the kernel does)");
                continue;
            }
            pf.banks.push_back(b);
        }
    }

    if (!options.memory.empty()) {
        if (!pf.banks.empty())
            msg.info("/memory", "",
                "the device tree's memory (" + std::to_string(pf.banks.size())
                    + " bank(s)) is replaced by the memory given with the import",
                "dt-memory-given");
        pf.banks = options.memory;
    } else if (pf.banks.empty()) {
        result.memoryMissing = true;
        msg.warning("/memory", "",
            "the device tree describes no memory: its /memory node is missing or empty, as when the bootloader "
            "fills it in at boot (Raspberry Pi 4 firmware does). Regions cannot be placed until the board's DRAM "
            "is given: cmascope-cli import --memory SIZE[@BASE], or the size asked for by File > Import",
            "dt-no-memory");
    }

    // /memreserve/ entries: reserved, not allocatable
    const int nrsv = fdt_num_mem_rsv(fdt);
    for (int i = 0; i < nrsv; ++i) {
        uint64_t addr = 0, size = 0;
        if (fdt_get_mem_rsv(fdt, i, &addr, &size) != 0 || size == 0)
            continue;
        Region r;
        r.name = "memreserve" + std::to_string(i);
        r.type = RegionType::Carveout;
        r.placement = Placement::Fixed;
        r.start = addr;
        r.size = size;
        pf.regions.push_back(r);
    }

    // reserved-memory children -> regions
    std::map<int, std::string> regionOfNode;
    const int rm = fdt_path_offset(fdt, "/reserved-memory");
    if (rm >= 0 && available(fdt, rm)) {
        const auto ac = cellsProp(fdt, rm, "#address-cells");
        const auto sc = cellsProp(fdt, rm, "#size-cells");
        if (!ac || !sc || *ac != rootAc || *sc != rootSc || !getProp(fdt, rm, "ranges")) {
            msg.error("/reserved-memory", "reserved-memory",
                "Reserved memory: unsupported node format, ignoring — the node needs #address-cells = <"
                    + std::to_string(rootAc) + ">, #size-cells = <" + std::to_string(rootSc)
                    + "> (the root's) and an empty ranges");
        } else {
            std::set<std::string> names;
            int child = 0;
            fdt_for_each_subnode(child, fdt, rm)
            {
                const std::string full = nameOf(fdt, child);
                const std::string path = pathOf(fdt, child);
                if (!available(fdt, child)) {
                    msg.info(path, full, "disabled node skipped");
                    continue;
                }
                Region r;
                const auto at = full.find('@');
                r.name = full.substr(0, at);
                if (names.count(r.name))
                    r.name = full;
                names.insert(r.name);
                const Prop reg = getProp(fdt, child, "reg");
                const Prop size = getProp(fdt, child, "size");
                const Prop align = getProp(fdt, child, "alignment");
                const Prop ranges = getProp(fdt, child, "alloc-ranges");
                const bool noMap = static_cast<bool>(getProp(fdt, child, "no-map"));
                const bool reusable = static_cast<bool>(getProp(fdt, child, "reusable"));
                const auto compat = propStrings(fdt, child, "compatible");
                const bool pool = std::find(compat.begin(), compat.end(), "shared-dma-pool") != compat.end();
                bool bad = false;
                if (reg) {
                    if (reg.len == 0 || reg.len % tupleLen != 0) {
                        msg.error(path + ": reg", full,
                            "Reserved memory: invalid reg property in '" + full + "', skipping node. ("
                                + std::to_string(reg.len) + " bytes; expected a multiple of " + std::to_string(tupleLen)
                                + ")",
                            "kernel-rejects");
                        continue;
                    }
                    const unsigned char* p = reg.data;
                    r.placement = Placement::Fixed;
                    r.start = readNumber(p, rootAc);
                    r.size = readNumber(p, rootSc);
                    if (reg.len > tupleLen) {
                        msg.warning(path + ": reg", full,
                            "several reg ranges: all are reserved, cmascope keeps the first as the region (an "
                            "export writes them all again)",
                            "dt-multi-reg");
                        for (int t = 1; t < reg.len / tupleLen; ++t) {
                            AddressRange more;
                            more.base = readNumber(p, rootAc);
                            more.size = readNumber(p, rootSc);
                            r.dt.moreReg.push_back(more);
                        }
                    }
                    if (size)
                        msg.warning(path, full,
                            "both reg and size are given: reg takes precedence, size is ignored (reserved-memory "
                            "binding)",
                            "dt-reg-and-size");
                } else if (size) {
                    if (size.len != rootSc * 4) {
                        msg.error(path + ": size", full,
                            "Reserved memory: invalid size property in '" + full + "', skipping node. ("
                                + std::to_string(size.len) + " bytes; #size-cells is " + std::to_string(rootSc) + ")",
                            "kernel-rejects");
                        continue;
                    }
                    const unsigned char* p = size.data;
                    r.placement = Placement::Dynamic;
                    r.size = readNumber(p, rootSc);
                    if (align) {
                        // of_reserved_mem.c checks alignment against dt_root_addr_cells (sic)
                        if (align.len != rootAc * 4) {
                            msg.error(path + ": alignment", full,
                                "Reserved memory: invalid alignment property in '" + full + "', skipping node. ("
                                    + std::to_string(align.len) + " bytes; the kernel expects #address-cells = "
                                    + std::to_string(rootAc) + " cells)",
                                "kernel-rejects");
                            bad = true;
                        } else {
                            const unsigned char* a = align.data;
                            r.alignment = readNumber(a, rootAc);
                        }
                    }
                    if (ranges) {
                        if (ranges.len % tupleLen != 0) {
                            msg.error(path + ": alloc-ranges", full,
                                "Reserved memory: invalid alloc-ranges property in '" + full + "', skipping node.",
                                "kernel-rejects");
                            bad = true;
                        } else {
                            const unsigned char* a = ranges.data;
                            for (int t = 0; t < ranges.len / tupleLen; ++t) {
                                AddressRange ar;
                                ar.base = readNumber(a, rootAc);
                                ar.size = readNumber(a, rootSc);
                                r.allocRanges.push_back(ar);
                            }
                        }
                    }
                } else {
                    msg.warning(path, full, "neither reg nor size: the kernel ignores this node", "kernel-ignores");
                    continue;
                }
                if (bad)
                    continue;
                if (r.size == 0)
                    msg.warning(path, full, "size 0: the kernel reserves nothing here", "kernel-ignores");
                if (noMap && reusable) {
                    msg.warning(path, full,
                        "no-map and reusable are mutually exclusive (reserved-memory binding): the kernel creates no "
                        "CMA pool (rmem_cma_setup: -EINVAL); the memory stays reserved and unmapped — imported as a "
                        "carve-out",
                        "dt-nomap-reusable");
                    r.type = RegionType::Carveout;
                } else if (pool && reusable) {
                    r.type = RegionType::Cma;
                } else {
                    r.type = RegionType::Carveout;
                    if (!noMap)
                        msg.info(path, full,
                            "not a CMA pool ("
                                + std::string(compat.empty() ? "no compatible" : "compatible \"" + compat[0] + "\"")
                                + ", not reusable): shown as occupied",
                            "dt-not-cma");
                }
                // Keep only what the type does not say (exportDeviceTree() writes a CMA region as a reusable
                // shared-dma-pool and a carve-out as no-map), so that an export writes this node back as read.
                if (compat
                    != (r.type == RegionType::Cma ? std::vector<std::string> { "shared-dma-pool" }
                                                  : std::vector<std::string> {}))
                    r.dt.compatible = compat;
                if (r.type == RegionType::Carveout) {
                    if (!noMap)
                        r.dt.noMap = false;
                    if (reusable)
                        r.dt.reusable = true;
                }
                if (getProp(fdt, child, "linux,cma-default")) {
                    if (r.type == RegionType::Cma)
                        r.isDefault = true;
                    else
                        msg.warning(path, full, "linux,cma-default on a node that is not a CMA pool is ignored",
                            "kernel-ignores");
                }
                if (const auto l = labelOf.find(child); l != labelOf.end() && l->second != deviceTreeLabel(r.name))
                    r.label = l->second;
                regionOfNode[child] = r.name;
                pf.regions.push_back(std::move(r));
            }
        }
    }

    // memory-region users -> devices
    std::set<std::string> deviceNames;
    int depth = 0;
    for (int n = fdt_next_node(fdt, -1, &depth); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
        const Prop mr = getProp(fdt, n, "memory-region");
        if (!mr || !available(fdt, n))
            continue;
        const std::string path = pathOf(fdt, n);
        Device d;
        d.name = nameOf(fdt, n);
        if (deviceNames.count(d.name))
            d.name = path;
        deviceNames.insert(d.name);
        if (mr.len % 4 != 0) {
            msg.error(path + ": memory-region", d.name, "memory-region must be a list of phandles");
            continue;
        }
        for (int i = 0; i < mr.len / 4; ++i) {
            const std::uint32_t ph = be32(mr.data + 4 * i);
            const int target = fdt_node_offset_by_phandle(fdt, ph);
            const std::string where = path + ": memory-region[" + std::to_string(i) + "]";
            if (target < 0) {
                msg.error(where, d.name, "phandle " + hexText(ph) + " does not refer to any node");
                continue;
            }
            const auto it = regionOfNode.find(target);
            if (it == regionOfNode.end()) {
                msg.warning(where, d.name,
                    "refers to " + pathOf(fdt, target) + ", which is not an imported reserved-memory node: left out",
                    "dt-memory-region");
                continue;
            }
            d.memoryRegions.push_back(it->second);
        }
        d.memoryRegionNames = propStrings(fdt, n, "memory-region-names");
        if (const Prop nn = getProp(fdt, n, "numa-node-id"); nn && nn.len == 4)
            d.numaNode = static_cast<int>(be32(nn.data));
        pf.devices.push_back(std::move(d));
    }
    finish(result, std::move(pf));
    return result;
}

// ---- import: source through dtc ----------------------------------------------------------------------------

namespace {

std::string readAll(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void replaceAll(std::string& s, const std::string& from, const std::string& to)
{
    if (from.empty())
        return;
    for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

/// Runs @p argv with stdout to /dev/null and stderr to @p errFile, in a process group of its own; returns the
/// exit status or an error text. The group is killed when @p timeout passes or @p cancelled says so; the
/// error then says which, and names @p what (the file being compiled).
std::variant<int, std::string> run(const std::vector<std::string>& argv, const std::string& errFile,
    std::chrono::milliseconds timeout, const std::function<bool()>& cancelled, const std::string& what)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP); // its own group: a kill reaches its children too
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, &attr, args.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return "cannot run " + argv[0] + ": " + std::strerror(rc)
            + (rc == ENOENT ? " (install the device tree compiler, Debian package device-tree-compiler)" : "");
    auto reap = [&](int& status) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    };
    int status = 0;
    const auto start = std::chrono::steady_clock::now();
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            const std::string error = std::strerror(errno);
            ::kill(-pid, SIGKILL);
            reap(status);
            return "waiting for " + argv[0] + " failed: " + error;
        }
        const bool stop = cancelled && cancelled();
        const auto elapsed = std::chrono::steady_clock::now() - start;
        if (stop || elapsed >= timeout) {
            ::kill(-pid, SIGKILL);
            reap(status);
            if (stop)
                return argv[0] + " was stopped: importing " + what + " was cancelled";
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
            const std::string limit = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
            return argv[0] + " did not finish compiling " + what + " within " + limit
                + " and was stopped (is the file very large, or does dtc hang on it?)";
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    if (WIFSIGNALED(status))
        return argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status));
    return WEXITSTATUS(status);
}

} // namespace

ImportResult importDeviceTreeSource(std::string_view dts, const ImportOptions& options)
{
    namespace fs = std::filesystem;
    ImportResult result;
    result.source = sourceName(options);
    Messages msg(result);

    std::error_code ec;
    std::string tmpl = (fs::temp_directory_path(ec) / "cmascope-dtc-XXXXXX").string();
    if (ec || ::mkdtemp(tmpl.data()) == nullptr) {
        msg.error("", "", std::string("cannot create a temporary directory for dtc: ") + std::strerror(errno), "dtc");
        return result;
    }
    const fs::path dir = tmpl;
    const fs::path in = dir / "input.dts", outDtb = dir / "output.dtb", err = dir / "dtc.err";
    {
        std::ofstream f(in, std::ios::binary);
        f.write(dts.data(), static_cast<std::streamsize>(dts.size()));
        if (!f) {
            msg.error("", "", "cannot write the temporary input for dtc", "dtc");
            fs::remove_all(dir, ec);
            return result;
        }
    }
    std::vector<std::string> argv { options.dtcPath, "-I", "dts", "-O", "dtb", "-@", "-o", outDtb.string() };
    if (!options.sourceName.empty()) {
        const fs::path src(options.sourceName);
        argv.push_back("-i");
        argv.push_back(src.has_parent_path() ? src.parent_path().string() : std::string("."));
    }
    argv.push_back(in.string());
    const auto status = run(argv, err.string(), options.dtcTimeout, options.cancelled, result.source);
    std::string errText = readAll(err);
    replaceAll(errText, in.string(), result.source);
    std::string blob = readAll(outDtb);
    fs::remove_all(dir, ec);

    if (const auto* failure = std::get_if<std::string>(&status)) {
        msg.error("", "", *failure, "dtc");
        return result;
    }
    const int code = std::get<int>(status);
    std::istringstream lines(errText);
    std::string line;
    std::vector<std::string> dtcLines;
    while (std::getline(lines, line)) {
        if (!line.empty())
            dtcLines.push_back(line);
    }
    if (code != 0) {
        if (dtcLines.empty())
            dtcLines.push_back("dtc failed with exit status " + std::to_string(code));
        for (const auto& l : dtcLines)
            msg.error("", "", "dtc: " + l, "dtc");
        return result;
    }
    for (const auto& l : dtcLines)
        msg.warning("", "", "dtc: " + l, "dtc");
    ImportResult fromBlob = importDeviceTreeBlob(blob, options);
    for (auto& m : fromBlob.messages)
        result.messages.push_back(std::move(m));
    result.memoryMissing = fromBlob.memoryMissing;
    if (!msg.hasErrors())
        result.project = std::move(fromBlob.project);
    return result;
}

} // namespace cmascope
