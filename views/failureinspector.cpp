// SPDX-License-Identifier: GPL-2.0-or-later
#include "failureinspector.h"

#include "document.h"

#include <QTextBrowser>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {
QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString pagesText(std::uint64_t pages, std::uint64_t pageSize)
{
    const double mib = double(pages * pageSize) / double(MiB);
    return QStringLiteral("%1 pages (%2 MiB)").arg(pages).arg(mib, 0, 'f', mib < 10 ? 2 : 1);
}
} // namespace

FailureInspector::FailureInspector(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_view = new QTextBrowser(this);
    m_view->setOpenLinks(false);
    layout->addWidget(m_view);
    connect(m_doc, &Document::positionChanged, this, &FailureInspector::followPosition);
    connect(m_doc, &Document::runStarted, this, [this] {
        m_step.reset();
        m_view->setHtml(tr("<p><i>Running the scenario…</i></p>"));
    });
    connect(m_doc, &Document::runFinished, this, [this] {
        if (!m_doc->simulation()) {
            m_view->setHtml(QStringLiteral("<p>%1</p>").arg(m_doc->runError().toHtmlEscaped()));
            return;
        }
        const std::size_t failures = m_doc->failureCount();
        m_view->setHtml(tr("<p>%n request(s) failed in this run.</p>", nullptr, int(failures))
            + tr("<p><i>Select a request in the event log, or step to a failure (F3).</i></p>"));
    });
    m_view->setHtml(tr("<p><i>Select a request in the event log, or step to a failure (F3).</i></p>"));
}

QString FailureInspector::plainText() const
{
    return m_view->toPlainText();
}

void FailureInspector::followPosition()
{
    // The step just executed is position - 1: explain it when it is a failed request.
    const Simulation* sim = m_doc->simulation();
    const std::size_t pos = m_doc->position();
    if (!sim || pos == 0 || pos > sim->stepCount())
        return;
    if (sim->records()[pos - 1].outcome == Outcome::Failed)
        inspect(pos - 1);
}

void FailureInspector::inspect(std::size_t step)
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || step >= sim->stepCount())
        return;
    m_step = step;
    const Step& s = sim->scenario().steps[step];
    if (s.type != StepType::Allocate && s.type != StepType::Refused) {
        m_view->setHtml(tr("<p>Step %1 is a <b>%2</b> step, not an allocation request.</p>")
                            .arg(step)
                            .arg(QString::fromUtf8(stepTypeName(s.type).data())));
        return;
    }
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
        for (const auto& a : dg.attempts) {
            const Region* r = sim->platform().findRegion(a.region);
            const std::uint64_t ps = r ? (r->pageSize ? r->pageSize : sim->platform().pageSize) : 4096;
            const bool numbers = a.exists && !a.fallbackRegion && r && r->type == RegionType::Cma;
            const QString verdictColour = a.result.ok ? QStringLiteral("#2e7d32") : QStringLiteral("#c62828");
            html += QStringLiteral("<p><b>%1. %2</b> — <span style='color:%3'>%4</span></p>")
                        .arg(++n)
                        .arg(esc(a.region), verdictColour,
                            a.result.ok ? tr("fits")
                                        : QString::fromUtf8(refusalName(a.result.refusal).data()).toHtmlEscaped());
            if (numbers) {
                html += QStringLiteral("<ul>");
                html += tr("<li>needed: %1</li>").arg(pagesText(a.neededPages, ps));
                html += tr("<li>free: %1</li>").arg(pagesText(a.freePages, ps));
                html += tr("<li>largest free run: %1</li>").arg(pagesText(a.largestFree, ps));
                html += tr("<li>largest hole at the request's alignment: %1</li>").arg(pagesText(a.largestAligned, ps));
                if (a.pinnedPages)
                    html += tr("<li>pinned pages in the region: %1</li>").arg(a.pinnedPages);
                if (a.extfragIndex >= 0)
                    html += tr("<li>kernel extfrag index: %1 (%2)</li>")
                                .arg(a.extfragIndex / 1000.0, 0, 'f', 3)
                                .arg(a.extfragIndex > 500 ? tr("fragmentation") : tr("lack of memory"));
                html += QStringLiteral("</ul>");
            }
            html += QStringLiteral("<p style='margin-left:12px'>%1</p>").arg(esc(a.verdict));
        }
        html += tr("<p><small>extfrag: the kernel's fragmentation index for the request's order "
                   "(towards 0: not enough memory; towards 1: fragmentation). It is not shown when a free block "
                   "of that order exists.</small></p>");
    }
    m_view->setHtml(html);
}

} // namespace cmascope::views
