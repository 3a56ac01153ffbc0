// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/devicetablemodel.h"

#include "platform/cellinput.h"
#include "platform/tablesupport.h"

#include <algorithm>

namespace cmascope::views {

using namespace cellinput;
using namespace tablesupport;

DeviceTableModel::DeviceTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : DeviceTableBase(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Device name as map patterns match it") },
        { tr("NUMA node"), QStringLiteral("numaNode"), EditorKind::Integer, tr("NUMA node of the device"),
            tr("NUMA node") },
        { tr("DMA bits"), QStringLiteral("dmaBits"), EditorKind::Integer,
            tr("Addressing limit: 32 = can reach only below 4 GiB") },
        { tr("Memory regions"), QStringLiteral("memoryRegions"), EditorKind::Text,
            tr("DT memory-region list, comma-separated; the first is the device's own CMA area"), {},
            { QStringLiteral("memoryRegionNames") } },
    });
    initialize();
}

QVariant DeviceTableModel::cellData(int row, int column, int role) const
{
    const Device& d = item(row);
    const bool number = column == NumaNode || column == DmaBits;
    if (number && role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    switch (column) {
    case Name:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return qs(d.name);
        return {};
    case NumaNode:
        return integerCell(d.numaNode, 0, kMaxNumaNode, role);
    case DmaBits:
        return integerCell(d.dmaBits, 1, 64, role);
    case MemoryRegions:
        if (role == Qt::DisplayRole || role == Qt::EditRole)
            return joinNames(d.memoryRegions);
        if (role == Qt::ToolTipRole && !d.memoryRegionNames.empty())
            return tr("memory-region-names: %1").arg(joinNames(d.memoryRegionNames));
        if (role == PlaceholderRole)
            return QStringLiteral("b1, b2");
        return {};
    default:
        return {};
    }
}

QString DeviceTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Device& d = p.devices[std::size_t(row)];
    const QString text = value.toString();
    QString error;
    switch (column) {
    case Name:
        return rename(p, row, text, what);
    case NumaNode:
        if (auto v = parseInt(text, 0, kMaxNumaNode, &error))
            d.numaNode = *v;
        return error;
    case DmaBits:
        if (auto v = parseInt(text, 1, 64, &error))
            d.dmaBits = unsigned(*v);
        return error;
    case MemoryRegions:
        if (auto v = parseNameList(text, &error)) {
            // memory-region-names is parallel to memory-region: keep the name of every region that stays.
            if (!d.memoryRegionNames.empty()) {
                std::vector<std::string> names;
                for (const std::string& region : *v) {
                    const auto it = std::find(d.memoryRegions.begin(), d.memoryRegions.end(), region);
                    const auto i = std::size_t(it - d.memoryRegions.begin());
                    names.push_back(
                        it != d.memoryRegions.end() && i < d.memoryRegionNames.size() ? d.memoryRegionNames[i] : "");
                }
                const bool any = std::any_of(names.begin(), names.end(), [](const auto& n) { return !n.empty(); });
                d.memoryRegionNames = any ? names : std::vector<std::string> {};
            }
            d.memoryRegions = std::move(*v);
        }
        return error;
    default:
        return tr("This column cannot be edited.");
    }
}

QString DeviceTableModel::rename(Platform& p, int row, const QString& text, QString& what) const
{
    Device& d = p.devices[std::size_t(row)];
    const QString name = text.trimmed();
    const QString error = checkName(name, p.devices, row, singular(), QStringLiteral(",;=/"));
    if (!error.isEmpty())
        return error;
    const std::string from = d.name;
    const std::string to = ss(name);
    what = tr("Rename device %1 to %2").arg(qs(from), name);
    d.name = to;
    for (Region& r : p.regions) {
        if (r.privateTo == from)
            r.privateTo = to;
    }
    renameInPatterns(p, from, to, false);
    return {};
}

QString DeviceTableModel::insertFresh(Platform& p, int row) const
{
    return insertNamed(p, row, Device {}, "device");
}

} // namespace cmascope::views
