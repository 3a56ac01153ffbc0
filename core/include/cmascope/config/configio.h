// SPDX-License-Identifier: GPL-2.0-or-later
// Configurations in and out (issue 4): the platform model written as, and read from, the forms a real board
// uses — the mainline kernel command line (cma=, cma_pernuma=, numa_cma=, hugetlb_cma=), device trees
// (reserved-memory, memory nodes, memory-region users; DTS through dtc, DTB through libfdt), the 2010 CMA
// language (v1 cma= + cma_map=, v3/v4 cma= + cma.map=, v3/v4 board code), Hans Verkuil's memory-type form,
// /proc/iomem and dmesg boot logs.
//
// Sources: docs/cma2010.md (v1 cma= parser and messages, the map, v3 '-' prefix and board code, v4, Verkuil),
// docs/kernel-cma.md (mainline command line parsers, reservation), docs/device-tree.md. See
// docs/project-format.md for what each format can and cannot hold.
//
// Standard C++20 + libfdt; no Qt, no global state. importDeviceTreeSource() runs `dtc` as a child process.
#pragma once

#include <cmascope/model/project.h>
#include <cmascope/util/progress.h>
#include <cmascope/validation/validation.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cmascope {

enum class ConfigFormat : std::uint8_t {
    Json, ///< the cmascope project file (project.h)
    Cmdline, ///< mainline kernel command line: cma=, cma_pernuma=, numa_cma=, hugetlb_cma=
    Dts, ///< device tree source
    Dtb, ///< flattened device tree blob (e.g. /sys/firmware/fdt); import only
    Iomem, ///< /proc/iomem; import only ("System RAM" lines become banks)
    Dmesg, ///< boot log; import only (CMA reservation messages become regions)
    Cma2010, ///< the 2010 language (Lang2010Form says which posting)
    Verkuil, ///< Hans Verkuil's memory-type form: "banka=20M; banka/foo,bar=30M"
};

/// "json", "cmdline", "dts", "dtb", "iomem", "dmesg", "cma2010", "verkuil".
std::string_view configFormatId(ConfigFormat format) noexcept;
std::optional<ConfigFormat> configFormatFromId(std::string_view id) noexcept;
bool canExport(ConfigFormat format) noexcept; ///< false for Dtb, Iomem and Dmesg
/// Guesses the format of a file from its name (.json, .dts/.dtsi, .dtb/.dtbo) and its content (the FDT magic,
/// "/dts-v1/", iomem lines, boot-log messages, cma_map=/cma.map=/2010 "cma=name=size", mainline parameters,
/// Verkuil entries). nullopt when nothing fits.
std::optional<ConfigFormat> guessConfigFormat(std::string_view fileName, std::string_view content);

/// Which 2010 form to write or read.
enum class Lang2010Form : std::uint8_t {
    V1, ///< v1 (20 Jul 2010): `cma=` regions with `:alloc`, `cma_map=` rules; no asterisk regions
    V3, ///< v3 (6 Aug 2010): `cma=` with the '-' prefix for non-asterisk regions, `cma.map=`
    V4, ///< v4/v5 (Aug/Sep 2010): `cma=` + `cma.map=`; no asterisk (the map ends with "*=...")
    PlatformCode, ///< export only: v3/v4 board code, `struct cma_region regions[]` + map for cma_set_defaults()
};
std::string_view lang2010FormId(Lang2010Form form) noexcept; ///< "v1", "v3", "v4", "code"
std::optional<Lang2010Form> lang2010FormFromId(std::string_view id) noexcept;

// ---- export ----------------------------------------------------------------------------------------------

struct ExportResult
{
    std::string text; ///< the exported text (empty when error is set)
    std::vector<std::string> notes; ///< what the format could not hold: left out or changed, one sentence each
    std::string error; ///< set when the platform cannot be written in this format at all, and why
    bool ok() const noexcept { return error.empty(); }
};

struct ExportOptions
{
    /// Device tree #address-cells and #size-cells: 1 or 2. 0 = automatic: 2 when any address or size written
    /// needs more than 32 bits, else 1. A choice of 1 that cannot hold a value is an error.
    unsigned dtCells = 0;
    /// The 2010 form; unset: the one of the platform's map dialect (Platform::mapDialect: v1, v3, v4), else v3.
    std::optional<Lang2010Form> form2010;
};

/// The command-line form a 2010 map dialect is written in (v1 -> V1, v3 -> V3, v4 -> V4); unset -> V3.
Lang2010Form lang2010FormOf(const std::optional<MapDialect>& dialect) noexcept;

/// `cma=SIZE[@BASE[-LIMIT]]` for the default area, `cma_pernuma=` for areas named "pernumaN" of equal size on
/// every node, `numa_cma=N:SIZE,...` for other per-node areas, `hugetlb_cma=N:SIZE,...` for "hugetlbN".
ExportResult exportCmdline(const Platform& platform);
/// A complete DTS: root cells, `model`, one `memory@` node per bank (label = bank name, `numa-node-id`),
/// `reserved-memory` with one child per region and a stub node per device with `memory-region`. Compiles with
/// `dtc` without warnings.
ExportResult exportDeviceTree(const Platform& platform, unsigned cells = 0);
ExportResult export2010(const Platform& platform, Lang2010Form form);
/// Fails, explaining why, when the platform cannot be written that way (ordered fallback lists, wildcard or
/// kind-less patterns, shared regions, carve-outs, modern memory-region binding).
/// A MapMode::Verkuil platform is written from its regions' memory types and drivers; a Map2010 one through its
/// map.
ExportResult exportVerkuil(const Platform& platform);
/// A MapMode::Verkuil platform as a 2010 map (docs/cma2010.md#hans-verkuils-memory-types): for each region with
/// drivers the rule `d1/T,d2/T=<region>`, then `*/T=<region>` for each general region; memory types and drivers
/// are cleared and the map follows @p dialect (v4 by default, the posting Hans's compulsory type answered).
/// Size-0 regions stay: with a dialect they do not exist for the 2010 kernels (docs/cma2010.md#size-0-regions).
/// Any other platform is returned unchanged.
Platform toMap2010(const Platform& verkuil, std::optional<MapDialect> dialect = MapDialect::V4);
ExportResult exportConfig(const Project& project, ConfigFormat format, const ExportOptions& options = {});

/// The DT label export writes for a region without Region::label: the name with every character outside
/// [A-Za-z0-9_] replaced by '_' (and a leading '_' before a digit).
std::string deviceTreeLabel(std::string_view name);

// ---- import ----------------------------------------------------------------------------------------------

struct ImportOptions
{
    /// Formats that carry no memory layout (command lines, Verkuil, dmesg) take banks, devices, kinds and the
    /// page size from here; their regions (and, for the 2010 forms, rules) replace the base's.
    const Platform* base = nullptr;
    std::string sourceName; ///< file name used in messages; empty = "<input>"
    std::string dtcPath = "dtc"; ///< device tree compiler for DTS input (searched in PATH)
    /// DTS input: dtc (with anything it started) is killed after this long, and the import fails saying so.
    std::chrono::milliseconds dtcTimeout { 60000 };
    /// DTS input: asked (with no figures: 0, 0) while dtc runs; returning false kills it and fails the import
    /// as cancelled (util/progress.h).
    Progress progress;
    /// For Cma2010: which posting's rules to apply. nullopt = from the text: cma_map= is v1, cma.map= is v4
    /// unless a region has the v3 '-' prefix.
    std::optional<Lang2010Form> form2010;
    /// Device trees: the board's DRAM, when the tree does not say it (a bootloader fills /memory in at boot,
    /// e.g. the Raspberry Pi 4 firmware). When set, these banks replace the tree's memory nodes.
    std::vector<Bank> memory;
};

/// Reads DRAM banks as the user gives them: "SIZE[@BASE]" (memparse sizes: 4G, 0x80000000@0x40000000),
/// several separated by commas. Banks are named "memory@BASE" as device trees name them. On error, the
/// message names the part at fault.
std::variant<std::vector<Bank>, std::string> parseMemorySpec(std::string_view text);

struct ImportResult
{
    /// Set only when there was no error: never a half-imported project.
    std::optional<Project> project;
    /// Set when there were errors, every one of them the kernel's own, and the kernel would still boot with part
    /// of the input: what it keeps (the 2010 parsers keep the regions read before an error, and v1 the first 64
    /// map rules; docs/cma2010.md#parsing-as-the-kernel-did). `cmascope-cli import --as-kernel` and the app's
    /// import offer it; `project` stays unset.
    std::optional<Project> kernelKept;
    /// Errors, warnings and notes. `path` locates the problem ("cma= column 12", "line 3",
    /// "/reserved-memory/vcodec@60000000: reg"), `item` names the region/node/parameter, `check` is a stable id
    /// ("syntax", "kernel-rejects", "dt-reg-and-size", "dt-nomap-reusable", "dtc", ...).
    std::vector<Diagnostic> messages;
    std::string source; ///< the source name used
    bool ok() const noexcept { return project.has_value(); }
    /// The input describes no memory (a device tree whose /memory the bootloader fills in): the import
    /// worked, but regions cannot be placed until the DRAM is given (ImportOptions::memory).
    bool memoryMissing = false;
    /// "source: path: error: message", one per line.
    std::string errorText() const;
};

ImportResult importCmdline(std::string_view text, const ImportOptions& options = {});
/// Reads a flattened device tree (checked with fdt_check_full before use).
ImportResult importDeviceTreeBlob(std::string_view bytes, const ImportOptions& options = {});
/// Compiles @p dts with `dtc -I dts -O dtb -@` (include path: the directory of options.sourceName) and reads the
/// blob; dtc's error text is reported with the source name.
ImportResult importDeviceTreeSource(std::string_view dts, const ImportOptions& options = {});
ImportResult import2010(std::string_view text, const ImportOptions& options = {});
ImportResult importVerkuil(std::string_view text, const ImportOptions& options = {});
ImportResult importIomem(std::string_view text, const ImportOptions& options = {});
ImportResult importDmesg(std::string_view text, const ImportOptions& options = {});
ImportResult importConfig(std::string_view content, ConfigFormat format, const ImportOptions& options = {});

} // namespace cmascope
