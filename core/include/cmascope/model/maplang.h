// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 CMA map language (v1 `cma_map=`, v3+ `cma.map=`, sysfs `map`) and the device-level region
// resolution of both the 2010 framework and mainline dma_alloc_contiguous().
//
// Sources: docs/cma2010.md (v1 grammar and __cma_where_from, v3 asterisk, v4 "type" semantics),
// docs/kernel-cma.md#which-area-a-device-allocates-from (dma_alloc_contiguous).
#pragma once

#include <cmascope/model/platform.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// "v1", "v3", "v4", "v6" (project files, import/export, the platform editor).
std::string_view mapDialectId(MapDialect dialect) noexcept;
std::optional<MapDialect> mapDialectFromId(std::string_view id) noexcept;

struct MapOptions
{
    MapDialect dialect = MapDialect::V1;
    /// v2/v3 asterisk rule: when no rule matches, the asterisk regions (Region::asterisk) are used, as if a
    /// "*/*=*" rule ended the map, and a "*" in a region list expands to them. v1 had no asterisk and v4
    /// removed it (the platform must write "*=..."); forDialect(V4) turns it off. V3 has its own rule and
    /// ignores this flag (docs/cma2010.md#v3-as-its-code-behaved).
    bool asteriskRule = true;

    /// The matcher of @p d with cmascope's historical asterisk default (on for V1 and V3).
    static MapOptions forDialect(MapDialect d) { return MapOptions { d, !hasTypeSemantics(d) }; }
    /// What @p platform's own dialect does: unset = MapOptions{} (v1 matching, asterisk fallback); V1 exactly
    /// as the v1 code (no asterisk); V3 and V4 as their code.
    static MapOptions of(const Platform& platform);
};

// ---- parsing ---------------------------------------------------------------------------------------------

/// A parse problem at a character position of the map string.
struct MapParseIssue
{
    std::size_t position = 0; ///< index into the parsed string
    std::string message; ///< "map: expecting '=' near \"foo\"" style
    /// Set when the rule has no '=' or nothing before it, the one error v3/v4's cma_map_validate() reports:
    /// the start of that rule (docs/cma2010.md#the-map-language).
    std::optional<std::size_t> shapeRuleStart;
};

struct MapParseResult
{
    std::vector<MapRule> rules; ///< rules parsed without error
    std::vector<MapParseIssue> errors; ///< fatal for the kernel: it rejects the whole map (v1: see tooManyRules)
    std::vector<MapParseIssue> warnings; ///< accepted, but worth telling (rules that fail, ignored whitespace)
    /// v1 only: rule 65 met; `rules` holds the first 64, which cma_map_param_parse() keeps ("map: too many
    /// mappings" is its only error that does not drop the map).
    bool tooManyRules = false;
    bool ok() const noexcept { return errors.empty(); }
    /// What the kernel runs with: every rule when ok(), the first 64 after v1's "too many mappings", no map after
    /// any other error (docs/cma2010.md#parsing-as-the-kernel-did).
    std::vector<MapRule> keptByKernel() const
    {
        return ok() || (tooManyRules && errors.size() == 1) ? rules : std::vector<MapRule> {};
    }
};

/// Parses `rules [';']` where rule = `patterns '=' regions`, patterns and regions separated by ',', as the 2010
/// kernels read it (docs/cma2010.md#parsing-as-the-kernel-did). An empty string is a valid empty map.
/// Errors, in every dialect: a rule without '=' ("map: expecting '='", as v1), an empty rule (";;"). An empty
/// pattern list ("=r") is an error for v3/v4 (cma_map_validate) and without a dialect; v1 keeps the rule, which
/// never matches. What follows a rule's first '=' is its region list, as in every kernel: "foo=" (no region),
/// "foo=a,,b" (an empty name) and "foo=a=b" (the name "a=b") are accepted with a warning. An empty pattern inside
/// a list ("a,,b=r") is accepted (it never matches; validate() reports it). Blanks around patterns and region
/// names are dropped with a warning: the documentation adds them "for readability", the kernel would compare
/// them. More than 64 rules (v1 CMA_MAX_MAPPINGS): for V1 an error that keeps the first 64 (tooManyRules),
/// without a dialect a warning, nothing for v3/v4 (no limit).
MapParseResult parseMap(std::string_view text, std::optional<MapDialect> dialect = std::nullopt);

/// "p1,p2=r1,r2" for one rule.
std::string formatRule(const MapRule& rule);
/// Canonical map string: rules joined by ';', no trailing ';', no blanks. parseMap(formatMap(r)).rules == r
/// for every rule set parseMap() produced.
std::string formatMap(const std::vector<MapRule>& rules);

// ---- matching --------------------------------------------------------------------------------------------

/// Outcome of one pattern against one request.
struct PatternVerdict
{
    bool matched = false;
    std::string why; ///< short human-readable reason ("device 'bar' does not match 'foo'", "matches")
};

/// One step of __cma_where_from(): matches @p pattern against (@p device, @p kind). @p nameMatched is the
/// kernel's `name_matched`: read by '/kind' patterns and updated by every pattern with a device part (it is set
/// as soon as the device part is consumed, even when the rest of the pattern then fails — kernel quirk).
PatternVerdict matchPattern(
    std::string_view pattern, std::string_view device, std::string_view kind, MapDialect dialect, bool& nameMatched);

/// Result of running the map on one request.
struct MapMatch
{
    std::optional<std::size_t> ruleIndex; ///< the rule whose region list the request gets
    std::optional<std::size_t> patternIndex; ///< the pattern of that rule that matched (V3: unset when the walk
                                             ///< matched text outside that rule's pattern list)
    bool undefined = false; ///< V3: the kernel's walk would run past the end of the map (undefined behaviour)
    std::vector<std::string> trail; ///< one line per rule (V3: per pattern attempt) considered
};

/// __cma_where_from(): rules in order, patterns in order, `name_matched` persisting across patterns and rules;
/// the first matching pattern selects its rule. No implicit asterisk rule here (see resolveRegions()).
/// MapDialect::V3 runs matchMapV3().
MapMatch matchMap(const std::vector<MapRule>& rules, std::string_view device, std::string_view kind,
    MapDialect dialect = MapDialect::V1);

/// The v3 __cma_where_from() (docs/cma2010.md#v3-as-its-code-behaved): a walk over the map text
/// formatMap(@p rules) with v3's own quirks: a ',' met while comparing a name is skipped together with one
/// character of the name; a kind-less pattern that consumed the device of a request with a kind skips the
/// following pattern (for the last pattern of a rule, the walk goes on in the region list); '=' met while
/// comparing ends the rule. When the walk would read past the end of the map, MapMatch::undefined is set and
/// nothing matches.
MapMatch matchMapV3(const std::vector<MapRule>& rules, std::string_view device, std::string_view kind);

/// The asterisk regions of @p platform. Declaration order (Platform::regions), except for MapDialect::V3 whose
/// code registered named regions at the head of its list (list_add) and tried the asterisk ones from there, so
/// the last declared comes first (docs/cma2010.md#v3-as-its-code-behaved). Map2010: a 2010 private region
/// (Region::privateHandle) is never one of them.
std::vector<std::string> asteriskRegions(const Platform& platform);
std::vector<std::string> asteriskRegions(const Platform& platform, MapDialect dialect);

/// Where a request goes: ordered candidate regions and why.
struct MapResolution
{
    std::vector<std::string> regions; ///< candidate regions to try in order (may be empty: the request fails)
    std::optional<std::size_t> ruleIndex; ///< Map2010: index of the matching rule in Platform::rules
    std::optional<std::size_t> patternIndex; ///< Map2010: index of the matching pattern in that rule
    std::string ruleText; ///< Map2010: the matching rule, formatted ("video,camera=r")
    std::string patternText; ///< Map2010: the matching pattern
    bool asteriskFallback = false; ///< Map2010: no rule matched, the implicit "*/*=*" was used
    std::string summary; ///< one line: what was chosen, or why nothing was
    std::vector<std::string> trail; ///< explanation, one line per rule / area considered
};

/// Resolves a request of @p sizeBytes by @p device for @p kind.
/// Map2010 (docs/cma2010.md): matchMap() on Platform::rules, then the asterisk rule if enabled, '*'
/// expanded in place; names that do not exist or are carve-outs are skipped like __cma_alloc_do() does;
/// private regions (Region::privateTo) only for their owner; a 2010 private region (Region::privateHandle) never,
/// whether named in a rule or flagged asterisk: the kernel knew it by handle only (docs/cma2010.md#private-regions).
/// Modern (docs/kernel-cma.md, dma_alloc_contiguous): a device with memory-region uses only its first one
/// (dev->cma_area, no fallback); otherwise size <= PAGE_SIZE never comes from CMA; then the per-NUMA areas of the
/// device's node (skipped for devices limited to 32 bits: GFP_DMA32), then the default area.
MapResolution resolveRegions(const Platform& platform, std::string_view device, std::string_view kind,
    std::uint64_t sizeBytes, const MapOptions& options);
/// The same with the platform's own dialect (MapOptions::of(@p platform)): what the simulator, the planner,
/// the validation and the failure explanation use.
MapResolution resolveRegions(
    const Platform& platform, std::string_view device, std::string_view kind, std::uint64_t sizeBytes);

/// One way a device can be given a region.
struct DeviceRegionUse
{
    std::string region;
    std::optional<std::size_t> memoryRegionIndex; ///< set: the device's DT memory-region entry of this index
    std::string kind; ///< otherwise: resolveRegions() for this kind ("" = no kind) gives it ...
    std::optional<std::size_t> ruleIndex; ///< ... through this 2010 map rule (Map2010; unset: asterisk rule or
                                          ///< the modern area chain)
    std::string ruleText; ///< that rule, formatted
};

/// Every region device @p deviceIndex of @p platform can be given: its memory-region entries, then, for no
/// kind and for each of the platform's kinds, the regions resolveRegions() lists for a request of two pages
/// (large enough that the modern chain offers CMA). A region appears once per way it is reached.
std::vector<DeviceRegionUse> regionsOfDevice(
    const Platform& platform, std::size_t deviceIndex, const MapOptions& options);
/// The same with the platform's own dialect.
std::vector<DeviceRegionUse> regionsOfDevice(const Platform& platform, std::size_t deviceIndex);

} // namespace cmascope
