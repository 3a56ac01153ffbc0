// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 CMA language written out (docs/cma2010.md): `cma=` regions with `cma_map=` (v1) or `cma.map=` (v3/v4),
// the v3/v4 board code (struct cma_region array + map for cma_set_defaults()) and the v6 board code (CMA_REGION()).
#include "internal.h"
#include "lang2010limits.h"

#include <cmascope/model/maplang.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <sstream>

namespace cmascope {

using namespace configio;

namespace {

bool nameBreaksParser(std::string_view name)
{
    return name.empty()
        || std::any_of(name.begin(), name.end(), [](char c) { return c == '=' || c == ';' || c == '"' || c <= ' '; });
}

/// "32 << 20", "128 << 10", "4096": the style of the v3/v4 board code
/// (docs/cma2010.md#asterisk-regions-and-board-code).
std::string cSize(std::uint64_t v)
{
    if (v != 0 && v % MiB == 0)
        return std::to_string(v / MiB) + " << 20";
    if (v != 0 && v % KiB == 0)
        return std::to_string(v / KiB) + " << 10";
    return std::to_string(v);
}

std::string cString(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

bool isCatchAll(const MapRule& rule)
{
    return std::any_of(
        rule.patterns.begin(), rule.patterns.end(), [](const std::string& p) { return p == "*" || p == "*/*"; });
}

// ---- export helpers --------------------------------------------------------------------------------------

/// The regions @p form can write (a note for each one left out or changed); out.error when a name cannot be
/// written or there are more than the parser takes.
std::vector<const Region*> regions2010(const Platform& platform, Lang2010Form form, ExportResult& out)
{
    std::vector<const Region*> regions;
    for (const auto& r : platform.regions) {
        if (r.type != RegionType::Cma) {
            out.notes.push_back("carve-out '" + r.name + "' left out: every 2010 region is an allocatable region");
            continue;
        }
        if (r.privateHandle) { // docs/cma2010.md#private-regions
            out.notes.push_back("private region '" + r.name
                + "' left out: its driver registers it with cma_region_register() and no name, no cma= can");
            continue;
        }
        if (r.size == 0) {
            out.notes.push_back(
                "region '" + r.name + "' has size 0, which the 2010 parser rejects (\"invalid size\"): left out");
            continue;
        }
        if (nameBreaksParser(r.name) || (form == Lang2010Form::V3 && r.name.front() == '-')) {
            out.error = "region name '" + r.name + "' cannot be written: the 2010 parser splits at '=', ';' and blanks"
                + std::string(form == Lang2010Form::V3 ? " and reads a leading '-' as 'not asterisk'" : "");
            return regions;
        }
        regions.push_back(&r);
        if (r.placement == Placement::Fixed && r.start == 0)
            out.notes.push_back(
                "region '" + r.name + "' is fixed at 0: in 2010 start 0 means 'anywhere', written without @");
        if (r.placement == Placement::Dynamic && (!r.allocRanges.empty() || r.limit))
            out.notes.push_back(
                "the alloc-ranges/limit of '" + r.name + "' are not held: a 2010 region without start goes anywhere");
        if (!r.privateTo.empty())
            out.notes.push_back("'" + r.name + "' is private to '" + r.privateTo
                + "': private regions are registered by platform code through a pointer, here it is a named region");
        if (r.isDefault || r.numaNode >= 0)
            out.notes.push_back("mainline attributes of '" + r.name + "' (default area, NUMA node) are not held");
    }
    if (form != Lang2010Form::PlatformCode && regions.size() > maxRegions(form)) {
        out.error = std::to_string(regions.size()) + " regions: the " + std::string(lang2010FormId(form))
            + " parser takes at most " + std::to_string(maxRegions(form)) + " (\"param: too many "
            + (form == Lang2010Form::V1 ? "regions" : "early regions") + "\")";
    }
    return regions;
}

/// The map rules as @p form writes them. '*' region lists exist only in v2/v3 (and the board code, v3 style):
/// v1 and v4 get them expanded to the asterisk regions @p stars, and the implicit asterisk rule written out.
/// out.error when a pattern cannot be written on a command line.
std::vector<MapRule> rules2010(
    const Platform& platform, Lang2010Form form, const std::vector<std::string>& stars, ExportResult& out)
{
    std::vector<MapRule> rules = platform.rules;
    const bool v6Code = form == Lang2010Form::PlatformCode && platform.mapDialect == MapDialect::V6;
    if (v6Code || (form != Lang2010Form::PlatformCode && form != Lang2010Form::V3)) {
        for (auto& rule : rules) {
            std::vector<std::string> expanded;
            for (const auto& name : rule.regions) {
                if (name == "*")
                    expanded.insert(expanded.end(), stars.begin(), stars.end());
                else
                    expanded.push_back(name);
            }
            if (expanded != rule.regions)
                out.notes.push_back("'*' in rule '" + formatRule(rule) + "' written as the asterisk regions ("
                    + std::to_string(stars.size()) + "): " + (v6Code ? "v6" : std::string(lang2010FormId(form)))
                    + " has no '*'");
            rule.regions = expanded;
        }
        std::erase_if(rules, [](const MapRule& r) { return r.regions.empty(); });
        if (!stars.empty() && (rules.empty() || !isCatchAll(rules.back()))) {
            MapRule all;
            all.patterns = { form == Lang2010Form::V1 ? "*/*" : "*" }; // v4/v6: '*' takes every type
            all.regions = stars;
            rules.push_back(all);
            out.notes.push_back("the implicit asterisk rule is written out as '" + formatRule(all) + "'");
        }
    }
    for (const auto& rule : rules) {
        for (const auto& p : rule.patterns) {
            if (std::any_of(p.begin(), p.end(), [](char c) { return c <= ' ' || c == '"' || c == ';' || c == '='; })) {
                out.error =
                    "pattern '" + p + "' of rule '" + formatRule(rule) + "' cannot be written on a command line";
                return rules;
            }
        }
    }
    return rules;
}

std::string allocName(const Region& r)
{
    return r.missingAllocator.empty() ? std::string(policyId(r.policy)) : r.missingAllocator;
}

/// The v6 board code (patch 13/13 of <cover.1290172312.git.m.nazarewicz@samsung.com>, mach-aquila.c): CMA_REGION(
/// name, size, alignment, start, rest...) entries and the map, handed to cma_set_defaults().
std::string boardCodeV6(const Platform& platform, const std::vector<const Region*>& regions, const std::string& map)
{
    std::ostringstream s;
    s << "/* Written by cmascope from the platform \"" << platform.name << "\".\n"
      << " * Board code for the CMA patch series v6 (Nazarewicz, November 2010, cma_set_defaults()): the\n"
      << " * regions reserved at boot and the map. */\n"
      << "#include <linux/cma.h>\n#include <linux/init.h>\n\n"
      << "static void __init board_reserve(void)\n{\n"
      << "\tstatic struct cma_region regions[] = {\n";
    for (const Region* r : regions) {
        const std::uint64_t start = r->placement == Placement::Fixed ? r->start : 0;
        s << "\t\tCMA_REGION(" << cString(r->name) << ", " << cSize(r->size) << ", " << cSize(r->alignment) << ", "
          << (start ? hexText(start) : std::string("0")) << ", .alloc_name = " << cString(allocName(*r)) << "),\n";
    }
    s << "\t\t{ }\n\t};\n\n"
      << "\tstatic const char map[] __initconst =\n\t\t" << cString(map) << ";\n\n"
      << "\tcma_set_defaults(regions, map);\n"
      << "\tcma_early_regions_reserve(NULL);\n}\n";
    return s.str();
}

/// The v3/v4 board code: the regions[] array and the map, handed to cma_set_defaults().
std::string boardCode(const Platform& platform, const std::vector<const Region*>& regions, const std::string& map)
{
    std::ostringstream s;
    s << "/* Written by cmascope from the platform \"" << platform.name << "\".\n"
      << " * Board code for the CMA patch series v3 (Nazarewicz, August 2010, cma_set_defaults()): the\n"
      << " * regions reserved at boot and the default map,\n"
      << " * both overridable by cma= / cma.map= when CONFIG_CMA_CMDLINE is set. */\n"
      << "#include <linux/cma.h>\n#include <linux/init.h>\n\n"
      << "static struct cma_region regions[] = {\n";
    for (const Region* r : regions) {
        s << "\t{ .name = " << cString(r->name) << ", .size = " << cSize(r->size);
        if (r->placement == Placement::Fixed && r->start)
            s << ", .start = " << hexText(r->start);
        if (r->alignment)
            s << ", { .alignment = " << cSize(r->alignment) << " }";
        s << ", .alloc_name = " << cString(allocName(*r));
        if (r->asterisk)
            s << ", .asterisk = 1";
        s << ", },\n";
    }
    s << "\t{ }\n};\n\n"
      << "static const char map[] __initconst = " << cString(map) << ";\n\n"
      << "static void __init board_reserve(void)\n{\n"
      << "\tcma_set_defaults(regions, map);\n"
      << "\tcma_early_regions_reserve(NULL);\n}\n";
    return s.str();
}

/// out.text = `cma=` (regions) and `cma_map=` (v1) or `cma.map=` (v3/v4); @p hasStars: there are asterisk regions.
void writeCmdline(const std::vector<const Region*>& regions, const std::string& map, Lang2010Form form, bool hasStars,
    ExportResult& out)
{
    std::string cma;
    for (const Region* r : regions) {
        std::string e;
        if (form == Lang2010Form::V3 && !r->asterisk)
            e += '-';
        e += r->name + "=" + formatSize(r->size);
        if (r->placement == Placement::Fixed && r->start)
            e += "@" + hexText(r->start);
        if (r->alignment)
            e += "/" + formatSize(r->alignment);
        e += ":" + allocName(*r);
        cma += (cma.empty() ? "" : ";") + e;
    }
    if (form == Lang2010Form::V1 && cma.size() >= kMaxParamLen)
        out.notes.push_back("cma= is " + std::to_string(cma.size()) + " characters: v1 copies at most "
            + std::to_string(kMaxParamLen - 1) + " (CMA_MAX_PARAM_LEN) and would cut it");
    if (form == Lang2010Form::V1 && map.size() >= kMaxParamLen)
        out.notes.push_back("cma_map= is " + std::to_string(map.size()) + " characters: v1 copies at most "
            + std::to_string(kMaxParamLen - 1) + " (CMA_MAX_PARAM_LEN) and would cut it");
    std::vector<std::string> params;
    if (!cma.empty())
        params.push_back("cma=" + cma);
    if (!map.empty())
        params.push_back(std::string(form == Lang2010Form::V1 ? "cma_map=" : "cma.map=") + map);
    if (form == Lang2010Form::V1 && hasStars)
        out.notes.push_back("v1 has no asterisk regions: the flag is not held");
    for (const auto& p : params)
        out.text += (out.text.empty() ? "" : " ") + p;
    out.text += '\n';
}

} // namespace

// ---- export ----------------------------------------------------------------------------------------------

ExportResult export2010(const Platform& placed, Lang2010Form form)
{
    const Platform platform = declaredOf(placed);
    ExportResult out;
    const auto regions = regions2010(platform, form, out);
    if (!out.ok())
        return out;
    const auto stars = asteriskRegions(platform);
    const auto rules = rules2010(platform, form, stars, out);
    if (!out.ok())
        return out;
    const std::string map = formatMap(rules);
    if (form == Lang2010Form::PlatformCode)
        out.text = platform.mapDialect == MapDialect::V6 ? boardCodeV6(platform, regions, map)
                                                         : boardCode(platform, regions, map);
    else
        writeCmdline(regions, map, form, !stars.empty(), out);
    return out;
}

} // namespace cmascope
