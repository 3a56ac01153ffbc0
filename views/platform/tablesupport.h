// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the platform editor's models (not part of their interface): string conversion, item
// names, renames that keep map patterns working, and the brushes and icons of validation marks.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/validation/validation.h>

#include <QBrush>
#include <QCoreApplication>
#include <QIcon>
#include <QString>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope::views::tablesupport {

inline QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

inline QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

inline std::string ss(const QString& s)
{
    return s.toStdString();
}

inline QString quoted(const QString& s)
{
    return QStringLiteral("“%1”").arg(s);
}

/// Highest NUMA node a bank, region or device may name.
constexpr int kMaxNumaNode = 1023;

/// "region1", "region2", ...: the first name of that form no item uses.
template <typename T> std::string uniqueName(const std::vector<T>& items, const std::string& prefix)
{
    for (int n = 1;; ++n) {
        std::string name = prefix + std::to_string(n);
        if (std::none_of(items.begin(), items.end(), [&](const T& t) { return t.name == name; }))
            return name;
    }
}

/// Checks a new name for an item: not empty, no map-language separators, not taken by another item.
template <typename T>
QString checkName(const QString& text, const std::vector<T>& items, int row, const QString& what,
    const QString& forbidden = QStringLiteral(",;="))
{
    if (text.isEmpty())
        return QCoreApplication::translate("PlatformTableModel", "A %1 needs a name.").arg(what);
    for (const QChar c : text) {
        if (c.isSpace() || forbidden.contains(c)) {
            return QCoreApplication::translate("PlatformTableModel", "A %1 name cannot contain %2 (%3).")
                .arg(what, c.isSpace() ? QStringLiteral("blanks") : quoted(c), quoted(text));
        }
    }
    const std::string name = ss(text);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (int(i) != row && items[i].name == name)
            return QCoreApplication::translate("PlatformTableModel", "There is already a %1 named %2.")
                .arg(what, quoted(text));
    }
    return {};
}

/// "a, b, c" (or joined with @p sep).
QString joinNames(const std::vector<std::string>& names, const QString& sep = QStringLiteral(", "));

/// Renames the device part ("dev" of "dev/kind") or the kind part of map patterns equal to @p from.
void renameInPatterns(Platform& p, const std::string& from, const std::string& to, bool kindPart);

/// The message box icon of @p s (none without a QApplication).
QIcon severityIcon(Severity s);
/// Translucent tints: readable over light and dark bases alike.
QBrush severityBrush(Severity s);
/// The text brush of values that do not apply (a default, a field the placement ignores).
QBrush mutedBrush();

} // namespace cmascope::views::tablesupport
