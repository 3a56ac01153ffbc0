// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario/scenariopanel.h"

#include "common/document.h"
#include "scenario/scenariostepseditor.h"
#include "scenario/workloaddialog.h"

#include <cmascope/model/lessonedit.h>
#include <cmascope/model/scenariotext.h>

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPalette>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {
constexpr int kLineRole = Qt::UserRole + 1;
constexpr int kColumnRole = Qt::UserRole + 2;

QString scenarioTitle(const Scenario& s, std::size_t index)
{
    const QString name = s.name.empty() ? QObject::tr("(unnamed %1)").arg(index) : QString::fromStdString(s.name);
    return QObject::tr("%1 — %n step(s)", nullptr, int(s.steps.size())).arg(name);
}
} // namespace

ScenarioPanel::ScenarioPanel(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    createWidgets();
    connectWidgets();
    rebuildList();
    showCurrentText();
}

void ScenarioPanel::createWidgets()
{
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("scenarioList"));
    m_list->setToolTip(tr("The scenario that runs; double-click a name to rename it"));
    m_add = new QPushButton(tr("Add"), this);
    m_duplicate = new QPushButton(tr("Duplicate"), this);
    m_delete = new QPushButton(tr("Delete"), this);
    m_add->setToolTip(tr("Add an empty scenario to the project"));
    m_duplicate->setToolTip(tr("Add a copy of the selected scenario, to change one thing and compare"));
    m_delete->setToolTip(tr("Delete the selected scenario from the project (Edit › Undo brings it back)"));
    // Up and Down as arrows: the row must fit the right-hand docks' width at 1366 px.
    m_up = new QPushButton(style()->standardIcon(QStyle::SP_ArrowUp), QString(), this);
    m_up->setToolTip(tr("Move the scenario up"));
    m_up->setAccessibleName(tr("Up"));
    m_down = new QPushButton(style()->standardIcon(QStyle::SP_ArrowDown), QString(), this);
    m_down->setToolTip(tr("Move the scenario down"));
    m_down->setAccessibleName(tr("Down"));
    m_generate = new QPushButton(tr("Generate…"), this);
    m_generate->setObjectName(QStringLiteral("generateWorkload"));
    m_generate->setToolTip(
        tr("Generate a workload: phases, sizes and lifetimes per device, a seed (docs/workload.md)"));
    auto* listButtons = new QHBoxLayout;
    for (QPushButton* b : { m_add, m_duplicate, m_delete, m_up, m_down, m_generate })
        listButtons->addWidget(b);
    listButtons->addStretch();
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addLayout(listButtons);

    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("scenarioText"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setPlaceholderText(tr("alloc mfc/a 6M align=128K as hd0\nfree hd0\nphase \"video conference\""));
    m_apply = new QPushButton(tr("Apply"), this);
    m_apply->setToolTip(tr("Replace the scenario with the text (Ctrl+Return); undo with Ctrl+Z"));
    m_revert = new QPushButton(tr("Revert"), this);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_errors = new QListWidget(this);
    m_errors->setObjectName(QStringLiteral("scenarioErrors"));
    m_errors->setVisible(false);
    auto* textButtons = new QHBoxLayout;
    textButtons->addWidget(m_apply);
    textButtons->addWidget(m_revert);
    textButtons->addWidget(m_status, 1);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_text, 3);
    rightLayout->addLayout(textButtons);
    rightLayout->addWidget(m_errors, 1);

    // The chosen scenario's steps, two views of one scenario: the table first, the text form beside it.
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_steps = new ScenarioStepsEditor(m_doc, m_tabs);
    m_tabs->addTab(m_steps, tr("Steps"));
    m_tabs->addTab(right, tr("Text"));
    m_tabs->setTabToolTip(0, tr("The steps as a table: edit a cell, add, duplicate, delete or move steps"));
    m_tabs->setTabToolTip(1, tr("The steps in the text form (docs/scenario-text.md), applied as one edit"));

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(left);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    m_list->setMinimumHeight(m_list->fontMetrics().height() * 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);
}

void ScenarioPanel::connectWidgets()
{
    connect(m_add, &QPushButton::clicked, this, &ScenarioPanel::addScenario);
    connect(m_duplicate, &QPushButton::clicked, this, &ScenarioPanel::duplicateScenario);
    connect(m_delete, &QPushButton::clicked, this, &ScenarioPanel::deleteScenario);
    connect(m_up, &QPushButton::clicked, this, [this] { moveScenario(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { moveScenario(+1); });
    connect(m_generate, &QPushButton::clicked, this, &ScenarioPanel::generateWorkload);
    connect(m_apply, &QPushButton::clicked, this, &ScenarioPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, &ScenarioPanel::showCurrentText);
    auto* applyKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_text);
    applyKey->setContext(Qt::WidgetShortcut);
    connect(applyKey, &QShortcut::activated, this, &ScenarioPanel::apply);
    // Both rebuild the list: queued, so that the list is not cleared inside its own signal.
    connect(
        m_list, &QListWidget::currentRowChanged, this,
        [this] {
            // The row the list shows now, not the one the signal carried: a change queued before the
            // document chose another scenario must not choose the old one again.
            if (!m_filling && m_list->currentRow() >= 0)
                m_doc->setScenarioIndex(m_list->currentRow());
        },
        Qt::QueuedConnection);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (m_filling)
            return;
        const int row = m_list->row(item);
        const QString name = item->text();
        QMetaObject::invokeMethod(
            this, [this, row, name] { renameScenario(row, name); }, Qt::QueuedConnection);
    });
    connect(m_text, &QPlainTextEdit::modificationChanged, this, &ScenarioPanel::updateButtons);
    connect(m_text, &QPlainTextEdit::modificationChanged, this, &ScenarioPanel::showTextModified);
    connect(m_errors, &QListWidget::itemActivated, this, &ScenarioPanel::jumpToError);
    connect(m_errors, &QListWidget::itemClicked, this, &ScenarioPanel::jumpToError);
    connect(m_doc, &Document::scenariosChanged, this, [this] {
        rebuildList();
        // Text the user has not applied stays; otherwise the text follows the chosen scenario.
        if (!m_text->document()->isModified())
            showCurrentText();
        else
            m_status->setText(tr("The scenarios changed; Revert shows the chosen one."));
        showTextModified();
    });
    connect(m_doc, &Document::positionChanged, this, &ScenarioPanel::showCurrentStep);
    // Region names and addresses in the text belong to the platform: reread it after a platform edit.
    connect(m_doc, &Document::projectChanged, this, [this] {
        if (!m_text->document()->isModified())
            showCurrentText();
    });
}

void ScenarioPanel::rebuildList()
{
    m_filling = true;
    m_list->clear();
    const auto& scenarios = m_doc->project().scenarios;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        auto* item = new QListWidgetItem(QString::fromStdString(scenarios[i].name), m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        item->setToolTip(scenarioTitle(scenarios[i], i));
    }
    m_list->setCurrentRow(m_doc->scenarioIndex());
    m_filling = false;
    updateButtons();
}

void ScenarioPanel::showCurrentText()
{
    m_filling = true;
    const auto& scenarios = m_doc->project().scenarios;
    const int index = m_doc->scenarioIndex();
    m_errors->clear();
    m_errors->setVisible(false);
    if (index < 0 || std::size_t(index) >= scenarios.size()) {
        m_text->setPlainText({});
        m_status->setText(tr("No scenario: Add one, or type steps and Apply."));
    } else if (const Scenario& s = scenarios[std::size_t(index)]; s.steps.size() > kMaxTextSteps) {
        m_text->setPlainText({});
        m_status->setText(
            tr("%n step(s): too many to show as text here; the event log lists them.", nullptr, int(s.steps.size())));
    } else {
        m_text->setPlainText(QString::fromStdString(formatScenarioText(s, m_doc->project().platform)));
        m_status->clear();
    }
    m_text->document()->setModified(false);
    m_filling = false;
    // Said here, not left to modificationChanged: replacing an empty text emits it as modified and not again after
    // setModified(false), which left "Text (not applied)" on an empty document.
    showTextModified();
    updateButtons();
    showCurrentStep();
}

void ScenarioPanel::showCurrentStep()
{
    // One line per step after the scenario line (and the description line, if any): the current step's line
    // is marked, as the event log marks its row.
    QList<QTextEdit::ExtraSelection> marks;
    const auto step = m_doc->currentStep();
    const int index = m_doc->scenarioIndex();
    const auto& scenarios = m_doc->project().scenarios;
    if (step && !m_text->document()->isModified() && index >= 0 && std::size_t(index) < scenarios.size()
        && *step < scenarios[std::size_t(index)].steps.size() && !m_text->toPlainText().isEmpty()) {
        const int header = scenarios[std::size_t(index)].description.empty() ? 1 : 2;
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_text->document()->findBlockByNumber(header + int(*step)));
        mark.format.setBackground(palette().color(QPalette::Highlight).lighter(170));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks << mark;
        if (!m_text->hasFocus()) {
            m_text->setTextCursor(mark.cursor);
            m_text->ensureCursorVisible();
        }
    }
    m_text->setExtraSelections(marks);
}

void ScenarioPanel::showTextModified()
{
    const bool modified = m_text->document()->isModified();
    m_tabs->setTabText(m_tabs->indexOf(m_steps) + 1, modified ? tr("Text (not applied)") : tr("Text"));
    m_steps->setNotice(modified ? tr("The Text tab has edits that are not applied: changes made here do not "
                                     "replace them there. Apply or Revert them on the Text tab.")
                                : QString());
}

void ScenarioPanel::updateButtons()
{
    const int count = int(m_doc->project().scenarios.size());
    const int index = m_doc->scenarioIndex();
    const bool chosen = index >= 0 && index < count; // -1: no scenario
    const bool tooLong = chosen && m_doc->project().scenarios[std::size_t(index)].steps.size() > kMaxTextSteps;
    m_duplicate->setEnabled(chosen);
    m_delete->setEnabled(chosen);
    m_up->setEnabled(index > 0 && index < count);
    m_down->setEnabled(index + 1 < count);
    m_text->setReadOnly(tooLong);
    m_apply->setEnabled(!tooLong);
    m_revert->setEnabled(m_text->document()->isModified());
}

QString ScenarioPanel::text() const
{
    return m_text->toPlainText();
}

void ScenarioPanel::setText(const QString& text)
{
    m_text->setPlainText(text);
    m_text->document()->setModified(true);
    updateButtons();
}

int ScenarioPanel::markedLine() const
{
    const auto marks = m_text->extraSelections();
    return marks.isEmpty() ? -1 : marks.first().cursor.blockNumber();
}

QStringList ScenarioPanel::errors() const
{
    QStringList out;
    for (int i = 0; i < m_errors->count(); ++i)
        out << m_errors->item(i)->text();
    return out;
}

bool ScenarioPanel::apply()
{
    // The platform as placed, so that `pin 0x4e000000+2M` finds its region.
    auto parsed = parseScenarioText(m_text->toPlainText().toStdString(), { &m_doc->placedPlatform() });
    m_errors->clear();
    for (const ScenarioTextError& e : parsed.errors) {
        auto* item = new QListWidgetItem(
            QStringLiteral("%1:%2: %3").arg(e.line).arg(e.column).arg(QString::fromStdString(e.message)), m_errors);
        item->setData(kLineRole, qulonglong(e.line));
        item->setData(kColumnRole, qulonglong(e.column));
    }
    m_errors->setVisible(!parsed.ok());
    if (!parsed.ok()) {
        m_status->setText(tr("%n error(s): nothing was changed.", nullptr, int(parsed.errors.size())));
        jumpToError(m_errors->item(0));
        return false;
    }
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    const std::size_t at = std::min(std::size_t(std::max(0, m_doc->scenarioIndex())), scenarios.size());
    const QString name = parsed.scenarios.empty() ? QString() : QString::fromStdString(parsed.scenarios[0].name);
    // The text form has no lesson: the scenario edited keeps its own, less notes on steps it no longer has
    // (docs/lessons.md).
    if (at < scenarios.size() && scenarios[at].lesson && !parsed.scenarios.empty()) {
        Scenario& edited = parsed.scenarios[0];
        edited.lesson = scenarios[at].lesson;
        lessonStepsTruncated(*edited.lesson, edited.steps.size());
    }
    if (at < scenarios.size())
        scenarios.erase(scenarios.begin() + std::ptrdiff_t(at));
    scenarios.insert(scenarios.begin() + std::ptrdiff_t(at), parsed.scenarios.begin(), parsed.scenarios.end());
    m_text->document()->setModified(false);
    m_doc->editScenarios(std::move(scenarios), int(at), tr("Edit scenario '%1'").arg(name));
    m_status->setText(tr("Applied. Undo with Ctrl+Z."));
    return true;
}

void ScenarioPanel::jumpToError(QListWidgetItem* item)
{
    if (!item)
        return;
    const int line = item->data(kLineRole).toInt();
    const int column = item->data(kColumnRole).toInt();
    QTextCursor cursor(m_text->document()->findBlockByNumber(std::max(0, line - 1)));
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::max(0, column - 1));
    m_text->setTextCursor(cursor);
    m_text->setFocus();
}

void ScenarioPanel::addScenario()
{
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    Scenario s;
    s.name = tr("Scenario %1").arg(scenarios.size() + 1).toStdString();
    scenarios.push_back(std::move(s));
    const int index = int(scenarios.size()) - 1;
    m_doc->editScenarios(std::move(scenarios), index, tr("Add scenario"));
}

void ScenarioPanel::duplicateScenario()
{
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    const auto index = std::size_t(m_doc->scenarioIndex());
    if (index >= scenarios.size())
        return;
    Scenario copy = scenarios[index];
    copy.name = tr("%1 (copy)").arg(QString::fromStdString(copy.name)).toStdString();
    scenarios.insert(scenarios.begin() + std::ptrdiff_t(index) + 1, std::move(copy));
    m_doc->editScenarios(std::move(scenarios), int(index) + 1, tr("Duplicate scenario"));
}

void ScenarioPanel::deleteScenario()
{
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    const auto index = std::size_t(m_doc->scenarioIndex());
    if (index >= scenarios.size())
        return;
    const QString name = QString::fromStdString(scenarios[index].name);
    scenarios.erase(scenarios.begin() + std::ptrdiff_t(index));
    m_doc->editScenarios(std::move(scenarios), int(index) - (index > 0 ? 1 : 0), tr("Delete scenario '%1'").arg(name));
}

void ScenarioPanel::moveScenario(int delta)
{
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    const int index = m_doc->scenarioIndex();
    const int to = index + delta;
    if (index < 0 || to < 0 || to >= int(scenarios.size()) || index >= int(scenarios.size()))
        return;
    std::swap(scenarios[std::size_t(index)], scenarios[std::size_t(to)]);
    m_doc->editScenarios(std::move(scenarios), to, delta < 0 ? tr("Move scenario up") : tr("Move scenario down"));
}

void ScenarioPanel::renameScenario(int index, const QString& name)
{
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    if (index < 0 || index >= int(scenarios.size()) || scenarios[std::size_t(index)].name == name.toStdString())
        return;
    scenarios[std::size_t(index)].name = name.toStdString();
    m_doc->editScenarios(std::move(scenarios), index, tr("Rename scenario to '%1'").arg(name));
}

void ScenarioPanel::generateWorkload()
{
    auto* dialog = new WorkloadDialog(m_doc, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace cmascope::views
