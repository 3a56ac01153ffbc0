// SPDX-License-Identifier: GPL-2.0-or-later
// The text form of a project variant, as `cmascope-cli compare --variant` and the compare pane take it:
// "region=video,policy=bf,size=24M,order_per_bit=2" or "align=4" (docs/compare.md).
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/plan/whatif.h>

#include <string>
#include <string_view>
#include <variant>

namespace cmascope {

/// Parses @p text into a variant of @p platform: comma-separated KEY=VALUE items, keys region (or area),
/// policy, size (memparse syntax), order_per_bit and align; a value in double quotes may hold commas
/// (region="linux,cma"). The error names the spec and the item.
/// The values are checked against the platform by applyVariant() (whatif.h), not here.
std::variant<PlatformVariant, std::string> parseVariantSpec(std::string_view text, const Platform& platform);

/// The spec text of @p variant (the inverse of parseVariantSpec), e.g. "region=video,policy=bf,size=24M".
std::string variantSpecText(const Platform& platform, const PlatformVariant& variant);

} // namespace cmascope
