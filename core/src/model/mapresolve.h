// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the 2010 resolution of maplang.cpp and the v3 dialect of maplang_v3.cpp
// (docs/cma2010.md#dialects). Private to the core.
#pragma once

#include <cmascope/model/maplang.h>

#include <string>
#include <string_view>
#include <vector>

namespace cmascope::detail {

/// Adds region @p name to @p res's candidates unless the kernel (or the private-region rule) would skip it.
void offerRegion(const Platform& platform, std::string_view device, const std::string& name, MapResolution& res);

/// "a, b, c"
std::string joinRegionNames(const std::vector<std::string>& names);

/// "'x'" or "(none)"
std::string showKindName(std::string_view kind);

/// The v3 resolution: no map at all gives the asterisk regions (newest first); a map that no rule of which
/// matches gives -ENOENT; a region list whose first entry is '*' gives the asterisk regions instead of the list.
void resolve2010V3(const Platform& platform, std::string_view device, std::string_view kind, MapResolution& res);

} // namespace cmascope::detail
