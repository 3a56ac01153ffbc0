// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

namespace cmascope::cli {

namespace {
// One line per command. Keep the summaries short: they form the global --help.
const Command kCommands[] = {
    { "info", "Summarise a project file: banks, regions, devices, scenarios.", &runInfo },
    { "simulate", "Run a scenario step by step; explain every failed request.", &runSimulate },
    { "plan", "Size every region for its scenarios (smallest per region) and place them in the banks.", &runPlan },
    { "compare", "Run one scenario or trace under several variants; their figures side by side.", &runCompare },
    { "render", "Paint the memory map of a project or trace at a step to PNG or SVG (offscreen).", &runRender },
    { "export", "Write a project as a kernel command line, device tree, 2010 map or Verkuil form.", &runExport },
    { "import", "Read a command line, device tree, /proc/iomem, dmesg or 2010 map into a project.", &runImport },
    { "replay", "Replay a kernel CMA trace; check every placement against the kernel algorithm.", &runReplay },
    { "compare-traces", "Two traces side by side: failures, latency, peak use, the first differing request.",
        &runCompareTraces },
};
} // namespace

const Command* commands(std::size_t* count)
{
    *count = sizeof(kCommands) / sizeof(kCommands[0]);
    return kCommands;
}

} // namespace cmascope::cli
