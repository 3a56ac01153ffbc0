// SPDX-License-Identifier: GPL-2.0-or-later
// File > Compare with Another Trace… (tracepairdialog.h, docs/time-and-latency.md).
#include "compare/tracepairdialog.h"

#include "common/document.h"
#include "common/jobtracker.h"
#include "common/traceinputs.h"

#include <cmascope/trace/bootlog.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {

/// The comparison, or why there is none.
struct PairOutcome
{
    std::optional<TracePairResult> result;
    std::string error;
};

/// The inputs File > Open Trace uses: the boot log beside the trace.
ReplayInputs inputsBeside(const QString& path)
{
    ReplayInputs inputs;
    addBootLogBeside(inputs, path);
    return inputs;
}

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QString change(std::uint64_t a, std::uint64_t b)
{
    if (a == b)
        return QStringLiteral("0");
    return b > a ? QStringLiteral("+%1").arg(b - a) : QStringLiteral("−%1").arg(a - b);
}

QString latencyChange(std::uint64_t a, std::uint64_t b)
{
    if (a == b)
        return QStringLiteral("0");
    return (b > a ? QStringLiteral("+") : QStringLiteral("−")) + text(latencyText(b > a ? b - a : a - b));
}

/// A row of figures under @p parent, the numbers right-aligned.
void addRow(QTreeWidgetItem* parent, const QStringList& cells)
{
    auto* item = new QTreeWidgetItem(parent, cells);
    for (int c = 1; c < 4; ++c)
        item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
}

/// The rows of one area (or the total) under @p parent.
void addFigures(QTreeWidgetItem* parent, const TracePairRow& row)
{
    const TracePairFigures &a = row.a, &b = row.b;
    auto count = [parent](const QString& name, std::uint64_t x, std::uint64_t y) {
        addRow(parent, { name, QString::number(x), QString::number(y), change(x, y) });
    };
    auto latency = [parent](const QString& name, std::uint64_t x, std::uint64_t y) {
        addRow(parent, { name, text(latencyText(x)), text(latencyText(y)), latencyChange(x, y) });
    };
    count(TracePairDialog::tr("requests"), a.requests, b.requests);
    count(TracePairDialog::tr("failed"), a.failed, b.failed);
    for (std::size_t c = 1; c < kFailureCauseCount; ++c)
        if (a.failuresByCause[c] || b.failuresByCause[c])
            count(TracePairDialog::tr("  failed: %1").arg(text(std::string(failureCauseName(FailureCause(c))))),
                a.failuresByCause[c], b.failuresByCause[c]);
    count(TracePairDialog::tr("busy retries"), a.busyRetries, b.busyRetries);
    count(TracePairDialog::tr("busy-retried requests"), a.busyRequests, b.busyRequests);
    latency(TracePairDialog::tr("latency median"), a.latency.medianNs, b.latency.medianNs);
    latency(TracePairDialog::tr("latency p99"), a.latency.p99Ns, b.latency.p99Ns);
    latency(TracePairDialog::tr("latency max"), a.latency.maxNs, b.latency.maxNs);
    if (a.peakUsedPages && b.peakUsedPages)
        count(TracePairDialog::tr("peak used pages"), *a.peakUsedPages, *b.peakUsedPages);
}

} // namespace

TracePairDialog::TracePairDialog(Document* document, QWidget* parent)
    : QDialog(parent)
    , m_doc(document)
    , m_jobs(new JobTracker(this))
{
    setWindowTitle(tr("Compare Two Traces"));
    m_table = new QTreeWidget(this);
    m_table->setColumnCount(4);
    m_table->setHeaderLabels({ tr("Figure"), tr("A (shown)"), tr("B"), tr("B − A") });
    m_table->setRootIsDecorated(true);
    m_table->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_go = new QPushButton(tr("Go to First Difference"), this);
    m_go->setToolTip(tr("Make the first request whose outcome differs the current step (in A, the trace shown)"));
    m_go->setEnabled(false);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_go, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_go, &QPushButton::clicked, this, &TracePairDialog::goToFirstDifference);
    connect(m_jobs, &JobTracker::progressChanged, this, [this](int done, int total) {
        if (total > 0)
            m_status->setText(tr("Comparing… %1%").arg(done * 100 / total));
    });
    // A new project in the window makes A another trace: the comparison no longer applies.
    connect(m_doc, &Document::projectReplaced, this, [this] {
        m_jobs->discard();
        m_result.reset();
        m_table->clear();
        m_go->setEnabled(false);
        m_status->setText(tr("The window shows another project now; compare again from the File menu."));
    });
    resize(760, 620);
}

void TracePairDialog::compareWith(const QString& path)
{
    m_result.reset();
    m_table->clear();
    m_go->setEnabled(false);
    m_pathB = path;
    std::shared_ptr<const ReplayResult> a = m_doc->sharedReplay();
    if (!a) {
        m_jobs->discard();
        m_status->setText(tr("The window shows no trace: open a trace first (File > Open Trace)."));
        return;
    }
    m_status->setText(tr("Replaying %1…").arg(QFileInfo(path).fileName()));
    auto work = [a = std::move(a), file = path.toStdString(), inputs = inputsBeside(path)](const Progress& progress) {
        PairOutcome out;
        const ReplayFileResult b = replayTraceFile(
            file, inputs, ReplayOptions {}, [&](std::uint64_t d, std::uint64_t t) { return progress(d, t * 2); });
        if (!b.ok() || !b.result.error.empty()) {
            out.error = b.error.empty() ? b.result.error : b.error;
            return out;
        }
        out.result = compareTracePair(*a, b.result, TracePairMatch::ByKey,
            [&](std::uint64_t d, std::uint64_t t) { return progress(t + d, t * 2); });
        return out;
    };
    m_jobs->start(std::move(work), [this](JobResult<PairOutcome> r) {
        if (r.failed())
            m_status->setText(tr("Cannot compare: %1").arg(r.error));
        else if (!r.ok())
            m_status->setText(tr("Cancelled."));
        else if (!r.value->result)
            m_status->setText(tr("Cannot replay %1: %2").arg(m_pathB, text(r.value->error)));
        else
            showResult(*r.value->result);
    });
}

bool TracePairDialog::isComputing() const
{
    return m_jobs->isRunning();
}

void TracePairDialog::waitForResult()
{
    m_jobs->waitForIdle();
}

QString TracePairDialog::statusText() const
{
    return m_status->text();
}

void TracePairDialog::showResult(const TracePairResult& result)
{
    m_result = result;
    m_table->clear();
    auto* total = new QTreeWidgetItem(m_table, { tr("Total") });
    addFigures(total, result.total);
    for (const TracePairRow& row : result.areas) {
        QString name = tr("Area %1").arg(text(row.area));
        if (!row.inA || !row.inB)
            name += row.inA ? tr(" (only in A)") : tr(" (only in B)");
        addFigures(new QTreeWidgetItem(m_table, { name }), row);
    }
    m_table->expandAll();
    for (int c = 1; c < 4; ++c)
        m_table->resizeColumnToContents(c);
    QString status = tr("A: %1\nB: %2\nMatched %3 requests by task (without pid), area, count and align; %4 only in A, "
                        "%5 only in B; %6 with a different outcome.")
                         .arg(text(m_doc->project().platform.name), m_pathB)
                         .arg(result.matched)
                         .arg(result.onlyInA)
                         .arg(result.onlyInB)
                         .arg(result.differingOutcomes);
    status += result.firstDifference ? tr("\nFirst difference: %1.").arg(text(result.firstDifference->text))
                                     : tr("\nNo matched request has another outcome.");
    if (result.failuresIncreased())
        status += tr("\nB has more failed requests than A.");
    m_status->setText(status);
    m_go->setEnabled(result.firstDifference && result.firstDifference->stepA);
}

void TracePairDialog::goToFirstDifference()
{
    if (m_result && m_result->firstDifference && m_result->firstDifference->stepA)
        m_doc->setCurrentStep(*m_result->firstDifference->stepA);
}

} // namespace cmascope::views
