// SPDX-License-Identifier: GPL-2.0-or-later
// Hans Verkuil's memory-type form from the v2 review, "banka=20M; banka/foo,bar=30M"
// (docs/cma2010.md#hans-verkuils-memory-types).
//
// A memory *type* is the kind a driver asks for (Hans's v4 refinement: the type is compulsory, like GFP flags).
// `T=size` is the general region of type T (every driver asking for T, except those with their own region);
// `T/d1,d2=size` is a region of type T shared by d1 and d2 only. The import gives a MapMode::Verkuil platform
// (Region::memoryType, Region::drivers); toMap2010() (verkuil2010.cpp) translates it to a 2010 map. The export
// writes a Verkuil platform directly and a 2010 platform through its map (`d1/T,d2/T=<region>` for every
// per-driver region, then `*/T=<region>`); fallback lists, wildcards and kind-less rules have no place in the
// form, and the export says which rule breaks it.
#include "internal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/model/verkuilmap.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <map>
#include <set>
#include <variant>

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

// ---- export helpers --------------------------------------------------------------------------------------

/// One entry as exportVerkuil() writes it: `type[/d1,d2]=<size of region>`.
struct TypeEntry
{
    std::string type;
    std::vector<std::string> devices;
    const Region* region = nullptr;
};

/// The rules exportVerkuil() has accepted so far.
struct AcceptedRules
{
    std::vector<TypeEntry> entries;
    std::map<std::string, std::size_t> regionRule; ///< region name -> the rule that reaches it
    std::set<std::string> generalTypes;
    std::map<std::string, std::set<std::string>> perDriver; ///< type -> drivers with a region of that type
};

/// The one CMA region a rule names, or why the form cannot hold the rule.
std::variant<const Region*, std::string> ruleRegion(
    const MapRule& rule, const Platform& platform, const AcceptedRules& accepted)
{
    if (rule.regions.size() != 1)
        return "an ordered fallback list (" + join(rule.regions, ", then ")
            + "); in Hans Verkuil's form the fallback is the driver's decision, not the configuration's "
              "(Michał's first objection)";
    const std::string& regName = rule.regions.front();
    if (regName == "*")
        return std::string("'*' (the asterisk regions) is a list of regions, not one region of a type");
    const Region* region = platform.findRegion(regName);
    if (!region)
        return "names no declared region '" + regName + "'";
    if (region->type != RegionType::Cma)
        return "'" + regName + "' is a carve-out, not a region drivers allocate from";
    if (const auto it = accepted.regionRule.find(regName); it != accepted.regionRule.end())
        return "region '" + regName + "' is also reached through rule " + std::to_string(it->second)
            + ": a Verkuil region belongs to one type and one driver list";
    return region;
}

/// Reads the type and drivers of a rule's `driver/type` patterns into @p e ('*' as the driver sets @p general);
/// nullopt, or why the form cannot hold them.
std::optional<std::string> readPatterns(const MapRule& rule, TypeEntry& e, bool& general)
{
    for (const auto& pattern : rule.patterns) {
        const auto slash = pattern.find('/');
        if (slash == std::string::npos)
            return "pattern '" + pattern + "' names no type: in Hans Verkuil's form every request has a type";
        const std::string dev = pattern.substr(0, slash), type = pattern.substr(slash + 1);
        if (dev.empty())
            return "pattern '" + pattern + "' reuses the previous device match ('/type')";
        if (type.empty() || hasWildcard(type))
            return "pattern '" + pattern + "' matches several types ('" + type
                + "'): a Verkuil region has exactly one type";
        if (!e.type.empty() && e.type != type)
            return "mixes the types '" + e.type + "' and '" + type + "' in one region";
        e.type = type;
        if (dev == "*")
            general = true;
        else if (hasWildcard(dev))
            return "device pattern '" + dev + "' is a wildcard: the form lists drivers by name";
        else
            e.devices.push_back(dev);
    }
    if (general && !e.devices.empty())
        return std::string("mixes '*' with named drivers");
    return std::nullopt;
}

/// Records @p e as the general region of its type, or as its drivers' region of that type; nullopt, or why the
/// form cannot hold it.
std::optional<std::string> claimType(const TypeEntry& e, bool general, AcceptedRules& accepted)
{
    if (general) {
        if (accepted.generalTypes.count(e.type))
            return "a second general region of type '" + e.type + "'";
        accepted.generalTypes.insert(e.type);
        return std::nullopt;
    }
    for (const auto& d : e.devices) {
        if (accepted.generalTypes.count(e.type))
            return "comes after the general rule for type '" + e.type + "', so '" + d
                + "' never reaches it; in Hans Verkuil's form a driver's own region always wins";
        if (!accepted.perDriver[e.type].insert(d).second)
            return "'" + d + "' already has a region of type '" + e.type + "'";
    }
    return std::nullopt;
}

/// One entry per rule; out.error lists every rule the form cannot hold.
AcceptedRules acceptRules(const Platform& platform, ExportResult& out)
{
    AcceptedRules accepted;
    std::vector<std::string> reasons;
    for (std::size_t i = 0; i < platform.rules.size(); ++i) {
        const MapRule& rule = platform.rules[i];
        const std::string where = "rule " + std::to_string(i) + " '" + formatRule(rule) + "': ";
        const auto region = ruleRegion(rule, platform, accepted);
        if (const auto* why = std::get_if<std::string>(&region)) {
            reasons.push_back(where + *why);
            continue;
        }
        TypeEntry e;
        e.region = std::get<const Region*>(region);
        bool general = false;
        auto why = readPatterns(rule, e, general);
        if (!why)
            why = claimType(e, general, accepted);
        if (why) {
            reasons.push_back(where + *why);
            continue;
        }
        accepted.regionRule[rule.regions.front()] = i;
        accepted.entries.push_back(std::move(e));
    }
    if (!reasons.empty()) {
        out.error = "this platform cannot be written in Hans Verkuil's memory-type form:";
        for (const auto& r : reasons)
            out.error += "\n  - " + r;
    }
    return accepted;
}

// ---- import helpers --------------------------------------------------------------------------------------

/// One `type[/drivers]=size` entry as importVerkuil() reads it.
struct ReadEntry
{
    std::string type;
    std::vector<std::string> devices;
    std::uint64_t size = 0;
    std::size_t offset = 0;
};

std::string columnText(std::size_t offset)
{
    return "column " + std::to_string(offset + 1);
}

/// The comma-separated drivers after '/' (@p listOff: where @p list starts in @p text); false after an error.
bool parseDrivers(std::string_view text, std::string_view list, std::size_t listOff, ReadEntry& e, Messages& msg)
{
    while (true) {
        const auto comma = list.find(',');
        std::size_t devOff = listOff;
        const std::string_view dev = trim(list.substr(0, comma), devOff);
        if (!validToken(dev)) {
            msg.error(columnText(devOff), e.type,
                dev.empty() ? "empty driver name near " + nearText(text, devOff)
                            : "driver name '" + std::string(dev) + "' must not contain blanks or any of ,;=/?*");
            return false;
        }
        e.devices.emplace_back(dev);
        if (comma == std::string_view::npos)
            return true;
        list.remove_prefix(comma + 1);
        listOff += comma + 1;
    }
}

/// A size as the thread writes them: memparse, with "B" or "iB" allowed after a suffix ("20MB").
std::optional<std::uint64_t> parseSize(std::string_view rhs, std::size_t rhsOff, const std::string& type, Messages& msg)
{
    const auto r = memparse(rhs, 0);
    std::string_view rest = rhs.substr(std::min(r.end, rhs.size()));
    const bool suffixed = r.end > 0 && std::string_view("KMGTPEkmgtpe").find(rhs[r.end - 1]) != std::string_view::npos;
    if (suffixed && (rest == "B" || rest == "iB"))
        rest = {}; // "20MB" as in the thread
    if (!r.ok() || !rest.empty()) {
        msg.error(columnText(rhsOff), type, "invalid size near " + nearText(rhs, 0) + " (examples: 20M, 20MB, 0)");
        return std::nullopt;
    }
    return r.value;
}

/// The entry @p entryText, found at @p off in @p text; nullopt after an error.
std::optional<ReadEntry> parseEntry(std::string_view text, std::string_view entryText, std::size_t off, Messages& msg)
{
    const auto eq = entryText.find('=');
    if (eq == std::string_view::npos) {
        msg.error(columnText(off), "", "expecting '=' near " + nearText(entryText, 0));
        return std::nullopt;
    }
    std::size_t lhsOff = off;
    const std::string_view lhs = trim(entryText.substr(0, eq), lhsOff);
    std::size_t rhsOff = off + eq + 1;
    const std::string_view rhs = trim(entryText.substr(eq + 1), rhsOff);
    ReadEntry e;
    e.offset = off;
    const auto slash = lhs.find('/');
    e.type = std::string(lhs.substr(0, slash));
    if (e.type.empty()) {
        msg.error(columnText(lhsOff), "", "empty memory type near " + nearText(entryText, 0));
        return std::nullopt;
    }
    if (!validToken(e.type)) {
        msg.error(columnText(lhsOff), e.type, "memory type '" + e.type + "' must not contain blanks or any of ,;=/?*");
        return std::nullopt;
    }
    if (slash != std::string_view::npos && !parseDrivers(text, lhs.substr(slash + 1), lhsOff + slash + 1, e, msg))
        return std::nullopt;
    const auto size = parseSize(rhs, rhsOff, e.type, msg);
    if (!size)
        return std::nullopt;
    if (*size == 0 && !verkuilStandardType(e.type)) {
        msg.error(columnText(rhsOff), e.type,
            "size 0 is for the types dma and common only, which fall back to the system allocator; a bank type "
            "such as '"
                + e.type + "' has no fallback (kmalloc cannot pick a bank)");
        return std::nullopt;
    }
    e.size = *size;
    return e;
}

/// Where each type's general region and each driver's region of a type were given: one of each.
class TypeClaims
{
public:
    /// Records @p e; false (with an error) when its type or one of its drivers already has a region.
    bool claim(const ReadEntry& e, Messages& msg)
    {
        const std::size_t off = e.offset;
        if (e.devices.empty()) {
            if (const auto it = m_generalAt.find(e.type); it != m_generalAt.end()) {
                msg.error(columnText(off), e.type,
                    "a second general region of type '" + e.type + "' (the first is at " + columnText(it->second)
                        + ")");
                return false;
            }
            m_generalAt[e.type] = off;
            return true;
        }
        for (const auto& d : e.devices) {
            if (const auto it = m_perDriverAt[e.type].find(d); it != m_perDriverAt[e.type].end()) {
                msg.error(columnText(off), e.type,
                    "'" + d + "' already has a region of type '" + e.type + "' (at " + columnText(it->second) + ")");
                return false;
            }
            m_perDriverAt[e.type][d] = off;
        }
        return true;
    }

private:
    std::map<std::string, std::size_t> m_generalAt;
    std::map<std::string, std::map<std::string, std::size_t>> m_perDriverAt;
};

/// A region per entry (in the bank named like its type, if any) with its memory type and drivers; the types
/// become kinds, the drivers devices. The dma and common regions fall back to kmalloc up to KMALLOC_MAX_SIZE
/// of the platform's page size (docs/cma2010.md#the-system-allocator-fallback).
void addEntries(const std::vector<ReadEntry>& entries, Platform& pf)
{
    std::set<std::string> names;
    for (const auto& r : pf.regions)
        names.insert(r.name);
    for (const auto& e : entries) {
        Region r;
        std::string name = e.type + (e.devices.empty() ? "" : "_" + join(e.devices, "_"));
        for (int i = 2; names.count(name); ++i)
            name = e.type + (e.devices.empty() ? "" : "_" + join(e.devices, "_")) + "-" + std::to_string(i);
        names.insert(name);
        r.name = name;
        r.size = e.size;
        r.policy = PolicyKind::BestFit2010;
        r.memoryType = e.type;
        r.drivers = e.devices;
        if (verkuilStandardType(e.type))
            r.fallbackMaxContiguous = kmallocMaxSize(pf.pageSize);
        if (const Bank* bank = pf.findBank(e.type))
            r.allocRanges.push_back({ bank->base, bank->size }); // a hardware type: the bank of that name
        pf.regions.push_back(r);
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
}

/// `type[/drivers]=size` for every region of a Verkuil platform, per-driver regions first.
ExportResult exportVerkuilPlatform(const Platform& platform)
{
    ExportResult out;
    std::vector<std::string> reasons, perDriver, general;
    bool placementLost = false;
    for (const auto& r : platform.regions) {
        if (r.type != RegionType::Cma) {
            out.notes.push_back("'" + r.name + "' is a carve-out, not a region drivers allocate from: left out");
            continue;
        }
        if (r.memoryType.empty()) {
            reasons.push_back("region '" + r.name + "' has no memory type");
            continue;
        }
        placementLost = placementLost || r.placement == Placement::Fixed || r.alignment || r.limit;
        std::string entry = r.memoryType + (r.drivers.empty() ? "" : "/" + join(r.drivers, ",")) + "=";
        entry += r.size == 0 ? std::string("0") : formatSize(r.size);
        (r.drivers.empty() ? general : perDriver).push_back(std::move(entry));
    }
    if (!reasons.empty()) {
        out.error = "this platform cannot be written in Hans Verkuil's memory-type form:";
        for (const auto& r : reasons)
            out.error += "\n  - " + r;
        return out;
    }
    if (placementLost)
        out.notes.push_back("placement and alignment are not part of the form: the platform code sets them up");
    perDriver.insert(perDriver.end(), general.begin(), general.end());
    out.text = join(perDriver, "; ") + "\n";
    return out;
}

} // namespace

ExportResult exportVerkuil(const Platform& placed)
{
    const Platform platform = declaredOf(placed);
    ExportResult out;
    if (platform.mapMode == MapMode::Verkuil)
        return exportVerkuilPlatform(platform);
    if (platform.mapMode != MapMode::Map2010) {
        out.error = "this platform binds devices with memory-region (mainline): Hans Verkuil's form binds drivers to "
                    "memory types through a map, and there is none here";
        return out;
    }
    AcceptedRules accepted = acceptRules(platform, out);
    if (!out.ok())
        return out;
    bool placementLost = false;
    for (const auto& r : platform.regions) {
        if (!accepted.regionRule.count(r.name))
            out.notes.push_back("region '" + r.name + "' is not reached by any rule: left out");
        else if (r.placement == Placement::Fixed || r.alignment || !r.allocRanges.empty() || r.limit)
            placementLost = true;
    }
    if (placementLost)
        out.notes.push_back("placement, alignment and alloc-ranges are not part of the form: the platform code "
                            "sets them up");
    // Per-driver regions first: the import writes the map that way.
    auto& entries = accepted.entries;
    std::stable_sort(entries.begin(), entries.end(),
        [](const TypeEntry& a, const TypeEntry& b) { return !a.devices.empty() && b.devices.empty(); });
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
    Messages msg(result);
    Platform pf = beginImport(result, options, MapMode::Verkuil, "Verkuil memory types");
    pf.mapDialect.reset(); // a 2010 base's dialect means nothing here

    std::vector<ReadEntry> entries;
    TypeClaims claims;
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
        auto e = parseEntry(text, entryText, off, msg);
        if (e && claims.claim(*e, msg))
            entries.push_back(std::move(*e));
    }
    if (entries.empty() && !msg.hasErrors())
        msg.error("", "", "no memory-type entry (type=size or type/driver,...=size) found");
    if (msg.hasErrors())
        return result;
    addEntries(entries, pf);
    finish(result, std::move(pf));
    return result;
}

} // namespace cmascope
