// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 CMA language read as the kernels read it (docs/cma2010.md#parsing-as-the-kernel-did): `cma=` with
// `cma_map=` (v1) or `cma.map=` (v3/v4). The region parser reproduces cma_param_parse_entry() (v1) and its v3/v4
// successor, messages included, and keeps what the kernel keeps after an error.
#include "internal.h"
#include "lang2010limits.h"

#include <cmascope/model/maplang.h>
#include <cmascope/util/memparse.h>

#include <algorithm>
#include <bit>

namespace cmascope {

using namespace configio;

namespace {

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
