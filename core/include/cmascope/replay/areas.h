// SPDX-License-Identifier: GPL-2.0-or-later
// The CMA areas of a replay: where each area's geometry comes from (project, debugfs, boot log, --area, or
// inferred from the trace), the inputs that may tell it, and the parsers of those inputs.
// Standard C++20, no Qt, no global state.
#pragma once

#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/debugfs.h>
#include <cmascope/trace/kernelsemantics.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cmascope {

struct Platform;

/// Where an area's geometry came from, in order of preference.
enum class AreaSource : std::uint8_t {
    Project, ///< a region of the project's platform with the area's name
    Debugfs, ///< a debugfs snapshot directory (base_pfn, count, order_per_bit; bitmap = initial state)
    BootLog, ///< a boot log line ("cma: Reserved 16 MiB at 0x...", "created CMA memory pool at ...")
    CommandLine, ///< an --area NAME=BASE_PFN+PAGES[/ORDER_PER_BIT] spec
    Inferred, ///< nothing told: the smallest pageblock-aligned range holding every PFN the trace recorded
};
std::string_view areaSourceName(AreaSource s) noexcept; ///< "project", "debugfs", "boot log", ...

/// One physical range of an area: 6.15+ kernels may give an area several (struct cma_memrange; docs/kernel-cma.md).
struct AreaRange
{
    std::uint64_t basePfn = 0;
    std::uint64_t pages = 0;
};

/// An explicit area: the command line's `--area NAME=BASE_PFN+PAGES[,BASE_PFN+PAGES...][/ORDER_PER_BIT]`.
struct AreaSpec
{
    std::string name;
    std::uint64_t basePfn = 0; ///< of the first range
    std::uint64_t pages = 0; ///< of the first range
    unsigned orderPerBit = 0;
    std::vector<AreaRange> moreRanges {}; ///< the ranges after the first, in the area's order (6.15+ multi-range areas)
};
/// Parses "NAME=BASE_PFN+PAGES[,BASE_PFN+PAGES...][/ORDER_PER_BIT]" (numbers decimal or 0x hex; at most 8
/// ranges, CMA_MAX_RANGES, none overlapping another). On error returns a message naming the field
/// ("--area reserved=0x7dc00+abc: PAGES 'abc' is not a decimal or 0x hex number").
std::variant<AreaSpec, std::string> parseAreaSpec(std::string_view text);
/// Parses a decimal or 0x-hex unsigned number (the whole text); nullopt when malformed or overflowing.
std::optional<std::uint64_t> parseReplayNumber(std::string_view text);

/// One CMA area as the replay sees it.
struct ReplayArea
{
    std::string name;
    std::uint64_t basePfn = 0;
    std::uint64_t pages = 0;
    unsigned orderPerBit = 0;
    AreaSource source = AreaSource::Inferred;
    std::string origin; ///< human text: the file/line/spec it came from, or how it was inferred
    /// Ranges after the first (basePfn + pages is range 0), in the area's order (6.15+ multi-range areas).
    std::vector<AreaRange> moreRanges {};
    /// debugfs `bitmap` words of range 0: the state when tracing started (empty = empty area at the start).
    std::vector<std::uint32_t> initialBitmap;
    /// `ranges/N/bitmap` words of the ranges after the first (empty, or one per entry of moreRanges).
    std::vector<std::vector<std::uint32_t>> moreInitialBitmaps {};
    std::string initialBitmapOrigin; ///< the file the initial bitmap came from

    std::size_t rangeCount() const noexcept { return 1 + moreRanges.size(); }
    /// Range @p r (0 = basePfn + pages).
    AreaRange range(std::size_t r) const { return r == 0 ? AreaRange { basePfn, pages } : moreRanges.at(r - 1); }
    /// cma->count: the pages of every range.
    std::uint64_t totalPages() const noexcept;
    /// The range holding absolute PFN @p pfn, or nullopt.
    std::optional<std::size_t> rangeOf(std::uint64_t pfn) const noexcept;
};

/// What the replay may use to find areas. Everything is optional.
struct ReplayInputs
{
    const Platform* project = nullptr; ///< regions need placedBase (placeRegions()) or a Fixed start
    std::vector<DebugfsSnapshot> debugfs; ///< one per area; `name` is the area name (a "cma-" prefix is ignored)
    std::vector<std::string> debugfsOrigins; ///< parallel to `debugfs`: the directory each came from
    std::vector<BootLogArea> bootLog;
    std::string bootLogOrigin; ///< file name, for the report
    std::vector<AreaSpec> areaSpecs;
    std::uint32_t pageSize = 4096; ///< PAGE_SIZE of the traced machine (boot log sizes are in bytes)
    /// Kernel semantics (docs/kernel-cma.md, "Kernel semantics"): the user's choice (overrides the evidence),
    /// the boot log's "Linux version" line, and the kernel's events/cma/*/format files (text; empty = none).
    std::optional<KernelSemantics> kernel;
    std::optional<KernelRelease> bootLogRelease;
    std::string eventFormats;
};

/// Reads `dir` as one area's debugfs directory (it has a `count` file) or as a folder of them.
/// Returns the snapshots with the directories they came from, or an error naming the file.
struct DebugfsAreasResult
{
    std::vector<DebugfsSnapshot> snapshots;
    std::vector<std::string> origins;
    std::string error;
};
DebugfsAreasResult readDebugfsAreas(const std::filesystem::path& dir);

} // namespace cmascope
