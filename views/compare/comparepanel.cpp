// SPDX-License-Identifier: GPL-2.0-or-later
#include "compare/comparepanel.h"

#include "common/document.h"
#include "common/sortedtable.h"
#include "compare/comparemaps.h"
#include "compare/comparemodel.h"

#include <cmascope/compare/variantspec.h>
#include <cmascope/replay/tracewhatif.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace cmascope::views {

ComparePanel::ComparePanel(Document* doc, QWidget* parent)
    : QWidget(parent)
    , m_doc(doc)
    , m_jobs(new JobTracker(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* left = new QWidget(split);
    auto* column = new QVBoxLayout(left);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(createSpecControls());
    column->addWidget(m_variants = new QListWidget(left), 1);
    m_variants->setToolTip(tr("The variants to run besides the base (the project or trace as it is)"));
    column->addWidget(createRunControls());
    m_summary = new QLabel(left);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(m_summary);
    auto* right = m_rightSplit = new QSplitter(Qt::Vertical, split);
    right->addWidget(createTable());
    right->addWidget(m_maps = new CompareMaps(right));
    right->setStretchFactor(1, 1);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({ 260, 1000 });
    layout->addWidget(split);
    connectDocument();
    updateButtons();
}

ComparePanel::~ComparePanel() = default;

QWidget* ComparePanel::createSpecControls()
{
    auto* box = new QWidget(this);
    auto* rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    auto* line = new QHBoxLayout;
    m_spec = new QLineEdit(box);
    m_spec->setPlaceholderText(tr("e.g. policy=bf or region=b1,size=24M"));
    m_spec->setToolTip(tr("A variant: comma-separated KEY=VALUE. Projects: region, policy, size, order_per_bit, "
                          "align (CONFIG_CMA_ALIGNMENT). Traces: area, policy, size or pages, order_per_bit."));
    m_spec->setClearButtonEnabled(true);
    m_add = new QPushButton(tr("Add"), box);
    m_add->setToolTip(tr("Add the variant typed on the left to the comparison (Enter does the same)"));
    line->addWidget(m_spec, 1);
    line->addWidget(m_add);
    rows->addLayout(line);
    m_specError = new QLabel(box);
    m_specError->setWordWrap(true);
    m_specError->setStyleSheet(QStringLiteral("color: #c62828"));
    m_specError->hide();
    rows->addWidget(m_specError);
    connect(m_spec, &QLineEdit::textChanged, this, &ComparePanel::onSpecEdited);
    connect(m_spec, &QLineEdit::returnPressed, this, [this] {
        if (addVariant(m_spec->text().trimmed()))
            m_spec->clear();
    });
    connect(m_add, &QPushButton::clicked, this, [this] {
        if (addVariant(m_spec->text().trimmed()))
            m_spec->clear();
    });
    return box;
}

QWidget* ComparePanel::createRunControls()
{
    auto* box = new QWidget(this);
    auto* rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    auto* buttons = new QHBoxLayout;
    m_remove = new QPushButton(tr("Remove"), box);
    m_remove->setToolTip(tr("Remove the selected variants from the comparison"));
    m_run = new QPushButton(tr("Run"), box);
    m_run->setToolTip(tr("Run the base and every variant, off the GUI thread"));
    m_cancel = new QPushButton(tr("Cancel"), box);
    m_policies = new QPushButton(tr("Compare Policies"), box);
    m_policies->setObjectName(QStringLiteral("comparePolicies"));
    m_policies->setToolTip(tr("Run the scenario under first, next, best and worst fit and buddy, every region, and "
                              "step the maps together (for teaching)"));
    buttons->addWidget(m_remove);
    buttons->addWidget(m_policies);
    buttons->addStretch();
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    rows->addLayout(buttons);
    m_progress = new QProgressBar(box);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(m_run->sizeHint().height() / 2);
    rows->addWidget(m_progress);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeVariant(m_variants->currentRow()); });
    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_policies, &QPushButton::clicked, this, &ComparePanel::comparePolicies);
    connect(m_cancel, &QPushButton::clicked, this, &ComparePanel::cancel);
    connect(m_jobs, &JobTracker::progressChanged, m_progress, &QProgressBar::setValue);
    connect(m_variants, &QListWidget::currentRowChanged, this, &ComparePanel::updateButtons);
    return box;
}

QTableView* ComparePanel::createTable()
{
    m_model = new CompareModel(this);
    m_table = makeSortedTable(m_model, CompareModel::SortRole, CompareModel::VariantColumn, this);
    m_proxy = qobject_cast<QSortFilterProxyModel*>(m_table->model());
    m_table->setToolTip(tr("Activate a row (double-click, Enter) to go to its first differing step"));
    // Activating a row makes its first differing step the current step of every view (and of the maps).
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& idx) {
        const int step = idx.data(CompareModel::StepRole).toInt();
        if (step >= 0 && std::size_t(step) < m_doc->stepCount())
            m_doc->setCurrentStep(std::size_t(step));
    });
    return m_table;
}

void ComparePanel::connectDocument()
{
    connect(m_doc, &Document::positionChanged, this, [this](std::size_t position) {
        if (m_maps->count() > 0)
            m_maps->showPosition(position);
    });
    connect(m_doc, &Document::projectChanged, this, [this] {
        invalidate();
        onSpecEdited();
    });
    connect(m_doc, &Document::runAboutToStart, this, &ComparePanel::invalidate);
}

void ComparePanel::setReplay(std::shared_ptr<const ReplayResult> replay)
{
    m_replay = std::move(replay);
    invalidate();
    onSpecEdited();
}

QString ComparePanel::validate(const QString& spec) const
{
    if (m_replay) {
        const std::uint32_t pageSize = m_replay->platform.pageSize ? m_replay->platform.pageSize : 4096;
        auto parsed = parseWhatIfSpec(spec.toStdString(), pageSize, "--variant");
        if (auto* err = std::get_if<std::string>(&parsed))
            return QString::fromStdString(*err);
        const auto& area = std::get<WhatIfSpec>(parsed).area;
        if (area && !m_replay->findArea(*area))
            return tr("--variant %1: no area named %2 in the trace").arg(spec, QString::fromStdString(*area));
        return {};
    }
    auto parsed = parseVariantSpec(spec.toStdString(), m_doc->project().platform);
    if (auto* err = std::get_if<std::string>(&parsed))
        return QString::fromStdString(*err);
    auto applied = applyVariant(m_doc->project().platform, std::get<PlatformVariant>(parsed));
    if (auto* err = std::get_if<std::string>(&applied))
        return tr("--variant %1: %2").arg(spec, QString::fromStdString(*err));
    return {};
}

void ComparePanel::onSpecEdited()
{
    const QString text = m_spec->text().trimmed();
    m_specErrorText = text.isEmpty() ? QString() : validate(text);
    m_specError->setText(m_specErrorText);
    m_specError->setVisible(!m_specErrorText.isEmpty());
    m_add->setEnabled(!text.isEmpty() && m_specErrorText.isEmpty());
}

bool ComparePanel::addVariant(const QString& spec)
{
    m_specErrorText = validate(spec);
    m_specError->setText(m_specErrorText);
    m_specError->setVisible(!m_specErrorText.isEmpty());
    if (!m_specErrorText.isEmpty())
        return false;
    if (!variants().contains(spec))
        m_variants->addItem(spec);
    updateButtons();
    return true;
}

QStringList ComparePanel::policyVariants()
{
    return { QStringLiteral("policy=first-fit"), QStringLiteral("policy=next-fit"), QStringLiteral("policy=bf"),
        QStringLiteral("policy=worst-fit"), QStringLiteral("policy=buddy") };
}

bool ComparePanel::comparePolicies()
{
    m_variants->clear();
    for (const QString& spec : policyVariants())
        addVariant(spec); // a spec the open trace cannot take is left out, its reason shown
    if (m_variants->count() == 0)
        return false;
    return run();
}

void ComparePanel::removeVariant(int index)
{
    if (index < 0 || index >= m_variants->count())
        return;
    delete m_variants->takeItem(index);
    updateButtons();
}

QStringList ComparePanel::variants() const
{
    QStringList out;
    for (int i = 0; i < m_variants->count(); ++i)
        out << m_variants->item(i)->text();
    return out;
}

bool ComparePanel::run()
{
    if (m_jobs->isRunning())
        return false;
    std::vector<std::string> specs;
    for (const QString& v : variants())
        specs.push_back(v.toStdString());
    if (specs.empty()) {
        showError(tr("Add a variant to compare with the base (e.g. policy=bf)."));
        return false;
    }
    m_runGeneration = m_generation;
    m_progress->setValue(0);
    if (m_replay) {
        m_jobs->start([replay = m_replay, specs](const Progress& p) { return compareTrace(*replay, specs, p); },
            [this](JobResult<std::variant<Comparison, std::string>> r) { onFinished(std::move(r)); });
    } else {
        m_jobs->start([project = m_doc->project(), scenario = std::size_t(std::max(0, m_doc->scenarioIndex())), specs](
                          const Progress& p) { return compareProject(project, scenario, specs, p); },
            [this](JobResult<std::variant<Comparison, std::string>> r) { onFinished(std::move(r)); });
    }
    m_summary->setText(tr("Comparing…"));
    updateButtons();
    return true;
}

void ComparePanel::onFinished(JobResult<std::variant<Comparison, std::string>> result)
{
    updateButtons();
    if (m_runGeneration != m_generation)
        return; // the document changed meanwhile: invalidate() has cleared the pane
    if (result.failed())
        return showError(result.error);
    if (!result.ok()
        || (std::holds_alternative<Comparison>(*result.value) && std::get<Comparison>(*result.value).cancelled)) {
        m_summary->setText(tr("Cancelled."));
        return;
    }
    if (auto* err = std::get_if<std::string>(&*result.value))
        return showError(QString::fromStdString(*err));
    Comparison c = std::move(std::get<Comparison>(*result.value));
    QStringList titles;
    for (const VariantFigures& v : c.variants)
        titles << (v.spec.empty() ? tr("base") : QString::fromStdString(v.spec));
    m_maps->setRuns(c.simulations, titles, c.positions);
    m_summary->setText(
        tr("%1, %2 steps: %3 runs.").arg(QString::fromStdString(c.subject)).arg(c.steps).arg(c.variants.size()));
    m_model->setComparison(std::move(c));
    for (int col = 0; col < CompareModel::DifferenceColumn; ++col) // the last one stretches
        m_table->resizeColumnToContents(col);
    m_maps->showPosition(m_doc->position());
    fitTable();
    Q_EMIT finished();
}

void ComparePanel::fitTable()
{
    // The table as high as its rows (a few variants), the maps the rest: they need the height for their banks.
    const int rows = std::max(3, m_model->rowCount());
    const int wanted = m_table->horizontalHeader()->height() + rows * m_table->verticalHeader()->defaultSectionSize()
        + 2 * m_table->frameWidth() + m_table->horizontalScrollBar()->sizeHint().height() + 2;
    const int total = m_rightSplit->height();
    const int table = std::min(wanted, total * 3 / 5);
    m_rightSplit->setSizes({ table, std::max(0, total - table) });
}

void ComparePanel::showError(const QString& error)
{
    m_summary->setText(tr("<b>Cannot compare:</b> %1").arg(error.toHtmlEscaped()));
    updateButtons();
    Q_EMIT finished();
}

void ComparePanel::cancel()
{
    m_jobs->cancel();
}

bool ComparePanel::isRunning() const
{
    return m_jobs->isRunning();
}

void ComparePanel::waitForRun()
{
    m_jobs->waitForIdle();
}

void ComparePanel::invalidate()
{
    ++m_generation;
    if (m_jobs->isRunning())
        cancel();
    m_model->setComparison({});
    m_maps->clear();
    m_summary->clear();
    updateButtons();
}

void ComparePanel::updateButtons()
{
    const bool running = m_jobs->isRunning();
    m_run->setEnabled(!running && m_variants->count() > 0);
    m_cancel->setVisible(running);
    m_progress->setVisible(running);
    m_remove->setEnabled(!running && m_variants->currentRow() >= 0);
}

QString ComparePanel::summaryText() const
{
    return m_summary->text();
}

} // namespace cmascope::views
