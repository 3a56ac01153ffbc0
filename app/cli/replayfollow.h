// SPDX-License-Identifier: GPL-2.0-or-later
// `cmascope-cli replay --follow SOURCE` / `--follow-cmd COMMAND` (issue 17, docs/following.md): the replay of a
// trace as it arrives, a line per request on stderr, and at the end of input the report `replay FILE` gives.
#pragma once

#include "common.h"

#include <cmascope/replay/replay.h>

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <optional>
#include <string>

namespace cmascope::cli {

struct ReplayFollowOptions
{
    const QCommandLineOption follow { QStringLiteral("follow"),
        QStringLiteral("Replay a trace as it arrives instead of TRACE: a file being appended to (read on at its end "
                       "until interrupted or --follow-idle), a FIFO, or - (standard input); the report comes at the "
                       "end of input."),
        QStringLiteral("SOURCE") };
    const QCommandLineOption followCmd { QStringLiteral("follow-cmd"),
        QStringLiteral("Like --follow, reading the standard output of COMMAND (run with /bin/sh -c), e.g. "
                       "'ssh board cat /sys/kernel/tracing/trace_pipe'."),
        QStringLiteral("COMMAND") };
    const QCommandLineOption followIdle { QStringLiteral("follow-idle"),
        QStringLiteral("With --follow FILE: end after SECONDS without new bytes (default: only on Ctrl-C)."),
        QStringLiteral("SECONDS") };
    const QCommandLineOption followSave { QStringLiteral("follow-save"),
        QStringLiteral("Keep the text received while following in FILE (a trace `replay FILE` reads again)."),
        QStringLiteral("FILE") };

    void addTo(CommandParser& parser) const { parser.addOptions({ follow, followCmd, followIdle, followSave }); }
    bool isSet(const QCommandLineParser& parser) const { return parser.isSet(follow) || parser.isSet(followCmd); }
    /// The name the report gives the followed source; nullopt, with the message on stderr, on a usage error.
    std::optional<std::string> sourceName(const QCommandLineParser& parser) const;
};

/// Follows the source the options name and replays it; the result as replayTraceFile() gives it for the
/// text received (Failed when the source cannot be opened or read).
ReplayFileResult followReplay(const ReplayFollowOptions& follow, const QCommandLineParser& parser,
    const ReplayInputs& inputs, const ReplayOptions& options);

} // namespace cmascope::cli
