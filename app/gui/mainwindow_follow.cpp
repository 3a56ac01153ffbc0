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

namespace cmascope::app {

namespace {

/// The live run's platform: one kernel-policy region per area met so far, at the area's place, region i for area i
/// as the live timeline numbers them (replayProject() gives the same for single-range areas). Nullopt while an
/// area has several ranges: their regions are numbered only at the end of input.
std::optional<Project> liveProject(const ReplayResult& live, const std::string& name)
{
    Project p;
    Platform& pf = p.platform;
    pf.name = name;
    pf.mapMode = MapMode::Modern;
    pf.pageSize = 4096;
    for (const auto& ar : live.areas) {
        if (ar.rangeCount() != 1)
            return std::nullopt;
        Region r;
        r.name = ar.area.name;
        r.size = ar.area.range(0).pages * pf.pageSize;
        r.placement = Placement::Fixed;
        r.start = ar.area.range(0).basePfn * pf.pageSize;
        r.placedBase = r.start;
        r.pageSize = pf.pageSize;
        r.policy = PolicyKind::Kernel;
        r.params.orderPerBit = ar.area.orderPerBit;
        r.params.maxAlignOrder = std::nullopt;
        pf.banks.push_back({ r.name, r.start, r.size, 0 });
        pf.regions.push_back(std::move(r));
    }
    p.scenarios.push_back(live.scenario);
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
        auto project = liveProject(live, m_follow->sourceName().toStdString());
        if (!project) {
            showFollowStatus(tr("an area with several ranges: shown at the end of input"));
            return;
        }
        const std::size_t position = latest || !m_doc->isLive() ? live.scenario.steps.size() : m_doc->position();
        showSandboxFor(true);
        m_compare->setReplay(nullptr);
        m_whatIf->setReplay(nullptr);
        m_doc->beginLive(std::move(*project), m_follow->sharedLive(), position);
        m_liveAreas = live.areas.size();
        m_central->setCurrentWidget(m_mapPage);
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
