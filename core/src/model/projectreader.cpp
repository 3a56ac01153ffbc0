// SPDX-License-Identifier: GPL-2.0-or-later
// Reading a project file (docs/project-format.md): the JSON document into a Project, with a message for every
// problem.
#include "jsonfields.h"
#include "lessonjson.h"

#include <cmascope/model/maplang.h>
#include <cmascope/model/project.h>
#include <cmascope/util/units.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cmascope {

using projectjson::json;
using projectjson::Reader;

namespace {

void readBank(Reader& r, const json& v, const std::string& p, Bank& b)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "name", "base", "size", "numa_node" });
    r.string(v, p, "name", b.name, true);
    r.size(v, p, "base", b.base, true);
    if (r.size(v, p, "size", b.size, true) && b.size == 0)
        r.error(Reader::join(p, "size"), "must be greater than zero");
    r.integer(v, p, "numa_node", b.numaNode, 0, 1023);
}

/// {"base", "size"} objects: alloc_ranges and the device tree's further reg entries.
void readRanges(Reader& r, const json& obj, const std::string& path, const char* key, std::vector<AddressRange>& out)
{
    r.array(obj, path, key, [&](const json& rv, const std::string& rp) {
        if (!r.isObject(rv, rp))
            return;
        r.checkKeys(rv, rp, { "base", "size" });
        AddressRange ar;
        r.size(rv, rp, "base", ar.base, true);
        r.size(rv, rp, "size", ar.size, true);
        out.push_back(ar);
    });
}

/// A region's type, size, address, placement and alignment.
void readRegionGeometry(Reader& r, const json& v, const std::string& p, Region& reg)
{
    r.oneOf(v, p, "type", reg.type, { { "cma", RegionType::Cma }, { "carveout", RegionType::Carveout } });
    r.size(v, p, "size", reg.size, true);
    const bool hasStart = r.size(v, p, "start", reg.start);
    reg.placement = hasStart ? Placement::Fixed : Placement::Dynamic;
    r.oneOf(v, p, "placement", reg.placement, { { "fixed", Placement::Fixed }, { "dynamic", Placement::Dynamic } });
    if (reg.placement == Placement::Fixed && !hasStart && !v.contains("start"))
        r.error(Reader::join(p, "start"), "is required for fixed placement");
    if (r.size(v, p, "alignment", reg.alignment) && reg.alignment != 0 && !std::has_single_bit(reg.alignment))
        r.error(Reader::join(p, "alignment"), "must be a power of two, not " + hexText(reg.alignment));
}

/// A region's "params" object @p o (at @p pp): the policy's tuning.
void readRegionParams(Reader& r, const json& o, const std::string& pp, Region& reg)
{
    r.checkKeys(o, pp, { "order_per_bit", "max_align_order", "tlsf_sl_log2" });
    r.integer(o, pp, "order_per_bit", reg.params.orderPerBit, 0, 20);
    if (const auto m = o.find("max_align_order"); m != o.end() && m->is_null()) {
        reg.params.maxAlignOrder.reset();
    } else {
        unsigned cap = reg.params.maxAlignOrder.value_or(8);
        r.integer(o, pp, "max_align_order", cap, 0, 40);
        reg.params.maxAlignOrder = cap;
    }
    r.integer(o, pp, "tlsf_sl_log2", reg.params.tlsfSecondLevelLog2, 0, 6);
}

/// A region's "dt" object @p o (at @p dp): what its device tree node says beyond the region itself.
void readRegionDt(Reader& r, const json& o, const std::string& dp, Region& reg)
{
    r.checkKeys(o, dp, { "compatible", "no_map", "reusable", "more_reg" });
    r.array(o, dp, "compatible", [&](const json& cv, const std::string& cp) {
        if (!cv.is_string())
            r.error(cp, "must be a string");
        else
            reg.dt.compatible.push_back(cv.get<std::string>());
    });
    for (const auto& [key, flag] : { std::pair { "no_map", &reg.dt.noMap }, { "reusable", &reg.dt.reusable } }) {
        if (o.contains(key)) {
            bool b = false;
            r.boolean(o, dp, key, b);
            *flag = b;
        }
    }
    readRanges(r, o, dp, "more_reg", reg.dt.moreReg);
}

void readRegion(Reader& r, const json& v, const std::string& p, Region& reg)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p,
        { "name", "type", "size", "start", "placement", "alignment", "alloc_ranges", "limit", "page_size", "policy",
            "params", "default", "asterisk", "private_to", "private_handle", "numa_node", "max_ranges",
            "fallback_max_contiguous", "label", "dt", "missing_allocator", "memory_type", "drivers" });
    r.string(v, p, "name", reg.name, true);
    readRegionGeometry(r, v, p, reg);
    readRanges(r, v, p, "alloc_ranges", reg.allocRanges);
    r.size(v, p, "limit", reg.limit);
    r.integer(v, p, "page_size", reg.pageSize, 4096, 65536);
    if (v.contains("page_size") && reg.pageSize != 4096 && reg.pageSize != 16384 && reg.pageSize != 65536)
        r.error(Reader::join(p, "page_size"), "must be 4096, 16384 or 65536");
    std::string policy = std::string(policyId(reg.policy));
    r.string(v, p, "policy", policy);
    if (const auto k = policyFromId(policy))
        reg.policy = *k;
    else
        r.error(Reader::join(p, "policy"), "unknown policy \"" + policy + "\"");
    r.object(v, p, "params", [&](const json& o, const std::string& op) { readRegionParams(r, o, op, reg); });
    r.boolean(v, p, "default", reg.isDefault);
    r.boolean(v, p, "asterisk", reg.asterisk);
    r.string(v, p, "private_to", reg.privateTo);
    r.string(v, p, "missing_allocator", reg.missingAllocator);
    r.boolean(v, p, "private_handle", reg.privateHandle);
    r.integer(v, p, "numa_node", reg.numaNode, -1, 1023);
    r.integer(v, p, "max_ranges", reg.maxRanges, 1u, kCmaMaxRanges);
    r.size(v, p, "fallback_max_contiguous", reg.fallbackMaxContiguous);
    r.string(v, p, "label", reg.label);
    r.string(v, p, "memory_type", reg.memoryType);
    r.array(v, p, "drivers", [&](const json& s, const std::string& sp) {
        if (s.is_string() && !s.get<std::string>().empty())
            reg.drivers.push_back(s.get<std::string>());
        else
            r.error(sp, "must be a non-empty driver name");
    });
    r.object(v, p, "dt", [&](const json& o, const std::string& op) { readRegionDt(r, o, op, reg); });
}

void readDevice(Reader& r, const json& v, const std::string& p, Device& d)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "name", "numa_node", "dma_bits", "memory_region", "memory_region_names" });
    r.string(v, p, "name", d.name, true);
    r.integer(v, p, "numa_node", d.numaNode, 0, 1023);
    r.integer(v, p, "dma_bits", d.dmaBits, 12, 64);
    r.array(v, p, "memory_region", [&](const json& s, const std::string& sp) {
        if (s.is_string())
            d.memoryRegions.push_back(s.get<std::string>());
        else
            r.error(sp, "must be a region name");
    });
    r.array(v, p, "memory_region_names", [&](const json& s, const std::string& sp) {
        if (s.is_string())
            d.memoryRegionNames.push_back(s.get<std::string>());
        else
            r.error(sp, "must be a string");
    });
}

void readRule(Reader& r, const json& v, const std::string& p, MapRule& rule)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "patterns", "regions" });
    auto strings = [&](const char* key, std::vector<std::string>& out) {
        if (!v.contains(key))
            r.error(Reader::join(p, key), "is required");
        r.array(v, p, key, [&](const json& s, const std::string& sp) {
            if (s.is_string())
                out.push_back(s.get<std::string>());
            else
                r.error(sp, "must be a string");
        });
    };
    // The kernel keeps empty patterns ("a,,b=r"), empty region names ("foo=a,,b") and rules without a region
    // ("foo="), so a project can hold them (docs/cma2010.md#parsing-as-the-kernel-did).
    strings("patterns", rule.patterns);
    strings("regions", rule.regions);
    if (v.contains("patterns") && rule.patterns.empty())
        r.error(Reader::join(p, "patterns"), "needs at least one pattern");
}

void readPlatform(Reader& r, const json& v, const std::string& p, Platform& pf)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p,
        { "name", "description", "page_size", "pageblock_order", "cma_alignment_order", "map_mode", "map_dialect",
            "banks", "regions", "devices", "kinds", "rules" });
    r.string(v, p, "name", pf.name);
    r.string(v, p, "description", pf.description);
    r.integer(v, p, "page_size", pf.pageSize, 4096, 65536);
    r.integer(v, p, "pageblock_order", pf.pageblockOrder, 0, 20);
    r.integer(v, p, "cma_alignment_order", pf.cmaAlignmentOrder, 2, 12);
    r.oneOf(v, p, "map_mode", pf.mapMode,
        { { "2010", MapMode::Map2010 }, { "modern", MapMode::Modern }, { "verkuil", MapMode::Verkuil } });
    if (v.contains("map_dialect")) { // absent: cmascope's historical rules (docs/cma2010.md#dialects)
        MapDialect d = MapDialect::V1;
        r.oneOf(v, p, "map_dialect", d,
            { { "v1", MapDialect::V1 }, { "v3", MapDialect::V3 }, { "v4", MapDialect::V4 }, { "v6", MapDialect::V6 } });
        pf.mapDialect = d;
    }
    r.array(v, p, "banks", [&](const json& e, const std::string& ep) { readBank(r, e, ep, pf.banks.emplace_back()); });
    r.array(v, p, "regions",
        [&](const json& e, const std::string& ep) { readRegion(r, e, ep, pf.regions.emplace_back()); });
    r.array(v, p, "devices",
        [&](const json& e, const std::string& ep) { readDevice(r, e, ep, pf.devices.emplace_back()); });
    r.array(v, p, "kinds", [&](const json& e, const std::string& ep) {
        Kind& k = pf.kinds.emplace_back();
        if (!r.isObject(e, ep))
            return;
        r.checkKeys(e, ep, { "name", "description" });
        r.string(e, ep, "name", k.name, true);
        r.string(e, ep, "description", k.description);
    });
    r.array(v, p, "rules", [&](const json& e, const std::string& ep) { readRule(r, e, ep, pf.rules.emplace_back()); });
}

/// The index of the region a step names; reports an unknown name (an empty one is reported as required).
std::optional<std::uint16_t> stepRegion(Reader& r, const Platform& pf, const std::string& region, const std::string& sp)
{
    const auto it =
        std::find_if(pf.regions.begin(), pf.regions.end(), [&](const Region& reg) { return reg.name == region; });
    if (it == pf.regions.end()) {
        if (!region.empty())
            r.error(Reader::join(sp, "region"), "no region named \"" + region + "\"");
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(it - pf.regions.begin());
}

void readAllocStep(Reader& r, const json& s, const std::string& sp, Scenario& sc)
{
    r.checkKeys(s, sp, { "op", "device", "kind", "size", "align", "label" });
    std::string device, kind, label;
    std::uint64_t size = 0, align = 0;
    r.string(s, sp, "device", device, true);
    r.string(s, sp, "kind", kind);
    r.string(s, sp, "label", label);
    if (r.size(s, sp, "size", size, true) && size == 0)
        r.error(Reader::join(sp, "size"), "must be greater than zero");
    if (r.size(s, sp, "align", align) && align != 0 && !std::has_single_bit(align)) {
        r.error(Reader::join(sp, "align"), "must be a power of two, not " + hexText(align));
        align = 0;
    }
    sc.allocate(device, kind, size, label, align);
}

/// cma_alloc_from_region(): size 0 and any alignment are kept, the run refuses them as the kernel did (-EINVAL).
void readAllocFromRegionStep(Reader& r, const json& s, const std::string& sp, const Platform& pf, Scenario& sc)
{
    r.checkKeys(s, sp, { "op", "region", "device", "size", "align", "label" });
    std::string region, device, label;
    std::uint64_t size = 0, align = 0;
    r.string(s, sp, "region", region, true);
    r.string(s, sp, "device", device, true);
    r.size(s, sp, "size", size, true);
    r.size(s, sp, "align", align);
    r.string(s, sp, "label", label);
    if (const auto idx = stepRegion(r, pf, region, sp))
        sc.allocateFromRegion(*idx, device, size, label, align);
}

/// A request the kernel refused, recorded from a trace.
void readRefusedStep(Reader& r, const json& s, const std::string& sp, const Platform& pf, Scenario& sc)
{
    r.checkKeys(s, sp, { "op", "region", "pages", "align_order", "device", "label" });
    std::string region, device, label;
    std::uint64_t pages = 0;
    unsigned alignOrder = 0;
    r.string(s, sp, "region", region, true);
    r.size(s, sp, "pages", pages, true);
    r.integer(s, sp, "align_order", alignOrder, 0, 63);
    r.string(s, sp, "device", device, true);
    r.string(s, sp, "label", label);
    if (const auto idx = stepRegion(r, pf, region, sp))
        sc.refused(*idx, pages, alignOrder, device, label);
}

/// pin, unpin, place and release: a page range of a named region.
void readRangeStep(
    Reader& r, const json& s, const std::string& sp, const std::string& op, const Platform& pf, Scenario& sc)
{
    if (op == "place")
        r.checkKeys(s, sp, { "op", "region", "offset", "pages", "device", "label" });
    else if (op == "release")
        r.checkKeys(s, sp, { "op", "region", "offset", "pages", "device" });
    else
        r.checkKeys(s, sp, { "op", "region", "offset", "pages" });
    std::string region, device, label;
    if (op == "place") {
        r.string(s, sp, "device", device, true);
        r.string(s, sp, "label", label);
    } else if (op == "release") {
        r.string(s, sp, "device", device); // who released (a trace's task), optional
    }
    std::uint64_t offset = 0, pages = 0;
    r.string(s, sp, "region", region, true);
    r.size(s, sp, "offset", offset, true);
    r.size(s, sp, "pages", pages, true);
    const auto idx = stepRegion(r, pf, region, sp);
    if (!idx)
        return;
    if (op == "pin")
        sc.pin(*idx, offset, pages);
    else if (op == "unpin")
        sc.unpin(*idx, offset, pages);
    else if (op == "place")
        sc.place(*idx, offset, pages, device, label);
    else
        sc.release(*idx, offset, pages, device);
}

void readStep(Reader& r, const json& s, const std::string& sp, const Platform& pf, Scenario& sc)
{
    if (!r.isObject(s, sp))
        return;
    std::string op;
    r.string(s, sp, "op", op, true);
    if (op == "alloc") {
        readAllocStep(r, s, sp, sc);
    } else if (op == "free") {
        r.checkKeys(s, sp, { "op", "label" });
        std::string label;
        r.string(s, sp, "label", label, true);
        sc.free(label);
    } else if (op == "phase") {
        r.checkKeys(s, sp, { "op", "text" });
        std::string text;
        r.string(s, sp, "text", text, true);
        sc.phase(text);
    } else if (op == "refused") {
        readRefusedStep(r, s, sp, pf, sc);
    } else if (op == "alloc_from_region") {
        readAllocFromRegionStep(r, s, sp, pf, sc);
    } else if (op == "pin" || op == "unpin" || op == "place" || op == "release") {
        readRangeStep(r, s, sp, op, pf, sc);
    } else if (op == "reset") {
        r.checkKeys(s, sp, { "op" });
        sc.reset();
    } else if (!op.empty()) {
        r.error(Reader::join(sp, "op"),
            "unknown operation \"" + op
                + "\" (expected alloc, alloc_from_region, free, phase, pin, unpin, place, release, refused or reset)");
    }
}

/// "times_ns": one time per step, or none at all.
void readStepTimes(Reader& r, const json& v, const std::string& p, Scenario& sc)
{
    const auto it = v.find("times_ns");
    if (it == v.end())
        return;
    const auto tp = Reader::join(p, "times_ns");
    if (!it->is_array() || it->size() != sc.steps.size()) {
        r.error(tp, "must be an array with one time (ns) per step (" + std::to_string(sc.steps.size()) + ")");
        return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_number_unsigned()) {
            r.error(Reader::index(tp, i), "must be a non-negative integer (ns)");
            sc.timesNs.clear();
            break;
        }
        sc.timesNs.push_back((*it)[i].get<std::uint64_t>());
    }
}

void readScenario(Reader& r, const json& v, const std::string& p, const Platform& pf, Scenario& sc)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "name", "description", "steps", "times_ns", "lesson" });
    r.string(v, p, "name", sc.name, true);
    r.string(v, p, "description", sc.description);
    r.array(v, p, "steps", [&](const json& s, const std::string& sp) { readStep(r, s, sp, pf, sc); });
    readStepTimes(r, v, p, sc);
    r.object(v, p, "lesson",
        [&](const json& o, const std::string& op) { sc.lesson = projectjson::readLesson(r, o, op, sc.steps.size()); });
}

} // namespace

ProjectLoadResult parseProject(std::string_view jsonText)
{
    ProjectLoadResult result;
    const std::optional<json> parsed = projectjson::parseDocument(jsonText, result.messages);
    if (!parsed)
        return result;
    const json& doc = *parsed;
    Reader r(result.messages);
    r.checkKeys(doc, "", { "format", "version", "platform", "scenarios", "view" });
    std::string format;
    r.string(doc, "", "format", format, true);
    if (!format.empty() && format != kProjectFormat)
        r.error("format", "must be \"" + std::string(kProjectFormat) + "\", not \"" + format + "\"");
    int version = 0;
    r.integer(doc, "", "version", version, 0, 1000000);
    if (!doc.contains("version"))
        r.error("version", "is required");
    else if (version > kProjectVersion)
        r.error("version",
            "this file was written by a newer cmascope (format version " + std::to_string(version)
                + "; this build reads up to " + std::to_string(kProjectVersion) + ")");
    Project project;
    if (const auto it = doc.find("platform"); it != doc.end())
        readPlatform(r, *it, "platform", project.platform);
    else
        r.error("platform", "is required");
    r.array(doc, "", "scenarios", [&](const json& e, const std::string& ep) {
        readScenario(r, e, ep, project.platform, project.scenarios.emplace_back());
    });
    if (const auto it = doc.find("view"); it != doc.end()) {
        if (it->is_object())
            project.viewJson = it->dump();
        else
            r.warning("view", "must be an object; ignored");
    }
    if (!projectjson::hasError(result.messages))
        result.project = std::move(project);
    return result;
}

ProjectLoadResult loadProjectFile(const std::string& path)
{
    return projectjson::loadDocumentFile<ProjectLoadResult>(
        path, [](const std::string& text) { return parseProject(text); });
}

} // namespace cmascope
