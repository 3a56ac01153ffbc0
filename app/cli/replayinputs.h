// SPDX-License-Identifier: GPL-2.0-or-later
// The options that tell a kernel trace's CMA areas (--dmesg, --debugfs, --project, --area), shared by every
// command that replays a trace: replay, render, compare.
#pragma once

#include "common.h"

#include <cmascope/model/platform.h>
#include <cmascope/replay/areas.h>

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>
#include <string>

namespace cmascope::cli {

/// Adds the boot log @p path (--dmesg) to @p inputs; false, with "cmascope-cli COMMAND: --dmesg PATH: cannot open"
/// on stderr, when it cannot be read.
bool readBootLogOption(const std::string& path, const char* command, ReplayInputs& inputs);
/// Adds the --area specs to @p inputs; false, with the first bad one's message on stderr.
bool readAreaSpecOptions(const QStringList& specs, const char* command, ReplayInputs& inputs);

struct ReplayInputOptions
{
    const QCommandLineOption dmesg { QStringLiteral("dmesg"),
        QStringLiteral("Boot log with the CMA reservation lines."), QStringLiteral("FILE") };
    const QCommandLineOption debugfs { QStringLiteral("debugfs"),
        QStringLiteral("A debugfs cma area directory (or a folder of them): geometry, and its bitmap as the state "
                       "when tracing started. May be repeated."),
        QStringLiteral("DIR") };
    const QCommandLineOption project { QStringLiteral("project"),
        QStringLiteral("Project file whose regions describe the areas."), QStringLiteral("FILE") };
    const QCommandLineOption area { QStringLiteral("area"),
        QStringLiteral("An area: NAME=BASE_PFN+PAGES[,BASE_PFN+PAGES...][/ORDER_PER_BIT] (decimal or 0x hex; "
                       "several ranges: a 6.15+ multi-range area). May be repeated."),
        QStringLiteral("SPEC") };
    const QCommandLineOption kernel { QStringLiteral("kernel"),
        QStringLiteral("The traced kernel's CMA rules: 6.1, 6.12, 6.15 or 6.18 (or its release, e.g. 6.16.3); "
                       "default: from the trace's own evidence (docs/kernel-cma.md)."),
        QStringLiteral("VERSION") };
    const QCommandLineOption eventFormats { QStringLiteral("event-formats"),
        QStringLiteral("The kernel's events/cma/*/format files (concatenated), as evidence of its CMA rules."),
        QStringLiteral("FILE") };

    void addTo(CommandParser& parser) const
    {
        parser.addOptions({ dmesg, debugfs, project, area, kernel, eventFormats });
    }
    /// Reads the options into @p inputs; @p platform holds the --project platform that @p inputs points to, so it
    /// must outlive them. False, with "cmascope-cli COMMAND: ..." on stderr naming the option and file, when one
    /// cannot be used.
    bool read(const QCommandLineParser& parser, const char* command, ReplayInputs& inputs,
        std::optional<Platform>& platform) const;
};

} // namespace cmascope::cli
