// SPDX-License-Identifier: GPL-2.0-or-later
#include "inspector/failureinspector.h"

#include "common/document.h"
#include "common/jobtracker.h"
#include "common/textformat.h"
#include "inspector/pinnershtml.h"
#include "inspector/tracerequesthtml.h"

#include <cmascope/system/pageowner.h>

#include <QHBoxLayout>
#include <QPalette>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <climits>

namespace cmascope::views {

namespace {
/// Verdict colours readable on the view's background: dark shades on a light base, light ones on a dark base.
struct VerdictColours
{
    QString ok, failed, muted;
};

VerdictColours verdictColours(const QPalette& palette)
{
    if (palette.color(QPalette::Base).lightness() < 128)
        return { QStringLiteral("#81c784"), QStringLiteral("#ef9a9a"),
            palette.color(QPalette::PlaceholderText).name() };
    return { QStringLiteral("#2e7d32"), QStringLiteral("#c62828"), QStringLiteral("#616161") };
}

QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString pagesText(std::uint64_t pages, std::uint64_t pageSize)
{
    const auto bytes = checkedMul(pages, pageSize);
    return QStringLiteral("%1 pages (%2)")
        .arg(pages)
        .arg(bytes ? sizeString(*bytes) : QStringLiteral("more than 16 EiB"));
}
} // namespace

FailureInspector::FailureInspector(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_fitJobs(new JobTracker(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view = new QTextBrowser(this);
    m_view->setOpenLinks(false);
    layout->addWidget(m_view);

    auto* fitRow = new QHBoxLayout;
    fitRow->setContentsMargins(4, 0, 4, 4);
    m_fitButton = new QPushButton(tr("What would have fit?"), this);
    m_fitButton->setObjectName(QStringLiteral("wouldFitButton"));
    m_fitButton->setToolTip(tr("Re-run the history up to this request with every other policy on the regions it "
                               "tried, and find the smallest size of the first region that serves it"));
    m_fitProgress = new QProgressBar(this);
    m_fitProgress->setObjectName(QStringLiteral("wouldFitProgress"));
    m_fitProgress->setRange(0, 1000);
    m_fitProgress->setTextVisible(false);
    m_fitCancel = new QPushButton(tr("Cancel"), this);
    m_fitCancel->setObjectName(QStringLiteral("wouldFitCancel"));
    fitRow->addWidget(m_fitButton);
    fitRow->addWidget(m_fitProgress, 1);
    fitRow->addWidget(m_fitCancel);
    fitRow->addStretch();
    layout->addLayout(fitRow);
    connect(m_fitButton, &QPushButton::clicked, this, &FailureInspector::findWhatWouldHaveFit);
    connect(m_fitCancel, &QPushButton::clicked, this, &FailureInspector::cancelWhatWouldHaveFit);
    connect(m_fitJobs, &JobTracker::progressChanged, m_fitProgress, &QProgressBar::setValue);

    connect(m_doc, &Document::positionChanged, this, &FailureInspector::followPosition);
    // A new run (another platform or scenario) makes any answer stale.
    connect(m_doc, &Document::runAboutToStart, this, &FailureInspector::discardWouldFit);
    connect(m_doc, &Document::runStarted, this, [this] {
        discardWouldFit();
        m_step.reset();
        m_stepFailed = false;
        m_html = tr("<p><i>Running the scenario…</i></p>");
        render();
    });
    connect(m_doc, &Document::runFinished, this, [this] {
        discardWouldFit();
        m_step.reset();
        m_stepFailed = false;
        if (!m_doc->simulation()) {
            m_html = QStringLiteral("<p>%1</p>").arg(m_doc->runError().toHtmlEscaped());
        } else {
            const std::size_t failures = m_doc->failureCount();
            m_html = tr("<p>%n request(s) failed in this run.</p>", nullptr, int(failures))
                + tr("<p><i>Select a request in the event log, or step to a failure (F3).</i></p>");
        }
        render();
    });
    m_html = tr("<p><i>Select a request in the event log, or step to a failure (F3).</i></p>");
    render();
}

FailureInspector::~FailureInspector() = default;

QString FailureInspector::plainText() const
{
    return m_view->toPlainText();
}

void FailureInspector::followPosition()
{
    // The inspector explains the current step (the last one executed), whatever it is.
    const Simulation* sim = m_doc->simulation();
    if (!sim)
        return;
    if (const auto step = m_doc->currentStep()) {
        inspect(*step);
        return;
    }
    discardWouldFit();
    m_step.reset();
    m_stepFailed = false;
    m_html = tr("<p>Before step 0: nothing has run yet.</p>")
        + tr("<p>%n request(s) failed in this run.</p>", nullptr, int(m_doc->failureCount()))
        + tr("<p><i>Select a request in the event log, or step to a failure (F3).</i></p>");
    render();
}

void FailureInspector::inspect(std::size_t step)
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || step >= sim->stepCount())
        return;
    // Inspecting the same request again keeps its answer (or the search under way).
    if (m_step != step)
        discardWouldFit();
    m_step = step;
    const Step& s = sim->scenario().steps[step];
    if (const ReplayResult* replay = m_doc->replay(); replay && replay->requestAtStep(step)) {
        inspectTraceRequest(*replay, step);
        return;
    }
    if (s.type != StepType::Allocate && s.type != StepType::Refused && s.type != StepType::AllocateFromRegion) {
        m_stepFailed = false;
        m_html = tr("<p>Step %1 is a <b>%2</b> step, not an allocation request.</p>")
                     .arg(step)
                     .arg(QString::fromUtf8(stepTypeName(s.type).data()));
        render();
        return;
    }
    m_stepFailed = sim->records()[step].outcome == Outcome::Failed;
    const Diagnosis dg = sim->diagnose(step);
    QString html;
    html += QStringLiteral("<h3>%1 %2</h3>")
                .arg(dg.succeeded ? tr("Request at step %1").arg(step) : tr("Failed request at step %1").arg(step),
                    dg.succeeded ? QString() : QStringLiteral("&#10007;"));
    html += QStringLiteral("<p>%1</p>").arg(esc(dg.summary));
    html += tr("<h4>Map</h4>") + QStringLiteral("<p>%1</p>").arg(esc(dg.mapSummary));
    if (!dg.mapTrail.empty()) {
        html += QStringLiteral("<ul>");
        for (const auto& line : dg.mapTrail)
            html += QStringLiteral("<li>%1</li>").arg(esc(line));
        html += QStringLiteral("</ul>");
    }
    if (!dg.attempts.empty()) {
        // One block per region (a narrow dock reads lists better than a wide table).
        html += tr("<h4>Regions tried, in order</h4>");
        int n = 0;
        const VerdictColours vc = verdictColours(m_view->palette());
        for (const auto& a : dg.attempts) {
            const Region* r = sim->platform().findRegion(a.region);
            const std::uint64_t ps = r ? (r->pageSize ? r->pageSize : sim->platform().pageSize) : 4096;
            // A full Verkuil pool has figures even when the system allocator then served the request.
            const bool numbers = a.exists && r && r->type == RegionType::Cma && r->size != 0;
            const QString verdictColour = a.result.ok ? vc.ok : vc.failed;
            QString status = esc(std::string(refusalVerdict(a.result.refusal)));
            if (a.fallbackRegion)
                status = a.result.ok ? tr("served by the system allocator")
                                     : tr("larger than the system allocator's largest block");
            html += QStringLiteral("<p><b>%1. %2</b> — <span style='color:%3'>%4</span></p>")
                        .arg(++n)
                        .arg(esc(a.region), verdictColour, status);
            if (numbers) {
                html += QStringLiteral("<ul>");
                html += tr("<li>needed: %1</li>").arg(pagesText(a.neededPages, ps));
                html += tr("<li>free: %1</li>").arg(pagesText(a.freePages, ps));
                html += tr("<li>largest free run: %1</li>").arg(pagesText(a.largestFree, ps));
                html += tr("<li>largest hole at the request's alignment: %1</li>").arg(pagesText(a.largestAligned, ps));
                if (a.pinnedPages)
                    html += tr("<li>pinned pages in the region: %1</li>").arg(a.pinnedPages);
                // The number only: what it means for this request is in the verdict below (extfragText()).
                if (a.extfragIndex >= 0)
                    html += tr("<li>kernel extfrag index: %1</li>").arg(a.extfragIndex / 1000.0, 0, 'f', 3);
                html += QStringLiteral("</ul>");
            }
            html += QStringLiteral("<p style='margin-left:12px'>%1</p>").arg(esc(a.verdict));
        }
        html += tr("<p><small>extfrag: the kernel's fragmentation index for the request's order "
                   "(towards 0: not enough memory; towards 1: fragmentation). It is not shown when a free block "
                   "of that order exists.</small></p>");
    }
    m_html = html;
    render();
    if (m_stepFailed && !m_fitRunning && !m_fitResult && !m_fitCancelled && step < m_autoSearchSteps)
        findWhatWouldHaveFit();
}

/// A kernel trace's request: what the trace recorded and the replay proved (no re-run on the GUI thread).
/// "What would have fit" is offered for failures the allocator's state explains, not for busy pages.
void FailureInspector::inspectTraceRequest(const ReplayResult& replay, std::size_t step)
{
    const std::uint32_t index = replay.timeline[step].index;
    const ReplayRequest& q = replay.requests[index];
    m_stepFailed = q.complete && !q.succeeded && q.cause != FailureCause::Busy && q.cause != FailureCause::NoArea;
    const VerdictColours vc = verdictColours(m_view->palette());
    const QString pinners =
        m_pageOwner ? pinnersHtml(replay, index, *m_pageOwner, m_pageOwnerOrigin, vc.muted) : QString();
    m_html = traceRequestHtml(replay, index, step, { vc.ok, vc.failed, vc.muted }, pinners);
    render();
    if (m_stepFailed && !m_fitRunning && !m_fitResult && !m_fitCancelled && step < m_autoSearchSteps)
        findWhatWouldHaveFit();
}

bool FailureInspector::findWhatWouldHaveFit()
{
    const Simulation* sim = m_doc->simulation();
    // A followed trace's run grows on the GUI thread: no worker reads it (docs/following.md).
    if (!sim || !m_doc->sharedSimulation() || !m_step || !m_stepFailed || *m_step >= sim->stepCount())
        return false;
    if (m_fitRunning)
        return true;
    // The job keeps the simulation it reads alive and copies, on its own thread, the steps up to the
    // request: only they matter.
    m_fitRunning = true;
    m_fitCancelled = false;
    m_fitError.clear();
    m_fitResult.reset();
    m_fitProgress->setValue(0);
    render();
    updateFitControls();
    auto work = [sim = m_doc->sharedSimulation(), step = *m_step](const Progress& progress) {
        Scenario prefix;
        prefix.name = sim->scenario().name;
        prefix.symbols = sim->scenario().symbols;
        prefix.steps.assign(sim->scenario().steps.begin(), sim->scenario().steps.begin() + std::ptrdiff_t(step) + 1);
        WouldFitOptions opt;
        // The total is an estimate that grows: never move the bar backwards.
        opt.progress = [&progress, shown = std::uint64_t(0)](std::uint64_t done, std::uint64_t total) mutable {
            shown = std::max(shown, total ? std::min<std::uint64_t>(done * 1000 / total, 1000) : 0);
            return progress(shown, 1000);
        };
        return whatWouldHaveFit(sim->platform(), prefix, step, opt);
    };
    m_fitJobs->start(std::move(work), [this](JobResult<WouldFitResult> result) {
        m_fitRunning = false;
        if (result.ok() && !result.value->cancelled)
            m_fitResult = std::move(*result.value);
        else if (result.failed())
            m_fitError = result.error;
        else
            m_fitCancelled = true;
        render();
        updateFitControls();
        Q_EMIT wouldFitFinished();
    });
    return true;
}

void FailureInspector::cancelWhatWouldHaveFit()
{
    if (!m_fitRunning)
        return;
    m_fitJobs->cancel(); // the handler shows "Cancelled" when the job has stopped
}

void FailureInspector::discardWouldFit()
{
    // Another step or a new run makes the answer stale: the running search is dropped unseen.
    m_fitJobs->discard();
    m_fitRunning = false;
    m_fitCancelled = false;
    m_fitError.clear();
    m_fitResult.reset();
    updateFitControls();
}

void FailureInspector::setPageOwner(std::shared_ptr<const PageOwnerDump> dump, const QString& origin)
{
    m_pageOwner = std::move(dump);
    m_pageOwnerOrigin = origin;
    if (m_step)
        inspect(*m_step);
}

void FailureInspector::updateFitControls()
{
    m_fitButton->setVisible(m_stepFailed);
    m_fitButton->setEnabled(m_stepFailed && !m_fitRunning && !m_fitResult);
    m_fitProgress->setVisible(m_fitRunning);
    m_fitCancel->setVisible(m_fitRunning);
}

void FailureInspector::render()
{
    // Keep the reader's place when the answer arrives under the explanation.
    const int scroll = m_view->verticalScrollBar()->value();
    m_view->setHtml(m_html + wouldFitHtml());
    m_view->verticalScrollBar()->setValue(scroll);
    updateFitControls();
}

QString FailureInspector::wouldFitHtml() const
{
    if (!m_stepFailed)
        return {};
    QString html = tr("<h4>What would have fit</h4>");
    if (m_fitRunning)
        return html + tr("<p><i>Re-running the history up to this request…</i></p>");
    if (m_fitCancelled)
        return html + tr("<p><i>Cancelled.</i></p>");
    if (!m_fitError.isEmpty())
        return html + tr("<p>The search failed: %1</p>").arg(esc(m_fitError.toStdString()));
    if (!m_fitResult)
        return html
            + tr("<p><i>“What would have fit?” re-runs the history up to this request with the other policies "
                 "and with larger sizes of the first region it tried.</i></p>");
    const WouldFitResult& r = *m_fitResult;
    if (!r.error.empty())
        return html + QStringLiteral("<p>%1</p>").arg(esc(r.error));
    if (!r.summary.empty())
        html += QStringLiteral("<p>%1</p>").arg(esc(r.summary));
    if (!r.policies.empty()) {
        QString regions;
        for (const auto& name : r.triedRegions)
            regions += (regions.isEmpty() ? QString() : QStringLiteral(", ")) + esc(name);
        html += tr("<p>Policies on %1, the history re-run from step 0:</p>").arg(regions) + QStringLiteral("<ul>");
        const VerdictColours vc = verdictColours(m_view->palette());
        for (const auto& row : r.policies) {
            const QString colour = row.run.succeeds ? vc.ok : row.current ? vc.muted : vc.failed;
            html += QStringLiteral("<li><span style='color:%1'>%2</span></li>").arg(colour, esc(row.text));
        }
        html += QStringLiteral("</ul>");
    }
    html += tr("<p><small>%n re-run(s), ", nullptr, int(r.runs))
        + tr("%n steps simulated.</small></p>", nullptr, int(std::min<std::uint64_t>(r.simulatedSteps, INT_MAX)));
    return html;
}

} // namespace cmascope::views
