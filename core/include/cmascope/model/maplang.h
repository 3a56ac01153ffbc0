// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 CMA map language (v1 `cma_map=`, v3+ `cma.map=`, sysfs `map`) and the device-level region
// resolution of both the 2010 framework and mainline dma_alloc_contiguous().
//
// Sources: docs/cma-2010.md (v1 grammar and __cma_where_from, v3 asterisk, v4 "type" semantics),
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

/// Which version of __cma_where_from() to reproduce.
enum class MapDialect : std::uint8_t {
    /// v1..v3: a pattern without a kind part matches only an empty/NULL kind; the kind part takes '?' and a
    /// trailing '*' like the device part.
    V1,
    /// v4..v6: a pattern without a type part matches any type; a NULL/empty type is "common"; the type part is
    /// compared literally (no wildcards: "foo/*" matches only the type "*").
    V4,
};

struct MapOptions
{
    MapDialect dialect = MapDialect::V1;
    /// v2/v3 asterisk rule: when no rule matches, the asterisk regions (Region::asterisk) are used, as if a
    /// "*/*=*" rule ended the map, and a "*" in a region list expands to them. v1 had no asterisk and v4
    /// removed it (the platform must write "*=..."); forDialect(V4) turns it off.
    bool asteriskRule = true;

    static MapOptions forDialect(MapDialect d) { return MapOptions { d, d == MapDialect::V1 }; }
};

// ---- parsing ---------------------------------------------------------------------------------------------

/// A parse problem at a character position of the map string.
struct MapParseIssue
{
    std::size_t position = 0; ///< index into the parsed string
    std::string message; ///< "map: expecting '=' near \"foo\"" style
};

struct MapParseResult
{
    std::vector<MapRule> rules; ///< rules parsed without error (the kernel drops the whole map on error)
    std::vector<MapParseIssue> errors; ///< fatal for the kernel: it rejects the whole map
    std::vector<MapParseIssue> warnings; ///< accepted, but worth telling (64-rule v1 limit, ignored whitespace)
    bool ok() const noexcept { return errors.empty(); }
};

/// Parses `rules [';']` where rule = `patterns '=' regions`, patterns and regions separated by ','.
/// An empty string is a valid empty map. Errors: a rule without '=' ("map: expecting '='", as v1), an empty
/// pattern list (v4 cma_map_validate), an empty region list or region name, a second '=' in a rule, an empty
/// rule (";;"). An empty pattern inside a list ("a,,b=r") is accepted as the kernel does (it never matches;
/// validate() reports it). Blanks around patterns and region names are dropped with a warning: the
/// documentation adds them "for readability", the kernel would compare them. More than 64 rules
/// (v1 CMA_MAX_MAPPINGS) is a warning.
MapParseResult parseMap(std::string_view text);

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
    std::optional<std::size_t> ruleIndex; ///< first matching rule
    std::optional<std::size_t> patternIndex; ///< the pattern of that rule that matched
    std::vector<std::string> trail; ///< one line per rule considered
};

/// __cma_where_from(): rules in order, patterns in order, `name_matched` persisting across patterns and rules;
/// the first matching pattern selects its rule. No implicit asterisk rule here (see resolveRegions()).
MapMatch matchMap(const std::vector<MapRule>& rules, std::string_view device, std::string_view kind,
    MapDialect dialect = MapDialect::V1);

/// The asterisk regions of @p platform in declaration order (Platform::regions). The v3 kernel tried its
/// registration list; named regions were list_add()ed at its head, which would reverse that order — that is
/// inferred, not verified (docs/cma-2010.md#asterisk-regions-and-board-code), so cmascope uses the order the user
/// declared.
std::vector<std::string> asteriskRegions(const Platform& platform);

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
/// Map2010 (docs/cma-2010.md): matchMap() on Platform::rules, then the asterisk rule if enabled, '*'
/// expanded in place; names that do not exist or are carve-outs are skipped like __cma_alloc_do() does;
/// private regions (Region::privateTo) only for their owner.
/// Modern (docs/kernel-cma.md, dma_alloc_contiguous): a device with memory-region uses only its first one
/// (dev->cma_area, no fallback); otherwise size <= PAGE_SIZE never comes from CMA; then the per-NUMA areas of the
/// device's node (skipped for devices limited to 32 bits: GFP_DMA32), then the default area.
MapResolution resolveRegions(const Platform& platform, std::string_view device, std::string_view kind,
    std::uint64_t sizeBytes, const MapOptions& options = {});

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
    const Platform& platform, std::size_t deviceIndex, const MapOptions& options = {});

} // namespace cmascope
