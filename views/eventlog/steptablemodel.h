// SPDX-License-Identifier: GPL-2.0-or-later
// The event log: one row per recorded step of the document's run. The proxy that filters and sorts it is
// in eventlog/stepfilterproxy.h, included here: the two are used together.
#pragma once

#include "eventlog/stepfilterproxy.h"

#include <cmascope/model/scenario.h>
#include <cmascope/replay/replay.h>

#include <QAbstractTableModel>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace cmascope {
class Simulation;
struct StepRecord;
} // namespace cmascope

namespace cmascope::views {

class Document;
class StepBookmarks;

class StepTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StepColumn,
        TimeColumn,
        DeviceColumn, ///< "Task" for a trace
        PidColumn, ///< trace only: the task's pid
        CpuColumn, ///< trace only
        KindColumn,
        SizeColumn,
        AlignColumn,
        RegionColumn,
        AddressColumn,
        OutcomeColumn,
        RetriesColumn, ///< trace only: busy retries
        LatencyColumn, ///< trace only: cma_alloc_start to cma_alloc_finish
        ErrnoColumn, ///< trace only
        LabelColumn,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< numeric value for sorting
        FailedRole, ///< bool: the step is a failed request
        ChunkRole, ///< chunk id (quint32) or kNoChunk
        StepTypeRole, ///< int(StepType)
        OutcomeRole, ///< int(Outcome)
        BookmarkRole, ///< bool: the step is bookmarked
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
    /// The replayed trace the rows come from (traceOf()), null for any other project.
    const ReplayResult* trace() const;
    /// Marks the bookmarked rows (BookmarkRole, a tint and an icon); null = none. Not owned.
    void setBookmarks(const StepBookmarks* bookmarks);

    /// @p replay when @p sim is its timeline (step i = ReplayResult::timeline[i]), else null.
    static const ReplayResult* traceOf(const ReplayResult* replay, const Simulation& sim);
    /// The columns only a trace fills (hidden for other projects).
    static bool isTraceColumn(int column)
    {
        return column == PidColumn || column == CpuColumn || column == RetriesColumn || column == LatencyColumn
            || column == ErrnoColumn;
    }
    /// The pid of a trace's task name "comm-pid" (the digits after the last '-'); nullopt when there are none.
    static std::optional<std::uint64_t> pidOfTask(std::string_view task);
    /// The steps whose Device column names a device (or a trace's task): requests and releases.
    static bool showsDevice(StepType type) { return isRequest(type) || type == StepType::Release; }
    /// The Kind cell of a 2010 cma_alloc_from_region() request, which has no kind (docs/cma2010.md#private-regions).
    static QString byHandleKindText() { return tr("(by region handle)"); }

    /// The raw values behind the Size and Address columns (0 = the cell is empty); the proxy filters and
    /// sorts on these, data() formats them.
    static std::uint64_t stepBytes(const Simulation& sim, std::size_t row);
    static std::optional<std::uint64_t> stepAddress(const Simulation& sim, std::size_t row);
    /// The page size of the region step @p row touched (the platform's when none).
    static std::uint64_t stepPageSize(const Simulation& sim, std::size_t row);
    /// A request of memory (Allocate, Place, Refused, AllocateFromRegion): the steps whose Device column shows a
    /// device.
    static bool isRequest(StepType type)
    {
        return type == StepType::Allocate || type == StepType::Place || type == StepType::Refused
            || type == StepType::AllocateFromRegion;
    }
    /// The text data() shows in a cell (Qt::DisplayRole). Pure and thread-safe: a worker formats the log
    /// from a sharedSimulation() with it (the model itself is for the GUI thread only).
    /// @p trace: traceOf() the run, or null.
    static QString cellText(const Simulation& sim, const ReplayResult* trace, std::size_t row, int column);
    static QString cellText(const Simulation& sim, std::size_t row, int column)
    {
        return cellText(sim, nullptr, row, column);
    }

private:
    void reset();
    void bookmarkToggled(std::size_t step);
    /// A cell's sort key (SortRole) or, with !@p sort, its text (cellText()).
    static QVariant cellValue(const Simulation& sim, const ReplayResult* trace, std::size_t row, int column, bool sort);
    /// The cells of the trace-only columns, and the trace's own Time, Alignment and Outcome (null: not a
    /// trace cell, cellValue() decides).
    static QVariant traceValue(const Simulation& sim, const ReplayRequest& q, std::size_t row, int column, bool sort);
    /// The roles that do not depend on the column's text: state roles, colour, alignment.
    QVariant stateData(const Simulation& sim, std::size_t row, int column, int role) const;
    /// The Alignment cell: the alignment asked (a refused request's page order in bytes), or empty.
    static QVariant alignValue(const Simulation& sim, std::size_t row, bool sort);
    /// The Outcome cell: "failed: <verdict>, 2 busy retries". @p systemAllocator: the last region tried hands
    /// its failures to the system allocator, whose refusal the record holds (docs/cma2010.md).
    static QString outcomeText(const StepRecord& rec, bool systemAllocator);
    Document* m_doc;
    const StepBookmarks* m_bookmarks = nullptr;
    int m_rows = 0;
};

} // namespace cmascope::views
