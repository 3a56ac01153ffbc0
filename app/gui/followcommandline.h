// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope --follow SOURCE / --follow-cmd 'COMMAND' with --dmesg, --debugfs and --area (docs/following.md): the
// app's options for following a live trace, as cmascope-cli replay takes them.
#pragma once

#include "follow/followinputs.h"

#include <cmascope/trace/followsource.h>

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>

namespace cmascope::app {

struct FollowRequest
{
    FollowSourceSpec spec;
    views::FollowInputs inputs;
};

class FollowCommandLine
{
public:
    FollowCommandLine();
    void addTo(QCommandLineParser& parser) const;
    /// The follow asked for (nullopt: none). Exits with a message when both --follow and --follow-cmd are given.
    std::optional<FollowRequest> read(const QCommandLineParser& parser) const;

private:
    QCommandLineOption m_follow, m_followCmd, m_dmesg, m_debugfs, m_area;
};

class MainWindow;
/// --follow with --screenshot FILE: saves FILE after @p ms of following (the run as it stands then), and
/// FILE-charts.png with the charts raised, and quits.
void takeFollowScreenshotAndQuit(MainWindow& window, const QString& file, int ms);

} // namespace cmascope::app
