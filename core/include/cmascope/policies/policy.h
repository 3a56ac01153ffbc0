// SPDX-License-Identifier: GPL-2.0-or-later
// The allocation-policy interface: one small contract, one class per policy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// Geometry of one region as a policy sees it. All quantities in pages.
struct RegionGeometry
{
    std::uint64_t basePfn = 0; ///< absolute PFN of the region's first page
    std::uint64_t pages = 0; ///< size of the region in pages
};

/// Policies address at most 2^48 pages (and PFNs below 2^48): every page count and offset fits with room to
/// spare in 64 bits.
inline constexpr std::uint64_t kMaxPolicyPages = std::uint64_t { 1 } << 48;

/// The geometry check the free-list policies make on reset(): nullopt when usable, else why not.
std::optional<std::string> checkGeometry(const RegionGeometry& g);

/// Tunables of the policies. Each policy reads the fields that concern it and ignores the rest.
struct PolicyParams
{
    /// kernel: one bitmap bit covers 2^orderPerBit pages (cma->order_per_bit).
    unsigned orderPerBit = 0;
    /// kernel: CONFIG_CMA_ALIGNMENT, the cap on a request's alignment order (dma_alloc_from_contiguous).
    /// std::nullopt = no cap (cma_alloc() called directly, as in a trace replay).
    std::optional<unsigned> maxAlignOrder = 8;
    /// tlsf: log2 of the number of second-level lists per power-of-two class (SLI).
    unsigned tlsfSecondLevelLog2 = 4;

    bool operator==(const PolicyParams&) const = default;
};

/// A request as the policy sees it.
struct PolicyRequest
{
    std::uint64_t pages = 0; ///< pages requested (the kernel's `count`)
    unsigned alignOrder = 0; ///< alignment of the absolute PFN as a page order (the kernel's `align`)
};

/// Answers whether migrating the occupants of a page window would fail (alloc_contig_range -> -EBUSY):
/// pinned/unmovable pages in a simulation, or busy-retry windows recorded in a kernel trace.
class BusyOracle
{
public:
    virtual ~BusyOracle() = default;
    /// @p offset is relative to the region's first page.
    virtual bool isBusy(std::uint64_t offset, std::uint64_t pages) const = 0;
};

/// Why a policy refused a request. Ordered roughly by how early the refusal happens.
enum class Refusal : std::uint8_t {
    None = 0,
    ZeroSize, ///< count == 0
    TooLarge, ///< larger than the whole region (kernel: nbits > maxno)
    NotEnoughFree, ///< fewer free pages than requested (kernel: count > available_count)
    Fragmented, ///< enough free pages, but no free window of that size at that alignment
    Busy, ///< windows existed but every one was busy (pinned pages); kernel returns -EBUSY
    Unsupported, ///< the policy cannot express the request (e.g. buddy order beyond the region)
    NotReserved, ///< the region failed to reserve at boot: it does not exist at run time
    /// No window of that size at that alignment exists in the region even when it is empty (the region is too
    /// small, or starts too far from an aligned address): not fragmentation. Set by the simulator, which
    /// knows the region's physical start (FreeExtents::admitsAligned()).
    Alignment,
    /// The call's arguments are wrong (-EINVAL): the 2010 cma_alloc_from_region() with an alignment that is not
    /// a power of two, or a region that was never registered (docs/cma2010.md#private-regions).
    InvalidArgument,
    /// The call does not exist in the platform's kernel: cma_alloc_from_region() in v1 or on a modern platform.
    NoSuchCall,
};

std::string_view refusalName(Refusal r) noexcept; ///< an id: "not-enough-free"
/// The verdict in words, as every view heads a refusal and as the diagnosis sentences end: "not enough
/// memory", "fragmented", "fits" (None).
std::string_view refusalVerdict(Refusal r) noexcept;

struct PolicyResult
{
    bool ok = false;
    std::uint64_t offset = 0; ///< first page of the placement, relative to the region start
    std::uint64_t reservedPages = 0; ///< pages the policy set aside (>= requested: bit rounding, buddy orders)
    Refusal refusal = Refusal::None;
    /// Windows tried and found busy, in the order tried (offsets relative to the region start).
    std::vector<std::uint64_t> busyOffsets;
};

/// One allocation policy managing one region. Implementations keep their own free-space structure;
/// the simulator checks them against an independent occupancy map.
class AllocationPolicy
{
public:
    virtual ~AllocationPolicy() = default;

    /// Short stable identifier used in project files and on the command line ("kernel", "bf", ...).
    virtual std::string_view id() const noexcept = 0;

    /// Forget all state and manage an empty region of geometry @p g.
    /// Returns an error message if the geometry cannot be used (e.g. pages not a multiple of 2^orderPerBit).
    virtual std::optional<std::string> reset(const RegionGeometry& g) = 0;

    /// Try to place a request. @p busy may be null (nothing pinned).
    virtual PolicyResult allocate(const PolicyRequest& req, const BusyOracle* busy) = 0;

    /// Give back [offset, offset + pages). @p pages is the count the caller asked for (the kernel's
    /// cma_release count); a sub-range of an earlier placement is allowed where the policy can
    /// represent it (partial frees). Returns false if the range was not allocated as a whole.
    virtual bool release(std::uint64_t offset, std::uint64_t pages) = 0;

    /// Mark [offset, offset + pages) as in use without a request: seeding the state from a debugfs
    /// bitmap taken after boot, or pages already taken before tracing started. False if not free.
    virtual bool reserve(std::uint64_t offset, std::uint64_t pages) = 0;

    /// Deep copy, for checkpoints and what-if runs.
    virtual std::unique_ptr<AllocationPolicy> clone() const = 0;
};

/// Identifiers of every built-in policy, in menu order.
enum class PolicyKind : std::uint8_t { Kernel, BestFit2010, FirstFit, NextFit, WorstFit, Buddy, Tlsf };

std::string_view policyId(PolicyKind k) noexcept; ///< "kernel", "bf", "first-fit", ...
std::string_view policyDisplayName(PolicyKind k) noexcept; ///< "Kernel bitmap (mm/cma.c)", ...
std::optional<PolicyKind> policyFromId(std::string_view id) noexcept;
const std::vector<PolicyKind>& allPolicies();

/// Creates a policy. The returned object still needs reset() before use.
std::unique_ptr<AllocationPolicy> makePolicy(PolicyKind k, const PolicyParams& params = {});

} // namespace cmascope
