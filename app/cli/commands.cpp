// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

namespace cmascope::cli {

namespace {
// One line per command. Keep the summaries short: they form the global --help.
const Command kCommands[] = {
    { "info", "Summarise a project file: banks, regions, devices, scenarios.", &runInfo },
    { "simulate", "Run a scenario step by step; explain every failed request.", &runSimulate },
};
} // namespace

const Command* commands(std::size_t* count)
{
    *count = sizeof(kCommands) / sizeof(kCommands[0]);
    return kCommands;
}

} // namespace cmascope::cli
