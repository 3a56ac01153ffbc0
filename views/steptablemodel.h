// SPDX-License-Identifier: GPL-2.0-or-later
// The event log: one row per recorded step of the document's run.
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

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

private:
    void reset();
    Document* m_doc;
    int m_rows = 0;
};

/// Filters the event log by device, kind, region, outcome class and free text.
class StepFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class OutcomeFilter { All, Requests, Failures, Frees, Markers };
    explicit StepFilterProxy(QObject* parent = nullptr);

    void setDeviceFilter(const QString& device);
    void setKindFilter(const QString& kind);
    void setRegionFilter(const QString& region);
    void setOutcomeFilter(OutcomeFilter filter);
    void setTextFilter(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_device, m_kind, m_region, m_text;
    OutcomeFilter m_outcome = OutcomeFilter::All;
};

} // namespace cmascope::views
