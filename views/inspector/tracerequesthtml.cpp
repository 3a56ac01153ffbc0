// SPDX-License-Identifier: GPL-2.0-or-later
#include "inspector/tracerequesthtml.h"

#include "common/textformat.h"

#include <cmascope/replay/replay.h>
#include <cmascope/trace/tracetime.h>

#include <QCoreApplication>

#include <algorithm>

namespace cmascope::views {

namespace {

QString tr(const char* text)
{
    // the context lupdate files a free function's tr() under: its namespace (the template, app/CMakeLists.txt)
    return QCoreApplication::translate("cmascope::views", text);
}

QString esc(const std::string& s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

/// Seconds as the trace prints them (trace/tracetime.h).
QString secondsText(std::uint64_t ns)
{
    return QString::fromStdString(traceTimeText(ns));
}

/// A latency: µs below a millisecond, ms below a second, else s.
QString durationText(std::uint64_t ns)
{
    if (ns < 1000000u)
        return QStringLiteral("%1 µs").arg(double(ns) / 1e3, 0, 'f', 0);
    if (ns < 1000000000u)
        return QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', 2);
    return QStringLiteral("%1 s").arg(double(ns) / 1e9, 0, 'f', 3);
}

QString pagesText(std::uint64_t pages, std::uint32_t pageSize)
{
    const auto bytes = checkedMul(pages, std::uint64_t(pageSize));
    return tr("%1 pages (%2)").arg(pages).arg(bytes ? sizeString(*bytes) : tr("more than 16 EiB"));
}

/// The busy windows, the first few with their place, time and line.
QString busyHtml(const ReplayResult& r, std::size_t index)
{
    const auto windows = r.busyWindowsOf(index);
    if (windows.empty())
        return {};
    const ReplayRequest& q = r.requests[index];
    QString html = tr("<h4>Busy windows (%1)</h4>").arg(windows.size());
    html += tr("<p>Each window was free in the bitmap, but alloc_contig_range() could not migrate the pages in it "
               "(pinned, or in use and not movable); the kernel moved on to the next aligned window.</p><ul>");
    constexpr std::size_t kShown = 12;
    for (std::size_t i = 0; i < windows.size() && i < kShown; ++i) {
        const auto& w = windows[i];
        const std::uint64_t last = w.pfn + std::max<std::uint64_t>(q.count, 1) - 1;
        html += tr("<li>%1–%2 at %3 s (line %4)</li>")
                    .arg(hexString(w.pfn), hexString(last), secondsText(w.timestampNs))
                    .arg(w.line);
    }
    if (windows.size() > kShown)
        html += tr("<li>… %1 more</li>").arg(windows.size() - kShown);
    return html + QStringLiteral("</ul>");
}

QString outcomeHtml(const ReplayResult& r, std::size_t index, const TraceVerdictColours& c)
{
    const ReplayRequest& q = r.requests[index];
    const auto predicted = r.predictedPfn(index);
    QString html;
    if (!q.complete)
        return tr("<p>No cma_alloc_finish before the end of the trace: the outcome is unknown.</p>");
    if (q.succeeded) {
        html += tr("<p><span style='color:%1'>Allocated at PFN %2</span>%3.</p>")
                    .arg(c.ok, hexString(q.pfn),
                        q.busyRetries ? tr(" after %1 busy window(s)").arg(q.busyRetries) : QString());
    } else {
        html += tr("<p><span style='color:%1'>Refused: %2</span>%3</p>")
                    .arg(c.failed,
                        q.cause == FailureCause::None ? tr("not checked")
                                                      : QString::fromUtf8(failureCauseName(q.cause).data()),
                        q.errorno ? tr(" (errno %1)").arg(q.errorno) : QString());
        QString evidence = esc(r.failureEvidence(index));
        if (!evidence.isEmpty())
            evidence[0] = evidence[0].toUpper();
        html += QStringLiteral("<p>%1.</p>").arg(evidence);
    }
    if (q.check == ReplayRequest::Matched)
        html +=
            tr("<p style='color:%1'>The kernel policy (mm/cma.c, bit for bit) predicts this outcome.</p>").arg(c.muted);
    else if (q.check == ReplayRequest::Diverged)
        html +=
            tr("<p style='color:%1'>The kernel policy %2 on the replayed state: the state before this request is "
               "not the kernel's.</p>")
                .arg(c.failed, predicted ? tr("would place it at %1").arg(hexString(*predicted)) : tr("refuses it"));
    return html;
}

} // namespace

QString traceRequestHtml(const ReplayResult& r, std::size_t index, std::size_t step, const TraceVerdictColours& c,
    const QString& afterOutcome)
{
    if (index >= r.requests.size())
        return {};
    const ReplayRequest& q = r.requests[index];
    const std::string area = q.area < r.areas.size() ? r.areas[q.area].area.name : std::string("?");
    const std::string task = q.task < r.tasks.size() ? r.tasks[q.task] : std::string("?");
    const std::uint32_t page = r.platform.pageSize ? r.platform.pageSize : 4096;
    QString html = QStringLiteral("<h3>%1 %2</h3>")
                       .arg(q.succeeded ? tr("Kernel request at step %1").arg(step)
                                        : tr("Failed kernel request at step %1").arg(step),
                           q.succeeded ? QString() : QStringLiteral("&#10007;"));
    html += tr("<p><b>%1</b> asked <b>%2</b> for %3 aligned to 2<sup>%4</sup> pages.</p>")
                .arg(esc(task), esc(area), pagesText(q.count, page))
                .arg(q.align);
    html += outcomeHtml(r, index, c) + afterOutcome;
    html += tr("<h4>Trace</h4><ul>");
    if (q.startLine)
        html += tr("<li>cma_alloc_start: line %1, %2 s</li>").arg(q.startLine).arg(secondsText(q.startNs));
    if (q.finishLine)
        html += tr("<li>cma_alloc_finish: line %1, %2 s, CPU %3</li>")
                    .arg(q.finishLine)
                    .arg(secondsText(q.timestampNs))
                    .arg(q.cpu);
    if (q.hasLatency())
        html += tr("<li>latency (start to finish): %1</li>").arg(durationText(q.latencyNs()));
    if (const ReplayFailureFacts* f = r.failureFactsOf(index)) {
        html += tr("<li>free in the area before it: %1</li>").arg(pagesText(f->freePages, page));
        html += tr("<li>largest free run: %1</li>").arg(pagesText(f->largestFreeRun, page));
    }
    html += QStringLiteral("</ul>");
    return html + busyHtml(r, index);
}

} // namespace cmascope::views
