// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/plannerpanel.h"

#include "common/document.h"
#include "common/exportformats.h"
#include "common/jobtracker.h"
#include "common/textformat.h"
#include "plan/planlayoutview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace cmascope::views {

PlannerPanel::PlannerPanel(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_jobs(new JobTracker(this))
{
    createWidgets();
    connect(m_plan, &QPushButton::clicked, this, &PlannerPanel::plan);
    connect(m_cancel, &QPushButton::clicked, this, &PlannerPanel::cancel);
    connect(m_apply, &QPushButton::clicked, this, &PlannerPanel::applyPlan);
    connect(m_jobs, &JobTracker::progressChanged, m_progress, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
    connect(m_jobs, &JobTracker::runningChanged, this, &PlannerPanel::updateButtons);
    // Any edit of the platform or the scenarios makes a plan stale.
    connect(m_doc, &Document::projectChanged, this, &PlannerPanel::invalidate);
    connect(m_doc, &Document::scenariosChanged, this, [this] {
        rebuildScenarios();
        invalidate();
    });
    rebuildScenarios();
    updateButtons();
}

void PlannerPanel::createWidgets()
{
    m_scenarios = new QListWidget(this);
    m_scenarios->setObjectName(QStringLiteral("planScenarios"));
    m_scenarios->setToolTip(tr("The use cases every region must serve; exclusive use cases are separate scenarios"));
    m_scenarios->setMaximumWidth(320);
    m_plan = new QPushButton(tr("Plan region sizes"), this);
    m_plan->setToolTip(tr("Find the smallest size of every region such that every checked scenario succeeds"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_apply = new QPushButton(tr("Apply to the project"), this);
    m_apply->setToolTip(tr("Give the regions the planned sizes and places (Edit › Undo takes them back)"));
    m_progress = new QProgressBar(this);
    m_progress->setTextVisible(false);
    m_summary = new QLabel(tr("Check the use cases, then plan."), this);
    m_summary->setWordWrap(true);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("planTable"));
    m_table->setHorizontalHeaderLabels({ tr("Region"), tr("Role"), tr("Size now"), tr("Planned"), tr("Start"),
        tr("Placed below"), tr("Binding constraint") });
    m_table->horizontalHeaderItem(LimitColumn)
        ->setToolTip(tr("A device with a DMA limit can be given this region: the plan keeps it below that limit"));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);

    m_layout = new PlanLayoutView(this);
    createExportMenu();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_plan);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    buttons->addStretch(); // idle: the buttons keep their size
    buttons->addWidget(m_apply);
    buttons->addWidget(m_export);
    m_table->setWordWrap(false); // the binding constraint in full is its tooltip
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_table);
    auto* scroll = new QScrollArea(this); // a short dock scrolls the map rather than squeezing its tracks
    scroll->setWidget(m_layout);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_split->addWidget(scroll);
    m_split->setStretchFactor(0, 1);
    m_split->setStretchFactor(1, 2);
    m_split->setChildrenCollapsible(false);
    auto* right = new QVBoxLayout;
    right->addLayout(buttons);
    right->addWidget(m_summary);
    right->addWidget(m_split, 1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_scenarios);
    layout->addLayout(right, 1);
}

void PlannerPanel::createExportMenu()
{
    m_export = new QToolButton(this);
    m_export->setText(tr("Export plan"));
    m_export->setToolTip(tr("Write the planned configuration (cma=, device tree, the 2010 forms) to a file"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_exportMenu = new QMenu(m_export);
    for (const auto& [format, text] : configExportFormats()) {
        QAction* action = m_exportMenu->addAction(text);
        action->setData(int(format));
        connect(action, &QAction::triggered, this, [this, f = int(format)] { Q_EMIT exportRequested(f); });
    }
    m_export->setMenu(m_exportMenu);
}

void PlannerPanel::rebuildScenarios()
{
    m_scenarios->clear();
    const auto& scenarios = m_doc->project().scenarios;
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        const QString name =
            scenarios[i].name.empty() ? tr("(unnamed %1)").arg(i) : QString::fromStdString(scenarios[i].name);
        auto* item = new QListWidgetItem(name, m_scenarios);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
}

void PlannerPanel::setScenarioChecked(int index, bool checked)
{
    if (auto* item = m_scenarios->item(index))
        item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

bool PlannerPanel::plan()
{
    PlannerOptions options;
    for (int i = 0; i < m_scenarios->count(); ++i)
        if (m_scenarios->item(i)->checkState() == Qt::Checked)
            options.scenarios.push_back(std::size_t(i));
    if (options.scenarios.empty()) {
        m_summary->setText(tr("Check at least one scenario to plan for."));
        return false;
    }
    m_result.reset();
    m_table->setRowCount(0);
    m_layout->clear();
    m_summary->setText(tr("Planning…"));
    // The worker plans on its own copy of the project (a project is its platform and its scenarios).
    m_jobs->start(
        [project = m_doc->project(), options](const Progress& progress) mutable {
            options.progress = progress;
            return planRegions(project, options);
        },
        [this](JobResult<PlanResult> result) {
            if (result.failed())
                m_summary->setText(tr("The planner failed: %1").arg(result.error));
            else if (!result.ok() || result.value->cancelled)
                m_summary->setText(tr("Cancelled."));
            else
                m_result = std::move(*result.value);
            showResult();
            updateButtons();
            Q_EMIT planFinished();
        });
    updateButtons();
    return true;
}

void PlannerPanel::cancel()
{
    m_jobs->cancel();
}

bool PlannerPanel::isPlanning() const
{
    return m_jobs->isRunning();
}

void PlannerPanel::waitForPlan()
{
    m_jobs->waitForIdle();
}

void PlannerPanel::invalidate()
{
    m_jobs->discard();
    m_result.reset();
    m_table->setRowCount(0);
    m_layout->clear();
    m_summary->setText(tr("Check the use cases, then plan."));
    updateButtons();
}

void PlannerPanel::showResult()
{
    m_table->setRowCount(0);
    if (!m_result)
        return;
    const PlanResult& r = *m_result;
    if (!r.ok) {
        m_summary->setText(tr("<b>No plan:</b> %1").arg(QString::fromStdString(r.reason).toHtmlEscaped()));
        return;
    }
    std::uint64_t before = 0, after = 0;
    m_table->setRowCount(int(r.regions.size()));
    for (std::size_t i = 0; i < r.regions.size(); ++i) {
        before += r.regions[i].sizeBefore;
        after += r.regions[i].size;
        fillRow(int(i), r.regions[i]);
    }
    m_table->resizeRowsToContents();
    m_layout->setLayouts(m_doc->placedPlatform(), r.platform);
    // The table as tall as its rows (a few regions), the map below it the rest.
    const int rows =
        m_table->horizontalHeader()->height() + 2 * m_table->frameWidth() + m_table->verticalHeader()->length() + 2;
    const int total = m_split->height();
    if (total > 0)
        m_split->setSizes({ std::min(rows, total / 2), std::max(total - rows, total / 2) });
    for (int c = 0; c < BindingColumn; ++c) // the last column takes the rest; its full text is the tooltip
        m_table->resizeColumnToContents(c);
    m_summary->setText(tr("Every checked scenario succeeds with these sizes: %1 reserved in all (now %2). Each "
                          "resized region is the smallest that works given the others (one granule less fails "
                          "its binding scenario). %3 runs in %n round(s).",
        nullptr, int(r.rounds))
                           .arg(sizeString(after), sizeString(before))
                           .arg(r.runs));
}

void PlannerPanel::fillRow(int row, const PlannedRegion& p)
{
    const QString limit =
        p.dmaLimit ? tr("%1 (%2)").arg(hexString(*p.dmaLimit), QString::fromStdString(p.dmaDevice)) : QString();
    const QStringList cells = { QString::fromStdString(p.name), QString::fromUtf8(planRoleName(p.role)),
        sizeString(p.sizeBefore), sizeString(p.size), p.start ? hexString(*p.start) : QString(), limit,
        QString::fromStdString(p.binding) };
    for (int c = 0; c < ColumnCount; ++c) {
        auto* cell = new QTableWidgetItem(cells[c]);
        if (c == BeforeColumn || c == PlannedColumn)
            cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (c == LimitColumn && p.dmaLimit)
            cell->setToolTip(tr("%1 addresses only the memory below %2: the plan limits this region to it")
                                 .arg(QString::fromStdString(p.dmaDevice), hexString(*p.dmaLimit)));
        if (c == BindingColumn)
            cell->setToolTip(cells[c]);
        m_table->setItem(row, c, cell);
    }
}

std::optional<Project> PlannerPanel::plannedProject() const
{
    if (!m_result || !m_result->ok)
        return std::nullopt;
    Project project = m_doc->project();
    project.platform = withPlannedSizes(std::move(project.platform), *m_result);
    return project;
}

bool PlannerPanel::applyPlan()
{
    if (!m_result || !m_result->ok || m_jobs->isRunning())
        return false;
    // Only the sizes change (and a fixed region keeps its start): the Document places the regions again.
    m_doc->editPlatform(withPlannedSizes(m_doc->project().platform, *m_result), tr("Plan region sizes"));
    m_summary->setText(tr("Applied to the project. Undo with Ctrl+Z."));
    return true;
}

void PlannerPanel::updateButtons()
{
    const bool running = m_jobs->isRunning();
    m_plan->setEnabled(!running && m_scenarios->count() > 0);
    m_cancel->setVisible(running);
    m_progress->setVisible(running);
    m_apply->setEnabled(!running && m_result && m_result->ok);
    m_export->setEnabled(!running && m_result && m_result->ok);
}

QString PlannerPanel::summaryText() const
{
    return m_summary->text();
}

} // namespace cmascope::views
