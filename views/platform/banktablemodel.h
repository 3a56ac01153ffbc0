// SPDX-License-Identifier: GPL-2.0-or-later
// The Banks table of the platform editor: the physical memory banks (name, base, size, NUMA node).
#pragma once

#include "platform/platformtablemodel.h"

namespace cmascope::views {

using BankTableBase = PlatformItemTableModel<Bank, &Platform::banks>;

class BankTableModel : public BankTableBase
{
    Q_OBJECT
public:
    enum ColumnId { Name, Base, Size, NumaNode, ColumnCount };
    explicit BankTableModel(Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("banks"); }
    QString singular() const override { return tr("bank"); }

protected:
    /// Messages about a bank as a whole (overlaps) mark its base.
    int itemColumn(int) const override { return Base; }
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
};

} // namespace cmascope::views
