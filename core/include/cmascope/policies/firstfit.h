// SPDX-License-Identifier: GPL-2.0-or-later
// Address-ordered first fit.
#pragma once

#include <cmascope/policies/holelist.h>

namespace cmascope {

/// Address-ordered first fit (Wilson et al. 1995, "sequential fits"): the lowest
/// aligned window that fits, searching holes from the region start. With no busy pages this places
/// exactly where the kernel bitmap with order_per_bit 0 would, but over a hole list.
/// Busy windows are skipped (next aligned window of the same hole, then the next hole).
class FirstFitPolicy final : public HoleListPolicy
{
public:
    FirstFitPolicy() = default;

    std::string_view id() const noexcept override { return "first-fit"; }
    std::unique_ptr<AllocationPolicy> clone() const override;

protected:
    std::optional<std::uint64_t> choose(std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
        std::vector<std::uint64_t>& busyOffsets) override;
};

} // namespace cmascope
