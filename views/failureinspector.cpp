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
        std::size_t failures = 0;
        for (const auto& r : m_doc->simulation()->records())
            failures += r.outcome == Outcome::Failed;
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
    if (s.type != StepType::Allocate) {
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
        html += tr("<h4>Regions tried, in order</h4>");
        html += QStringLiteral("<table border='1' cellspacing='0' cellpadding='3'><tr><th>%1</th><th>%2</th><th>%3</th>"
                               "<th>%4</th><th>%5</th><th>%6</th><th>%7</th></tr>")
                    .arg(tr("Region"), tr("Needed"), tr("Free"), tr("Largest aligned hole"), tr("Pinned"),
                        tr("extfrag"), tr("Verdict"));
        for (const auto& a : dg.attempts) {
            const Region* r = sim->platform().findRegion(a.region);
            const std::uint64_t ps = r ? (r->pageSize ? r->pageSize : sim->platform().pageSize) : 4096;
            const bool numbers = a.exists && !a.fallbackRegion && r && r->type == RegionType::Cma;
            html +=
                QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td>"
                               "<td>%7</td></tr>")
                    .arg(esc(a.region), numbers ? pagesText(a.neededPages, ps) : QString(),
                        numbers ? pagesText(a.freePages, ps) : QString(),
                        numbers ? pagesText(a.largestAligned, ps) : QString(),
                        numbers ? QString::number(a.pinnedPages) : QString(),
                        numbers && a.extfragIndex >= 0 ? QString::number(a.extfragIndex / 1000.0, 'f', 3) : QString(),
                        esc(a.verdict));
        }
        html += QStringLiteral("</table>");
        html += tr("<p><small>extfrag: the kernel's fragmentation index for the request's order "
                   "(towards 0: not enough memory; towards 1: fragmentation; empty: a block of that order "
                   "exists).</small></p>");
    }
    m_view->setHtml(html);
}

} // namespace cmascope::views
