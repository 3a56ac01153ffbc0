// SPDX-License-Identifier: GPL-2.0-or-later
// Hans Verkuil's memory-type form from the v2 review, "banka=20M; banka/foo,bar=30M"
// (docs/cma-2010.md#hans-verkuils-memory-types).
//
// In cmascope terms a memory *type* is the kind a driver asks for (Hans's v4 refinement: the type is compulsory,
// like GFP flags). `T=size` is the general region of type T (every driver asking for T, except those with their
// own region); `T/d1,d2=size` is a region of type T shared by d1 and d2 only. As a 2010 map that is
// `d1/T,d2/T=<region>` for every per-driver region, then `*/T=<region>` for the general one. Fallback lists,
// wildcards and kind-less rules have no place in the form: exportVerkuil() says which rule breaks it.
#include "internal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <map>
#include <set>

namespace cmascope {

using namespace configio;

namespace {

bool hasWildcard(std::string_view s)
{
    return s.find_first_of("?*") != std::string_view::npos;
}

std::string_view trim(std::string_view s, std::size_t& offset)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
        ++offset;
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool validToken(std::string_view s)
{
    return !s.empty() && s.find_first_of(" \t,;=/?*") == std::string_view::npos;
}

std::string join(const std::vector<std::string>& v, std::string_view sep)
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
}

} // namespace

ExportResult exportVerkuil(const Platform& platform)
{
    ExportResult out;
    if (platform.mapMode != MapMode::Map2010) {
        out.error = "this platform binds devices with memory-region (mainline): Hans Verkuil's form binds drivers to "
                    "memory types through a map, and there is none here";
        return out;
    }
    struct Entry
    {
        std::string type;
        std::vector<std::string> devices;
        const Region* region = nullptr;
    };
    std::vector<Entry> entries;
    std::vector<std::string> reasons;
    std::map<std::string, std::size_t> regionRule;
    std::set<std::string> generalTypes;
    std::map<std::string, std::set<std::string>> perDriver;
    for (std::size_t i = 0; i < platform.rules.size(); ++i) {
        const MapRule& rule = platform.rules[i];
        const std::string where = "rule " + std::to_string(i) + " '" + formatRule(rule) + "': ";
        if (rule.regions.size() != 1) {
            reasons.push_back(where + "an ordered fallback list (" + join(rule.regions, ", then ")
                + "); in Hans Verkuil's form the fallback is the driver's decision, not the configuration's "
                  "(Michał's first objection)");
            continue;
        }
        const std::string& regName = rule.regions.front();
        const Region* region = regName == "*" ? nullptr : platform.findRegion(regName);
        if (regName == "*") {
            reasons.push_back(where + "'*' (the asterisk regions) is a list of regions, not one region of a type");
            continue;
        }
        if (!region) {
            reasons.push_back(where + "names no declared region '" + regName + "'");
            continue;
        }
        if (region->type != RegionType::Cma) {
            reasons.push_back(where + "'" + regName + "' is a carve-out, not a region drivers allocate from");
            continue;
        }
        if (const auto it = regionRule.find(regName); it != regionRule.end()) {
            reasons.push_back(where + "region '" + regName + "' is also reached through rule "
                + std::to_string(it->second) + ": a Verkuil region belongs to one type and one driver list");
            continue;
        }
        Entry e;
        e.region = region;
        bool general = false, ok = true;
        for (const auto& pattern : rule.patterns) {
            const auto slash = pattern.find('/');
            if (slash == std::string::npos) {
                reasons.push_back(
                    where + "pattern '" + pattern + "' names no type: in Hans Verkuil's form every request has a type");
                ok = false;
                break;
            }
            const std::string dev = pattern.substr(0, slash), type = pattern.substr(slash + 1);
            if (dev.empty()) {
                reasons.push_back(where + "pattern '" + pattern + "' reuses the previous device match ('/type')");
                ok = false;
                break;
            }
            if (type.empty() || hasWildcard(type)) {
                reasons.push_back(where + "pattern '" + pattern + "' matches several types ('" + type
                    + "'): a Verkuil region has exactly one type");
                ok = false;
                break;
            }
            if (!e.type.empty() && e.type != type) {
                reasons.push_back(where + "mixes the types '" + e.type + "' and '" + type + "' in one region");
                ok = false;
                break;
            }
            e.type = type;
            if (dev == "*") {
                general = true;
            } else if (hasWildcard(dev)) {
                reasons.push_back(where + "device pattern '" + dev + "' is a wildcard: the form lists drivers by name");
                ok = false;
                break;
            } else {
                e.devices.push_back(dev);
            }
        }
        if (!ok)
            continue;
        if (general && !e.devices.empty()) {
            reasons.push_back(where + "mixes '*' with named drivers");
            continue;
        }
        if (general) {
            if (generalTypes.count(e.type)) {
                reasons.push_back(where + "a second general region of type '" + e.type + "'");
                continue;
            }
            generalTypes.insert(e.type);
        } else {
            for (const auto& d : e.devices) {
                if (generalTypes.count(e.type)) {
                    reasons.push_back(where + "comes after the general rule for type '" + e.type + "', so '" + d
                        + "' never reaches it; in Hans Verkuil's form a driver's own region always wins");
                    ok = false;
                    break;
                }
                if (!perDriver[e.type].insert(d).second) {
                    reasons.push_back(where + "'" + d + "' already has a region of type '" + e.type + "'");
                    ok = false;
                    break;
                }
            }
            if (!ok)
                continue;
        }
        regionRule[regName] = i;
        entries.push_back(std::move(e));
    }
    if (!reasons.empty()) {
        out.error = "this platform cannot be written in Hans Verkuil's memory-type form:";
        for (const auto& r : reasons)
            out.error += "\n  - " + r;
        return out;
    }
    bool placementLost = false;
    for (const auto& r : platform.regions) {
        if (!regionRule.count(r.name))
            out.notes.push_back("region '" + r.name + "' is not reached by any rule: left out");
        else if (r.placement == Placement::Fixed || r.alignment || !r.allocRanges.empty() || r.limit)
            placementLost = true;
    }
    if (placementLost)
        out.notes.push_back("placement, alignment and alloc-ranges are not part of the form: the platform code "
                            "sets them up");
    // Per-driver regions first: the import writes the map that way.
    std::stable_sort(entries.begin(), entries.end(),
        [](const Entry& a, const Entry& b) { return !a.devices.empty() && b.devices.empty(); });
    for (const auto& e : entries) {
        out.text += out.text.empty() ? "" : "; ";
        out.text += e.type;
        if (!e.devices.empty())
            out.text += "/" + join(e.devices, ",");
        out.text += "=" + formatSize(e.region->size);
    }
    out.text += '\n';
    return out;
}

ImportResult importVerkuil(std::string_view text, const ImportOptions& options)
{
    ImportResult result;
    result.source = sourceName(options);
    Messages msg(result);
    Platform pf = startPlatform(options);
    pf.mapMode = MapMode::Map2010;
    if (pf.name.empty())
        pf.name = "Verkuil memory types";

    struct Entry
    {
        std::string type;
        std::vector<std::string> devices;
        std::uint64_t size = 0;
        std::size_t offset = 0;
    };
    std::vector<Entry> entries;
    std::map<std::string, std::size_t> generalAt;
    std::map<std::string, std::map<std::string, std::size_t>> perDriverAt;

    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find_first_of(";\n", pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::size_t off = pos;
        const std::string_view entryText = trim(text.substr(pos, end - pos), off);
        pos = end + 1;
        if (entryText.empty())
            continue;
        const auto where = [&](std::size_t o) { return "column " + std::to_string(o + 1); };
        const auto eq = entryText.find('=');
        if (eq == std::string_view::npos) {
            msg.error(where(off), "", "expecting '=' near " + nearText(entryText, 0));
            continue;
        }
        std::size_t lhsOff = off;
        const std::string_view lhs = trim(entryText.substr(0, eq), lhsOff);
        std::size_t rhsOff = off + eq + 1;
        const std::string_view rhs = trim(entryText.substr(eq + 1), rhsOff);
        Entry e;
        e.offset = off;
        const auto slash = lhs.find('/');
        e.type = std::string(lhs.substr(0, slash));
        if (e.type.empty()) {
            msg.error(where(lhsOff), "", "empty memory type near " + nearText(entryText, 0));
            continue;
        }
        if (!validToken(e.type)) {
            msg.error(where(lhsOff), e.type, "memory type '" + e.type + "' must not contain blanks or any of ,;=/?*");
            continue;
        }
        bool ok = true;
        if (slash != std::string_view::npos) {
            std::string_view list = lhs.substr(slash + 1);
            std::size_t listOff = lhsOff + slash + 1;
            while (true) {
                const auto comma = list.find(',');
                std::size_t devOff = listOff;
                const std::string_view dev = trim(list.substr(0, comma), devOff);
                if (!validToken(dev)) {
                    msg.error(where(devOff), e.type,
                        dev.empty()
                            ? "empty driver name near " + nearText(text, devOff)
                            : "driver name '" + std::string(dev) + "' must not contain blanks or any of ,;=/?*");
                    ok = false;
                    break;
                }
                e.devices.emplace_back(dev);
                if (comma == std::string_view::npos)
                    break;
                list.remove_prefix(comma + 1);
                listOff += comma + 1;
            }
        }
        if (!ok)
            continue;
        const auto r = memparse(rhs, 0);
        std::string_view rest = rhs.substr(std::min(r.end, rhs.size()));
        const bool suffixed =
            r.end > 0 && std::string_view("KMGTPEkmgtpe").find(rhs[r.end - 1]) != std::string_view::npos;
        if (suffixed && (rest == "B" || rest == "iB"))
            rest = {}; // "20MB" as in the thread
        if (!r.ok() || !rest.empty()) {
            msg.error(where(rhsOff), e.type, "invalid size near " + nearText(rhs, 0) + " (examples: 20M, 20MB, 0)");
            continue;
        }
        e.size = r.value;
        if (e.devices.empty()) {
            if (const auto it = generalAt.find(e.type); it != generalAt.end()) {
                msg.error(where(off), e.type,
                    "a second general region of type '" + e.type + "' (the first is at " + where(it->second) + ")");
                continue;
            }
            generalAt[e.type] = off;
        } else {
            for (const auto& d : e.devices) {
                if (const auto it = perDriverAt[e.type].find(d); it != perDriverAt[e.type].end()) {
                    msg.error(where(off), e.type,
                        "'" + d + "' already has a region of type '" + e.type + "' (at " + where(it->second) + ")");
                    ok = false;
                    break;
                }
                perDriverAt[e.type][d] = off;
            }
            if (!ok)
                continue;
        }
        entries.push_back(std::move(e));
    }
    if (entries.empty() && !msg.hasErrors())
        msg.error("", "", "no memory-type entry (type=size or type/driver,...=size) found");
    if (msg.hasErrors())
        return result;

    std::set<std::string> names;
    for (const auto& r : pf.regions)
        names.insert(r.name);
    std::vector<MapRule> specific, general;
    for (const auto& e : entries) {
        Region r;
        std::string name = e.type + (e.devices.empty() ? "" : "_" + join(e.devices, "_"));
        for (int i = 2; names.count(name); ++i)
            name = e.type + (e.devices.empty() ? "" : "_" + join(e.devices, "_")) + "-" + std::to_string(i);
        names.insert(name);
        r.name = name;
        r.size = e.size;
        r.policy = PolicyKind::BestFit2010;
        if (const Bank* bank = pf.findBank(e.type))
            r.allocRanges.push_back({ bank->base, bank->size }); // a hardware type: the bank of that name
        pf.regions.push_back(r);
        MapRule rule;
        rule.regions = { name };
        if (e.devices.empty()) {
            rule.patterns = { "*/" + e.type };
            general.push_back(rule);
        } else {
            for (const auto& d : e.devices)
                rule.patterns.push_back(d + "/" + e.type);
            specific.push_back(rule);
        }
        if (std::none_of(pf.kinds.begin(), pf.kinds.end(), [&](const Kind& k) { return k.name == e.type; }))
            pf.kinds.push_back({ e.type, "memory type (Hans Verkuil's form)" });
        for (const auto& d : e.devices) {
            if (!pf.findDevice(d)) {
                Device dev;
                dev.name = d;
                pf.devices.push_back(dev);
            }
        }
    }
    pf.rules = specific;
    pf.rules.insert(pf.rules.end(), general.begin(), general.end());
    finish(result, std::move(pf));
    return result;
}

} // namespace cmascope
