// SPDX-License-Identifier: GPL-2.0-or-later
// Next fit: first fit with a roving pointer.
#pragma once

#include <cmascope/policies/holelist.h>

namespace cmascope {

/// Next fit (Knuth TAOCP 2.5 exercise 6; Wilson et al. 1995 "sequential fits"): first fit whose
/// search starts at a roving pointer - the end of the previous placement - and wraps around to the
/// region start once. The search begins with the hole that contains or follows the rover (that hole
/// is examined from its own start). Busy windows are skipped as in first fit.
class NextFitPolicy final : public HoleListPolicy
{
public:
    NextFitPolicy() = default;

    std::string_view id() const noexcept override { return "next-fit"; }
    std::unique_ptr<AllocationPolicy> clone() const override;

    /// Where the next search starts (page offset relative to the region start).
    std::uint64_t rover() const noexcept { return m_rover; }

protected:
    std::optional<std::uint64_t> choose(std::uint64_t pages, std::uint64_t alignPages, const BusyOracle* busy,
        std::vector<std::uint64_t>& busyOffsets) override;
    void cleared() override { m_rover = 0; }
    void placed(std::uint64_t start, std::uint64_t pages) override { m_rover = start + pages; }

private:
    std::uint64_t m_rover = 0;
};

} // namespace cmascope
