// SPDX-License-Identifier: GPL-2.0-or-later
// The compare pane's table: one row per variant of a comparison (compare/compare.h, docs/compare.md), base
// first, with its failures, peak use, largest free extent, fragmentation and first differing step.
#pragma once

#include <cmascope/compare/compare.h>

#include <QAbstractTableModel>

namespace cmascope::views {

class CompareModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        VariantColumn,
        RequestsColumn,
        FailuresColumn,
        PeakUsedColumn,
        LargestFreeColumn,
        MinLargestFreeColumn,
        FragEndColumn,
        FragPeakColumn,
        FirstDifferenceColumn,
        DifferenceColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numbers as numbers (a missing figure sorts first)
        StepRole, ///< the first differing step, or -1
        VariantRole, ///< the row's index into Comparison::variants
    };
    explicit CompareModel(QObject* parent = nullptr);

    void setComparison(Comparison comparison);
    const Comparison& comparison() const { return m_comparison; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const VariantFigures& v, int column) const;
    QVariant sortKey(const VariantFigures& v, int row, int column) const;

    Comparison m_comparison;
};

} // namespace cmascope::views
