// SPDX-License-Identifier: GPL-2.0-or-later
#include "whatif/whatifpanel.h"

#include "common/columntitles.h"
#include "common/document.h"
#include "common/sortedtable.h"
#include "platform/platformmodels.h"

#include <cmascope/plan/placement.h>

#include <QColor>
#include <QComboBox>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace cmascope::views {

namespace {

QString fromStd(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString pfnText(quint64 pfn)
{
    return cellinput::addressText(pfn);
}

QString refusalText(Refusal r)
{
    return fromStd(refusalVerdict(r));
}

/// Project mode, on a worker thread: the scenario on the variant platform, compared with the original run.
WhatIfOutcome runProjectWhatIf(
    const Platform& variantPf, const Simulation& base, const QString& title, const Progress& progress)
{
    WhatIfOutcome out;
    const Scenario& scenario = base.scenario();
    auto created = Simulation::create(variantPf, scenario);
    if (auto* err = std::get_if<std::string>(&created)) {
        out.error = QCoreApplication::translate("WhatIfPanel", "The variant cannot be simulated: %1")
                        .arg(QString::fromStdString(*err));
        return out;
    }
    Simulation& sim = std::get<Simulation>(created);
    if (!sim.run(progress))
        return out; // cancelled: the tracker reports it
    const RunComparison c = compareRuns(base.records(), sim.records(), variantPf.regions.size());
    auto regionName = [&](std::uint16_t r) {
        return r < variantPf.regions.size() ? QString::fromStdString(variantPf.regions[r].name) : QString();
    };
    for (const OutcomeChange& ch : c.changes) {
        const Step& s = scenario.steps[ch.step];
        WhatIfRow row;
        row.step = ch.step;
        if (ch.step < scenario.timesNs.size())
            row.timeNs = scenario.timesNs[ch.step];
        row.who = fromStd(scenario.symbols.name(s.device));
        row.bytes = s.size;
        row.region = regionName(isServed(ch.after) ? ch.regionAfter : ch.regionBefore);
        row.nowFails = !isServed(ch.after);
        row.before = isServed(ch.before)
            ? QCoreApplication::translate("WhatIfPanel", "placed in %1").arg(regionName(ch.regionBefore))
            : QCoreApplication::translate("WhatIfPanel", "failed");
        if (row.nowFails) {
            row.after = QCoreApplication::translate("WhatIfPanel", "fails");
            row.detail = refusalText(ch.refusalAfter);
        } else {
            row.after = QCoreApplication::translate("WhatIfPanel", "placed in %1").arg(regionName(ch.regionAfter));
            row.detail = ch.after == Outcome::AllocatedFallback
                ? QCoreApplication::translate("WhatIfPanel", "served by the system allocator")
                : QCoreApplication::translate("WhatIfPanel", "at page %1").arg(ch.offsetAfter);
        }
        out.rows.push_back(row);
    }
    QString peaks;
    for (std::size_t r = 0; r < variantPf.regions.size(); ++r) {
        if (c.peakUsedBefore[r] == c.peakUsedAfter[r] || variantPf.regions[r].size == 0)
            continue;
        peaks += QCoreApplication::translate("WhatIfPanel", " Peak use of %1: %2 → %3 pages.")
                     .arg(regionName(std::uint16_t(r)))
                     .arg(c.peakUsedBefore[r])
                     .arg(c.peakUsedAfter[r]);
    }
    out.summary = QCoreApplication::translate("WhatIfPanel",
        "%1 — %2 requests: %3 now fail, %4 now succeed (failures %5 → %6); %7 served by another region.%8")
                      .arg(title)
                      .arg(c.requests)
                      .arg(c.nowFail)
                      .arg(c.nowSucceed)
                      .arg(c.failedBefore)
                      .arg(c.failedAfter)
                      .arg(c.otherRegion)
                      .arg(peaks);
    return out;
}

/// Trace mode, on a worker thread: the recorded requests and releases under the spec.
WhatIfOutcome runTraceWhatIf(
    const ReplayResult& replay, const WhatIfSpec& spec, const QString& title, const Progress& progress)
{
    WhatIfOutcome out;
    const WhatIfResult w = runWhatIf(replay, spec, progress);
    if (w.cancelled)
        return out; // the tracker reports it
    if (!w.error.empty()) {
        out.error = QString::fromStdString(w.error);
        return out;
    }
    std::vector<quint32> stepOfRequest(replay.requests.size(), 0);
    for (std::size_t i = 0; i < replay.timeline.size(); ++i)
        if (replay.timeline[i].kind == TimelineEntry::Request && replay.timeline[i].index < stepOfRequest.size())
            stepOfRequest[replay.timeline[i].index] = quint32(i);
    const quint64 pageSize = replay.platform.pageSize ? replay.platform.pageSize : 4096;
    for (const WhatIfChange& ch : w.changes) {
        const ReplayRequest& q = replay.requests[ch.request];
        WhatIfRow row;
        row.step = stepOfRequest[ch.request];
        row.timeNs = q.timestampNs;
        row.who = q.task < replay.tasks.size() ? QString::fromStdString(replay.tasks[q.task]) : QString();
        row.region = q.area < replay.areas.size() ? QString::fromStdString(replay.areas[q.area].area.name) : QString();
        row.bytes = q.count * pageSize;
        row.nowFails = !ch.whatIfOk;
        row.before = ch.recordedOk ? QCoreApplication::translate("WhatIfPanel", "placed at %1").arg(pfnText(q.pfn))
                                   : QCoreApplication::translate("WhatIfPanel", "failed");
        if (ch.whatIfOk) {
            row.after = QCoreApplication::translate("WhatIfPanel", "placed at %1").arg(pfnText(ch.whatIfPfn));
            row.detail =
                QCoreApplication::translate("WhatIfPanel", "%1 pages, align order %2").arg(q.count).arg(q.align);
        } else {
            row.after = QCoreApplication::translate("WhatIfPanel", "fails");
            row.detail = refusalText(ch.refusal);
        }
        out.rows.push_back(row);
    }
    out.summary = QCoreApplication::translate(
        "WhatIfPanel", "%1 — %2 recorded requests: %3 now fail, %4 now succeed (failures %5 in the trace → %6).")
                      .arg(title)
                      .arg(w.requests)
                      .arg(w.nowFail)
                      .arg(w.nowSucceed)
                      .arg(w.failed - w.nowFail + w.nowSucceed) // recorded failures
                      .arg(w.failed);
    for (const auto& n : w.notes)
        out.summary += QLatin1Char(' ') + QString::fromStdString(n) + QLatin1Char('.');
    return out;
}

} // namespace

// ---- model ---------------------------------------------------------------------------------------------

WhatIfModel::WhatIfModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void WhatIfModel::setRows(QVector<WhatIfRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int WhatIfModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WhatIfModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WhatIfModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const WhatIfRow& r = m_rows[index.row()];
    if (role == StepRole)
        return r.step;
    if (role == Qt::ForegroundRole && index.column() == AfterColumn && r.nowFails) // readable on light and dark
        return QGuiApplication::palette().color(QPalette::Base).lightness() < 128 ? QColor(0xef, 0x9a, 0x9a)
                                                                                  : QColor(0xc6, 0x28, 0x28);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    const bool sort = role == SortRole;
    switch (index.column()) {
    case StepColumn:
        return sort ? QVariant(r.step) : QVariant(QString::number(r.step));
    case TimeColumn:
        if (!r.timeNs)
            return sort ? QVariant(r.step) : QVariant(QString());
        return sort ? QVariant(qulonglong(*r.timeNs)) : QVariant(cellinput::traceTimeText(*r.timeNs));
    case WhoColumn:
        return r.who;
    case RegionColumn:
        return r.region;
    case SizeColumn:
        return sort ? QVariant(qulonglong(r.bytes)) : QVariant(cellinput::humanSize(r.bytes));
    case BeforeColumn:
        return r.before;
    case AfterColumn:
        return r.after;
    case DetailColumn:
        return r.detail;
    default:
        return {};
    }
}

QVariant WhatIfModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const char* const titles[ColumnCount] = { QT_TR_NOOP("Step"), QT_TR_NOOP("Time"),
        QT_TR_NOOP("Device / task"), QT_TR_NOOP("Region"), QT_TR_NOOP("Size"), QT_TR_NOOP("Before"),
        QT_TR_NOOP("What-if"), QT_TR_NOOP("Why / where") };
    return columnTitleHeader(*this, titles, section, orientation, role);
}

// ---- panel ---------------------------------------------------------------------------------------------

WhatIfPanel::WhatIfPanel(Document* doc, QWidget* parent)
    : QWidget(parent)
    , m_doc(doc)
    , m_jobs(new JobTracker(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(createVariantControls());
    layout->addLayout(createRunControls());
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    layout->addWidget(createTable(), 1);
    connectControls();
    rebuildTargets();
    updateButtons();
}

QHBoxLayout* WhatIfPanel::createVariantControls()
{
    auto* controls = new QHBoxLayout;
    m_target = new QComboBox(this);
    m_target->setToolTip(tr("The region (or trace area) to change"));
    m_policy = new QComboBox(this);
    m_policy->addItem(tr("Policy unchanged"), -1);
    m_policy->setToolTip(tr("The allocation policy the region runs under instead"));
    for (const PolicyKind k : allPolicies())
        m_policy->addItem(fromStd(policyDisplayName(k)), int(k));
    m_size = new QLineEdit(this);
    m_size->setPlaceholderText(tr("Size unchanged (e.g. 48M)"));
    m_size->setClearButtonEnabled(true);
    m_size->setToolTip(tr("The region's new size (e.g. 48M, 0x3000000); empty keeps its size"));
    m_orderPerBit = new QSpinBox(this);
    m_orderPerBit->setRange(-1, 20);
    m_orderPerBit->setValue(-1);
    m_orderPerBit->setSpecialValueText(tr("order_per_bit unchanged"));
    m_orderPerBit->setPrefix(tr("order_per_bit "));
    m_orderPerBit->setToolTip(tr("Pages per bitmap bit, as a power of two (the kernel policy)"));
    controls->addWidget(new QLabel(tr("Change"), this));
    controls->addWidget(m_target, 1);
    controls->addWidget(m_policy, 1);
    controls->addWidget(m_size, 1);
    controls->addWidget(m_orderPerBit);
    return controls;
}

QHBoxLayout* WhatIfPanel::createRunControls()
{
    auto* actions = new QHBoxLayout;
    m_runButton = new QPushButton(tr("Compare"), this);
    m_runButton->setToolTip(tr("Run the same requests with the change and list those whose outcome differs"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_applyButton = new QPushButton(tr("Apply to Project"), this);
    m_applyButton->setToolTip(tr("Make the compared change an edit of the project (undoable)"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(m_runButton->sizeHint().height() / 2);
    actions->addWidget(m_runButton);
    actions->addWidget(m_cancelButton);
    actions->addWidget(m_progress, 1);
    actions->addStretch();
    actions->addWidget(m_applyButton);
    return actions;
}

QTableView* WhatIfPanel::createTable()
{
    m_model = new WhatIfModel(this);
    m_table = makeSortedTable(m_model, WhatIfModel::SortRole, WhatIfModel::StepColumn, this);
    m_proxy = qobject_cast<QSortFilterProxyModel*>(m_table->model());
    return m_table;
}

void WhatIfPanel::connectControls()
{
    connect(m_runButton, &QPushButton::clicked, this, [this] { run(); });
    connect(m_size, &QLineEdit::returnPressed, this, [this] { run(); });
    connect(m_cancelButton, &QPushButton::clicked, this, &WhatIfPanel::cancel);
    connect(m_applyButton, &QPushButton::clicked, this, [this] { applyToProject(); });
    connect(m_jobs, &JobTracker::progressChanged, m_progress, &QProgressBar::setValue);
    // Selecting a row makes that request the current step of every view.
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& idx) {
        if (!idx.isValid())
            return;
        const auto step = idx.data(WhatIfModel::StepRole).toUInt();
        if (step < m_doc->stepCount())
            m_doc->setCurrentStep(step);
    });
    connect(m_doc, &Document::projectChanged, this, [this] {
        invalidate();
        rebuildTargets();
    });
    connect(m_doc, &Document::runAboutToStart, this, &WhatIfPanel::invalidate);
}

WhatIfPanel::~WhatIfPanel() = default;

void WhatIfPanel::setReplay(std::shared_ptr<const ReplayResult> replay)
{
    m_replay = std::move(replay);
    invalidate();
    rebuildTargets();
}

void WhatIfPanel::rebuildTargets()
{
    const QVariant previous = m_target->currentData();
    m_target->clear();
    if (m_replay) {
        m_target->addItem(tr("Every area"), -1);
        for (std::size_t i = 0; i < m_replay->areas.size(); ++i)
            m_target->addItem(tr("Area %1").arg(QString::fromStdString(m_replay->areas[i].area.name)), int(i));
    } else {
        m_target->addItem(tr("Every region"), -1);
        const auto& regions = m_doc->project().platform.regions;
        for (std::size_t i = 0; i < regions.size(); ++i)
            if (regions[i].size != 0 && regions[i].type != RegionType::Carveout)
                m_target->addItem(tr("Region %1").arg(QString::fromStdString(regions[i].name)), int(i));
    }
    // Keep the user's choice of a region; otherwise offer the first region (the common question).
    const int keep = previous.isValid() && previous.toInt() >= 0 ? m_target->findData(previous) : -1;
    m_target->setCurrentIndex(keep >= 0 ? keep : (m_target->count() > 1 ? 1 : 0));
    updateButtons();
}

void WhatIfPanel::setVariant(int target, std::optional<PolicyKind> policy, const QString& size, int orderPerBit)
{
    const int t = m_target->findData(target);
    m_target->setCurrentIndex(t >= 0 ? t : 0);
    const int p = m_policy->findData(policy ? int(*policy) : -1);
    m_policy->setCurrentIndex(p >= 0 ? p : 0);
    m_size->setText(size);
    m_orderPerBit->setValue(orderPerBit);
}

std::optional<PlatformVariant> WhatIfPanel::projectVariant(QString* error) const
{
    PlatformVariant v;
    if (const int t = m_target->currentData().toInt(); t >= 0)
        v.region = std::size_t(t);
    if (const int p = m_policy->currentData().toInt(); p >= 0)
        v.policy = PolicyKind(p);
    if (!m_size->text().trimmed().isEmpty()) {
        QString why;
        const auto bytes = cellinput::parseSize(m_size->text().trimmed(), &why);
        if (!bytes) {
            *error = tr("Size: %1").arg(why);
            return std::nullopt;
        }
        v.sizeBytes = *bytes;
    }
    if (m_orderPerBit->value() >= 0)
        v.orderPerBit = unsigned(m_orderPerBit->value());
    return v;
}

std::optional<WhatIfSpec> WhatIfPanel::traceSpec(QString* error) const
{
    WhatIfSpec spec;
    if (const int t = m_target->currentData().toInt(); t >= 0 && std::size_t(t) < m_replay->areas.size())
        spec.area = m_replay->areas[std::size_t(t)].area.name;
    if (const int p = m_policy->currentData().toInt(); p >= 0)
        spec.policy = PolicyKind(p);
    if (!m_size->text().trimmed().isEmpty()) {
        QString why;
        const auto bytes = cellinput::parseSize(m_size->text().trimmed(), &why);
        const quint64 pageSize = m_replay->platform.pageSize ? m_replay->platform.pageSize : 4096;
        if (!bytes || *bytes == 0 || *bytes % pageSize) {
            *error = bytes ? tr("Size: must be a non-zero multiple of the page size (%1 bytes)").arg(pageSize)
                           : tr("Size: %1").arg(why);
            return std::nullopt;
        }
        spec.pages = *bytes / pageSize;
    }
    if (m_orderPerBit->value() >= 0)
        spec.orderPerBit = unsigned(m_orderPerBit->value());
    return spec;
}

bool WhatIfPanel::run()
{
    if (m_jobs->isRunning())
        return false;
    m_error.clear();
    m_lastVariant.reset();
    m_model->setRows({});
    QString error;
    m_runGeneration = m_generation;
    m_progress->setValue(0);

    if (m_replay) {
        const auto spec = traceSpec(&error);
        if (!spec) {
            showError(error);
            return false;
        }
        QString title = m_target->currentText();
        if (spec->policy)
            title += QStringLiteral(", ") + fromStd(policyId(*spec->policy));
        if (spec->pages)
            title += tr(", %1 pages").arg(*spec->pages);
        if (spec->orderPerBit)
            title += tr(", order_per_bit %1").arg(*spec->orderPerBit);
        if (!spec->policy && !spec->pages && !spec->orderPerBit)
            title += tr(", kernel policy as recorded");
        m_jobs->start([replay = m_replay, spec = *spec, title](
                          const Progress& progress) { return runTraceWhatIf(*replay, spec, title, progress); },
            [this](JobResult<WhatIfOutcome> result) { onFinished(std::move(result)); });
    } else {
        std::shared_ptr<const Simulation> sim = m_doc->sharedSimulation();
        if (!sim) {
            showError(m_doc->isRunning() ? tr("The scenario is still running; compare when it has finished.")
                                         : tr("There is no run to compare with: %1").arg(m_doc->runError()));
            return false;
        }
        const auto variant = projectVariant(&error);
        if (!variant) {
            showError(error);
            return false;
        }
        if (variant->empty()) {
            showError(tr("Choose a policy, a size or an order_per_bit to try."));
            return false;
        }
        auto applied = applyVariant(m_doc->project().platform, *variant);
        if (auto* err = std::get_if<std::string>(&applied)) {
            showError(QString::fromStdString(*err));
            return false;
        }
        Platform pf = std::move(std::get<Platform>(applied));
        const PlacementResult placed = placeRegions(pf);
        if (!placed.ok()) {
            QStringList why;
            for (const auto& r : placed.regions)
                if (!r.ok)
                    why << QString::fromStdString(r.message);
            showError(tr("The changed regions cannot be placed: %1").arg(why.join(QStringLiteral("; "))));
            return false;
        }
        m_lastVariant = *variant;
        const QString title = QString::fromStdString(describeVariant(m_doc->project().platform, *variant));
        m_jobs->start([pf = std::move(pf), sim = std::move(sim), title](
                          const Progress& progress) { return runProjectWhatIf(pf, *sim, title, progress); },
            [this](JobResult<WhatIfOutcome> result) { onFinished(std::move(result)); });
    }
    m_summary->setText(tr("Comparing…"));
    updateButtons();
    return true;
}

bool WhatIfPanel::isRunning() const
{
    return m_jobs->isRunning();
}

void WhatIfPanel::cancel()
{
    m_jobs->cancel();
}

void WhatIfPanel::waitForRun()
{
    m_jobs->waitForIdle();
}

void WhatIfPanel::onFinished(JobResult<WhatIfOutcome> result)
{
    updateButtons();
    if (m_runGeneration != m_generation)
        return; // the document changed meanwhile: invalidate() has cleared the panel
    if (result.failed()) {
        m_lastVariant.reset();
        showError(result.error);
        return;
    }
    if (!result.ok() || (result.value->error.isEmpty() && result.value->summary.isEmpty())) {
        m_lastVariant.reset();
        m_summary->setText(tr("Cancelled."));
        updateButtons();
        return;
    }
    const WhatIfOutcome& out = *result.value;
    if (!out.error.isEmpty()) {
        m_lastVariant.reset();
        showError(out.error);
        return;
    }
    const bool timed =
        std::any_of(out.rows.begin(), out.rows.end(), [](const WhatIfRow& r) { return r.timeNs.has_value(); });
    m_model->setRows(out.rows);
    m_table->setColumnHidden(WhatIfModel::TimeColumn, !timed);
    for (int c = 0; c < WhatIfModel::DetailColumn; ++c) // the last one stretches
        m_table->resizeColumnToContents(c);
    m_summary->setText(
        out.rows.isEmpty() ? out.summary + QLatin1Char(' ') + tr("No request changes outcome.") : out.summary);
    updateButtons();
    Q_EMIT finished();
}

void WhatIfPanel::showError(const QString& error)
{
    m_error = error;
    m_summary->setText(tr("<b>Cannot compare:</b> %1").arg(error.toHtmlEscaped()));
    updateButtons();
    Q_EMIT finished();
}

bool WhatIfPanel::applyToProject()
{
    if (m_replay || !m_lastVariant || m_jobs->isRunning())
        return false;
    auto applied = applyVariant(m_doc->project().platform, *m_lastVariant);
    if (auto* err = std::get_if<std::string>(&applied)) {
        showError(QString::fromStdString(*err));
        return false;
    }
    const QString what = QString::fromStdString(describeVariant(m_doc->project().platform, *m_lastVariant));
    m_doc->editPlatform(std::get<Platform>(applied), tr("What-if: %1").arg(what));
    m_summary->setText(tr("Applied to the project: %1. Undo with Ctrl+Z.").arg(what));
    return true;
}

void WhatIfPanel::invalidate()
{
    ++m_generation;
    if (m_jobs->isRunning())
        cancel();
    m_lastVariant.reset();
    m_error.clear();
    m_model->setRows({});
    m_summary->clear();
    updateButtons();
}

void WhatIfPanel::updateButtons()
{
    const bool running = m_jobs->isRunning();
    m_runButton->setEnabled(!running);
    m_cancelButton->setVisible(running);
    m_progress->setVisible(running);
    m_applyButton->setVisible(!m_replay);
    m_applyButton->setEnabled(!running && m_lastVariant.has_value());
}

QString WhatIfPanel::summaryText() const
{
    return m_summary->text();
}

} // namespace cmascope::views
