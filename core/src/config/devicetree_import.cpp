// SPDX-License-Identifier: GPL-2.0-or-later
// Device trees (docs/device-tree.md), blob import with libfdt (devicetree_dtc.cpp compiles a DTS to a blob first).
// The decoding rules are those of drivers/of/of_reserved_mem.c and drivers/of/fdt.c: reserved-memory children
// are decoded with the root's #address-cells/#size-cells, `alignment` is checked against #address-cells (kernel
// quirk), `reg` wins over `size`, CMA = shared-dma-pool + reusable without no-map.
#include "internal.h"

extern "C" {
#include <libfdt.h>
}

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

namespace cmascope {

using namespace configio;

namespace {

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

/// The root's #address-cells and #size-cells: /memory and the reserved-memory children are decoded with them.
struct RootCells
{
    int ac = 1;
    int sc = 1;
    int tupleLen() const { return (ac + sc) * 4; }
};

/// A node and the names messages give it.
struct NodeRef
{
    int offset = 0;
    std::string name; ///< with the unit address
    std::string path;
};

/// @p bytes copied 8-byte aligned into @p storage (libfdt wants that) and checked: header, size,
/// fdt_check_full(). nullptr after an error.
const void* checkedBlob(std::string_view bytes, std::vector<std::uint64_t>& storage, Messages& msg)
{
    if (bytes.size() < sizeof(fdt_header)) {
        msg.error("", "", "not a device tree blob: only " + std::to_string(bytes.size()) + " bytes");
        return nullptr;
    }
    storage.assign(bytes.size() / 8 + 1, 0);
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(storage.data()));
    const void* fdt = storage.data();

    if (const int err = fdt_check_header(fdt); err != 0) {
        msg.error("header", "", std::string("not a device tree blob: ") + fdt_strerror(err));
        return nullptr;
    }
    if (fdt_totalsize(fdt) > bytes.size()) {
        msg.error("header", "",
            "truncated device tree blob: the header says " + std::to_string(fdt_totalsize(fdt)) + " bytes, there are "
                + std::to_string(bytes.size()));
        return nullptr;
    }
    if (const int err = fdt_check_full(fdt, bytes.size()); err != 0) {
        msg.error("structure", "", std::string("malformed device tree blob: ") + fdt_strerror(err));
        return nullptr;
    }
    return fdt;
}

std::optional<RootCells> rootCells(const void* fdt, Messages& msg)
{
    const RootCells cells { cellsProp(fdt, 0, "#address-cells").value_or(1),
        cellsProp(fdt, 0, "#size-cells").value_or(1) };
    if (cells.ac < 1 || cells.ac > 2 || cells.sc < 1 || cells.sc > 2) {
        msg.error("/: #address-cells", "/",
            "root #address-cells = " + std::to_string(cells.ac) + ", #size-cells = " + std::to_string(cells.sc)
                + ": cmascope reads 1 or 2 cells");
        return std::nullopt;
    }
    return cells;
}

/// Labels: __symbols__ (dtc -@) maps label -> path; this gives node -> its first label.
std::map<int, std::string> readLabels(const void* fdt)
{
    std::map<int, std::string> labelOf;
    const int sym = fdt_path_offset(fdt, "/__symbols__");
    if (sym < 0)
        return labelOf;
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
    return labelOf;
}

/// Memory nodes (device_type = "memory") -> banks, one per reg range, named by label or node name.
void readBanks(const void* fdt, RootCells cells, const std::map<int, std::string>& labelOf, Platform& pf, Messages& msg)
{
    const int tupleLen = cells.tupleLen();
    int node = 0;
    fdt_for_each_subnode(node, fdt, 0)
    {
        if (propString(fdt, node, "device_type") != "memory" || !available(fdt, node))
            continue;
        const std::string path = pathOf(fdt, node);
        const Prop reg = getProp(fdt, node, "reg");
        if (!reg || reg.len == 0 || reg.len % tupleLen != 0) {
            msg.error(path + ": reg", nameOf(fdt, node),
                "memory node needs reg = <address size>... in " + std::to_string(cells.ac) + "+"
                    + std::to_string(cells.sc) + " cells (" + std::to_string(reg.len) + " bytes given)");
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
            b.base = readNumber(p, cells.ac);
            b.size = readNumber(p, cells.sc);
            b.numaNode = numa;
            b.name = tuples == 1 ? baseName : baseName + "[" + std::to_string(t) + "]";
            if (b.size == 0) {
                msg.info(path + ": reg", b.name, "empty memory range skipped (as the kernel does)");
                continue;
            }
            pf.banks.push_back(b);
        }
    }
}

/// The memory given with the import replaces the tree's banks; with neither, result.memoryMissing is set.
void useGivenMemory(const ImportOptions& options, Platform& pf, ImportResult& result, Messages& msg)
{
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
}

/// /memreserve/ entries: reserved, not allocatable (carve-outs).
void readMemreserve(const void* fdt, Platform& pf)
{
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
}

/// Reads the children of /reserved-memory as the kernel does, messages included (docs/device-tree.md).
class ReservedMemoryReader
{
public:
    ReservedMemoryReader(const void* fdt, RootCells cells, const std::map<int, std::string>& labelOf, Messages& msg)
        : m_fdt(fdt)
        , m_cells(cells)
        , m_labelOf(labelOf)
        , m_msg(msg)
    { }

    /// The region of one child; nullopt when it is disabled or the kernel skips it. @p names: the names so far.
    std::optional<Region> child(const NodeRef& n, std::set<std::string>& names);

private:
    bool placement(const NodeRef& n, Region& r);
    bool fixedPlacement(const NodeRef& n, const Prop& reg, bool hasSize, Region& r);
    bool dynamicPlacement(const NodeRef& n, const Prop& size, Region& r);
    void classify(const NodeRef& n, Region& r);
    /// The kernel's "invalid <property> property in '<node>', skipping node." with @p detail appended.
    void reject(const NodeRef& n, const std::string& property, const std::string& detail)
    {
        m_msg.error(n.path + ": " + property, n.name,
            "Reserved memory: invalid " + property + " property in '" + n.name + "', skipping node." + detail,
            "kernel-rejects");
    }

    const void* m_fdt;
    RootCells m_cells;
    const std::map<int, std::string>& m_labelOf;
    Messages& m_msg;
};

std::optional<Region> ReservedMemoryReader::child(const NodeRef& n, std::set<std::string>& names)
{
    if (!available(m_fdt, n.offset)) {
        m_msg.info(n.path, n.name, "disabled node skipped");
        return std::nullopt;
    }
    Region r;
    const auto at = n.name.find('@');
    r.name = n.name.substr(0, at);
    if (names.count(r.name))
        r.name = n.name;
    names.insert(r.name);
    if (!placement(n, r))
        return std::nullopt;
    if (r.size == 0)
        m_msg.warning(n.path, n.name, "size 0: the kernel reserves nothing here", "kernel-ignores");
    classify(n, r);
    if (getProp(m_fdt, n.offset, "linux,cma-default")) {
        if (r.type == RegionType::Cma)
            r.isDefault = true;
        else
            m_msg.warning(
                n.path, n.name, "linux,cma-default on a node that is not a CMA pool is ignored", "kernel-ignores");
    }
    if (const auto l = m_labelOf.find(n.offset); l != m_labelOf.end() && l->second != deviceTreeLabel(r.name))
        r.label = l->second;
    return r;
}

/// `reg` (fixed) wins over `size` (dynamic); false when the kernel skips or ignores the node.
bool ReservedMemoryReader::placement(const NodeRef& n, Region& r)
{
    const Prop reg = getProp(m_fdt, n.offset, "reg");
    const Prop size = getProp(m_fdt, n.offset, "size");
    if (reg)
        return fixedPlacement(n, reg, static_cast<bool>(size), r);
    if (size)
        return dynamicPlacement(n, size, r);
    m_msg.warning(n.path, n.name, "neither reg nor size: the kernel ignores this node", "kernel-ignores");
    return false;
}

bool ReservedMemoryReader::fixedPlacement(const NodeRef& n, const Prop& reg, bool hasSize, Region& r)
{
    const int tupleLen = m_cells.tupleLen();
    if (reg.len == 0 || reg.len % tupleLen != 0) {
        reject(n, "reg",
            " (" + std::to_string(reg.len) + " bytes; expected a multiple of " + std::to_string(tupleLen) + ")");
        return false;
    }
    const unsigned char* p = reg.data;
    r.placement = Placement::Fixed;
    r.start = readNumber(p, m_cells.ac);
    r.size = readNumber(p, m_cells.sc);
    if (reg.len > tupleLen) {
        m_msg.warning(n.path + ": reg", n.name,
            "several reg ranges: all are reserved, cmascope keeps the first as the region (an "
            "export writes them all again)",
            "dt-multi-reg");
        for (int t = 1; t < reg.len / tupleLen; ++t) {
            AddressRange more;
            more.base = readNumber(p, m_cells.ac);
            more.size = readNumber(p, m_cells.sc);
            r.dt.moreReg.push_back(more);
        }
    }
    if (hasSize)
        m_msg.warning(n.path, n.name,
            "both reg and size are given: reg takes precedence, size is ignored (reserved-memory "
            "binding)",
            "dt-reg-and-size");
    return true;
}

/// size, alignment and alloc-ranges; a bad alignment or alloc-ranges skips the node after both are checked.
bool ReservedMemoryReader::dynamicPlacement(const NodeRef& n, const Prop& size, Region& r)
{
    const int rootAc = m_cells.ac, rootSc = m_cells.sc, tupleLen = m_cells.tupleLen();
    if (size.len != rootSc * 4) {
        reject(n, "size", " (" + std::to_string(size.len) + " bytes; #size-cells is " + std::to_string(rootSc) + ")");
        return false;
    }
    const unsigned char* p = size.data;
    r.placement = Placement::Dynamic;
    r.size = readNumber(p, rootSc);
    bool bad = false;
    if (const Prop align = getProp(m_fdt, n.offset, "alignment")) {
        // of_reserved_mem.c checks alignment against dt_root_addr_cells (sic)
        if (align.len != rootAc * 4) {
            reject(n, "alignment",
                " (" + std::to_string(align.len)
                    + " bytes; the kernel expects #address-cells = " + std::to_string(rootAc) + " cells)");
            bad = true;
        } else {
            const unsigned char* a = align.data;
            r.alignment = readNumber(a, rootAc);
        }
    }
    if (const Prop ranges = getProp(m_fdt, n.offset, "alloc-ranges")) {
        if (ranges.len % tupleLen != 0) {
            reject(n, "alloc-ranges", "");
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
    return !bad;
}

/// CMA = shared-dma-pool + reusable without no-map; anything else is a carve-out. Region::dt keeps what the type
/// does not say.
void ReservedMemoryReader::classify(const NodeRef& n, Region& r)
{
    const bool noMap = static_cast<bool>(getProp(m_fdt, n.offset, "no-map"));
    const bool reusable = static_cast<bool>(getProp(m_fdt, n.offset, "reusable"));
    const auto compat = propStrings(m_fdt, n.offset, "compatible");
    const bool pool = std::find(compat.begin(), compat.end(), "shared-dma-pool") != compat.end();
    if (noMap && reusable) {
        m_msg.warning(n.path, n.name,
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
            m_msg.info(n.path, n.name,
                "not a CMA pool (" + std::string(compat.empty() ? "no compatible" : "compatible \"" + compat[0] + "\"")
                    + ", not reusable): shown as occupied",
                "dt-not-cma");
    }
    // Keep only what the type does not say (exportDeviceTree() writes a CMA region as a reusable
    // shared-dma-pool and a carve-out as no-map), so that an export writes this node back as read.
    if (compat
        != (r.type == RegionType::Cma ? std::vector<std::string> { "shared-dma-pool" } : std::vector<std::string> {}))
        r.dt.compatible = compat;
    if (r.type == RegionType::Carveout) {
        if (!noMap)
            r.dt.noMap = false;
        if (reusable)
            r.dt.reusable = true;
    }
}

/// reserved-memory children -> regions; returns node -> region name, for the memory-region users.
std::map<int, std::string> readReservedMemory(
    const void* fdt, RootCells cells, const std::map<int, std::string>& labelOf, Platform& pf, Messages& msg)
{
    std::map<int, std::string> regionOfNode;
    const int rm = fdt_path_offset(fdt, "/reserved-memory");
    if (rm < 0 || !available(fdt, rm))
        return regionOfNode;
    const auto ac = cellsProp(fdt, rm, "#address-cells");
    const auto sc = cellsProp(fdt, rm, "#size-cells");
    if (!ac || !sc || *ac != cells.ac || *sc != cells.sc || !getProp(fdt, rm, "ranges")) {
        msg.error("/reserved-memory", "reserved-memory",
            "Reserved memory: unsupported node format, ignoring — the node needs #address-cells = <"
                + std::to_string(cells.ac) + ">, #size-cells = <" + std::to_string(cells.sc)
                + "> (the root's) and an empty ranges");
        return regionOfNode;
    }
    ReservedMemoryReader reader(fdt, cells, labelOf, msg);
    std::set<std::string> names;
    int child = 0;
    fdt_for_each_subnode(child, fdt, rm)
    {
        auto r = reader.child({ child, nameOf(fdt, child), pathOf(fdt, child) }, names);
        if (!r)
            continue;
        regionOfNode[child] = r->name;
        pf.regions.push_back(std::move(*r));
    }
    return regionOfNode;
}

/// memory-region users -> devices, their phandles resolved through @p regionOfNode.
void readDevices(const void* fdt, const std::map<int, std::string>& regionOfNode, Platform& pf, Messages& msg)
{
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
}

} // namespace

ImportResult importDeviceTreeBlob(std::string_view bytes, const ImportOptions& options)
{
    ImportResult result;
    result.source = sourceName(options);
    Messages msg(result);

    std::vector<std::uint64_t> storage;
    const void* fdt = checkedBlob(bytes, storage, msg);
    if (!fdt)
        return result;
    const auto cells = rootCells(fdt, msg);
    if (!cells)
        return result;

    Platform pf = startPlatform(options);
    pf.banks.clear();
    pf.devices.clear();
    pf.mapMode = MapMode::Modern;
    if (const std::string model = propString(fdt, 0, "model"); !model.empty())
        pf.name = model;
    else if (pf.name.empty())
        pf.name = result.source;

    const auto labelOf = readLabels(fdt);
    readBanks(fdt, *cells, labelOf, pf, msg);
    useGivenMemory(options, pf, result, msg);
    readMemreserve(fdt, pf);
    const auto regionOfNode = readReservedMemory(fdt, *cells, labelOf, pf, msg);
    readDevices(fdt, regionOfNode, pf, msg);
    finish(result, std::move(pf));
    return result;
}

} // namespace cmascope
