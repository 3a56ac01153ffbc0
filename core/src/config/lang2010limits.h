// SPDX-License-Identifier: GPL-2.0-or-later
// Limits of the 2010 cma= parsers shared by the import and the export (docs/cma2010.md#the-region-language).
// Not installed.
#pragma once

#include <cmascope/config/configio.h>

#include <cstddef>

namespace cmascope::configio {

inline constexpr std::size_t kMaxParamLen = 512; // CMA_MAX_PARAM_LEN (strlcpy: 511 characters kept)

inline std::size_t maxRegions(Lang2010Form form)
{
    return form == Lang2010Form::V1 ? 16 : 15; // CMA_MAX_REGIONS; v3/v4: 16-entry array with a terminator
}

} // namespace cmascope::configio
