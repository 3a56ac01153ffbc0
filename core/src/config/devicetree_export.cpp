// SPDX-License-Identifier: GPL-2.0-or-later
// Device trees (docs/device-tree.md), export: a DTS with the memory banks, the reserved-memory node and
// memory-region stubs. devicetree_import.cpp reads it back (the blob, with the kernel's decoding rules).
#include "internal.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace cmascope {

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

/// The regions that get a reserved-memory node (a note for each one left out).
std::vector<const Region*> writtenRegions(const Platform& platform, ExportResult& out)
{
    std::vector<const Region*> regions;
    for (const auto& r : platform.regions) {
        if (r.size == 0) {
            out.notes.push_back("region '" + r.name
                + "' has size 0 (no memory reserved): a reserved-memory node cannot say that, left out");
            continue;
        }
        regions.push_back(&r);
    }
    return regions;
}

/// The #address-cells/#size-cells to write: @p cells, or (0) the fewest that hold every value written.
/// 0 with out.error set when @p cells is 1 and a value needs 2.
unsigned chooseCells(
    const Platform& platform, const std::vector<const Region*>& regions, unsigned cells, ExportResult& out)
{
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
    for (const Region* rp : regions) {
        const Region& r = *rp;
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
        return 0;
    }
    return cells;
}

/// Writes the DTS, node by node, into a stream; what a node cannot hold goes to the export's notes.
class DtsWriter
{
public:
    DtsWriter(unsigned cells, ExportResult& out)
        : m_cells(cells)
        , m_cw(cells)
        , m_out(out)
    { }

    void header(const Platform& platform);
    void bank(const Bank& b);
    void reservedMemory(const std::vector<const Region*>& regions);
    void device(const Device& d, const Platform& platform);
    std::string text() { return m_s.str() + "};\n"; }

private:
    void region(const Region& r);
    void typeProperties(const Region& r);
    void dynamicPlacement(const Region& r);
    void note(std::string text) { m_out.notes.push_back(std::move(text)); }

    unsigned m_cells;
    CellWriter m_cw;
    ExportResult& m_out;
    std::ostringstream m_s;
    std::set<std::string> m_labels, m_rootNames { "reserved-memory", "chosen", "aliases", "cpus" }, m_rmNames;
    std::map<std::string, std::string> m_regionLabel; // region name -> label written
};

void DtsWriter::header(const Platform& platform)
{
    m_s << "// SPDX-License-Identifier: GPL-2.0-or-later\n";
    m_s << "/* Written by cmascope from the platform \"" << platform.name << "\": the memory banks, the\n";
    m_s << " * reserved-memory node (Documentation/devicetree/bindings/reserved-memory/ in the kernel) and\n";
    m_s << " * memory-region stubs to merge into the real device nodes. */\n";
    m_s << "/dts-v1/;\n\n/ {\n";
    m_s << "\t#address-cells = <" << m_cells << ">;\n\t#size-cells = <" << m_cells << ">;\n";
    if (!platform.name.empty())
        m_s << "\tmodel = " << dtsString(platform.name) << ";\n";
}

void DtsWriter::bank(const Bank& b)
{
    const std::string node = unique("memory@" + hexNoPrefix(b.base), m_rootNames, '-');
    std::string label;
    if (b.name != node) {
        label = unique(deviceTreeLabel(b.name), m_labels, '_');
        if (label != b.name)
            note("bank '" + b.name + "' is labelled '" + label + "' (labels take only letters, digits and '_')");
    }
    m_s << "\n\t" << (label.empty() ? "" : label + ": ") << node << " {\n";
    m_s << "\t\tdevice_type = \"memory\";\n";
    m_s << "\t\treg = <" << m_cw.pair(b.base, b.size) << ">;\n";
    if (b.numaNode != 0)
        m_s << "\t\tnuma-node-id = <" << b.numaNode << ">;\n";
    m_s << "\t};\n";
}

void DtsWriter::reservedMemory(const std::vector<const Region*>& regions)
{
    m_s << "\n\treserved-memory {\n";
    m_s << "\t\t#address-cells = <" << m_cells << ">;\n\t\t#size-cells = <" << m_cells << ">;\n\t\tranges;\n";
    for (const Region* r : regions)
        region(*r);
    m_s << "\t};\n";
}

void DtsWriter::region(const Region& r)
{
    const std::string wantedLabel = r.label.empty() ? deviceTreeLabel(r.name) : deviceTreeLabel(r.label);
    const std::string label = unique(wantedLabel, m_labels, '_');
    if (!r.label.empty() && label != r.label)
        note("label '" + r.label + "' of region '" + r.name + "' written as '" + label + "'");
    m_regionLabel[r.name] = label;
    std::string base = nodeName(r.name);
    if (base != r.name)
        note("region '" + r.name + "' is written as node '" + base
            + "' (node names take only letters, digits and ,._+-)");
    const std::string node =
        unique(r.placement == Placement::Fixed ? base + "@" + hexNoPrefix(r.start) : base, m_rmNames, '-');
    m_s << "\n\t\t" << label << ": " << node << " {\n";
    typeProperties(r);
    if (r.placement == Placement::Fixed) {
        m_s << "\t\t\treg = <" << m_cw.pair(r.start, r.size);
        for (const AddressRange& more : r.dt.moreReg)
            m_s << " " << m_cw.pair(more.base, more.size);
        m_s << ">;\n";
        if (r.alignment)
            note("the alignment of fixed region '" + r.name + "' is not written (reg is exact)");
    } else {
        dynamicPlacement(r);
    }
    if (r.isDefault)
        m_s << "\t\t\tlinux,cma-default;\n";
    m_s << "\t\t};\n";
    if (r.numaNode >= 0)
        note("NUMA node of region '" + r.name + "' is not held by reserved-memory");
    if (!r.privateTo.empty() || r.asterisk)
        note("2010 attributes of region '" + r.name + "' (private, asterisk) are not held");
}

/// compatible, reusable and no-map: as imported (Region::dt), else from the type. A CMA region is always a
/// reusable shared-dma-pool without no-map, whatever an earlier import said.
void DtsWriter::typeProperties(const Region& r)
{
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
        m_s << "\t\t\tcompatible = ";
        for (std::size_t i = 0; i < compatible.size(); ++i)
            m_s << (i ? ", " : "") << dtsString(compatible[i]);
        m_s << ";\n";
    }
    if (reusable)
        m_s << "\t\t\treusable;\n";
    if (noMap)
        m_s << "\t\t\tno-map;\n";
}

/// size, alignment and alloc-ranges of a dynamic region; its limit becomes (or cuts) the alloc-ranges.
void DtsWriter::dynamicPlacement(const Region& r)
{
    m_s << "\t\t\tsize = <" << m_cw(r.size) << ">;\n";
    if (r.alignment)
        m_s << "\t\t\talignment = <" << m_cw(r.alignment) << ">;\n";
    std::vector<AddressRange> ranges = r.allocRanges;
    if (r.limit) {
        if (ranges.empty()) {
            ranges.push_back({ 0, r.limit });
            note("the limit of '" + r.name + "' is written as alloc-ranges = <0 " + hexText(r.limit) + ">");
        } else {
            for (auto& ar : ranges) {
                if (ar.base >= r.limit)
                    ar.size = 0;
                else if (ar.size > r.limit - ar.base)
                    ar.size = r.limit - ar.base;
            }
            std::erase_if(ranges, [](const AddressRange& ar) { return ar.size == 0; });
            note("the limit of '" + r.name + "' is applied to its alloc-ranges");
        }
    }
    if (!ranges.empty()) {
        m_s << "\t\t\talloc-ranges = <";
        for (std::size_t i = 0; i < ranges.size(); ++i)
            m_s << (i ? " " : "") << m_cw.pair(ranges[i].base, ranges[i].size);
        m_s << ">;\n";
    }
}

/// A stub node with the device's memory-region (and -names), to merge into the real device node.
void DtsWriter::device(const Device& d, const Platform& platform)
{
    if (d.memoryRegions.empty()) {
        if (!platform.rules.empty() || d.numaNode || d.dmaBits != 64)
            note("device '" + d.name + "' has no memory-region: no stub written");
        return;
    }
    std::vector<std::string> refs, names;
    for (std::size_t i = 0; i < d.memoryRegions.size(); ++i) {
        const auto it = m_regionLabel.find(d.memoryRegions[i]);
        if (it == m_regionLabel.end()) {
            note("memory-region '" + d.memoryRegions[i] + "' of device '" + d.name
                + "' is not a written region: left out");
            continue;
        }
        refs.push_back("<&" + it->second + ">");
        if (i < d.memoryRegionNames.size())
            names.push_back(dtsString(d.memoryRegionNames[i]));
    }
    if (refs.empty())
        return;
    const std::string node = unique(nodeName(d.name), m_rootNames, '-');
    if (node != d.name)
        note("device '" + d.name + "' is written as node '" + node + "'");
    m_s << "\n\t" << node << " {\n\t\tmemory-region = ";
    for (std::size_t i = 0; i < refs.size(); ++i)
        m_s << (i ? ", " : "") << refs[i];
    m_s << ";\n";
    if (!names.empty() && names.size() == refs.size()) {
        m_s << "\t\tmemory-region-names = ";
        for (std::size_t i = 0; i < names.size(); ++i)
            m_s << (i ? ", " : "") << names[i];
        m_s << ";\n";
    }
    if (d.numaNode != 0)
        m_s << "\t\tnuma-node-id = <" << d.numaNode << ">;\n";
    m_s << "\t};\n";
    if (d.dmaBits != 64)
        note("the " + std::to_string(d.dmaBits) + "-bit DMA limit of '" + d.name
            + "' is not written (it comes from the bus dma-ranges)");
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

ExportResult exportDeviceTree(const Platform& placed, unsigned cells)
{
    const Platform platform = configio::declaredOf(placed);
    ExportResult out;
    if (cells > 2) {
        out.error = "#address-cells/#size-cells must be 1 or 2, not " + std::to_string(cells);
        return out;
    }
    const std::vector<const Region*> regions = writtenRegions(platform, out);
    cells = chooseCells(platform, regions, cells, out);
    if (!out.ok())
        return out;

    DtsWriter dts(cells, out);
    dts.header(platform);
    for (const auto& b : platform.banks)
        dts.bank(b);
    dts.reservedMemory(regions);
    for (const auto& d : platform.devices)
        dts.device(d, platform);
    if (!platform.rules.empty())
        out.notes.push_back("the 2010 map rules are not held by a device tree (devices use memory-region)");
    out.text = dts.text();
    return out;
}

} // namespace cmascope
