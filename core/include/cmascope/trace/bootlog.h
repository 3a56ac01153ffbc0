// SPDX-License-Identifier: GPL-2.0-or-later
// CMA reservation messages of a boot log (dmesg): areas with their base, size, node and name.
// Standard C++20, no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// Which boot message a BootLogArea came from.
enum class BootLogKind : std::uint8_t {
    CmaReserved, ///< "cma: Reserved %ld MiB at %pa[ on node %d]" (every cma_declare_contiguous area)
    CmaReservedRanges, ///< "cma: Reserved %lu MiB in %d range(s)" (multi-range areas; no base)
    DtPoolCreated, ///< "Reserved memory: created CMA memory pool at %pa, size %ld MiB"
    DtReservedRange, ///< "OF: reserved mem: <base>..<end> (N KiB) map reusable NAME"
    DtNodeInitialized, ///< "OF: reserved mem: initialized node NAME, compatible id shared-dma-pool"
    HugetlbCma, ///< "hugetlb_cma: reserved %lu MiB on node %d"
    MemoryCmaReserved, ///< "Memory: ... %luK cma-reserved": the total of all areas
};

struct BootLogArea
{
    BootLogKind kind = BootLogKind::CmaReserved;
    std::string name; ///< area name when the message (or its neighbour) tells it; else empty
    bool nameInferred = false; ///< name deduced from context, not printed on the line
    std::optional<std::uint64_t> base; ///< bytes
    std::uint64_t size = 0; ///< bytes
    int node = -1; ///< NUMA node; -1 = none printed / NUMA_NO_NODE
    std::uint32_t line = 0; ///< 1-based
    std::string text; ///< the message without its "[    0.000000] " prefix
};

/// Finds the CMA reservation messages in dmesg text. Names: DT areas get the node name; a
/// `cma: Reserved` line directly followed by `hugetlb_cma: reserved ... on node N` is "hugetlbN";
/// one without node (or node -1) is the global default area "reserved" (nameInferred).
std::vector<BootLogArea> parseBootLog(std::string_view text);

/// A dmesg line without its "[    0.000000] " time stamp (and a syslog "<6>" level).
std::string_view dmesgMessage(std::string_view line);

} // namespace cmascope
