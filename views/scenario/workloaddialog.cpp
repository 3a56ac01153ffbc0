// SPDX-License-Identifier: GPL-2.0-or-later
// The "Generate workload…" dialog: its widgets and the spec they describe (docs/workload.md, "The dialog").
// Preview, generation, spec files and trace histograms: workloaddialog_jobs.cpp.
#include "scenario/workloaddialog.h"

#include "common/document.h"
#include "common/jobtracker.h"
#include "scenario/workloadcells.h"
#include "scenario/workloadpreview.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {

constexpr PhaseKind kPhaseKinds[] = { PhaseKind::Ramp, PhaseKind::Peak, PhaseKind::Plateau, PhaseKind::Drain };
constexpr SizeDistributionKind kSizeKinds[] = { SizeDistributionKind::Fixed, SizeDistributionKind::Uniform,
    SizeDistributionKind::LogUniform, SizeDistributionKind::Histogram };

QString cell(const QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text().trimmed() : QString();
}

std::optional<std::uint64_t> count(const QString& text)
{
    bool ok = false;
    const qulonglong v = text.toULongLong(&ok);
    return ok ? std::optional<std::uint64_t>(v) : std::nullopt;
}

QString field(const char* list, int row, const char* key)
{
    return QStringLiteral("%1[%2].%3").arg(QLatin1String(list)).arg(row).arg(QLatin1String(key));
}

/// A table of @p titles whose column @p stretch takes the room left; tall enough for @p rows rows.
QTableWidget* makeTable(QWidget* parent, const QStringList& titles, const char* name, int stretch, int rows)
{
    auto* table = new QTableWidget(0, int(titles.size()), parent);
    table->setObjectName(QLatin1String(name));
    table->setHorizontalHeaderLabels(titles);
    table->verticalHeader()->setVisible(false);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(stretch, QHeaderView::Stretch);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Rows hold combo boxes: as tall as one, so that the rows asked for are visible whole.
    const int row = std::max(table->verticalHeader()->defaultSectionSize(), QComboBox().sizeHint().height());
    table->verticalHeader()->setDefaultSectionSize(row);
    table->setMinimumHeight(table->horizontalHeader()->sizeHint().height() + rows * row + 2 * table->frameWidth());
    return table;
}

/// Widens @p column to its widest combo box (ResizeToContents sees only items, not cell widgets).
void fitComboColumn(QTableWidget* table, int column)
{
    int width = table->horizontalHeader()->sectionSizeHint(column);
    for (int row = 0; row < table->rowCount(); ++row)
        if (auto* box = qobject_cast<QComboBox*>(table->cellWidget(row, column))) {
            // An editable box's hint ignores its text: the text plus the arrow's room.
            const int text = box->fontMetrics().horizontalAdvance(box->currentText()) + box->iconSize().width() * 3;
            width = std::max({ width, box->sizeHint().width(), text });
        }
    table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::Interactive);
    table->setColumnWidth(column, width);
}

} // namespace

WorkloadDialog::WorkloadDialog(Document* document, QWidget* parent)
    : QDialog(parent)
    , m_doc(document)
    , m_jobs(new JobTracker(this))
    , m_traceJobs(new JobTracker(this))
    , m_refresh(new QTimer(this))
{
    setObjectName(QStringLiteral("workloadDialog"));
    setWindowTitle(tr("Generate Workload"));
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(250);
    connect(m_refresh, &QTimer::timeout, this, &WorkloadDialog::refreshPreview);
    createWidgets();
    setSpec(defaultSpec(m_doc->project().platform));
    // Room for the stream table's eight columns, within the window it belongs to.
    QSize size(1000, 680);
    if (parent)
        size = size.boundedTo(parent->window()->size() * 0.92);
    resize(size.expandedTo(minimumSizeHint()));
}

void WorkloadDialog::createWidgets()
{
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("workloadName"));
    m_name->setToolTip(tr("The name of the scenario the workload becomes"));
    m_seed = new QLineEdit(this);
    m_seed->setObjectName(QStringLiteral("workloadSeed"));
    m_seed->setToolTip(tr("The same seed gives the same steps, on every machine"));
    auto* newSeed = new QPushButton(tr("New Seed"), this);
    newSeed->setToolTip(tr("Draw a new random seed: other steps from the same spec"));
    connect(newSeed, &QPushButton::clicked, this,
        [this] { m_seed->setText(QString::number(QRandomGenerator::global()->generate64())); });
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(newSeed);
    auto* form = new QFormLayout;
    form->addRow(tr("Scenario name:"), m_name);
    form->addRow(tr("Seed:"), seedRow);
    for (QLineEdit* e : { m_name, m_seed })
        connect(e, &QLineEdit::textChanged, this, &WorkloadDialog::scheduleRefresh);

    m_preview = new WorkloadPreview(this);
    auto* previewBox = new QGroupBox(tr("Preview"), this);
    (new QVBoxLayout(previewBox))->addWidget(m_preview);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Add Scenario"));
    auto* open = buttons->addButton(tr("Open Spec…"), QDialogButtonBox::ActionRole);
    auto* save = buttons->addButton(tr("Save Spec…"), QDialogButtonBox::ActionRole);
    connect(open, &QPushButton::clicked, this, &WorkloadDialog::openSpec);
    connect(save, &QPushButton::clicked, this, &WorkloadDialog::saveSpec);
    connect(buttons, &QDialogButtonBox::accepted, this, &WorkloadDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &WorkloadDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(createPhaseBox(), 1);
    layout->addWidget(createStreamBox(), 1);
    layout->addWidget(previewBox);
    layout->addWidget(buttons);
}

QWidget* WorkloadDialog::createPhaseBox()
{
    auto* box = new QGroupBox(tr("Phases (the target number of live allocations, tick by tick)"), this);
    m_phases =
        makeTable(box, { tr("Name"), tr("Kind"), tr("Ticks"), tr("Live allocations") }, "workloadPhases", PhaseName, 5);
    auto* add = new QPushButton(tr("Add Phase"), box);
    auto* remove = new QPushButton(tr("Remove Phase"), box);
    add->setToolTip(tr("Add a phase after the last one"));
    remove->setToolTip(tr("Remove the selected phase"));
    connect(add, &QPushButton::clicked, this, [this] {
        addPhaseRow({ tr("phase %1").arg(m_phases->rowCount() + 1).toStdString(), PhaseKind::Plateau, 50, 16 });
        scheduleRefresh();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        m_phases->removeRow(m_phases->currentRow());
        scheduleRefresh();
    });
    connect(m_phases, &QTableWidget::itemChanged, this, &WorkloadDialog::scheduleRefresh);
    auto* row = new QHBoxLayout;
    row->addWidget(add);
    row->addWidget(remove);
    row->addStretch();
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_phases);
    layout->addLayout(row);
    return box;
}

QWidget* WorkloadDialog::createStreamBox()
{
    auto* box = new QGroupBox(tr("Streams (who asks for what, and for how long)"), this);
    m_streams = makeTable(box,
        { tr("Device"), tr("Kind"), tr("Weight"), tr("Sizes"), tr("Size values"), tr("Round to"), tr("Align"),
            tr("Lifetime (ticks)") },
        "workloadStreams", StreamSizes, 3);
    m_streams->horizontalHeaderItem(StreamSizes)
        ->setToolTip(tr("Fixed or histogram: sizes with weights, e.g. \"1M:3 2M\"; uniform and log-uniform: a range, "
                        "e.g. \"16K..1M\""));
    m_streams->horizontalHeaderItem(StreamLifetime)->setToolTip(tr("\"8\", \"4..12\" or \"until drain\""));
    auto* add = new QPushButton(tr("Add Stream"), box);
    add->setToolTip(tr("Add a stream of requests: one device and kind, a size distribution and a lifetime"));
    auto* remove = new QPushButton(tr("Remove Stream"), box);
    remove->setToolTip(tr("Remove the selected stream"));
    auto* trace = new QPushButton(tr("Sizes from Trace…"), box);
    trace->setToolTip(tr("Use the sizes a kernel trace asked for as the chosen stream's sizes"));
    connect(add, &QPushButton::clicked, this, [this] {
        addStreamRow(defaultSpec(m_doc->project().platform).streams.front());
        scheduleRefresh();
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        m_streams->removeRow(m_streams->currentRow());
        scheduleRefresh();
    });
    connect(trace, &QPushButton::clicked, this, &WorkloadDialog::chooseTrace);
    connect(m_streams, &QTableWidget::itemChanged, this, &WorkloadDialog::scheduleRefresh);
    auto* row = new QHBoxLayout;
    for (QPushButton* b : { add, remove, trace })
        row->addWidget(b);
    row->addStretch();
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_streams);
    layout->addLayout(row);
    return box;
}

void WorkloadDialog::addPhaseRow(const WorkloadPhase& phase)
{
    const int row = m_phases->rowCount();
    m_phases->insertRow(row);
    m_phases->setItem(row, PhaseName, new QTableWidgetItem(QString::fromStdString(phase.name)));
    auto* kind = new QComboBox(m_phases);
    kind->setToolTip(tr("How the number of live allocations moves during the phase (docs/workload.md)"));
    for (PhaseKind k : kPhaseKinds)
        kind->addItem(QString::fromUtf8(phaseKindName(k)));
    kind->setCurrentIndex(int(std::find(std::begin(kPhaseKinds), std::end(kPhaseKinds), phase.kind) - kPhaseKinds));
    connect(kind, &QComboBox::currentIndexChanged, this, &WorkloadDialog::scheduleRefresh);
    m_phases->setCellWidget(row, PhaseKindColumn, kind);
    m_phases->setItem(row, PhaseTicks, new QTableWidgetItem(QString::number(phase.ticks)));
    m_phases->setItem(row, PhaseConcurrency, new QTableWidgetItem(QString::number(phase.concurrency)));
}

void WorkloadDialog::addStreamRow(const WorkloadStream& s)
{
    const Platform& pf = m_doc->project().platform;
    const int row = m_streams->rowCount();
    m_streams->insertRow(row);
    // Device and kind are editable: a name the platform does not list is reported, not silently dropped.
    auto combo = [&](int column, const QStringList& items, const std::string& current, bool editable) {
        auto* box = new QComboBox(m_streams);
        box->setToolTip(tr("The stream's %1 (docs/workload.md)").arg(m_streams->horizontalHeaderItem(column)->text()));
        box->setEditable(editable);
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->addItems(items);
        if (editable)
            box->setCurrentText(QString::fromStdString(current));
        else
            box->setCurrentIndex(std::max(0, box->findText(QString::fromStdString(current))));
        connect(box, &QComboBox::currentTextChanged, this, &WorkloadDialog::scheduleRefresh);
        m_streams->setCellWidget(row, column, box);
    };
    QStringList devices, kinds { QString() }, sizeKinds;
    for (const Device& d : pf.devices)
        devices << QString::fromStdString(d.name);
    for (const Kind& k : pf.kinds)
        kinds << QString::fromStdString(k.name);
    for (SizeDistributionKind k : kSizeKinds)
        sizeKinds << QString::fromUtf8(sizeDistributionName(k));
    combo(StreamDevice, devices, s.device, true);
    combo(StreamKind, kinds, s.kind, true);
    combo(StreamSizeType, sizeKinds, std::string(sizeDistributionName(s.sizes.kind)), false);
    m_streams->setItem(row, StreamWeight, new QTableWidgetItem(QString::number(s.weight)));
    auto* sizes = new QTableWidgetItem(sizesCellText(s.sizes));
    sizes->setToolTip(QString::fromStdString(s.sizes.source));
    m_streams->setItem(row, StreamSizes, sizes);
    m_streams->setItem(row, StreamRoundTo, new QTableWidgetItem(sizeCellText(s.roundTo)));
    m_streams->setItem(row, StreamAlign, new QTableWidgetItem(sizeCellText(s.align)));
    m_streams->setItem(row, StreamLifetime, new QTableWidgetItem(lifetimeCellText(s.lifetime)));
}

QComboBox* WorkloadDialog::comboAt(QTableWidget* table, int row, int column) const
{
    return qobject_cast<QComboBox*>(table->cellWidget(row, column));
}

std::optional<QString> WorkloadDialog::readPhases(WorkloadSpec& spec) const
{
    for (int row = 0; row < m_phases->rowCount(); ++row) {
        WorkloadPhase ph;
        ph.name = cell(m_phases, row, PhaseName).toStdString();
        ph.kind = kPhaseKinds[std::max(0, comboAt(m_phases, row, PhaseKindColumn)->currentIndex())];
        const auto ticks = count(cell(m_phases, row, PhaseTicks));
        const auto live = count(cell(m_phases, row, PhaseConcurrency));
        if (!ticks)
            return field("phases", row, "ticks") + tr(": '%1' is not a number").arg(cell(m_phases, row, PhaseTicks));
        if (!live && ph.kind != PhaseKind::Drain)
            return field("phases", row, "concurrency")
                + tr(": '%1' is not a number").arg(cell(m_phases, row, PhaseConcurrency));
        ph.ticks = *ticks;
        ph.concurrency = ph.kind == PhaseKind::Drain ? 0 : *live; // a drain's target is 0 whatever the cell says
        spec.phases.push_back(std::move(ph));
    }
    return std::nullopt;
}

std::optional<QString> WorkloadDialog::readStreams(WorkloadSpec& spec) const
{
    for (int row = 0; row < m_streams->rowCount(); ++row) {
        WorkloadStream s;
        s.device = comboAt(m_streams, row, StreamDevice)->currentText().trimmed().toStdString();
        s.kind = comboAt(m_streams, row, StreamKind)->currentText().trimmed().toStdString();
        const auto weight = count(cell(m_streams, row, StreamWeight));
        if (!weight)
            return field("streams", row, "weight")
                + tr(": '%1' is not a number").arg(cell(m_streams, row, StreamWeight));
        s.weight = *weight;
        s.sizes.kind = kSizeKinds[std::max(0, comboAt(m_streams, row, StreamSizeType)->currentIndex())];
        if (const auto e = readSizesCell(cell(m_streams, row, StreamSizes), s.sizes))
            return field("streams", row, "sizes") + QStringLiteral(": ") + *e;
        s.sizes.source = m_streams->item(row, StreamSizes)->toolTip().toStdString();
        const auto roundTo = readSizeCell(cell(m_streams, row, StreamRoundTo));
        const auto align = readSizeCell(cell(m_streams, row, StreamAlign));
        if (!roundTo || !align)
            return field("streams", row, roundTo ? "align" : "round_to")
                + tr(": '%1' is not a size").arg(cell(m_streams, row, roundTo ? StreamAlign : StreamRoundTo));
        s.roundTo = *roundTo;
        s.align = *align;
        if (const auto e = readLifetimeCell(cell(m_streams, row, StreamLifetime), s.lifetime))
            return field("streams", row, "lifetime") + QStringLiteral(": ") + *e;
        spec.streams.push_back(std::move(s));
    }
    return std::nullopt;
}

std::optional<WorkloadSpec> WorkloadDialog::readSpec(QString* error) const
{
    WorkloadSpec spec;
    spec.name = m_name->text().trimmed().toStdString();
    const auto seed = count(m_seed->text().trimmed());
    std::optional<QString> problem;
    if (!seed)
        problem = tr("seed: '%1' is not a number from 0 to 18446744073709551615").arg(m_seed->text());
    else
        spec.seed = *seed;
    if (!problem)
        problem = readPhases(spec);
    if (!problem)
        problem = readStreams(spec);
    if (problem) {
        if (error)
            *error = *problem;
        return std::nullopt;
    }
    return spec;
}

void WorkloadDialog::setSpec(const WorkloadSpec& spec)
{
    m_filling = true;
    m_name->setText(QString::fromStdString(spec.name));
    m_seed->setText(QString::number(spec.seed));
    m_phases->setRowCount(0);
    for (const WorkloadPhase& ph : spec.phases)
        addPhaseRow(ph);
    m_streams->setRowCount(0);
    for (const WorkloadStream& s : spec.streams)
        addStreamRow(s);
    fitComboColumn(m_phases, PhaseKindColumn);
    for (int column : { StreamDevice, StreamKind, StreamSizeType })
        fitComboColumn(m_streams, column);
    m_filling = false;
    scheduleRefresh();
}

WorkloadSpec WorkloadDialog::defaultSpec(const Platform& platform)
{
    WorkloadSpec spec;
    spec.name = "Generated workload";
    spec.seed = 1;
    spec.phases = { { "ramp up", PhaseKind::Ramp, 50, 16 }, { "steady", PhaseKind::Plateau, 100, 16 },
        { "burst", PhaseKind::Peak, 40, 32 }, { "drain", PhaseKind::Drain, 20, 0 } };
    for (std::size_t i = 0; i < std::max<std::size_t>(1, std::min<std::size_t>(3, platform.devices.size())); ++i) {
        WorkloadStream s;
        s.device = i < platform.devices.size() ? platform.devices[i].name : "device";
        s.sizes.kind = SizeDistributionKind::LogUniform;
        s.sizes.min = 64 * KiB;
        s.sizes.max = 2 * MiB;
        s.lifetime = { false, 5, 40 };
        spec.streams.push_back(std::move(s));
    }
    return spec;
}

} // namespace cmascope::views
