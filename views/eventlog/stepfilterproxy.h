// SPDX-License-Identifier: GPL-2.0-or-later
// The filter and sort of the event log: a proxy over a StepTableModel that works on the simulator's compact
// records (never on formatted cell text), so a change costs integer work per row, not string work.
#pragma once

#include "eventlog/textorder.h"

#include <QAbstractProxyModel>

#include <cstdint>
#include <vector>

namespace cmascope {
class Simulation;
class SymbolTable;
struct ReplayResult;
} // namespace cmascope

namespace cmascope::views {

class StepTableModel;

/// Filters the event log by device, kind, region, outcome class and free text, and sorts it by any column.
///
/// An index-mapping proxy over a StepTableModel: every filter or sort change computes the visible source
/// rows from the run's StepRecords and Steps (symbol ids, region indices, outcome classes; free text is
/// matched once per distinct symbol, size or outcome, and numbers are formatted only when the text could
/// occur in them) and announces it as a layout change, so persistent indexes (the view's current row and
/// selection) follow their step: a filter change never moves the current step.
class StepFilterProxy : public QAbstractProxyModel
{
    Q_OBJECT
public:
    /// Busy: trace requests with busy retries (succeeded or not). Cause*: trace failures by their
    /// ReplayRequest::cause, in FailureCause order.
    enum class OutcomeFilter {
        All,
        Requests,
        Failures,
        Frees,
        Markers,
        Busy,
        CauseTooSmall,
        CauseAlignment,
        CauseFragmented,
        CauseBusy,
        CauseNoArea,
        CauseUnexplained,
    };
    explicit StepFilterProxy(QObject* parent = nullptr);

    /// @p source must be a StepTableModel.
    void setSourceModel(QAbstractItemModel* source) override;

    void setDeviceFilter(const QString& device);
    void setKindFilter(const QString& kind);
    void setRegionFilter(const QString& region);
    void setOutcomeFilter(OutcomeFilter filter);
    void setTextFilter(const QString& text);

    /// Sorts by the column's value (numbers for step, time, size, alignment, address; text for the others,
    /// compared like QString::compare), equal values in step order. Column -1 restores step order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    /// The source row (step) shown at proxy row @p row, or -1.
    int sourceRowAt(int row) const
    {
        return row >= 0 && std::size_t(row) < m_rows.size() ? m_rows[std::size_t(row)] : -1;
    }

private:
    void sourceReset();
    /// Rows appended at the source's end (a followed trace, docs/following.md): in step order without a filter,
    /// inserted as they are (work for the new rows only); else taken as a reset.
    void sourceRowsInserted(const QModelIndex& parent, int first, int last);
    /// After the source's rows changed wholesale (a new run): symbol ranks, sort order and visible rows.
    void recomputeForNewRun();
    void sourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    /// Recomputes the sort permutation (when @p resort) and the visible rows, as one layout change.
    void refresh(bool resort);
    /// The sort permutation of every source row (m_order), for the sort column and order.
    void computeOrder();
    /// The sort key of every source row for the sort column; false for a column that does not sort.
    bool fillSortKeys(const StepTableModel& model, const Simulation& sim, SortItems& items);
    /// The sort keys of the trace-only columns (0 where a row has no value).
    static void traceSortKeys(const ReplayResult* trace, int column, SortItems& items);
    /// The ranks of the run's symbol names (computed once per run).
    const std::vector<std::uint32_t>& symbolRanksOfRun(const SymbolTable& symbols);
    /// The visible source rows (m_rows, m_proxyRow) in sort order.
    void computeVisible();
    /// Per source row: 1 when every filter lets it through.
    std::vector<std::uint8_t> acceptedRows() const;
    /// The device, kind, region and outcome filters, compared as integers.
    void acceptChoices(const Simulation& sim, const ReplayResult* trace, std::vector<std::uint8_t>& accept) const;

    QString m_device, m_kind, m_region, m_text;
    OutcomeFilter m_outcome = OutcomeFilter::All;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    std::vector<int> m_order; ///< every source row in sort order; empty = step order
    std::vector<int> m_rows; ///< proxy row -> source row
    std::vector<int> m_proxyRow; ///< source row -> proxy row, -1 when filtered out
    std::vector<std::uint32_t> m_symbolRank; ///< symbol id -> rank of its name, for the run shown (lazy)
};

} // namespace cmascope::views
