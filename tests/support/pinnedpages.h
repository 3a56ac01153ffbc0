// SPDX-License-Identifier: GPL-2.0-or-later
// Test support shared by the policy tests: a BusyOracle over a set of pinned pages.
#pragma once

#include <cmascope/policies/policy.h>

#include <cstdint>
#include <set>

namespace cmascope::test {

/// A window is busy when it contains any of the given pages (offsets relative to the region).
class PinnedPages : public BusyOracle
{
public:
    explicit PinnedPages(std::set<std::uint64_t> pages)
        : m_pages(std::move(pages))
    { }
    bool isBusy(std::uint64_t offset, std::uint64_t pages) const override
    {
        const auto it = m_pages.lower_bound(offset);
        return it != m_pages.end() && *it < offset + pages;
    }

private:
    std::set<std::uint64_t> m_pages;
};

} // namespace cmascope::test
