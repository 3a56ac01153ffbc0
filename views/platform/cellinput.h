// SPDX-License-Identifier: GPL-2.0-or-later
// Cell input of the platform editor: parsers of what a user types in a table cell, and the spellings the
// tables (and the other views) show sizes, addresses, times and enums with.
#pragma once

#include <cmascope/model/platform.h>

#include <QString>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmascope::views {

/// Parsers of cell input. Each returns the value, or nullopt with a sentence saying why in @p error.
namespace cellinput {
/// Kernel memparse() syntax, the whole text: "64M", "0x4000000", "1536K", "4096". Empty is an error unless
/// @p emptyIsZero (optional sizes such as alignment and limit, where 0 means "default" / "none").
std::optional<quint64> parseSize(const QString& text, QString* error, bool emptyIsZero = false);
/// Physical address in memparse() syntax ("0x40000000", "1G").
std::optional<quint64> parseAddress(const QString& text, QString* error, bool emptyIsZero = false);
/// "yes"/"no", "true"/"false", "on"/"off", "1"/"0", "x"/"" (case-insensitive).
std::optional<bool> parseBool(const QString& text, QString* error);
/// A policy id ("kernel", "bf", "first-fit", ...) or its display name.
std::optional<PolicyKind> parsePolicy(const QString& text, QString* error);
/// An integer in [@p min, @p max]; @p noneValue is also accepted spelled "none" or "" when given.
std::optional<int> parseInt(const QString& text, int min, int max, QString* error, std::optional<int> noneValue = {});
/// "4K", "16K" or "64K" (any memparse spelling of those values).
std::optional<std::uint32_t> parsePageSize(const QString& text, QString* error);
/// A comma-separated list of names, blanks around names dropped; empty text is an empty list.
/// Empty names ("a,,b") are an error.
std::optional<std::vector<std::string>> parseNameList(const QString& text, QString* error);

/// Spellings shared by the models. Sizes and addresses are shown as the whole program shows them
/// (cmascope/util/units.h); a size cell is edited in the memparse() syntax a kernel command line takes.
QString sizeInput(quint64 bytes); ///< the edit text of a size cell, formatSize(): "64M", "1536K", "4097"
QString addressText(quint64 address); ///< hexText(): "0x40000000"
QString humanSize(quint64 bytes); ///< sizeText(): "64 MiB", "1.5 MiB", "4097 bytes"
QString traceTimeText(quint64 ns); ///< like ftrace: seconds with microseconds, "12.345678"
QString regionTypeText(RegionType type); ///< "cma", "carve-out"
QString placementText(Placement placement); ///< "fixed", "dynamic"
} // namespace cellinput

} // namespace cmascope::views
