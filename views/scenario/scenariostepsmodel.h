// SPDX-License-Identifier: GPL-2.0-or-later
// The step table of the scenario pane: one row per step of the document's chosen scenario, its fields
// editable (stepcells.h says what each column holds and accepts) and the run's outcome beside them. Every
// change — a cell, an added, duplicated, deleted or moved step — is one undoable Document::editScenarios(),
// which reruns the scenario. Cells are formatted when asked for, so a million-step trace costs nothing up
// front; a kernel trace's scenario (steps with recorded times) is shown read-only.
#pragma once

#include "scenario/stepcells.h"

#include <cmascope/model/scenario.h>

#include <QAbstractTableModel>
#include <QList>

namespace cmascope::views {

class Document;

class ScenarioStepsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using Column = stepcells::Column;
    enum Role {
        ChoicesRole = Qt::UserRole + 1, ///< QStringList: what the cell's editor offers (empty: a text field)
        FreeTextRole, ///< bool: text other than the choices may be typed
        PlaceholderRole, ///< QString: an example of valid input
        StepTypeRole, ///< int(StepType)
        FailedRole, ///< bool: the run's step failed
    };

    explicit ScenarioStepsModel(Document* document, QObject* parent = nullptr);

    /// Why the chosen scenario cannot be edited here (a kernel trace's), or empty.
    QString readOnlyReason() const;
    bool isReadOnly() const { return !readOnlyReason().isEmpty(); }
    /// Why the last edit was refused; empty after one that was made.
    QString lastError() const { return m_lastError; }

    /// Inserts a fresh step of @p type at @p row (stepcells::freshStep()); its row, or -1 (lastError()).
    int insertStep(int row, StepType type);
    /// Inserts copies of @p rows after the last of them; the copies' rows, or empty (lastError()).
    QList<int> duplicateSteps(QList<int> rows);
    /// Deletes @p rows; false (lastError()) when there is nothing to delete.
    bool removeSteps(QList<int> rows);
    /// Moves @p rows by @p delta (-1 up, +1 down); their new rows, or empty when one is at the end already.
    QList<int> moveSteps(QList<int> rows, int delta);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// An edit was refused: @p reason says why; nothing changed.
    void editRejected(const QModelIndex& index, const QString& reason);

private:
    const Scenario* scenario() const;
    /// Follows the document: new rows (reset) or the same rows changed (dataChanged, selections kept).
    void follow();
    void outcomesChanged();
    /// The Outcome cell: what the run did with the step ("allocated in b1 at 0x4e000000", "failed: ...").
    QString outcomeText(std::size_t row) const;
    QVariant cellData(const Scenario& s, std::size_t row, int column, int role) const;
    /// Checks that the scenario can be edited; sets lastError() otherwise.
    bool canEdit();
    /// Replaces the chosen scenario with @p s as one edit named @p what.
    void commit(Scenario s, const QString& what);
    QString reject(const QModelIndex& index, const QString& reason);
    /// @p rows sorted, without duplicates or rows outside the table.
    QList<int> validRows(QList<int> rows) const;

    Document* m_doc;
    int m_rows = 0;
    int m_scenarioIndex = -1;
    QString m_lastError;
};

} // namespace cmascope::views
