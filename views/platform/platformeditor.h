// SPDX-License-Identifier: GPL-2.0-or-later
// The platform editor: a Board tab with the platform's own settings (boardsettings.h), then tabs of editable
// tables (banks, regions, devices, kinds, map rules) over the document's platform, Add / Remove / Up / Down, the
// validation messages of the core listed underneath and marked in the cells. Every edit is one entry of
// Document::undoStack().
#pragma once

#include <QStyledItemDelegate>
#include <QWidget>

#include <array>
#include <optional>

class QHBoxLayout;
class QLabel;
class QListView;
class QPushButton;
class QTabWidget;
class QTableView;

namespace cmascope::views {

class BoardSettings;
class Document;
class PlatformDiagnostics;
class PlatformTableModel;

/// Editors for the cells of a PlatformTableModel, chosen by its EditorRole: a combo box for choices, a spin
/// box for integers, a line edit (with an example as placeholder) for names, sizes and addresses. Checkable
/// cells are toggled in place.
class PlatformItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void setEditorData(QWidget* editor, const QModelIndex& index) const override;
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override;
};

class PlatformEditor : public QWidget
{
    Q_OBJECT
public:
    /// The table tabs, then Board (shown first, but no table: model(), tableModel() and view() are null).
    enum class Tab { Banks, Regions, Devices, Kinds, Map, Board };

    explicit PlatformEditor(Document* document, QWidget* parent = nullptr);
    ~PlatformEditor() override;

    QAbstractItemModel* model(Tab tab) const;
    PlatformTableModel* tableModel(Tab tab) const;
    PlatformDiagnostics* diagnostics() const { return m_diagnostics; }
    QTableView* view(Tab tab) const;
    QListView* diagnosticsView() const { return m_problems; }
    BoardSettings* boardSettings() const { return m_board; }
    /// The note above the map rules: what the map mode does with them.
    QLabel* rulesBanner() const { return m_rulesBanner; }

    Tab currentTab() const;
    void setCurrentTab(Tab tab);
    /// The reason of the last refused edit, as shown above the messages; empty when none is shown.
    QString message() const;

public Q_SLOTS:
    /// Adds a fixed CMA region over [base, base + size) (snapped inward to the kernel's alignment) with a fresh
    /// name, as one undoable edit, and selects it. For "drag on the free part of a bank" in the map.
    /// Returns the new region's index, or -1 with the reason shown.
    int addRegionAt(quint64 base, quint64 size);
    /// Add / Remove / Up / Down on the current tab and its current row.
    void addItem();
    void removeItem();
    void moveUp();
    void moveDown();
    /// Selects the cell validation message @p row (of diagnostics()) is about; false if it names none.
    bool showDiagnostic(int row);
    /// Shows @p tab and selects @p row (column @p column).
    void selectItem(Tab tab, int row, int column = 0);

Q_SIGNALS:
    /// The current row of the Regions tab changed: index into Platform::regions, or -1.
    void regionSelected(int index);

private:
    // Building the UI, in the order the widgets are created (the focus chain follows it).
    /// The diagnostics and the five table models.
    void createModels();
    /// The upper part of the splitter: the tabs of tables, Add / Remove / Up / Down, the refusal message.
    void createTablesPane(QWidget* parent);
    /// The table of tab @p tab, with the delegate, sizes and the connections to this editor.
    QTableView* createTableView(int tab);
    /// The page of the Map tab: the banner saying whether the rules are used, over the rules' table.
    QWidget* createRulesPage(QTableView* rules);
    /// The page index of @p tab in the tab widget.
    int pageOf(Tab tab) const;
    /// Add / Remove / Up / Down in a row, connected to their slots.
    QHBoxLayout* createButtons(QWidget* parent);
    /// Insert, Delete, Alt+Up, Alt+Down while focus is in the editor.
    void createShortcuts();
    /// The lower part of the splitter: the summary and the list of validation messages.
    void createProblemsPane(QWidget* parent);

    void showMessage(const QString& text);
    void fitColumns();
    void updateButtons();
    void updateProblems();
    void updateRulesBanner();
    void updateTabTitles();
    bool eventFilter(QObject* watched, QEvent* event) override;
    void moveCurrent(int delta);
    int currentRow() const;

    Document* m_doc;
    PlatformDiagnostics* m_diagnostics = nullptr;
    std::array<PlatformTableModel*, 5> m_models {};
    std::array<QTableView*, 5> m_views {};
    QTabWidget* m_tabs = nullptr;
    BoardSettings* m_board = nullptr;
    QLabel* m_rulesBanner = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_up = nullptr;
    QPushButton* m_down = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_summary = nullptr;
    QListView* m_problems = nullptr;
};

} // namespace cmascope::views
