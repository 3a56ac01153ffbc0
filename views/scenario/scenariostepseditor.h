// SPDX-License-Identifier: GPL-2.0-or-later
// The "Steps" tab of the scenario pane: the chosen scenario's steps as an editable table
// (ScenarioStepsModel) with Add (a menu of step types), Duplicate, Delete and Up / Down, each one undoable
// edit that reruns the scenario. Selecting a row makes its step the document's current step, and the current
// step selects its row, as in the event log. A refused edit says why under the table and at the cell.
#pragma once

#include <cmascope/model/scenario.h>

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QToolButton;

namespace cmascope::views {

class Document;
class ScenarioStepsModel;

class ScenarioStepsEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ScenarioStepsEditor(Document* document, QWidget* parent = nullptr);

    ScenarioStepsModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

    /// The selected rows, sorted.
    QList<int> selectedRows() const;
    /// Selects @p rows, @p current the current one (and the document's current step once the run is there).
    void selectRows(const QList<int>& rows, int current);

    /// Adds a step of @p type after the current row (at the end without one) and selects it; its row or -1.
    int addStep(StepType type);
    void duplicateSelected();
    void deleteSelected();
    /// Moves the selected steps @p delta places up (-1) or down (+1).
    void moveSelected(int delta);

    /// Why the last edit was refused, or empty.
    QString message() const;
    /// A warning shown above the table (the Text tab's unapplied edits), or none when empty.
    void setNotice(const QString& notice);
    QString notice() const;

private:
    void createWidgets();
    void createShortcuts();
    void connectDocument();
    /// Selects the document's current step's row (when it is not the current row already).
    void followCurrentStep();
    /// Fits the columns to the header and the rows (a sample of them), none wider than 20 characters.
    void fitColumns();
    void updateButtons();
    void showMessage(const QString& text);
    /// The row new steps go after: the current row, else the last one.
    int anchorRow() const;

    Document* m_doc;
    ScenarioStepsModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QToolButton* m_add = nullptr;
    QPushButton* m_duplicate = nullptr;
    QPushButton* m_delete = nullptr;
    QPushButton* m_up = nullptr;
    QPushButton* m_down = nullptr;
    QLabel* m_readOnly = nullptr;
    QLabel* m_notice = nullptr;
    QLabel* m_message = nullptr;
    bool m_following = false; ///< the selection is being set from the document, not by the user
};

} // namespace cmascope::views
