// SPDX-License-Identifier: GPL-2.0-or-later
// The region table's edits: a typed cell written back into the region, or why it cannot be.
#include "common/document.h"
#include "platform/cellinput.h"
#include "platform/regiontablemodel.h"
#include "platform/tablesupport.h"

#include <cmascope/model/verkuilmap.h>
#include <cmascope/plan/placement.h>
#include <cmascope/util/units.h>

#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace cmascope::views {

using namespace cellinput;
using namespace tablesupport;

QString RegionTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Region& r = p.regions[std::size_t(row)];
    const QString text = value.toString();
    switch (column) {
    case Name:
        return rename(p, row, text, what);
    case Type:
    case Size:
    case FallbackMax:
        return assignKind(r, column, text);
    case Placement:
    case Start:
    case Alignment:
    case Limit:
        return assignPlacement(r, row, column, text, what);
    case PageSize:
    case Policy:
    case OrderPerBit:
        return assignAllocator(r, column, text);
    case Default:
    case Asterisk:
    case PrivateTo:
    case PrivateHandle:
    case NumaNode:
        return assignUsers(r, column, text, what);
    case MaxRanges: {
        QString error;
        if (auto v = parseInt(text, 1, int(kCmaMaxRanges), &error))
            r.maxRanges = unsigned(*v);
        return error;
    }
    case MemoryType:
    case Drivers:
        return assignType(r, column, text);
    default:
        return tr("This column cannot be edited.");
    }
}

QString RegionTableModel::rename(Platform& p, int row, const QString& text, QString& what) const
{
    Region& r = p.regions[std::size_t(row)];
    const QString name = text.trimmed();
    const QString error = checkName(name, p.regions, row, singular());
    if (!error.isEmpty())
        return error;
    const std::string from = r.name;
    const std::string to = ss(name);
    what = tr("Rename region %1 to %2").arg(qs(from), name);
    r.name = to;
    // Keep references working: map rules and device memory-region lists name regions.
    for (MapRule& rule : p.rules)
        std::replace(rule.regions.begin(), rule.regions.end(), from, to);
    for (Device& d : p.devices)
        std::replace(d.memoryRegions.begin(), d.memoryRegions.end(), from, to);
    return {};
}

QString RegionTableModel::assignKind(Region& r, int column, const QString& text) const
{
    if (column == Size || column == FallbackMax) {
        QString error;
        const auto v = parseSize(text, &error);
        if (v && column == FallbackMax && *v < r.pageSize)
            return tr("The fallback's largest allocation must be at least a page (%1), not %2.")
                .arg(humanSize(r.pageSize), humanSize(*v));
        if (v)
            (column == Size ? r.size : r.fallbackMaxContiguous) = *v;
        return error;
    }
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("cma"))
        r.type = RegionType::Cma;
    else if (t == QLatin1String("carve-out") || t == QLatin1String("carveout") || t == QLatin1String("no-map"))
        r.type = RegionType::Carveout;
    else
        return tr("%1 is not a region type; use cma or carve-out.").arg(quoted(text.trimmed()));
    return {};
}

QString RegionTableModel::assignPlacement(Region& r, int row, int column, const QString& text, QString& what) const
{
    QString error;
    switch (column) {
    case Placement: {
        const QString t = text.trimmed().toLower();
        if (t == QLatin1String("fixed"))
            r.placement = cmascope::Placement::Fixed;
        else if (t == QLatin1String("dynamic"))
            r.placement = cmascope::Placement::Dynamic;
        else
            return tr("%1 is not a placement; use fixed or dynamic.").arg(quoted(text.trimmed()));
        // Fixing a region where it was placed keeps it there: the natural next step after a good boot.
        const auto& placed = document()->placedPlatform().regions;
        if (r.placement == cmascope::Placement::Fixed && r.start == 0 && std::size_t(row) < placed.size()
            && placed[std::size_t(row)].placedBase)
            r.start = *placed[std::size_t(row)].placedBase;
        return {};
    }
    case Start:
        if (auto v = parseAddress(text, &error)) {
            if (r.placement != cmascope::Placement::Fixed)
                what = tr("Fix region %1 at %2").arg(qs(r.name), addressText(*v));
            r.start = *v;
            r.placement = cmascope::Placement::Fixed;
        }
        return error;
    case Alignment:
        if (auto v = parseSize(text, &error, true)) {
            if (*v & (*v - 1))
                return tr("The alignment %1 is not a power of two.").arg(humanSize(*v));
            r.alignment = *v;
        }
        return error;
    default: // Limit
        if (auto v = parseAddress(text, &error, true))
            r.limit = *v;
        return error;
    }
}

QString RegionTableModel::assignAllocator(Region& r, int column, const QString& text) const
{
    QString error;
    switch (column) {
    case PageSize:
        if (auto v = parsePageSize(text, &error))
            r.pageSize = *v;
        return error;
    case Policy:
        if (auto v = parsePolicy(text, &error))
            r.policy = *v;
        return error;
    default: // OrderPerBit
        if (auto v = parseInt(text, 0, 20, &error))
            r.params.orderPerBit = unsigned(*v);
        return error;
    }
}

QString RegionTableModel::assignUsers(Region& r, int column, const QString& text, QString& what) const
{
    const QString label = qs(r.name);
    QString error;
    switch (column) {
    case Default:
        if (auto v = parseBool(text, &error)) {
            r.isDefault = *v;
            what = *v ? tr("Make region %1 the default area").arg(label)
                      : tr("Clear default flag of region %1").arg(label);
        }
        return error;
    case Asterisk:
        if (auto v = parseBool(text, &error)) {
            r.asterisk = *v;
            what = *v ? tr("Add region %1 to the asterisk regions").arg(label)
                      : tr("Remove region %1 from the asterisk regions").arg(label);
        }
        return error;
    case PrivateTo:
        r.privateTo = ss(text.trimmed());
        return {};
    case PrivateHandle:
        if (auto v = parseBool(text, &error)) {
            r.privateHandle = *v;
            what = *v ? tr("Make region %1 a 2010 private region (by handle)").arg(label)
                      : tr("Make region %1 a named region again").arg(label);
        }
        return error;
    default: // NumaNode
        if (auto v = parseInt(text, -1, kMaxNumaNode, &error, -1))
            r.numaNode = *v;
        return error;
    }
}

QString RegionTableModel::assignType(Region& r, int column, const QString& text) const
{
    if (platform().mapMode != MapMode::Verkuil)
        return tr("Only the Verkuil map mode reads memory types and drivers: choose it on the Board tab first.");
    const auto bad = [](const QString& name) {
        return name.contains(QRegularExpression(QStringLiteral("[\\s,;=/?*]")));
    };
    if (column == MemoryType) {
        const QString type = text.trimmed();
        if (bad(type))
            return tr("A memory type must not contain blanks or any of ,;=/?* (%1).").arg(quoted(type));
        r.memoryType = ss(type);
        return {};
    }
    std::vector<std::string> drivers;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QString name = part.trimmed();
        if (name.isEmpty())
            continue;
        if (bad(name))
            return tr("A driver name must not contain blanks or any of ;=/?* (%1).").arg(quoted(name));
        drivers.push_back(ss(name));
    }
    r.drivers = std::move(drivers);
    return {};
}

// ---- items ---------------------------------------------------------------------------------------------

} // namespace cmascope::views
