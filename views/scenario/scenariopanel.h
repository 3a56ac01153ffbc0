// SPDX-License-Identifier: GPL-2.0-or-later
// The scenario pane: the project's scenarios (choose the one that runs; add, duplicate, rename, delete,
// reorder) and the chosen one's steps in two tabs: "Steps", a table edited cell by cell (scenariostepseditor.h),
// and "Text", the text form (docs/scenario-text.md) applied as one undoable edit. Both show every edit; text
// the user has not applied is never overwritten (the Steps tab warns instead). The event log shows the same
// steps with their outcomes.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace cmascope::views {

class Document;
class ScenarioStepsEditor;

class ScenarioPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ScenarioPanel(Document* document, QWidget* parent = nullptr);

    /// Scenarios with more steps than this are not shown as text (formatting grows with the steps).
    static constexpr std::size_t kMaxTextSteps = 20000;

    /// The text being edited.
    QString text() const;
    void setText(const QString& text);
    /// Reads the text and, when it has no error, replaces the chosen scenario with it (one undoable edit;
    /// several `scenario` lines add the others after it). False, with the errors listed, otherwise.
    bool apply();
    /// The errors of the last apply(), as "LINE:COLUMN: message".
    QStringList errors() const;
    /// The line (0-based) marked as the current step, or -1.
    int markedLine() const;

    void addScenario();
    void duplicateScenario();
    void deleteScenario();
    /// Moves the chosen scenario @p delta places up (-1) or down (+1).
    void moveScenario(int delta);
    void renameScenario(int index, const QString& name);
    /// Opens "Generate workload…" (workloaddialog.h); OK adds the generated scenario.
    void generateWorkload();

    /// The "Steps" tab: the step table.
    ScenarioStepsEditor* stepsEditor() const { return m_steps; }
    /// The "Steps" and "Text" tabs.
    QTabWidget* tabs() const { return m_tabs; }

private:
    void createWidgets();
    void connectWidgets();
    void rebuildList();
    void showCurrentText();
    /// Marks the line of the document's current step.
    void showCurrentStep();
    void updateButtons();
    void jumpToError(QListWidgetItem* item);
    /// Marks the Text tab, and warns on the Steps tab, while the text has edits not applied.
    void showTextModified();

    Document* m_doc;
    QListWidget* m_list = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_duplicate = nullptr;
    QPushButton* m_delete = nullptr;
    QPushButton* m_up = nullptr;
    QPushButton* m_down = nullptr;
    QTabWidget* m_tabs = nullptr;
    ScenarioStepsEditor* m_steps = nullptr;
    QPushButton* m_generate = nullptr;
    QPlainTextEdit* m_text = nullptr;
    QPushButton* m_apply = nullptr;
    QPushButton* m_revert = nullptr;
    QLabel* m_status = nullptr;
    QListWidget* m_errors = nullptr;
    bool m_filling = false; ///< the list or text is being filled from the document, not edited
};

} // namespace cmascope::views
