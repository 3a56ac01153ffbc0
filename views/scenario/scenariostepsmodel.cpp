// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario/scenariostepsmodel.h"

#include "common/columntitles.h"
#include "common/document.h"
#include "common/textformat.h"
#include "eventlog/steptablemodel.h"

#include <cmascope/model/lessonedit.h>

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>

#include <algorithm>

namespace cmascope::views {

using namespace stepcells;

ScenarioStepsModel::ScenarioStepsModel(Document* document, QObject* parent)
    : QAbstractTableModel(parent)
    , m_doc(document)
{
    connect(m_doc, &Document::scenariosChanged, this, &ScenarioStepsModel::follow);
    // Region names and page sizes belong to the platform: a platform edit changes region steps' cells.
    connect(m_doc, &Document::projectChanged, this, [this] {
        if (m_rows > 0)
            Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
    });
    connect(m_doc, &Document::runStarted, this, &ScenarioStepsModel::outcomesChanged);
    connect(m_doc, &Document::runFinished, this, &ScenarioStepsModel::outcomesChanged);
    m_scenarioIndex = m_doc->scenarioIndex();
    m_rows = scenario() ? int(scenario()->steps.size()) : 0;
}

const Scenario* ScenarioStepsModel::scenario() const
{
    const auto& scenarios = m_doc->project().scenarios;
    const int i = m_doc->scenarioIndex();
    return i >= 0 && std::size_t(i) < scenarios.size() ? &scenarios[std::size_t(i)] : nullptr;
}

void ScenarioStepsModel::follow()
{
    const int rows = scenario() ? int(scenario()->steps.size()) : 0;
    if (rows == m_rows && m_doc->scenarioIndex() == m_scenarioIndex) {
        // The same scenario with as many steps (a cell edit, its undo): the rows stay, and so do selections.
        if (m_rows > 0)
            Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
        Q_EMIT headerDataChanged(Qt::Vertical, 0, std::max(0, m_rows - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    m_scenarioIndex = m_doc->scenarioIndex();
    endResetModel();
}

void ScenarioStepsModel::outcomesChanged()
{
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, OutcomeColumn), index(m_rows - 1, OutcomeColumn));
}

QString ScenarioStepsModel::readOnlyReason() const
{
    const Scenario* s = scenario();
    if (s && !s->timesNs.empty())
        return tr("A kernel trace's steps (recorded with their times) are shown here read-only; the event log "
                  "explains them.");
    return {};
}

int ScenarioStepsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int ScenarioStepsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScenarioStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char* const titles[ColumnCount] = { QT_TR_NOOP("Step"), QT_TR_NOOP("Type"), QT_TR_NOOP("Label / text"),
        QT_TR_NOOP("Device"), QT_TR_NOOP("Kind"), QT_TR_NOOP("Size"), QT_TR_NOOP("Alignment"), QT_TR_NOOP("Region"),
        QT_TR_NOOP("Offset"), QT_TR_NOOP("Outcome") };
    static const char* const tips[ColumnCount] = { QT_TR_NOOP("The step's number, from 0 as in the event log"),
        QT_TR_NOOP("alloc, free, phase, pin, unpin or reset"),
        QT_TR_NOOP("alloc: the chunk's label; free: the label to free; phase: its text"),
        QT_TR_NOOP("The device that asks for memory"), QT_TR_NOOP("The kind of memory it asks for (empty: none)"),
        QT_TR_NOOP("Bytes, typed like the kernel's memparse(): 6M, 128K, 0x1000; pin/unpin: whole pages"),
        QT_TR_NOOP("A power of two (128K); empty: none asked"), QT_TR_NOOP("pin/unpin: the region"),
        QT_TR_NOOP("pin/unpin: bytes from the region's start, whole pages"),
        QT_TR_NOOP("What the run did with the step") };
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section >= 0 && section < ColumnCount)
        return tr(tips[section]);
    return columnTitleHeader(*this, titles, section, orientation, role);
}

Qt::ItemFlags ScenarioStepsModel::flags(const QModelIndex& index) const
{
    const Scenario* s = scenario();
    if (!s || !index.isValid() || index.row() >= m_rows)
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (!isReadOnly() && isEditable(s->steps[std::size_t(index.row())].type, index.column()))
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant ScenarioStepsModel::data(const QModelIndex& index, int role) const
{
    const Scenario* s = scenario();
    if (!s || !index.isValid() || index.row() >= m_rows || std::size_t(index.row()) >= s->steps.size())
        return {};
    return cellData(*s, std::size_t(index.row()), index.column(), role);
}

QVariant ScenarioStepsModel::cellData(const Scenario& s, std::size_t row, int column, int role) const
{
    const Platform& platform = m_doc->project().platform;
    const Step& step = s.steps[row];
    switch (role) {
    case Qt::DisplayRole:
        return column == OutcomeColumn ? outcomeText(row) : displayText(s, platform, row, column);
    case Qt::EditRole:
        return column == OutcomeColumn ? QVariant() : QVariant(editText(s, platform, row, column));
    case Qt::ToolTipRole:
        if (column == OutcomeColumn)
            return outcomeText(row);
        if (isRecordedType(step.type))
            return tr("Recorded by a kernel trace: shown, not edited (delete or move the step instead).");
        return isEditable(step.type, column) ? tr("Double-click or type to edit") : QVariant();
    case ChoicesRole: {
        bool freeText = true;
        return choices(s, platform, row, column, &freeText);
    }
    case FreeTextRole: {
        bool freeText = true;
        choices(s, platform, row, column, &freeText);
        return freeText;
    }
    case PlaceholderRole:
        return placeholder(column);
    case StepTypeRole:
        return int(step.type);
    case FailedRole: {
        const Simulation* sim = m_doc->simulation();
        return sim && row < sim->stepCount() && sim->records()[row].outcome == Outcome::Failed;
    }
    case Qt::ForegroundRole:
        if (column == OutcomeColumn && cellData(s, row, column, FailedRole).toBool())
            return QBrush(QColor(0xd0, 0x30, 0x30));
        if (step.type == StepType::Phase)
            return QGuiApplication::palette().brush(QPalette::Link);
        if (isRecordedType(step.type)
            || (column != OutcomeColumn && column != StepColumn && !isEditable(step.type, column)))
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::TextAlignmentRole:
        if (column == StepColumn || column == SizeColumn || column == AlignColumn || column == OffsetColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QString ScenarioStepsModel::outcomeText(std::size_t row) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || row >= sim->stepCount())
        return m_doc->isRunning() ? tr("running…") : m_doc->runError();
    QString text = StepTableModel::cellText(*sim, row, StepTableModel::OutcomeColumn);
    const auto address = StepTableModel::stepAddress(*sim, row);
    const Step& step = sim->scenario().steps[row];
    if (address && StepTableModel::isRequest(step.type))
        text += tr(" in %1 at %2")
                    .arg(StepTableModel::cellText(*sim, row, StepTableModel::RegionColumn), hexString(*address));
    return text;
}

bool ScenarioStepsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    const Scenario* current = scenario();
    if (role != Qt::EditRole || !current || !index.isValid() || index.row() >= m_rows)
        return false;
    if (const QString why = readOnlyReason(); !why.isEmpty())
        return reject(index, why).isEmpty();
    const std::size_t row = std::size_t(index.row());
    const Platform& platform = m_doc->project().platform;
    const QString text = value.toString();
    if (text == editText(*current, platform, row, index.column())) {
        m_lastError.clear();
        return true; // nothing to change: no edit to undo
    }
    Scenario s = *current;
    if (const QString error = assign(s, platform, row, index.column(), text); !error.isEmpty())
        return reject(index, error).isEmpty();
    const QString title = headerData(index.column(), Qt::Horizontal).toString().toLower();
    commit(std::move(s), tr("Change %1 of step %2").arg(title).arg(row));
    return true;
}

QString ScenarioStepsModel::reject(const QModelIndex& index, const QString& reason)
{
    m_lastError = reason;
    Q_EMIT editRejected(index, reason);
    return reason;
}

bool ScenarioStepsModel::canEdit()
{
    m_lastError = scenario() ? readOnlyReason() : tr("There is no scenario: add one first.");
    if (!m_lastError.isEmpty())
        Q_EMIT editRejected({}, m_lastError);
    return m_lastError.isEmpty();
}

void ScenarioStepsModel::commit(Scenario s, const QString& what)
{
    m_lastError.clear();
    std::vector<Scenario> scenarios = m_doc->project().scenarios;
    const int i = m_doc->scenarioIndex();
    scenarios[std::size_t(i)] = std::move(s);
    m_doc->editScenarios(std::move(scenarios), i, what);
}

QList<int> ScenarioStepsModel::validRows(QList<int> rows) const
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    rows.removeIf([this](int r) { return r < 0 || r >= m_rows; });
    return rows;
}

int ScenarioStepsModel::insertStep(int row, StepType type)
{
    if (!canEdit())
        return -1;
    const Platform& platform = m_doc->project().platform;
    if ((type == StepType::Pin || type == StepType::Unpin || type == StepType::AllocateFromRegion)
        && platform.regions.empty()) {
        reject({}, tr("The platform has no region to %1: add one in the Platform pane first.").arg(typeText(type)));
        return -1;
    }
    row = std::clamp(row, 0, m_rows);
    Scenario s = *scenario();
    const Step step = freshStep(s, platform, std::size_t(row), type);
    s.steps.insert(s.steps.begin() + row, step);
    if (s.lesson)
        lessonStepsInserted(*s.lesson, std::size_t(row));
    commit(std::move(s), tr("Add %1 step").arg(typeText(type)));
    return row;
}

QList<int> ScenarioStepsModel::duplicateSteps(QList<int> rows)
{
    rows = validRows(rows);
    if (!canEdit())
        return {};
    if (rows.isEmpty()) {
        reject({}, tr("Select the steps to duplicate."));
        return {};
    }
    Scenario s = *scenario();
    std::vector<Step> copies;
    for (int r : rows)
        copies.push_back(s.steps[std::size_t(r)]);
    const int at = rows.last() + 1;
    s.steps.insert(s.steps.begin() + at, copies.begin(), copies.end());
    if (s.lesson)
        lessonStepsInserted(*s.lesson, std::size_t(at), copies.size());
    commit(std::move(s), tr("Duplicate %n step(s)", nullptr, int(rows.size())));
    QList<int> out;
    for (int i = 0; i < int(copies.size()); ++i)
        out << at + i;
    return out;
}

bool ScenarioStepsModel::removeSteps(QList<int> rows)
{
    rows = validRows(rows);
    if (!canEdit())
        return false;
    if (rows.isEmpty()) {
        reject({}, tr("Select the steps to delete."));
        return false;
    }
    Scenario s = *scenario();
    for (auto it = rows.crbegin(); it != rows.crend(); ++it)
        s.steps.erase(s.steps.begin() + *it);
    if (s.lesson)
        lessonStepsRemoved(*s.lesson, std::vector<std::size_t>(rows.begin(), rows.end()));
    commit(std::move(s), tr("Delete %n step(s)", nullptr, int(rows.size())));
    return true;
}

QList<int> ScenarioStepsModel::moveSteps(QList<int> rows, int delta)
{
    rows = validRows(rows);
    if (!canEdit() || rows.isEmpty() || (delta != -1 && delta != 1))
        return {};
    if ((delta < 0 && rows.first() == 0) || (delta > 0 && rows.last() == m_rows - 1)) {
        reject({},
            delta < 0 ? tr("The first selected step is already the first.")
                      : tr("The last selected step is already the last."));
        return {};
    }
    Scenario s = *scenario();
    // Up: the top row first; down: the bottom one first, so that selected neighbours move as a block.
    for (int i = 0; i < int(rows.size()); ++i) {
        const int r = delta < 0 ? rows[i] : rows[rows.size() - 1 - i];
        std::swap(s.steps[std::size_t(r)], s.steps[std::size_t(r + delta)]);
        if (s.lesson) // the notes move with their steps (docs/lessons.md)
            lessonStepsSwapped(*s.lesson, std::size_t(r), std::size_t(r + delta));
    }
    commit(std::move(s),
        delta < 0 ? tr("Move %n step(s) up", nullptr, int(rows.size()))
                  : tr("Move %n step(s) down", nullptr, int(rows.size())));
    for (int& r : rows)
        r += delta;
    return rows;
}

} // namespace cmascope::views
