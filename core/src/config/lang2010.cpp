// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 CMA language (docs/cma2010.md): `cma=` regions with `cma_map=` (v1) or `cma.map=`
// (v3/v4), and the v3/v4 board code (struct cma_region array + map for cma_set_defaults()).
// The region parser reproduces cma_param_parse_entry() (v1) and its v3/v4 successor, messages included.
#include "internal.h"

#include <cmascope/model/maplang.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <bit>
#include <sstream>

namespace cmascope {

using namespace configio;

namespace {

constexpr std::size_t kMaxParamLen = 512; // CMA_MAX_PARAM_LEN (strlcpy: 511 characters kept)

std::size_t maxRegions(Lang2010Form form)
{
    return form == Lang2010Form::V1 ? 16 : 15; // CMA_MAX_REGIONS; v3/v4: 16-entry array with a terminator
}

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

// ---- import helpers --------------------------------------------------------------------------------------

/// The region list of cma=, read as the v1 and v3/v4 kernels read it (docs/cma2010.md#the-region-language).
struct RegionParser
{
    std::string_view v;
    std::size_t offset = 0; ///< of v in the whole text
    Lang2010Form form = Lang2010Form::V1;
    std::uint32_t pageSize = 4096;
    Messages& msg;

    std::string at(std::size_t pos) const { return column("cma=", offset + pos); }
    void kernelError(std::size_t pos, const std::string& what)
    {
        msg.error(at(pos), "cma", "cma: param: " + what + " near " + nearText(v, pos), "kernel-rejects");
    }

    /// The kernel's words for a bad number: v1 names the field, v3/v4's NUMPARSE says "invalid value" for every
    /// field (docs/cma2010.md#the-region-language).
    std::string invalid(const char* what) const
    {
        return form == Lang2010Form::V1 ? std::string("invalid ") + what : std::string("invalid value");
    }

    /// memparse for @start and /alignment (v3/v4 NUMPARSE: a present 0 is "invalid value").
    std::optional<std::uint64_t> number(std::size_t& pos, const char* what)
    {
        const auto r = memparse(v, pos);
        if (r.overflow) {
            kernelError(pos, invalid(what));
            return std::nullopt;
        }
        if (form != Lang2010Form::V1 && r.value == 0) {
            kernelError(pos, "invalid value");
            return std::nullopt;
        }
        pos = r.end;
        return r.value;
    }

    /// Every region up to the first error (at most maxRegions(form)): the kernel keeps the regions it read
    /// before an error (v1 leaves them in cma_regions[], v3/v4 have already added them to cma_early_regions),
    /// docs/cma2010.md#parsing-as-the-kernel-did.
    std::vector<Region> parse()
    {
        std::vector<Region> out;
        std::size_t pos = 0;
        while (pos < v.size()) {
            if (out.size() == maxRegions(form)) {
                msg.error(at(pos), "cma",
                    std::string("cma: param: too many ") + (form == Lang2010Form::V1 ? "regions" : "early regions")
                        + " (at most " + std::to_string(maxRegions(form)) + ")",
                    "kernel-rejects");
                break;
            }
            auto r = entry(pos);
            if (!r)
                break;
            out.push_back(std::move(*r));
        }
        return out;
    }

    /// The name before the '=' at @p eq. Both parsers find the '=' with strchr(), so a name runs across ';' and
    /// ',' ("a;b=1M" is one region "a;b"); such a name is kept, with a warning that no map can name it.
    void nameQuirks(std::size_t entryPos, std::string_view name)
    {
        if (name.find_first_of(";,") == std::string_view::npos)
            return;
        msg.warning(at(entryPos), std::string(name),
            "region name '" + std::string(name)
                + "' contains ';' or ',': the kernel takes everything before '=' as the name (strchr), and a map, "
                  "which splits at ';' and ',', can never name it",
            "kernel-quirk");
    }

    /// One `[-]name=size[@start][/alignment][:alloc[(params)]]` entry and the ';' after it; nullopt after an error.
    std::optional<Region> entry(std::size_t& pos)
    {
        const std::size_t entryPos = pos;
        const auto eq = v.find('=', pos);
        if (eq == std::string_view::npos) {
            // Both parsers look for the '=' with strchr() and print the rest of the parameter from the name on.
            kernelError(pos + (form == Lang2010Form::V3 && v.substr(pos).starts_with("-") ? 1 : 0),
                form == Lang2010Form::V1 ? "expecting '='" : "expected \"<name>=\"");
            return std::nullopt;
        }
        Region r;
        std::string_view name = v.substr(pos, eq - pos);
        r.asterisk = form == Lang2010Form::V3;
        if (form == Lang2010Form::V3 && name.starts_with("-")) {
            r.asterisk = false;
            name.remove_prefix(1);
        }
        if (name.empty()) {
            kernelError(eq - name.size(), form == Lang2010Form::V1 ? "empty region name" : "expected \"<name>=\"");
            return std::nullopt;
        }
        r.name = std::string(name);
        nameQuirks(entryPos, name);
        pos = eq + 1;
        const auto size = memparse(v, pos);
        if (size.value == 0 || size.overflow) {
            kernelError(pos, invalid("size"));
            return std::nullopt;
        }
        r.size = size.value;
        pos = size.end;
        std::uint64_t start = 0, alignment = 0;
        if (pos < v.size() && v[pos] == '@') {
            ++pos;
            const auto s = number(pos, "start");
            if (!s)
                return std::nullopt;
            start = *s;
        }
        if (pos < v.size() && v[pos] == '/') {
            const std::size_t apos = ++pos;
            const auto a = number(pos, "alignment");
            if (!a)
                return std::nullopt;
            if (*a & (*a - 1)) {
                kernelError(apos, invalid("alignment"));
                return std::nullopt;
            }
            alignment = *a;
        }
        r.policy = PolicyKind::BestFit2010; // "the first available allocator": bf, the only one of 2010
        if (pos < v.size() && v[pos] == ':') {
            ++pos;
            if (!allocator(pos, r))
                return std::nullopt;
        }
        if (pos < v.size() && v[pos] != ';') {
            kernelError(pos,
                v[pos] == ',' ? "expecting ';' or end of parameter (regions are separated by ';', not ',' as the "
                                "v1 examples show)"
                              : "expecting ';' or end of parameter");
            return std::nullopt;
        }
        if (pos < v.size())
            ++pos;
        if (!normalise(entryPos, r, start, alignment))
            return std::nullopt;
        return r;
    }

    /// The allocator name after ':' (and, in v1, its "(params)"); false after an error.
    bool allocator(std::size_t& pos, Region& r)
    {
        std::size_t endName = pos;
        while (endName < v.size() && v[endName] != ';' && (form != Lang2010Form::V1 || v[endName] != '('))
            ++endName;
        const std::string alloc(v.substr(pos, endName - pos));
        pos = endName;
        if (form == Lang2010Form::V1 && pos < v.size() && v[pos] == '(') {
            const auto close = v.find(')', pos);
            if (close == std::string_view::npos) {
                kernelError(pos, "expecting ')'");
                return false;
            }
            msg.warning(at(pos), r.name,
                "allocator parameters " + std::string(v.substr(pos, close + 1 - pos)) + " are not modelled: ignored",
                "note");
            pos = close + 1;
        }
        if (!alloc.empty()) {
            if (const auto k = policyFromId(alloc)) {
                r.policy = *k;
            } else {
                // cma_init() finds no such allocator: the region is reserved, has none, and every request skips
                // it (docs/cma2010.md#parsing-as-the-kernel-did).
                r.missingAllocator = alloc;
                msg.warning(at(pos - alloc.size()), r.name,
                    "init: " + r.name + ": " + alloc
                        + ": no such allocator (the 2010 kernels had bf only): the region is reserved, and every "
                          "request skips it",
                    "unknown-allocator");
            }
        }
        return true;
    }

    /// ALIGN(@p x, @p a). The 2010 code's ALIGN() would wrap for values near 2^64; this refuses them instead.
    std::optional<std::uint64_t> rounded(
        std::size_t entryPos, const Region& r, std::uint64_t x, std::uint64_t a, const char* what)
    {
        const auto aligned = alignUp(x, a);
        if (!aligned)
            msg.error(at(entryPos), r.name,
                std::string(what) + " " + hexText(x) + " passes 2^64 when rounded up to " + sizeText(a));
        return aligned;
    }

    /// Normalisation (docs/cma2010.md#the-region-language): alignment = PAGE_ALIGN or PAGE_SIZE,
    /// start = ALIGN(start, alignment), size = PAGE_ALIGN; then a start makes the region fixed. False when a value
    /// would pass 2^64.
    bool normalise(std::size_t entryPos, Region& r, std::uint64_t start, std::uint64_t alignment)
    {
        const std::uint64_t page = pageSize;
        if (alignment && alignment % page) {
            const auto raised = rounded(entryPos, r, alignment, page, "alignment");
            if (!raised)
                return false;
            msg.warning(at(entryPos), r.name,
                "alignment " + formatSize(alignment) + " is raised to the page size " + formatSize(page), "normalised");
            alignment = *raised;
        }
        r.alignment = alignment;
        const std::uint64_t a = alignment ? alignment : page;
        if (start % a) {
            const auto aligned = rounded(entryPos, r, start, a, "start");
            if (!aligned)
                return false;
            msg.warning(at(entryPos), r.name,
                "start " + hexText(start) + " is rounded up to " + hexText(*aligned) + " (ALIGN(start, alignment))",
                "normalised");
            start = *aligned;
        }
        if (r.size % page) {
            const auto aligned = rounded(entryPos, r, r.size, page, "size");
            if (!aligned)
                return false;
            msg.warning(at(entryPos), r.name,
                "size " + std::to_string(r.size) + " is rounded up to " + std::to_string(*aligned) + " (PAGE_ALIGN)",
                "normalised");
            r.size = *aligned;
        }
        if (start && r.size > ~std::uint64_t(0) - start) {
            // v3/v4 check this after normalising; v1 does not, and its region would wrap: refused either way.
            if (form == Lang2010Form::V1)
                msg.error(at(entryPos), r.name, "start " + hexText(start) + " + size passes 2^64");
            else
                msg.error(at(entryPos), r.name, "cma: param: invalid start, size combination", "kernel-rejects");
            return false;
        }
        if (start) {
            r.placement = Placement::Fixed;
            r.start = start;
        }
        r.pageSize = pageSize;
        return true;
    }
};

/// The 2010 parameters of a command line: the last cma= and the last cma_map=/cma.map=.
struct Params2010
{
    const KernelParam* cma = nullptr;
    const KernelParam* map = nullptr;
};

Params2010 findParams(const std::vector<KernelParam>& params, Messages& msg)
{
    Params2010 found;
    for (const auto& p : params) {
        if (p.name == "cma") {
            if (found.cma)
                msg.warning(column("cma=", p.valueOffset), "cma", "cma= given more than once: the last one is used",
                    "kernel-ignores");
            found.cma = &p;
        } else if (p.name == "cma_map" || p.name == "cma.map") {
            if (found.map && found.map->name != p.name)
                msg.warning(column(p.name + "=", p.valueOffset), p.name,
                    "both cma_map= (v1) and cma.map= (v3/v4) are given: no 2010 kernel reads both; the last one is "
                    "used",
                    "mixed-forms");
            found.map = &p;
        }
    }
    return found;
}

/// options.form2010, else from the text: cma_map= is v1, a region with the '-' prefix v3, otherwise v4. Warns
/// when the map parameter is not the one the form reads.
Lang2010Form chooseForm(const Params2010& found, const ImportOptions& options, Messages& msg)
{
    const KernelParam* map = found.map;
    Lang2010Form form = Lang2010Form::V4;
    if (options.form2010 && *options.form2010 != Lang2010Form::PlatformCode) {
        form = *options.form2010;
    } else if (map && map->name == "cma_map") {
        form = Lang2010Form::V1;
    } else if (found.cma) {
        const std::string& v = found.cma->value;
        if (v.starts_with("-") || v.find(";-") != std::string::npos)
            form = Lang2010Form::V3;
    }
    if (map && form == Lang2010Form::V1 && map->name != "cma_map")
        msg.warning(
            column(map->name + "=", map->valueOffset), map->name, "v1 reads cma_map=, not cma.map=", "mixed-forms");
    if (map && form != Lang2010Form::V1 && map->name != "cma.map")
        msg.warning(column(map->name + "=", map->valueOffset), map->name, "v3/v4 read cma.map= (v2 removed cma_map=)",
            "mixed-forms");
    return form;
}

/// The value of @p p as the parser sees it: v1 copies cma= and cma_map= into a CMA_MAX_PARAM_LEN buffer with
/// strlcpy() and reads at most 511 characters; v3/v4 parse the command line in place, whole.
std::string asCopied(const KernelParam& p, Lang2010Form form, Messages& msg)
{
    if (form != Lang2010Form::V1 || p.value.size() < kMaxParamLen)
        return p.value;
    msg.warning(column(p.name + "=", p.valueOffset + kMaxParamLen - 1), p.name,
        p.name + "= is longer than " + std::to_string(kMaxParamLen - 1)
            + " characters: v1 copies only that much (CMA_MAX_PARAM_LEN) and reads the cut string",
        "kernel-ignores");
    return p.value.substr(0, kMaxParamLen - 1);
}

MapDialect mapDialectOf(Lang2010Form form)
{
    return form == Lang2010Form::V1 ? MapDialect::V1 : form == Lang2010Form::V4 ? MapDialect::V4 : MapDialect::V3;
}

/// The map rules of @p map into pf.rules, with the map parser's errors and warnings.
void readMap(const KernelParam& map, Lang2010Form form, Platform& pf, Messages& msg)
{
    const auto parsed = parseMap(map.value, mapDialectOf(form));
    const std::string param = map.name + "=";
    for (const auto& e : parsed.errors) {
        // v3/v4's cma_map_validate() has one message, printed with the rest of the map from the rule on.
        const bool v3v4 = form != Lang2010Form::V1 && e.shapeRuleStart;
        const std::string text =
            v3v4 ? "map: expecting \"<patterns>=<regions>\" near " + map.value.substr(*e.shapeRuleStart) : e.message;
        msg.error(column(param, map.valueOffset + e.position), map.name, "cma: " + text, "kernel-rejects");
    }
    for (const auto& w : parsed.warnings)
        msg.warning(column(param, map.valueOffset + w.position), map.name, w.message, "map");
    // What the kernel keeps: no map after an error (v1 clears cma_map[0], v3/v4 never set cma_map), except v1's
    // first 64 rules after "too many mappings" (docs/cma2010.md#parsing-as-the-kernel-did).
    pf.rules = parsed.keptByKernel();
    if (!parsed.ok())
        msg.info(column(param, map.valueOffset), map.name,
            pf.rules.empty() ? std::string("the kernel runs without a map after this error")
                             : "the kernel keeps the first " + std::to_string(pf.rules.size()) + " rules",
            "kernel-keeps");
    if (form != Lang2010Form::V1 && form != Lang2010Form::V4)
        return;
    for (const auto& rule : pf.rules) {
        if (std::find(rule.regions.begin(), rule.regions.end(), "*") != rule.regions.end())
            msg.warning(column(param, map.valueOffset), map.name,
                "rule '" + formatRule(rule)
                    + "' names the region '*', which only v2/v3 expand to the "
                      "asterisk regions",
                "map");
    }
}

} // namespace

// ---- export ----------------------------------------------------------------------------------------------

ExportResult export2010(const Platform& platform, Lang2010Form form)
{
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

// ---- import ----------------------------------------------------------------------------------------------

ImportResult import2010(std::string_view text, const ImportOptions& options)
{
    ImportResult result;
    Messages msg(result);
    Platform pf = beginImport(result, options, MapMode::Map2010, "2010 CMA command line");

    const auto params = splitKernelCmdline(text);
    const auto [cma, map] = findParams(params, msg);
    if (!cma && !map) {
        msg.error("", "", "no 2010 CMA parameter (cma=name=size..., cma_map= or cma.map=) found");
        return result;
    }
    if (cma && !cma->value.empty() && cma->value.find('=') == std::string::npos) {
        msg.error(column("cma=", cma->valueOffset), "cma",
            "cma=" + cma->value + " is the mainline form (cma=nn[MG]@...): import it as cmdline", "wrong-format");
        return result;
    }
    const Lang2010Form form = chooseForm({ cma, map }, options, msg);
    msg.info("", "", "read as the " + std::string(lang2010FormId(form)) + " form", "form");

    if (cma) {
        const std::string value = asCopied(*cma, form, msg);
        RegionParser parser { value, cma->valueOffset, form, pf.pageSize ? pf.pageSize : 4096u, msg };
        pf.regions = parser.parse();
    }
    if (map) {
        KernelParam copied = *map;
        copied.value = asCopied(*map, form, msg);
        readMap(copied, form, pf, msg);
    }
    // The map is matched as the posting it was read as (docs/cma2010.md#dialects).
    pf.mapDialect = mapDialectOf(form);
    finishAsKernel(result, std::move(pf));
    return result;
}

} // namespace cmascope
