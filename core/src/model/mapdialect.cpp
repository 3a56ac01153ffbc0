// SPDX-License-Identifier: GPL-2.0-or-later
// The 2010 map dialects: their names and what each one does with the asterisk regions
// (docs/cma2010.md#dialects).
#include <cmascope/model/maplang.h>

#include <algorithm>

namespace cmascope {

std::vector<std::string> asteriskRegions(const Platform& platform, MapDialect dialect)
{
    std::vector<std::string> out = asteriskRegions(platform);
    if (dialect == MapDialect::V3)
        std::reverse(out.begin(), out.end());
    return out;
}

std::string_view mapDialectId(MapDialect dialect) noexcept
{
    switch (dialect) {
    case MapDialect::V1:
        return "v1";
    case MapDialect::V3:
        return "v3";
    case MapDialect::V4:
        return "v4";
    case MapDialect::V6:
        return "v6";
    }
    return "v1";
}

std::optional<MapDialect> mapDialectFromId(std::string_view id) noexcept
{
    for (const MapDialect d : { MapDialect::V1, MapDialect::V3, MapDialect::V4, MapDialect::V6 })
        if (mapDialectId(d) == id)
            return d;
    return std::nullopt;
}

MapOptions MapOptions::of(const Platform& platform)
{
    if (!platform.mapDialect)
        return MapOptions {};
    return MapOptions { *platform.mapDialect, *platform.mapDialect == MapDialect::V3 };
}

} // namespace cmascope
