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

namespace cmascope::test {

/// The areas of a real NUMA capture (traces/kernel/k612-dt-numa), each area its own bank as a trace's map
/// has them: a 16 MiB linux,cma at 0x17f000000, an 8 MiB camera pool at 0x70000000 and two 1 GiB hugetlb
/// areas at 2 GiB and 4 GiB. On one physical axis the two small ones are a few pixels wide.
inline views::MapContent numaAreasMap()
{
    views::MapContent c;
    const struct
    {
        const char* name;
        std::uint64_t base, size;
    } areas[] = { { "linux,cma", 0x17f000000, 16u << 20 }, { "camera@70000000", 0x70000000, 8u << 20 },
        { "hugetlb0", 0x80000000, 1u << 30 }, { "hugetlb1", 0x100000000, 1u << 30 } };
    for (const auto& a : areas) {
        const QString name = QString::fromLatin1(a.name);
        c.banks.push_back({ name, a.base, a.size });
        views::MapRegion r;
        r.name = name;
        r.base = a.base;
        r.size = a.size;
        r.bank = int(c.banks.size()) - 1;
        c.regions.push_back(r);
    }
    return c;
}

} // namespace cmascope::test
