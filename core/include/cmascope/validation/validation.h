// SPDX-License-Identifier: GPL-2.0-or-later
// Lint of a platform model: every check names the item, the field (as a JSON-path-like string) and the numbers.
// Sources of the rules: docs/cma2010.md (2010 map and region normalisation), docs/kernel-cma.md
// (cma_declare_contiguous_nid checks, CMA_MIN_ALIGNMENT_BYTES, dma_alloc_contiguous), docs/device-tree.md (DT
// memory-region).
#pragma once

#include <cmascope/model/maplang.h>
#include <cmascope/model/platform.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

enum class Severity : std::uint8_t { Error, Warning, Info };

std::string_view severityName(Severity s) noexcept; ///< "error", "warning", "info"

struct Diagnostic
{
    Severity severity = Severity::Error;
    std::string path; ///< JSON-path-like location, e.g. "regions[2].size", "rules[1].patterns[0]"
    std::string item; ///< name of the item concerned (region/bank/device name, or the rule text)
    std::string message; ///< full sentence naming the item and the numbers (addresses in hex)
    std::string check; ///< stable id of the check that fired (see validationChecks())
    bool operator==(const Diagnostic&) const = default;
};

struct ValidationOptions
{
    /// Dialect used to decide which map patterns are shadowed (docs/cma2010.md: v1 map language vs v4 types);
    /// unset: the platform's own (Platform::mapDialect, MapOptions::of()).
    std::optional<MapDialect> dialect;
};

/// Description of one check, for documentation and settings UIs.
struct ValidationCheck
{
    std::string_view id;
    std::string_view description;
};

/// Every check validate() runs, in the order it runs them.
const std::vector<ValidationCheck>& validationChecks();

/// Runs every check; diagnostics are grouped by check, in validationChecks() order.
std::vector<Diagnostic> validate(const Platform& platform, const ValidationOptions& options = {});

/// Kernel minimum CMA alignment for @p region. Mainline (MapMode::Modern): region.pageSize <<
/// platform.pageblockOrder (CMA_MIN_ALIGNMENT_BYTES = PAGE_SIZE * pageblock_nr_pages, docs/kernel-cma.md).
/// The 2010 framework (MapMode::Map2010) had no pageblock constraint: alignment was normalised to
/// PAGE_SIZE (docs/cma2010.md#the-region-language), so there it is the page size.
std::uint64_t cmaMinAlignment(const Platform& platform, const Region& region) noexcept;

/// The alignment a region is reserved with: the larger of its own alignment and its page size, raised to
/// cmaMinAlignment() for CMA regions (carve-outs keep their own).
std::uint64_t effectiveAlignment(const Platform& platform, const Region& region) noexcept;

} // namespace cmascope
