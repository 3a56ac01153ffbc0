// SPDX-License-Identifier: GPL-2.0-or-later
// Test support for the memory map's tests and benchmarks: hand-built map contents.
#pragma once

#include "map/mapcontent.h"

#include <cstdint>

namespace cmascope::test {

/// A map of one bank "ram" of @p bankSize at 0x40000000 whose start holds one region "cma" of
/// @p regionSize, with no chunks yet (add them to `chunks` and set `regions[0].chunkCount`).
inline views::MapContent oneRegionMap(std::uint64_t bankSize, std::uint64_t regionSize)
{
    views::MapContent c;
    c.banks.push_back({ QStringLiteral("ram"), 0x40000000, bankSize });
    views::MapRegion r;
    r.name = QStringLiteral("cma");
    r.base = 0x40000000;
    r.size = regionSize;
    r.bank = 0;
    c.regions.push_back(r);
    return c;
}

} // namespace cmascope::test
