// SPDX-License-Identifier: GPL-2.0-or-later
#include "inspector/pinnershtml.h"

#include <cmascope/replay/replay.h>
#include <cmascope/system/pageowner.h>
#include <cmascope/system/pinners.h>
#include <cmascope/util/units.h>

#include <QCoreApplication>
#include <QFileInfo>

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
} // namespace

QString pinnersHtml(
    const ReplayResult& r, std::size_t index, const PageOwnerDump& dump, const QString& origin, const QString& muted)
{
    if (index >= r.requests.size() || r.requests[index].busyRetries == 0)
        return {};
    const auto evidence = busyEvidence(r, {});
    const auto pinners = pinnersOf(index, evidence, dump, 5);
    QString html = tr("<h4>Who holds the busy pages</h4>");
    html += tr("<p style='color:%1'>page_owner dump %2: who allocated the pages of the busy windows, as they were "
               "when the dump was taken. Pages that are not Movable cannot be migrated; a Movable page can still be "
               "pinned by someone else.</p>")
                .arg(muted, QFileInfo(origin).fileName().toHtmlEscaped());
    if (pinners.empty())
        return html + tr("<p>No page_owner record in the busy windows.</p>");
    html += QStringLiteral("<ul>");
    for (const auto& p : pinners) {
        QString frames;
        for (std::size_t i = 0; i < p.frames.size(); ++i)
            frames += (i ? QStringLiteral(" &lt; ") : QString()) + esc(p.frames[i]);
        html += tr("<li><b>%1</b> (pid %2): %3 page(s) from %4, %5 in a %6 block%7</li>")
                    .arg(esc(p.comm.empty() ? std::string("?") : p.comm))
                    .arg(p.pid)
                    .arg(p.pages)
                    .arg(QString::fromStdString(hexText(p.firstPfn)), esc(p.pageType), esc(p.blockType),
                        frames.isEmpty() ? QString() : tr("<br><small>%1</small>").arg(frames));
    }
    return html + QStringLiteral("</ul>");
}

} // namespace cmascope::views
