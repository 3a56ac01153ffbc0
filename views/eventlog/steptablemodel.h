// SPDX-License-Identifier: GPL-2.0-or-later
// The event log: one row per recorded step of the document's run, and the proxy that filters and
// sorts it on the simulator's compact records (never on formatted cell text), so a change costs
// integer work per row, not string work.
#pragma once

#include <QAbstractProxyModel>
#include <QAbstractTableModel>

#include <cstdint>
#include <optional>
#include <vector>

namespace cmascope {
class Simulation;
}

namespace cmascope::views {

class Document;

class StepTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StepColumn,
        TimeColumn,
        DeviceColumn,
        KindColumn,
        SizeColumn,
        AlignColumn,
        RegionColumn,
        AddressColumn,
        OutcomeColumn,
        LabelColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numeric value for sorting
        FailedRole, ///< bool: the step is a failed request
        ChunkRole, ///< chunk id (quint32) or kNoChunk
        StepTypeRole, ///< int(StepType)
        OutcomeRole, ///< int(Outcome)
    };

    explicit StepTableModel(Document* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Row of the step that allocated or freed @p chunk first, or -1.
    int rowForChunk(quint32 chunk) const;
    /// The run the rows come from (null when there are no rows).
    const Simulation* simulation() const;

    /// The raw values behind the Size and Address columns (0 = the cell is empty); the proxy filters and
    /// sorts on these, data() formats them.
    static std::uint64_t stepBytes(const Simulation& sim, std::size_t row);
    static std::optional<std::uint64_t> stepAddress(const Simulation& sim, std::size_t row);
    /// The page size of the region step @p row touched (the platform's when none).
    static std::uint64_t stepPageSize(const Simulation& sim, std::size_t row);

private:
    void reset();
    Document* m_doc;
    int m_rows = 0;
};

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
    enum class OutcomeFilter { All, Requests, Failures, Frees, Markers };
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

private:
    void sourceReset();
    /// After the source's rows changed wholesale (a new run): symbol ranks, sort order and visible rows.
    void recomputeForNewRun();
    void sourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    /// Recomputes the sort permutation (when @p resort) and the visible rows, as one layout change.
    void refresh(bool resort);
    void computeOrder();
    void computeVisible();
    std::vector<std::uint8_t> acceptedRows() const;

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
