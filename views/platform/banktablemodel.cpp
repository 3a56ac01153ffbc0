// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/banktablemodel.h"

#include "platform/cellinput.h"
#include "platform/tablesupport.h"

#include <cmascope/util/units.h>

namespace cmascope::views {

using namespace cellinput;
using namespace tablesupport;

BankTableModel::BankTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent)
    : BankTableBase(document, diagnostics, parent)
{
    setColumns({
        { tr("Name"), QStringLiteral("name"), EditorKind::Text, tr("Name of the memory bank") },
        { tr("Base"), QStringLiteral("base"), EditorKind::Address, tr("Physical start address (0x hex)") },
        { tr("Size"), QStringLiteral("size"), EditorKind::Size, tr("Size in memparse syntax (256M, 1G)") },
        { tr("NUMA node"), QStringLiteral("numaNode"), EditorKind::Integer, tr("NUMA node of the bank"),
            tr("NUMA node") },
    });
    initialize();
}

QVariant BankTableModel::cellData(int row, int column, int role) const
{
    const Bank& b = item(row);
    const bool text = role == Qt::DisplayRole || role == Qt::EditRole;
    QVariant value;
    switch (column) {
    case Name:
        return text ? QVariant(qs(b.name)) : QVariant();
    case Base:
        if (text)
            return addressText(b.base);
        if (role == Qt::ToolTipRole)
            return tr("[%1, %2)").arg(addressText(b.base), addressText(b.base + b.size));
        break;
    case Size:
        value = sizeCell(b.size, role);
        break;
    case NumaNode:
        value = integerCell(b.numaNode, 0, kMaxNumaNode, role);
        break;
    default:
        break;
    }
    if (value.isValid())
        return value;
    if (role == Qt::TextAlignmentRole && column != Name)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QString BankTableModel::assign(Platform& p, int row, int column, const QVariant& value, QString& what) const
{
    Bank& b = p.banks[std::size_t(row)];
    const QString text = value.toString();
    QString error;
    switch (column) {
    case Name: {
        const QString name = text.trimmed();
        error = checkName(name, p.banks, row, singular());
        if (error.isEmpty()) {
            what = tr("Rename bank %1 to %2").arg(qs(b.name), name);
            b.name = ss(name);
        }
        return error;
    }
    case Base:
        if (auto v = parseAddress(text, &error))
            b.base = *v;
        return error;
    case Size:
        if (auto v = parseSize(text, &error))
            b.size = *v;
        return error;
    case NumaNode:
        if (auto v = parseInt(text, 0, kMaxNumaNode, &error))
            b.numaNode = *v;
        return error;
    default:
        return tr("This column cannot be edited.");
    }
}

QString BankTableModel::insertFresh(Platform& p, int row) const
{
    Bank b;
    std::uint64_t end = 0;
    for (const Bank& other : p.banks)
        end = std::max(end, rangeEnd(other.base, other.size).value_or(kU64Max));
    // After the last bank, on a 256 MiB boundary; at 0x80000000 when there is no room left up there.
    const auto after = alignUp(end, 256 * MiB);
    b.base = p.banks.empty() || !after || !rangeEnd(*after, 256 * MiB) ? 0x80000000 : *after;
    b.size = 256 * MiB;
    return insertNamed(p, row, b, "bank");
}

} // namespace cmascope::views
