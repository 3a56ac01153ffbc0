// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/project.h>
#include <cmascope/util/memparse.h>
#include <cmascope/util/units.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace cmascope {

using nlohmann::json;

std::string LoadMessage::toString() const
{
    std::string s = severity == Severity::Warning ? "warning: " : "";
    if (!path.empty())
        s += path + ": ";
    return s + message;
}

std::string ProjectLoadResult::errorText() const
{
    std::string out;
    for (const auto& m : messages)
        out += m.toString() + '\n';
    return out;
}

namespace {

/// A size or address as text: the kernel's memparse() ("64M", "0x40000000", "4096", "1G"), which must
/// consume the whole text. A trailing "iB" after the suffix ("64MiB") is accepted for readability.
std::optional<std::uint64_t> parseSizeText(std::string_view text)
{
    const auto r = memparse(text);
    if (!r.ok())
        return std::nullopt;
    std::string_view rest = text.substr(r.end);
    if (rest == "iB" && r.end > 0 && std::string_view("KMGTPEkmgtpe").find(text[r.end - 1]) != std::string_view::npos)
        rest = {};
    if (!rest.empty())
        return std::nullopt;
    return r.value;
}

/// Reads one JSON object field by field, reporting wrong types, bad values and unknown keys.
class Reader
{
public:
    explicit Reader(std::vector<LoadMessage>& messages)
        : m_messages(messages)
    { }

    void error(const std::string& path, std::string msg)
    {
        m_messages.push_back({ LoadMessage::Severity::Error, path, std::move(msg) });
    }
    void warning(const std::string& path, std::string msg)
    {
        m_messages.push_back({ LoadMessage::Severity::Warning, path, std::move(msg) });
    }

    /// Warns about keys of @p obj not in @p known.
    void checkKeys(const json& obj, const std::string& path, std::initializer_list<const char*> known)
    {
        for (const auto& item : obj.items()) {
            // Not a structured binding: a lambda capturing one needs Clang 16, and the fuzzers build with Clang.
            const std::string& key = item.key();
            if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
                warning(join(path, key), "unknown key, ignored");
        }
    }

    static std::string join(const std::string& path, std::string_view key)
    {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    }
    static std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

    bool isObject(const json& v, const std::string& path)
    {
        if (v.is_object())
            return true;
        error(path, "must be an object");
        return false;
    }

    template <typename F> void array(const json& obj, const std::string& path, const char* key, F&& each)
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            return;
        const auto p = join(path, key);
        if (!it->is_array()) {
            error(p, "must be an array");
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i)
            each((*it)[i], index(p, i));
    }

    void string(const json& obj, const std::string& path, const char* key, std::string& out, bool required = false)
    {
        const auto it = obj.find(key);
        if (it == obj.end()) {
            if (required)
                error(join(path, key), "is required");
            return;
        }
        if (!it->is_string()) {
            error(join(path, key), "must be a string");
            return;
        }
        out = it->get<std::string>();
        if (required && out.empty())
            error(join(path, key), "must not be empty");
    }

    void boolean(const json& obj, const std::string& path, const char* key, bool& out)
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            return;
        if (!it->is_boolean()) {
            error(join(path, key), "must be true or false");
            return;
        }
        out = it->get<bool>();
    }

    template <typename Int>
    void integer(const json& obj, const std::string& path, const char* key, Int& out, long long min, long long max)
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            return;
        if (!it->is_number_integer()) {
            error(join(path, key), "must be an integer");
            return;
        }
        const auto v = it->get<long long>();
        if (v < min || v > max) {
            error(join(path, key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
            return;
        }
        out = static_cast<Int>(v);
    }

    /// A size or address: a non-negative integer or a string such as "64M" or "0x40000000".
    bool size(const json& obj, const std::string& path, const char* key, std::uint64_t& out, bool required = false)
    {
        const auto it = obj.find(key);
        const auto p = join(path, key);
        if (it == obj.end()) {
            if (required)
                error(p, "is required");
            return false;
        }
        if (it->is_number_unsigned()) {
            out = it->get<std::uint64_t>();
            return true;
        }
        if (it->is_number_integer()) {
            error(p, "must not be negative");
            return false;
        }
        if (it->is_string()) {
            if (const auto v = parseSizeText(it->get<std::string>())) {
                out = *v;
                return true;
            }
            const std::string text = it->get<std::string>();
            if (memparse(text).overflow)
                error(p, "'" + text + "' does not fit in 64 bits (the largest size is 16 EiB - 1 byte)");
            else
                error(p, "'" + text + "' is not a size (examples: 4096, 0x1000, 64M, 1G)");
            return false;
        }
        error(p, "must be a size: a number or a string such as \"64M\"");
        return false;
    }

private:
    std::vector<LoadMessage>& m_messages;
};

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

void readRegion(Reader& r, const json& v, const std::string& p, Region& reg)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p,
        { "name", "type", "size", "start", "placement", "alignment", "alloc_ranges", "limit", "page_size", "policy",
            "params", "default", "asterisk", "private_to", "numa_node", "fallback_max_contiguous", "label", "dt" });
    r.string(v, p, "name", reg.name, true);
    std::string type = "cma";
    r.string(v, p, "type", type);
    if (type == "cma")
        reg.type = RegionType::Cma;
    else if (type == "carveout")
        reg.type = RegionType::Carveout;
    else
        r.error(Reader::join(p, "type"), "must be \"cma\" or \"carveout\", not \"" + type + "\"");
    r.size(v, p, "size", reg.size, true);
    const bool hasStart = r.size(v, p, "start", reg.start);
    std::string placement = hasStart ? "fixed" : "dynamic";
    r.string(v, p, "placement", placement);
    if (placement == "fixed") {
        reg.placement = Placement::Fixed;
        if (!hasStart && !v.contains("start"))
            r.error(Reader::join(p, "start"), "is required for fixed placement");
    } else if (placement == "dynamic") {
        reg.placement = Placement::Dynamic;
    } else {
        r.error(Reader::join(p, "placement"), "must be \"fixed\" or \"dynamic\", not \"" + placement + "\"");
    }
    if (r.size(v, p, "alignment", reg.alignment) && reg.alignment != 0 && !std::has_single_bit(reg.alignment))
        r.error(Reader::join(p, "alignment"), "must be a power of two, not " + hexText(reg.alignment));
    // {"base", "size"} objects: alloc_ranges and the device tree's further reg entries.
    const auto readRanges = [&r](const json& obj, const std::string& path, const char* key,
                                std::vector<AddressRange>& out) {
        r.array(obj, path, key, [&](const json& rv, const std::string& rp) {
            if (!r.isObject(rv, rp))
                return;
            r.checkKeys(rv, rp, { "base", "size" });
            AddressRange ar;
            r.size(rv, rp, "base", ar.base, true);
            r.size(rv, rp, "size", ar.size, true);
            out.push_back(ar);
        });
    };
    readRanges(v, p, "alloc_ranges", reg.allocRanges);
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
    if (const auto it = v.find("params"); it != v.end()) {
        const auto pp = Reader::join(p, "params");
        if (r.isObject(*it, pp)) {
            r.checkKeys(*it, pp, { "order_per_bit", "max_align_order", "tlsf_sl_log2" });
            r.integer(*it, pp, "order_per_bit", reg.params.orderPerBit, 0, 20);
            if (const auto m = it->find("max_align_order"); m != it->end() && m->is_null()) {
                reg.params.maxAlignOrder.reset();
            } else {
                unsigned cap = reg.params.maxAlignOrder.value_or(8);
                r.integer(*it, pp, "max_align_order", cap, 0, 40);
                reg.params.maxAlignOrder = cap;
            }
            r.integer(*it, pp, "tlsf_sl_log2", reg.params.tlsfSecondLevelLog2, 0, 6);
        }
    }
    r.boolean(v, p, "default", reg.isDefault);
    r.boolean(v, p, "asterisk", reg.asterisk);
    r.string(v, p, "private_to", reg.privateTo);
    r.integer(v, p, "numa_node", reg.numaNode, -1, 1023);
    r.size(v, p, "fallback_max_contiguous", reg.fallbackMaxContiguous);
    r.string(v, p, "label", reg.label);
    if (const auto it = v.find("dt"); it != v.end()) {
        const auto dp = Reader::join(p, "dt");
        if (r.isObject(*it, dp)) {
            r.checkKeys(*it, dp, { "compatible", "no_map", "reusable", "more_reg" });
            r.array(*it, dp, "compatible", [&](const json& cv, const std::string& cp) {
                if (!cv.is_string())
                    r.error(cp, "must be a string");
                else
                    reg.dt.compatible.push_back(cv.get<std::string>());
            });
            for (const auto& [key, flag] :
                { std::pair { "no_map", &reg.dt.noMap }, { "reusable", &reg.dt.reusable } }) {
                if (it->contains(key)) {
                    bool b = false;
                    r.boolean(*it, dp, key, b);
                    *flag = b;
                }
            }
            readRanges(*it, dp, "more_reg", reg.dt.moreReg);
        }
    }
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
            if (s.is_string() && !s.get<std::string>().empty())
                out.push_back(s.get<std::string>());
            else
                r.error(sp, "must be a non-empty string");
        });
    };
    strings("patterns", rule.patterns);
    strings("regions", rule.regions);
}

void readPlatform(Reader& r, const json& v, const std::string& p, Platform& pf)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p,
        { "name", "description", "page_size", "pageblock_order", "cma_alignment_order", "map_mode", "banks", "regions",
            "devices", "kinds", "rules" });
    r.string(v, p, "name", pf.name);
    r.string(v, p, "description", pf.description);
    r.integer(v, p, "page_size", pf.pageSize, 4096, 65536);
    r.integer(v, p, "pageblock_order", pf.pageblockOrder, 0, 20);
    r.integer(v, p, "cma_alignment_order", pf.cmaAlignmentOrder, 2, 12);
    std::string mode = pf.mapMode == MapMode::Modern ? "modern" : "2010";
    r.string(v, p, "map_mode", mode);
    if (mode == "2010")
        pf.mapMode = MapMode::Map2010;
    else if (mode == "modern")
        pf.mapMode = MapMode::Modern;
    else
        r.error(Reader::join(p, "map_mode"), "must be \"2010\" or \"modern\", not \"" + mode + "\"");
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

void readScenario(Reader& r, const json& v, const std::string& p, const Platform& pf, Scenario& sc)
{
    if (!r.isObject(v, p))
        return;
    r.checkKeys(v, p, { "name", "description", "steps", "times_ns" });
    r.string(v, p, "name", sc.name, true);
    r.string(v, p, "description", sc.description);
    r.array(v, p, "steps", [&](const json& s, const std::string& sp) {
        if (!r.isObject(s, sp))
            return;
        std::string op;
        r.string(s, sp, "op", op, true);
        if (op == "alloc") {
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
            r.checkKeys(s, sp, { "op", "region", "pages", "align_order", "device", "label" });
            std::string region, device, label;
            std::uint64_t pages = 0;
            unsigned alignOrder = 0;
            r.string(s, sp, "region", region, true);
            r.size(s, sp, "pages", pages, true);
            r.integer(s, sp, "align_order", alignOrder, 0, 63);
            r.string(s, sp, "device", device, true);
            r.string(s, sp, "label", label);
            const auto it = std::find_if(
                pf.regions.begin(), pf.regions.end(), [&](const Region& reg) { return reg.name == region; });
            if (it == pf.regions.end()) {
                if (!region.empty())
                    r.error(Reader::join(sp, "region"), "no region named \"" + region + "\"");
                return;
            }
            sc.refused(static_cast<std::uint16_t>(it - pf.regions.begin()), pages, alignOrder, device, label);
        } else if (op == "pin" || op == "unpin" || op == "place" || op == "release") {
            if (op == "place")
                r.checkKeys(s, sp, { "op", "region", "offset", "pages", "device", "label" });
            else
                r.checkKeys(s, sp, { "op", "region", "offset", "pages" });
            std::string region, device, label;
            if (op == "place") {
                r.string(s, sp, "device", device, true);
                r.string(s, sp, "label", label);
            }
            std::uint64_t offset = 0, pages = 0;
            r.string(s, sp, "region", region, true);
            r.size(s, sp, "offset", offset, true);
            r.size(s, sp, "pages", pages, true);
            const auto it = std::find_if(
                pf.regions.begin(), pf.regions.end(), [&](const Region& reg) { return reg.name == region; });
            if (it == pf.regions.end()) {
                if (!region.empty())
                    r.error(Reader::join(sp, "region"), "no region named \"" + region + "\"");
                return;
            }
            const auto idx = static_cast<std::uint16_t>(it - pf.regions.begin());
            if (op == "pin")
                sc.pin(idx, offset, pages);
            else if (op == "unpin")
                sc.unpin(idx, offset, pages);
            else if (op == "place")
                sc.place(idx, offset, pages, device, label);
            else
                sc.release(idx, offset, pages);
        } else if (op == "reset") {
            r.checkKeys(s, sp, { "op" });
            sc.reset();
        } else if (!op.empty()) {
            r.error(Reader::join(sp, "op"),
                "unknown operation \"" + op
                    + "\" (expected alloc, free, phase, pin, unpin, place, release, refused or reset)");
        }
    });
    if (const auto it = v.find("times_ns"); it != v.end()) {
        const auto tp = Reader::join(p, "times_ns");
        if (!it->is_array() || it->size() != sc.steps.size()) {
            r.error(tp, "must be an array with one time (ns) per step (" + std::to_string(sc.steps.size()) + ")");
        } else {
            for (std::size_t i = 0; i < it->size(); ++i) {
                if (!(*it)[i].is_number_unsigned()) {
                    r.error(Reader::index(tp, i), "must be a non-negative integer (ns)");
                    sc.timesNs.clear();
                    break;
                }
                sc.timesNs.push_back((*it)[i].get<std::uint64_t>());
            }
        }
    }
}

json sizeJson(std::uint64_t v)
{
    return formatSize(v);
}

} // namespace

ProjectLoadResult parseProject(std::string_view jsonText)
{
    ProjectLoadResult result;
    json doc;
    try {
        doc = json::parse(jsonText.begin(), jsonText.end());
    } catch (const json::parse_error& e) {
        result.messages.push_back({ LoadMessage::Severity::Error, "", std::string("not valid JSON: ") + e.what() });
        return result;
    }
    Reader r(result.messages);
    if (!r.isObject(doc, "(document)"))
        return result;
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
    const bool hasError = std::any_of(result.messages.begin(), result.messages.end(),
        [](const LoadMessage& m) { return m.severity == LoadMessage::Severity::Error; });
    if (!hasError)
        result.project = std::move(project);
    return result;
}

ProjectLoadResult loadProjectFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ProjectLoadResult result;
        result.messages.push_back(
            { LoadMessage::Severity::Error, "", path + ": cannot open: " + std::strerror(errno) });
        return result;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    auto result = parseProject(ss.str());
    for (auto& m : result.messages)
        m.path = m.path.empty() ? path : path + ": " + m.path;
    return result;
}

std::string serializeProject(const Project& project)
{
    const Platform& pf = project.platform;
    json platform = json::object();
    platform["name"] = pf.name;
    if (!pf.description.empty())
        platform["description"] = pf.description;
    platform["page_size"] = pf.pageSize;
    platform["pageblock_order"] = pf.pageblockOrder;
    platform["cma_alignment_order"] = pf.cmaAlignmentOrder;
    platform["map_mode"] = pf.mapMode == MapMode::Modern ? "modern" : "2010";
    json banks = json::array();
    for (const auto& b : pf.banks)
        banks.push_back({ { "name", b.name }, { "base", hexText(b.base) }, { "size", sizeJson(b.size) },
            { "numa_node", b.numaNode } });
    platform["banks"] = banks;
    json regions = json::array();
    const Region defaults;
    for (const auto& reg : pf.regions) {
        json j = { { "name", reg.name }, { "size", sizeJson(reg.size) } };
        if (reg.type == RegionType::Carveout)
            j["type"] = "carveout";
        j["placement"] = reg.placement == Placement::Fixed ? "fixed" : "dynamic";
        if (reg.placement == Placement::Fixed)
            j["start"] = hexText(reg.start);
        if (reg.alignment)
            j["alignment"] = sizeJson(reg.alignment);
        if (!reg.allocRanges.empty()) {
            json ranges = json::array();
            for (const auto& ar : reg.allocRanges)
                ranges.push_back({ { "base", hexText(ar.base) }, { "size", sizeJson(ar.size) } });
            j["alloc_ranges"] = ranges;
        }
        if (reg.limit)
            j["limit"] = hexText(reg.limit);
        if (reg.pageSize != defaults.pageSize)
            j["page_size"] = reg.pageSize;
        j["policy"] = std::string(policyId(reg.policy));
        if (reg.params != defaults.params) {
            json params = { { "order_per_bit", reg.params.orderPerBit },
                { "tlsf_sl_log2", reg.params.tlsfSecondLevelLog2 } };
            params["max_align_order"] = reg.params.maxAlignOrder ? json(*reg.params.maxAlignOrder) : json(nullptr);
            j["params"] = params;
        }
        if (reg.isDefault)
            j["default"] = true;
        if (reg.asterisk)
            j["asterisk"] = true;
        if (!reg.privateTo.empty())
            j["private_to"] = reg.privateTo;
        if (reg.numaNode != -1)
            j["numa_node"] = reg.numaNode;
        if (reg.fallbackMaxContiguous != defaults.fallbackMaxContiguous)
            j["fallback_max_contiguous"] = sizeJson(reg.fallbackMaxContiguous);
        if (!reg.label.empty())
            j["label"] = reg.label;
        if (!reg.dt.empty()) {
            json dt = json::object();
            if (!reg.dt.compatible.empty())
                dt["compatible"] = reg.dt.compatible;
            if (reg.dt.noMap)
                dt["no_map"] = *reg.dt.noMap;
            if (reg.dt.reusable)
                dt["reusable"] = *reg.dt.reusable;
            if (!reg.dt.moreReg.empty()) {
                json more = json::array();
                for (const auto& ar : reg.dt.moreReg)
                    more.push_back({ { "base", hexText(ar.base) }, { "size", sizeJson(ar.size) } });
                dt["more_reg"] = more;
            }
            j["dt"] = dt;
        }
        regions.push_back(std::move(j));
    }
    platform["regions"] = regions;
    json devices = json::array();
    for (const auto& d : pf.devices) {
        json j = { { "name", d.name } };
        if (d.numaNode)
            j["numa_node"] = d.numaNode;
        if (d.dmaBits != 64)
            j["dma_bits"] = d.dmaBits;
        if (!d.memoryRegions.empty())
            j["memory_region"] = d.memoryRegions;
        if (!d.memoryRegionNames.empty())
            j["memory_region_names"] = d.memoryRegionNames;
        devices.push_back(std::move(j));
    }
    platform["devices"] = devices;
    json kinds = json::array();
    for (const auto& k : pf.kinds) {
        json j = { { "name", k.name } };
        if (!k.description.empty())
            j["description"] = k.description;
        kinds.push_back(std::move(j));
    }
    platform["kinds"] = kinds;
    json rules = json::array();
    for (const auto& rule : pf.rules)
        rules.push_back({ { "patterns", rule.patterns }, { "regions", rule.regions } });
    platform["rules"] = rules;

    json scenarios = json::array();
    for (const auto& sc : project.scenarios) {
        json steps = json::array();
        for (const auto& s : sc.steps) {
            json j = { { "op", s.type == StepType::Allocate ? "alloc" : std::string(stepTypeName(s.type)) } };
            switch (s.type) {
            case StepType::Allocate:
                j["device"] = std::string(sc.symbols.name(s.device));
                if (s.kind)
                    j["kind"] = std::string(sc.symbols.name(s.kind));
                j["size"] = sizeJson(s.size);
                if (s.alignLog2 != kDefaultAlign)
                    j["align"] = sizeJson(std::uint64_t(1) << s.alignLog2);
                if (s.label)
                    j["label"] = std::string(sc.symbols.name(s.label));
                break;
            case StepType::Free:
                j["label"] = std::string(sc.symbols.name(s.label));
                break;
            case StepType::Phase:
                j["text"] = std::string(sc.symbols.name(s.label));
                break;
            case StepType::Place:
                j["device"] = std::string(sc.symbols.name(s.device));
                if (s.label)
                    j["label"] = std::string(sc.symbols.name(s.label));
                [[fallthrough]];
            case StepType::Pin:
            case StepType::Unpin:
            case StepType::Release:
                j["region"] = s.region < pf.regions.size() ? pf.regions[s.region].name : std::string();
                j["offset"] = s.offset;
                j["pages"] = s.size;
                break;
            case StepType::Refused:
                j["region"] = s.region < pf.regions.size() ? pf.regions[s.region].name : std::string();
                j["pages"] = s.size;
                j["align_order"] = s.alignLog2;
                j["device"] = std::string(sc.symbols.name(s.device));
                if (s.label)
                    j["label"] = std::string(sc.symbols.name(s.label));
                break;
            case StepType::Reset:
                break;
            }
            steps.push_back(std::move(j));
        }
        json scj = { { "name", sc.name } };
        if (!sc.description.empty())
            scj["description"] = sc.description;
        scj["steps"] = steps;
        if (!sc.timesNs.empty() && sc.timesNs.size() == sc.steps.size())
            scj["times_ns"] = sc.timesNs;
        scenarios.push_back(std::move(scj));
    }
    json doc = { { "format", kProjectFormat }, { "version", kProjectVersion }, { "platform", platform },
        { "scenarios", scenarios } };
    if (!project.viewJson.empty()) {
        json view = json::parse(project.viewJson, nullptr, false);
        if (view.is_object())
            doc["view"] = std::move(view);
    }
    return doc.dump(2) + "\n";
}

namespace {

/// The process umask, read without changing it (umask(2) can only be read by setting it, which races with
/// other threads creating files): Linux reports it in /proc/self/status since 4.7.
mode_t currentUmask()
{
    if (std::FILE* f = std::fopen("/proc/self/status", "re")) {
        char line[256];
        while (std::fgets(line, sizeof line, f)) {
            unsigned mask = 0;
            if (std::sscanf(line, "Umask: %o", &mask) == 1) {
                std::fclose(f);
                return static_cast<mode_t>(mask);
            }
        }
        std::fclose(f);
    }
    return 022;
}

} // namespace

std::optional<std::string> writeFileAtomically(const std::string& requestedPath, std::string_view data)
{
    // Replace the file a symbolic link points to, not the link; keep an existing file's permission bits,
    // else create it as open(2) would (0666 less the umask).
    std::string path = requestedPath;
    struct stat st
    { };
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        if (char* real = ::realpath(path.c_str(), nullptr)) {
            path = real;
            std::free(real);
        }
    }
    const bool exists = ::stat(path.c_str(), &st) == 0;
    const mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~currentUmask());
    std::string tmp = path + ".XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        return path + ": cannot create a temporary file next to it: " + std::strerror(errno);
    auto fail = [&](const char* what) {
        const std::string err = path + ": " + what + ": " + std::strerror(errno);
        ::close(fd);
        ::unlink(tmp.c_str());
        return err;
    };
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("write failed");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, mode) != 0)
        return fail("cannot set permissions");
    if (::fsync(fd) != 0)
        return fail("fsync failed");
    if (::close(fd) != 0) {
        const std::string err = path + ": close failed: " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return err;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = path + ": cannot replace the file: " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return err;
    }
    return std::nullopt;
}

std::optional<std::string> saveProjectFile(const std::string& path, const Project& project)
{
    return writeFileAtomically(path, serializeProject(project));
}

} // namespace cmascope
