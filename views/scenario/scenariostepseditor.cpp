// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario/scenariostepseditor.h"

#include "common/document.h"
#include "scenario/scenariostepsmodel.h"
#include "scenario/stepdelegate.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QTableView>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {
constexpr StepType kAddableTypes[] = { StepType::Allocate, StepType::AllocateFromRegion, StepType::Free,
    StepType::Phase, StepType::Pin, StepType::Unpin, StepType::Reset };

QLabel* messageLabel(QWidget* parent, const QColor& colour)
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (colour.isValid()) {
        QPalette pal = label->palette();
        pal.setColor(QPalette::WindowText, colour);
        label->setPalette(pal);
    }
    label->hide();
    return label;
}
} // namespace

ScenarioStepsEditor::ScenarioStepsEditor(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_model(new ScenarioStepsModel(document, this))
{
    createWidgets();
    createShortcuts();
    connectDocument();
    updateButtons();
    fitColumns();
    followCurrentStep();
}

void ScenarioStepsEditor::createWidgets()
{
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("scenarioSteps"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new StepItemDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(
        QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide(); // the Step column numbers the rows, from 0 as the event log does
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->setMinimumHeight(m_view->horizontalHeader()->sizeHint().height()
        + 3 * m_view->verticalHeader()->defaultSectionSize() + 2 * m_view->frameWidth());

    m_add = new QToolButton(this);
    m_add->setText(tr("&Add Step"));
    m_add->setToolTip(tr("Add a step after the selected one (Insert: one like it)"));
    m_add->setPopupMode(QToolButton::InstantPopup);
    m_add->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* menu = new QMenu(m_add);
    for (StepType type : kAddableTypes)
        connect(menu->addAction(stepcells::typeText(type)), &QAction::triggered, this, [this, type] { addStep(type); });
    m_add->setMenu(menu);
    m_duplicate = new QPushButton(tr("Duplicate"), this);
    m_duplicate->setToolTip(tr("Duplicate the selected steps (Ctrl+D)"));
    m_delete = new QPushButton(tr("Delete"), this);
    m_delete->setToolTip(tr("Delete the selected steps (Delete)"));
    m_up = new QPushButton(tr("Up"), this);
    m_up->setToolTip(tr("Move the selected steps up (Alt+Up)"));
    m_down = new QPushButton(tr("Down"), this);
    m_down->setToolTip(tr("Move the selected steps down (Alt+Down)"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    for (QPushButton* b : { m_duplicate, m_delete, m_up, m_down }) {
        b->setAutoDefault(false);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    connect(m_duplicate, &QPushButton::clicked, this, &ScenarioStepsEditor::duplicateSelected);
    connect(m_delete, &QPushButton::clicked, this, &ScenarioStepsEditor::deleteSelected);
    connect(m_up, &QPushButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveSelected(+1); });

    m_readOnly = messageLabel(this, {});
    m_notice = messageLabel(this, QColor(0xb0, 0x70, 0x00));
    m_message = messageLabel(this, QColor(0xd0, 0x30, 0x30));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_readOnly);
    layout->addWidget(m_notice);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
}

void ScenarioStepsEditor::createShortcuts()
{
    // Only while the table itself has the focus: never the main window's shortcuts, and never while a cell's
    // editor takes keys (Delete in a line edit deletes a character, not the step).
    const auto shortcut = [this](const QKeySequence& key, auto slot) {
        auto* action = new QAction(m_view);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetShortcut);
        connect(action, &QAction::triggered, this, slot);
        m_view->addAction(action);
    };
    shortcut(QKeySequence(Qt::Key_Insert), [this] {
        const int row = anchorRow();
        addStep(row >= 0 ? StepType(m_model->index(row, 0).data(ScenarioStepsModel::StepTypeRole).toInt())
                         : StepType::Allocate);
    });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_D), [this] { duplicateSelected(); });
    shortcut(QKeySequence(QKeySequence::Delete), [this] { deleteSelected(); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Up), [this] { moveSelected(-1); });
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Down), [this] { moveSelected(+1); });
}

void ScenarioStepsEditor::connectDocument()
{
    // The current step is one selection shared by every view: selecting a row makes its step current (once
    // the run is there); the current step selects its row (followCurrentStep()), which does not come back here.
    connect(
        m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
            if (current.isValid() && !m_following)
                m_doc->showPositionWhenRun(positionAfterStep(std::size_t(current.row())));
        });
    connect(
        m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ScenarioStepsEditor::updateButtons);
    connect(m_doc, &Document::positionChanged, this, &ScenarioStepsEditor::followCurrentStep);
    connect(m_doc, &Document::scenariosChanged, this, [this] {
        showMessage({});
        updateButtons();
    });
    connect(m_model, &ScenarioStepsModel::modelReset, this, [this] {
        updateButtons();
        fitColumns();
    });
    connect(m_model, &ScenarioStepsModel::editRejected, this, [this](const QModelIndex& index, const QString& reason) {
        showMessage(reason);
        if (index.isValid() && m_view->isVisible()) {
            const QRect cell = m_view->visualRect(index);
            QToolTip::showText(m_view->viewport()->mapToGlobal(cell.bottomLeft()), reason, m_view, cell);
        }
    });
}

void ScenarioStepsEditor::fitColumns()
{
    // As wide as the header and the cells (Qt samples at most the header's resizeContentsPrecision() rows, so a
    // million-step trace costs no more than a demo), within bounds: the pane is often a narrow dock.
    m_view->horizontalHeader()->setResizeContentsPrecision(256);
    m_view->resizeColumnsToContents();
    const int most = m_view->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 20;
    for (int c = 0; c + 1 < m_model->columnCount(); ++c)
        m_view->setColumnWidth(c, std::min(m_view->columnWidth(c) + 8, most));
}

void ScenarioStepsEditor::followCurrentStep()
{
    const auto step = m_doc->currentStep();
    if (!step || int(*step) >= m_model->rowCount())
        return;
    const QScopedValueRollback guard(m_following, true);
    const QModelIndex row = m_model->index(int(*step), std::max(0, m_view->currentIndex().column()));
    if (m_view->currentIndex().row() != row.row())
        m_view->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(row);
}

QList<int> ScenarioStepsEditor::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void ScenarioStepsEditor::selectRows(const QList<int>& rows, int current)
{
    {
        const QScopedValueRollback guard(m_following, true);
        QItemSelection selection;
        for (int r : rows)
            selection.select(m_model->index(r, 0), m_model->index(r, m_model->columnCount() - 1));
        const QModelIndex currentIndex = m_model->index(current, std::max(0, m_view->currentIndex().column()));
        m_view->selectionModel()->setCurrentIndex(currentIndex, QItemSelectionModel::NoUpdate);
        m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
        if (currentIndex.isValid())
            m_view->scrollTo(currentIndex);
    }
    if (current >= 0 && current < m_model->rowCount())
        m_doc->showPositionWhenRun(positionAfterStep(std::size_t(current)));
    updateButtons();
}

int ScenarioStepsEditor::anchorRow() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.row() : m_model->rowCount() - 1;
}

int ScenarioStepsEditor::addStep(StepType type)
{
    const int row = m_model->insertStep(anchorRow() + 1, type);
    if (row >= 0)
        selectRows({ row }, row);
    return row;
}

void ScenarioStepsEditor::duplicateSelected()
{
    const QList<int> copies = m_model->duplicateSteps(selectedRows());
    if (!copies.isEmpty())
        selectRows(copies, copies.first());
}

void ScenarioStepsEditor::deleteSelected()
{
    const QList<int> rows = selectedRows();
    if (!m_model->removeSteps(rows))
        return;
    const int next = std::min(rows.first(), m_model->rowCount() - 1);
    selectRows(next >= 0 ? QList<int> { next } : QList<int> {}, next);
}

void ScenarioStepsEditor::moveSelected(int delta)
{
    const int current = m_view->currentIndex().row();
    const QList<int> moved = m_model->moveSteps(selectedRows(), delta);
    if (!moved.isEmpty())
        selectRows(moved, moved.contains(current + delta) ? current + delta : moved.first());
}

QString ScenarioStepsEditor::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void ScenarioStepsEditor::showMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void ScenarioStepsEditor::setNotice(const QString& notice)
{
    m_notice->setText(notice);
    m_notice->setVisible(!notice.isEmpty());
}

QString ScenarioStepsEditor::notice() const
{
    return m_notice->isHidden() ? QString() : m_notice->text();
}

void ScenarioStepsEditor::updateButtons()
{
    const QString readOnly = m_model->readOnlyReason();
    const bool hasScenario = m_doc->scenarioIndex() < int(m_doc->project().scenarios.size());
    const bool editable = readOnly.isEmpty() && hasScenario;
    const QList<int> rows = selectedRows();
    m_readOnly->setText(readOnly);
    m_readOnly->setVisible(!readOnly.isEmpty());
    m_add->setEnabled(editable);
    m_duplicate->setEnabled(editable && !rows.isEmpty());
    m_delete->setEnabled(editable && !rows.isEmpty());
    m_up->setEnabled(editable && !rows.isEmpty() && rows.first() > 0);
    m_down->setEnabled(editable && !rows.isEmpty() && rows.last() + 1 < m_model->rowCount());
}

} // namespace cmascope::views
