// SPDX-License-Identifier: GPL-2.0-or-later
// Sizes and addresses in the views: the core's one spelling (cmascope/util/units.h) as QString.
#pragma once

#include <cmascope/util/units.h>

#include <QString>

#include <cstdint>

namespace cmascope::views {

/// "0x40000000" (hexText()).
inline QString hexString(std::uint64_t value)
{
    return QString::fromStdString(hexText(value));
}

/// "64 MiB", "1.5 MiB", "4097 bytes" (sizeText()): exact.
inline QString sizeString(std::uint64_t bytes)
{
    return QString::fromStdString(sizeText(bytes));
}

/// "117 MiB" (approxSizeText()): for axes and chart labels only.
inline QString approxSizeString(double bytes)
{
    return QString::fromStdString(approxSizeText(bytes));
}

} // namespace cmascope::views
