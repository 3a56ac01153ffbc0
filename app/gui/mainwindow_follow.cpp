// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow, following a live trace (docs/following.md, "Following in the app"): File › Follow Live Trace…,
// Follow the Latest Step and Stop Following; each batch the FollowSession pushes grows the document's live run
// (steps appended, work for the new text only); at the end of input the replay is shown as Open Trace shows it.
#include "common/document.h"
#include "compare/comparepanel.h"
#include "follow/followdialog.h"
#include "follow/followsession.h"
#include "mainwindow.h"
#include "whatif/whatifpanel.h"

#include <cmascope/replay/follow.h>

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

#include <algorithm>

namespace cmascope::app {

namespace {

bool hasLaterRanges(const ReplayResult& live)
{
    return std::any_of(live.areas.begin(), live.areas.end(), [](const auto& ar) { return ar.rangeCount() > 1; });
}

/// Appends the steps, times and names @p live has beyond @p to's, the provisional regions of later ranges numbered
/// after every area's first (numberedRegion()): work for the new steps only.
void appendNumbered(Scenario& to, const ReplayResult& live)
{
    const Scenario& from = live.scenario;
    for (std::size_t id = to.symbols.size(); id < from.symbols.size(); ++id)
        to.symbols.intern(from.symbols.name(std::uint32_t(id)));
    const std::size_t first = std::min(to.steps.size(), from.steps.size());
    for (std::size_t i = first; i < from.steps.size(); ++i) {
        to.steps.push_back(from.steps[i]);
        to.steps.back().region = numberedRegion(live.areas, to.steps.back().region);
    }
    if (from.timesNs.size() == from.steps.size())
        to.timesNs.insert(to.timesNs.end(), from.timesNs.begin() + std::ptrdiff_t(std::min(to.timesNs.size(), first)),
            from.timesNs.end());
    else
        to.timesNs.clear();
}

/// The live run's platform: the areas met so far as the end of input gives them (areasPlatform()), each region a
/// bank of its own as replayProject() makes them.
Project liveProject(const ReplayResult& live, const std::string& name)
{
    Project p;
    p.platform = areasPlatform(live.areas, 4096);
    p.platform.name = name;
    for (const Region& r : p.platform.regions)
        p.platform.banks.push_back({ r.name, r.start, r.size, 0 });
    if (hasLaterRanges(live)) {
        Scenario numbered;
        numbered.name = live.scenario.name;
        numbered.description = live.scenario.description;
        appendNumbered(numbered, live);
        p.scenarios.push_back(std::move(numbered));
    } else {
        p.scenarios.push_back(live.scenario);
    }
    return p;
}

} // namespace

void MainWindow::addFollowActions(QMenu* file)
{
    QAction* follow = file->addAction(tr("&Follow Live Trace…"), this, &MainWindow::followDialog);
    follow->setObjectName(QStringLiteral("followAction"));
    follow->setToolTip(tr("Replay a trace while it is written: a file, a FIFO or a command such as "
                          "ssh board cat /sys/kernel/tracing/trace_pipe"));
    m_followLatest = file->addAction(tr("Follow the &Latest Step"));
    m_followLatest->setObjectName(QStringLiteral("followLatestAction"));
    m_followLatest->setCheckable(true);
    m_followLatest->setChecked(true);
    m_followLatest->setToolTip(tr("While following: on, the newest step is the current one; off, the step you "
                                  "chose stays while the run grows"));
    connect(m_followLatest, &QAction::toggled, this, [this](bool on) {
        if (on && m_doc->isLive())
            m_doc->setPosition(m_doc->stepCount());
    });
    m_stopFollowing = file->addAction(tr("Stop Following"), this, &MainWindow::stopFollowing);
    m_stopFollowing->setEnabled(false);
}

void MainWindow::followDialog()
{
    views::FollowDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted && maybeSave())
        followTrace(dialog.spec(), dialog.inputs());
}

bool MainWindow::followTrace(const FollowSourceSpec& spec, const views::FollowInputs& from, bool quiet)
{
    auto fail = [&](const QString& error) {
        m_lastError = error;
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot follow"), error);
        return false;
    };
    if (m_follow)
        return fail(tr("A trace is being followed already: stop it first (File › Stop Following)."));
    ReplayInputs inputs;
    if (const QString error = views::readFollowInputs(from, inputs); !error.isEmpty())
        return fail(error);
    auto* session = new views::FollowSession(spec, inputs, this);
    if (const auto error = session->start()) {
        delete session;
        return fail(*error);
    }
    m_follow = session;
    m_liveAreas = 0;
    m_liveNumbered.reset();
    m_followDropped = false;
    m_stopFollowing->setEnabled(true);
    connect(session, &views::FollowSession::batchPushed, this, &MainWindow::onFollowBatch);
    connect(session, &views::FollowSession::finished, this, &MainWindow::onFollowFinished);
    showFollowStatus(tr("waiting for text"));
    return true;
}

void MainWindow::stopFollowing()
{
    if (m_follow)
        m_follow->stop();
}

void MainWindow::showFollowStatus(const QString& state)
{
    const ReplayResult& live = m_follow->replay().live();
    m_followStatus = tr("Following %1 (%2): %3 events, %4 requests (%5 failed)")
                         .arg(m_follow->sourceName(), state)
                         .arg(m_follow->events())
                         .arg(live.requested)
                         .arg(live.failed);
    if (!m_follow->replay().unresolved().empty())
        m_followStatus += tr("; shown at the end of input (nothing describes them): %1")
                              .arg(QString::fromStdString(m_follow->replay().unresolved().front()));
    statusBar()->showMessage(m_followStatus);
}

/// One batch: the new steps are appended to the live run; an area met for the first time restarts it (once per
/// area: the platform gains a region).
void MainWindow::onFollowBatch()
{
    const ReplayResult& live = m_follow->replay().live();
    const bool latest = m_followLatest->isChecked();
    if (m_liveAreas && !m_doc->isLive()) { // the user opened or edited something else: the follow ends
        m_followDropped = true;
        m_follow->stop();
        return;
    }
    if (live.areas.size() != m_liveAreas) {
        Project project = liveProject(live, m_follow->sourceName().toStdString());
        if (hasLaterRanges(live))
            m_liveNumbered = project.scenarios.front();
        else
            m_liveNumbered.reset();
        const std::size_t position = latest || !m_doc->isLive() ? live.scenario.steps.size() : m_doc->position();
        showSandboxFor(true);
        m_compare->setReplay(nullptr);
        m_whatIf->setReplay(nullptr);
        m_doc->beginLive(std::move(project), m_follow->sharedLive(), position);
        m_liveAreas = live.areas.size();
        m_central->setCurrentWidget(m_mapPage);
    } else if (m_liveAreas && m_liveNumbered) {
        appendNumbered(*m_liveNumbered, live);
        m_doc->appendLiveSteps(*m_liveNumbered, latest);
    } else if (m_liveAreas) {
        m_doc->appendLiveSteps(live.scenario, latest);
    }
    showFollowStatus(tr("live"));
}

/// The end of input: the replay exactly as Open Trace gives it for the text received, at the step shown.
void MainWindow::onFollowFinished()
{
    views::FollowSession* session = m_follow;
    const std::size_t position = m_followLatest->isChecked() ? SIZE_MAX : m_doc->position();
    const QString name = session->sourceName();
    showFollowStatus(tr("ended: %1").arg(session->endNote()));
    const QString status = m_followStatus;
    m_follow = nullptr;
    m_stopFollowing->setEnabled(false);
    ReplayFileResult r = *session->result();
    session->deleteLater(); // the live replay lives on while the document holds it (sharedLive())
    if (m_followDropped || (m_liveAreas && !m_doc->isLive())) { // what replaced the live run stays
        statusBar()->showMessage(tr("Stopped following %1: the document shown is no longer the live run").arg(name));
        return;
    }
    const QString error = QString::fromStdString(r.error.empty() ? r.result.error : r.error);
    if (!r.ok() || !error.isEmpty() || r.result.events == 0) {
        m_lastError = error.isEmpty() ? tr("%1: no CMA event in %2 line(s)").arg(name).arg(r.result.lines) : error;
        if (m_doc->isLive())
            m_doc->setProject(Project {}); // the live run ends with its replay
        QMessageBox::critical(this, tr("Cannot replay the followed trace"), m_lastError);
        return;
    }
    showTraceProblems(name, r.result);
    Project project = replayProject(r.result, name.toStdString());
    const auto replay = std::make_shared<const ReplayResult>(std::move(r.result));
    showProject(std::move(project), {}, replay);
    m_doc->showPositionWhenRun(position);
    m_central->setCurrentWidget(m_mapPage);
    statusBar()->showMessage(status);
}

} // namespace cmascope::app
