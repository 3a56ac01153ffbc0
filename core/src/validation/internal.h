// SPDX-License-Identifier: GPL-2.0-or-later
// What the validation checks share (validation.cpp runs them; layoutchecks.cpp, devicechecks.cpp and
// mapchecks.cpp hold them by theme). Not installed.
#pragma once

#include <cmascope/util/units.h>
#include <cmascope/validation/validation.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope::validationchecks {

inline constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

inline std::string range(std::uint64_t base, std::uint64_t size)
{
    return "[" + hexText(base) + ", " + hexText(base + size) + ")";
}

inline bool isPow2(std::uint64_t v) noexcept
{
    return v != 0 && (v & (v - 1)) == 0;
}
inline bool overflows(std::uint64_t base, std::uint64_t size) noexcept
{
    return size > kMax - base;
}
inline std::string idx(std::string_view what, std::size_t i)
{
    return std::string(what) + "[" + std::to_string(i) + "]";
}
inline std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

/// What every check reads.
struct Ctx
{
    const Platform& p;
    const ValidationOptions& o;
    MapOptions map; ///< the dialect the checks read the map with: the options' one, else the platform's
};

using Out = std::vector<Diagnostic>;

inline void add(Out& out, Severity s, std::string path, std::string item, std::string message)
{
    out.push_back(Diagnostic { s, std::move(path), std::move(item), std::move(message), {} });
}

/// The address range a region is known to occupy: fixed ones always, dynamic ones once placed.
std::optional<AddressRange> knownRange(const Region& r);
std::string rangeOrigin(const Region& r);
/// Merged, sorted intervals of the banks (memblock merges adjacent memory).
std::vector<AddressRange> mergedBanks(const Platform& p);
bool insideBanks(const std::vector<AddressRange>& banks, std::uint64_t base, std::uint64_t size);
bool intersectsBanks(const std::vector<AddressRange>& banks, std::uint64_t base, std::uint64_t size);

// Banks, region sizes, alignment and addresses (layoutchecks.cpp).
void checkPageSize(const Ctx& c, Out& out);
void checkNames(const Ctx& c, Out& out);
void checkOverflow(const Ctx& c, Out& out);
void checkNoBanks(const Ctx& c, Out& out);
void checkBankOverlap(const Ctx& c, Out& out);
void checkAlignmentPow2(const Ctx& c, Out& out);
void checkSizeMultiple(const Ctx& c, Out& out);
void checkFixedAlignment(const Ctx& c, Out& out);
void checkMinimumAlignment(const Ctx& c, Out& out);
void checkRegionOverlap(const Ctx& c, Out& out);
void checkOutsideBanks(const Ctx& c, Out& out);
void checkSizeZeroFixed(const Ctx& c, Out& out);
void checkMultiRange(const Ctx& c, Out& out);

// Default areas and what devices are given (devicechecks.cpp).
void checkDefaultAreas(const Ctx& c, Out& out);
void checkPrivateOwner(const Ctx& c, Out& out);
void checkPrivateHandle(const Ctx& c, Out& out);
void checkMemoryRegions(const Ctx& c, Out& out);
void checkDmaLimit(const Ctx& c, Out& out);

// The 2010 map rules (mapchecks.cpp).
void checkMapUnknownRegion(const Ctx& c, Out& out);
void checkMapPrivateRegion(const Ctx& c, Out& out);
void checkDeadPatterns(const Ctx& c, Out& out);
void checkKindWithoutDevice(const Ctx& c, Out& out);
void checkShadowedRules(const Ctx& c, Out& out);
void checkMapKinds(const Ctx& c, Out& out);

// What the 2010 kernels accept but cannot serve, and a v3 map read with v3's walk (lang2010checks.cpp).
void checkMissingAllocator(const Ctx& c, Out& out);
void checkRuleRegionLists(const Ctx& c, Out& out);
void checkV3Reach(const Ctx& c, Out& out);

// Size-0 regions and Hans Verkuil's memory types (verkuilchecks.cpp).
void checkSizeZero2010(const Ctx& c, Out& out);
void checkVerkuilTypes(const Ctx& c, Out& out);

} // namespace cmascope::validationchecks
