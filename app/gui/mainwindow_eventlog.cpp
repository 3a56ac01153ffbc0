// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's event log: the dock with its filter bar, the current step shared with every view, the
// columns fitted to each run, and the export of the rows as shown to CSV.
#include "common/document.h"
#include "eventlog/steptablemodel.h"
#include "mainwindow.h"
#include "mainwindow_runjob.h"

#include <cmascope/util/csv.h>

#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QScopedValueRollback>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace cmascope::app {

namespace {
/// The trace the document's run shows (MainWindow's runFinished handlers run before the log's model resets).
const ReplayResult* traceShown(const views::Document& doc)
{
    return doc.simulation() ? views::StepTableModel::traceOf(doc.replay(), *doc.simulation()) : nullptr;
}
} // namespace

QDockWidget* MainWindow::createEventLogDock()
{
    auto* logPane = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(2, 2, 2, 2);
    logLayout->addLayout(createFilterBar(logPane));
    m_log = new QTableView(logPane);
    m_stepModel = new views::StepTableModel(m_doc, this);
    m_stepProxy = new views::StepFilterProxy(this);
    m_stepProxy->setSourceModel(m_stepModel);
    m_log->setModel(m_stepProxy);
    // Each new run refills the log (the proxy has followed the reset by then): fit the columns to it.
    connect(m_stepModel, &QAbstractItemModel::modelReset, this, &MainWindow::fitEventLogColumns);
    m_log->setSortingEnabled(true);
    m_log->sortByColumn(views::StepTableModel::StepColumn, Qt::AscendingOrder);
    m_log->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_log->setSelectionMode(QAbstractItemView::SingleSelection);
    m_log->verticalHeader()->setVisible(false);
    m_log->verticalHeader()->setDefaultSectionSize(m_log->fontMetrics().height() + 6);
    m_log->horizontalHeader()->setStretchLastSection(true);
    m_log->setAlternatingRowColors(true);
    logLayout->addWidget(m_log);
    auto* logDock = new QDockWidget(tr("Event Log"), this);
    logDock->setObjectName(QStringLiteral("eventLogDock"));
    logDock->setWidget(logPane);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    return logDock;
}

QHBoxLayout* MainWindow::createFilterBar(QWidget* pane)
{
    auto* filters = new QHBoxLayout;
    // The run shown is one scenario of the project: it is chosen here (and in the Scenarios pane).
    m_scenarioChooser = new QComboBox(pane);
    m_scenarioChooser->setObjectName(QStringLiteral("scenarioChooser"));
    m_scenarioChooser->setToolTip(tr("The scenario that runs"));
    filters->addWidget(m_scenarioChooser);
    m_filterText = new QLineEdit(pane);
    m_filterText->setPlaceholderText(tr("Filter text…"));
    m_filterText->setClearButtonEnabled(true);
    m_filterText->setToolTip(tr("Show only the rows containing this text in any column"));
    m_filterOutcome = new QComboBox(pane); // filled by applyTraceColumns()
    m_filterOutcome->setObjectName(QStringLiteral("outcomeFilter"));
    m_filterDevice = new QComboBox(pane);
    m_filterDevice->setObjectName(QStringLiteral("deviceFilter"));
    m_filterRegion = new QComboBox(pane);
    m_filterOutcome->setToolTip(tr("Show only the rows with this outcome"));
    m_filterDevice->setToolTip(tr("Show only the requests of this device (a trace: this task)"));
    m_filterRegion->setToolTip(tr("Show only the rows of this region (a trace: this area)"));
    filters->addWidget(m_filterText, 2);
    filters->addWidget(m_filterOutcome);
    filters->addWidget(m_filterDevice);
    filters->addWidget(m_filterRegion);
    // Find next (docs/event-log.md): Ctrl+F comes here, Enter or F3 finds the next row, Shift+F3 the previous.
    m_findText = new QLineEdit(pane);
    m_findText->setObjectName(QStringLiteral("findText"));
    m_findText->setPlaceholderText(tr("Find (Ctrl+F, F3)…"));
    m_findText->setToolTip(tr("Find a row by any column's text: Enter or F3 next, Shift+F3 previous"));
    m_findText->setClearButtonEnabled(true);
    filters->addWidget(m_findText, 1);
    // The combos show their longest choice; a long one is cut at the combo's width, the tooltip has it whole
    // after what the combo is for.
    for (QComboBox* combo : { m_scenarioChooser, m_filterOutcome, m_filterDevice, m_filterRegion }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        combo->setMaximumWidth(combo->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 24);
        const QString purpose = combo->toolTip();
        connect(combo, &QComboBox::currentTextChanged, combo, [combo, purpose](const QString& text) {
            combo->setToolTip(text.isEmpty() ? purpose : purpose + QStringLiteral(": ") + text);
        });
    }
    return filters;
}

void MainWindow::rebuildScenarioChooser()
{
    const QSignalBlocker block(m_scenarioChooser);
    m_scenarioChooser->clear();
    const auto& scenarios = m_doc->project().scenarios;
    for (std::size_t i = 0; i < scenarios.size(); ++i)
        m_scenarioChooser->addItem(
            scenarios[i].name.empty() ? tr("(unnamed %1)").arg(i) : QString::fromStdString(scenarios[i].name));
    m_scenarioChooser->setCurrentIndex(m_doc->scenarioIndex());
    m_scenarioChooser->setVisible(scenarios.size() > 1); // one scenario: nothing to choose
}

void MainWindow::connectEventLog()
{
    connect(m_scenarioChooser, &QComboBox::activated, m_doc, &views::Document::setScenarioIndex);
    connect(m_doc, &views::Document::scenariosChanged, this, &MainWindow::rebuildScenarioChooser);
    rebuildScenarioChooser();
    createLogSearch();
    connect(m_filterText, &QLineEdit::textChanged, m_stepProxy, &views::StepFilterProxy::setTextFilter);
    connect(m_filterOutcome, &QComboBox::currentIndexChanged, this, [this] {
        m_stepProxy->setOutcomeFilter(views::StepFilterProxy::OutcomeFilter(m_filterOutcome->currentData().toInt()));
    });
    connect(m_filterDevice, &QComboBox::currentIndexChanged, this,
        [this] { m_stepProxy->setDeviceFilter(m_filterDevice->currentData().toString()); });
    connect(m_filterRegion, &QComboBox::currentIndexChanged, this,
        [this] { m_stepProxy->setRegionFilter(m_filterRegion->currentData().toString()); });
    // The current step is one selection shared by every view: selecting a row makes its step current; the
    // current step selects its row (followCurrentStep()), which does not come back here.
    connect(m_log->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (!current.isValid() || m_followingStep)
            return;
        m_doc->setCurrentStep(std::size_t(m_stepProxy->mapToSource(current).row()));
    });
    connect(m_doc, &views::Document::positionChanged, this, &MainWindow::followCurrentStep);
    // A filter or sort change keeps the current row on its step (the proxy moves it, and hides it rather
    // than moving it to another step). When the current step shows again, select it again; nothing moves.
    connect(m_stepProxy, &QAbstractItemModel::layoutChanged, this, [this] {
        const auto step = m_doc->currentStep();
        if (m_log->currentIndex().isValid() || !step)
            return;
        const QModelIndex row = m_stepProxy->mapFromSource(m_stepModel->index(int(*step), 0));
        if (!row.isValid())
            return;
        const QSignalBlocker block(m_log->selectionModel());
        m_log->setCurrentIndex(row);
        m_log->scrollTo(row);
    });
}

void MainWindow::followCurrentStep()
{
    const auto step = m_doc->currentStep();
    const Simulation* sim = m_doc->simulation();
    // The map highlights the current step's chunk (none for markers, frees of unknown chunks, failures).
    m_doc->setSelectedChunk(step && sim ? std::uint32_t(sim->records()[*step].chunk) : kNoChunk);
    // The event log selects and shows the current step's row (none when it is filtered out).
    const QScopedValueRollback guard(m_followingStep, true);
    const QModelIndex proxyIndex = step && int(*step) < m_stepModel->rowCount()
        ? m_stepProxy->mapFromSource(m_stepModel->index(int(*step), views::StepTableModel::StepColumn))
        : QModelIndex();
    if (!proxyIndex.isValid()) {
        m_log->selectionModel()->clear();
        return;
    }
    if (m_log->currentIndex().row() != proxyIndex.row() || !m_log->selectionModel()->isRowSelected(proxyIndex.row()))
        m_log->selectionModel()->setCurrentIndex(
            proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    // A step next to the rows in sight scrolls the log by a row; a jump (F3, a phase, the slider) centres it.
    const QRect row = m_log->visualRect(proxyIndex);
    const QRect shown = m_log->viewport()->rect();
    const bool near = row.bottom() >= -row.height() && row.top() <= shown.bottom() + row.height();
    m_log->scrollTo(proxyIndex, near ? QAbstractItemView::EnsureVisible : QAbstractItemView::PositionAtCenter);
}

void MainWindow::fitEventLogColumns()
{
    // Every column but the last (Label, which stretches) as wide as its header and its cells: sampled
    // over at most 512 rows spread through the log, so a million-step trace costs no more than a demo.
    const QFontMetrics fm = m_log->fontMetrics();
    const QAbstractItemModel* model = m_log->model();
    const int rows = model->rowCount();
    const int samples = std::min(rows, 512);
    const int padding = m_log->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_log) * 2 + 12;
    for (int c = 0; c + 1 < model->columnCount(); ++c) {
        if (m_log->isColumnHidden(c))
            continue;
        // Room for the sort indicator beside the header's text.
        int width = fm.horizontalAdvance(model->headerData(c, Qt::Horizontal).toString()) + padding + 16;
        // The step number has a bookmark's marker beside it (docs/event-log.md).
        const int marker = c == views::StepTableModel::StepColumn ? m_log->iconSize().width() + 6 : 0;
        for (int i = 0; i < samples; ++i) {
            const int row = int(qint64(i) * rows / samples);
            width = std::max(width, fm.horizontalAdvance(model->index(row, c).data().toString()) + padding + marker);
        }
        m_log->setColumnWidth(c, width);
    }
}

void MainWindow::rebuildFilterChoices()
{
    const QSignalBlocker b1(m_filterDevice);
    const QSignalBlocker b2(m_filterRegion);
    const QString device = m_filterDevice->currentData().toString();
    const QString region = m_filterRegion->currentData().toString();
    m_filterDevice->clear();
    m_filterRegion->clear();
    m_filterRegion->addItem(tr("All regions"), QString());
    // A trace's devices are its tasks ("comm-pid"): they request and release.
    if (const ReplayResult* trace = traceShown(*m_doc)) {
        m_filterDevice->addItem(tr("All tasks"), QString());
        QStringList tasks;
        for (const auto& t : trace->tasks)
            tasks << QString::fromStdString(t);
        tasks.sort(Qt::CaseInsensitive);
        for (const QString& t : tasks)
            m_filterDevice->addItem(t, t);
    } else {
        m_filterDevice->addItem(tr("All devices"), QString());
        for (const auto& d : m_doc->project().platform.devices)
            m_filterDevice->addItem(QString::fromStdString(d.name), QString::fromStdString(d.name));
    }
    for (const auto& r : m_doc->project().platform.regions)
        m_filterRegion->addItem(QString::fromStdString(r.name), QString::fromStdString(r.name));
    m_filterDevice->setCurrentIndex(std::max(0, m_filterDevice->findData(device)));
    m_filterRegion->setCurrentIndex(std::max(0, m_filterRegion->findData(region)));
    // The combos' own signals were blocked: the proxy takes the choices now shown.
    m_stepProxy->setDeviceFilter(m_filterDevice->currentData().toString());
    m_stepProxy->setRegionFilter(m_filterRegion->currentData().toString());
    applyTraceColumns();
}

void MainWindow::applyTraceColumns()
{
    using Model = views::StepTableModel;
    using Filter = views::StepFilterProxy::OutcomeFilter;
    const bool trace = traceShown(*m_doc) != nullptr;
    for (int c = 0; c < Model::ColumnCount; ++c)
        if (Model::isTraceColumn(c))
            m_log->setColumnHidden(c, !trace);
    m_log->setColumnHidden(Model::KindColumn, trace); // a trace's requests have no kind
    // A trace shows what a request did next to it (outcome, retries, latency, errno), region and address after;
    // a project keeps the model's order (docs/event-log.md).
    QHeaderView* header = m_log->horizontalHeader();
    for (int c = 0; c < Model::ColumnCount; ++c) {
        int logical = c;
        if (trace && c >= Model::RegionColumn && c < Model::LabelColumn) // Region, Address after Errno
            logical = c + 2 < Model::LabelColumn ? c + 2 : c - (Model::LabelColumn - Model::RegionColumn - 2);
        header->moveSection(header->visualIndex(logical), c);
    }
    // Outcomes: a trace adds its busy requests and its failures by cause (FailureCause order).
    const QSignalBlocker block(m_filterOutcome);
    const int chosen = m_filterOutcome->currentData().isValid() ? m_filterOutcome->currentData().toInt() : 0;
    m_filterOutcome->clear();
    m_filterOutcome->addItem(tr("All steps"), int(Filter::All));
    m_filterOutcome->addItem(tr("Requests"), int(Filter::Requests));
    m_filterOutcome->addItem(tr("Failures"), int(Filter::Failures));
    m_filterOutcome->addItem(tr("Frees"), int(Filter::Frees));
    m_filterOutcome->addItem(tr("Phase markers"), int(Filter::Markers));
    if (trace) {
        m_filterOutcome->addItem(tr("Busy retries"), int(Filter::Busy));
        for (int f = int(Filter::CauseTooSmall); f <= int(Filter::CauseUnexplained); ++f) {
            const auto cause = FailureCause(f - int(Filter::CauseTooSmall) + int(FailureCause::TooSmall));
            m_filterOutcome->addItem(tr("Failed: %1").arg(QString::fromLatin1(failureCauseName(cause))), f);
        }
    }
    m_filterOutcome->setCurrentIndex(std::max(0, m_filterOutcome->findData(chosen)));
    m_stepProxy->setOutcomeFilter(Filter(m_filterOutcome->currentData().toInt()));
    fitEventLogColumns();
}

void MainWindow::exportEventLogCsv()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Event Log"), QStringLiteral("event-log.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    if (const QString err = writeEventLogCsv(path); !err.isEmpty())
        QMessageBox::critical(this, tr("Cannot export"), err);
    else
        statusBar()->showMessage(tr("Exported the event log to %1").arg(QFileInfo(path).fileName()), 8000);
}

QString MainWindow::writeEventLogCsv(const QString& path)
{
    // The rows as shown: filtered and sorted; UTF-8 with RFC 4180 quoting (csv.h), built as the bytes written.
    auto appendRecord = [](std::string& csv, const QStringList& cells) {
        for (qsizetype c = 0; c < cells.size(); ++c) {
            if (c)
                csv += ',';
            csv += csvField(cells[c].toStdString());
        }
        csv += '\n';
    };
    std::string csv;
    const QAbstractItemModel* m = m_log->model();
    QStringList header;
    // Every column, but the trace-only ones only for a trace.
    const bool trace = m_stepModel->trace() != nullptr;
    auto exportsColumn = [trace](int c) { return trace || !views::StepTableModel::isTraceColumn(c); };
    for (int c = 0; c < m->columnCount(); ++c)
        if (exportsColumn(c))
            header << m->headerData(c, Qt::Horizontal).toString();
    appendRecord(csv, header);
    // The cells are formatted and written off the GUI thread (a million steps take seconds), never through
    // the item model (GUI thread only): the rows in view order and the columns are taken here, and the worker
    // formats them with StepTableModel::cellText() from the run itself, which it shares (a run is immutable:
    // a new run replaces it in the document and leaves this one alone).
    std::vector<std::size_t> rows(std::size_t(m_stepProxy->rowCount()));
    for (int r = 0; r < m_stepProxy->rowCount(); ++r)
        rows[std::size_t(r)] = std::size_t(m_stepProxy->mapToSource(m_stepProxy->index(r, 0)).row());
    std::vector<int> columns;
    for (int c = 0; c < m_stepModel->columnCount(); ++c)
        if (exportsColumn(c))
            columns.push_back(c);
    std::optional<QString> error;
    const bool done = runJob<QString>(
        tr("Exporting the event log…"),
        [csv = std::move(csv), rows = std::move(rows), columns = std::move(columns), sim = m_doc->sharedSimulation(),
            replay = m_doc->sharedReplay(), appendRecord, file = path.toStdString()](const Progress& progress) mutable {
            const ReplayResult* trace = views::StepTableModel::traceOf(replay.get(), *sim);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (i % 4096 == 0 && !progress(i, rows.size()))
                    return QString();
                QStringList row;
                for (const int c : columns)
                    row << views::StepTableModel::cellText(*sim, trace, rows[i], c);
                appendRecord(csv, row);
            }
            const auto err = writeFileAtomically(file, csv);
            return err ? QString::fromStdString(*err) : QString();
        },
        error, true, tr("Cannot export"));
    return done ? *error : m_lastError;
}

} // namespace cmascope::app
