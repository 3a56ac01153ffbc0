// SPDX-License-Identifier: GPL-2.0-or-later
// A read-only result table the way the what-if and compare panes show theirs: sortable through a proxy on the
// model's sort role, whole rows selected one at a time, compact rows, the last column stretched.
#pragma once

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace cmascope::views {

/// A table over @p model sorted by @p sortRole, first by @p column ascending; the proxy is a child of the
/// table.
inline QTableView* makeSortedTable(QAbstractItemModel* model, int sortRole, int column, QWidget* parent)
{
    auto* table = new QTableView(parent);
    auto* proxy = new QSortFilterProxyModel(table);
    proxy->setSourceModel(model);
    proxy->setSortRole(sortRole);
    table->setModel(proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(column, Qt::AscendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->verticalHeader()->setVisible(false);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setAlternatingRowColors(true);
    return table;
}

} // namespace cmascope::views
