// SPDX-License-Identifier: GPL-2.0-or-later
// How the workload dialog writes a stream's size distribution and lifetime in one table cell, and reads them
// back (docs/workload.md, "The dialog"): "1M:3 2M" (sizes with weights, 1 when left out; a histogram's bins the
// same way), "16K..1M" (a range), "4..12" or "8" (ticks), "until drain".
#pragma once

#include <cmascope/model/workload.h>

#include <QString>

#include <optional>

namespace cmascope::views {

/// The cell text of @p sizes: its choices for a fixed list or a histogram, its range otherwise.
QString sizesCellText(const SizeDistribution& sizes);
/// Reads @p text into @p sizes (whose kind says which form is expected). The error names what is wrong.
std::optional<QString> readSizesCell(const QString& text, SizeDistribution& sizes);

QString lifetimeCellText(const Lifetime& lifetime);
std::optional<QString> readLifetimeCell(const QString& text, Lifetime& lifetime);

/// A size cell ("64K", "" = 0 = default); nullopt when it is not a size.
std::optional<std::uint64_t> readSizeCell(const QString& text);
QString sizeCellText(std::uint64_t bytes);

} // namespace cmascope::views
