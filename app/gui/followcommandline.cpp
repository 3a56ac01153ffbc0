// SPDX-License-Identifier: GPL-2.0-or-later
#include "followcommandline.h"

#include "mainwindow.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QTimer>

#include <cstdio>

namespace cmascope::app {

FollowCommandLine::FollowCommandLine()
    : m_follow(QStringLiteral("follow"),
        QStringLiteral("Follow a trace while it is written: a file being appended to, a FIFO, or - for standard "
                       "input (docs/following.md)."),
        QStringLiteral("SOURCE"))
    , m_followCmd(QStringLiteral("follow-cmd"),
          QStringLiteral("Follow the output of COMMAND, run with /bin/sh -c (e.g. 'ssh board cat "
                         "/sys/kernel/tracing/trace_pipe')."),
          QStringLiteral("COMMAND"))
    , m_dmesg(QStringLiteral("dmesg"), QStringLiteral("The followed board's boot log: its areas, up front."),
          QStringLiteral("FILE"))
    , m_debugfs(QStringLiteral("debugfs"),
          QStringLiteral("A debugfs cma area directory (or a folder of them): its areas, up front."),
          QStringLiteral("DIR"))
    , m_area(QStringLiteral("area"), QStringLiteral("An area, NAME=BASE_PFN+PAGES[/ORDER_PER_BIT], up front."),
          QStringLiteral("SPEC"))
{ }

void FollowCommandLine::addTo(QCommandLineParser& parser) const
{
    parser.addOptions({ m_follow, m_followCmd, m_dmesg, m_debugfs, m_area });
}

std::optional<FollowRequest> FollowCommandLine::read(const QCommandLineParser& parser) const
{
    if (!parser.isSet(m_follow) && !parser.isSet(m_followCmd)) {
        // said, not ignored: a trace opened as FILE takes its areas from the dmesg*.txt beside it
        if (parser.isSet(m_dmesg) || parser.isSet(m_debugfs) || parser.isSet(m_area)) {
            std::fputs("cmascope: --dmesg, --debugfs and --area go with --follow or --follow-cmd; a trace opened as "
                       "FILE reads the dmesg*.txt beside it (or use File > Open Trace, then the trace bar)\n",
                stderr);
            std::exit(2);
        }
        return std::nullopt;
    }
    if (parser.isSet(m_follow) && parser.isSet(m_followCmd)) {
        std::fputs("cmascope: give --follow or --follow-cmd, not both\n", stderr);
        std::exit(2);
    }
    FollowRequest r;
    r.spec.kind = parser.isSet(m_followCmd) ? FollowSourceSpec::Command : FollowSourceSpec::Path;
    r.spec.text = parser.value(parser.isSet(m_followCmd) ? m_followCmd : m_follow).toStdString();
    r.inputs.dmesg = parser.value(m_dmesg);
    r.inputs.debugfs = parser.values(m_debugfs);
    r.inputs.areas = parser.values(m_area);
    return r;
}

void takeFollowScreenshotAndQuit(MainWindow& window, const QString& file, int ms)
{
    QTimer::singleShot(ms, &window, [&window, file] {
        QCoreApplication::processEvents();
        bool ok = window.grab().save(file);
        if (auto* charts = window.findChild<QDockWidget*>(QStringLiteral("chartsDock"))) { // FILE-charts.png
            charts->raise();
            QCoreApplication::processEvents();
            ok =
                window.grab().save(file.left(file.lastIndexOf(QLatin1Char('.'))) + QStringLiteral("-charts.png")) && ok;
        }
        window.stopFollowing();
        QCoreApplication::exit(ok ? 0 : 1);
    });
}

} // namespace cmascope::app
