// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <QCoreApplication>
#include <QDir>

namespace cmascope::cli {

namespace {
// One line per command. Keep the summaries short: they form the global --help and the man page's list.
const Command kCommands[] = {
    { "info", "Summarise a project file: banks, regions, devices, scenarios.", &runInfo,
        "cmascope-cli info $DEMOS/camera-video-2010.json\n"
        "cmascope-cli info --json $DEMOS/hugetlb-multirange.json" },
    { "validate", "Check a project, trace, device tree, command line or 2010 map; list every problem.", &runValidate,
        "cmascope-cli validate $DEMOS/camera-video-2010.json\n"
        "cmascope-cli validate board.dts\n"
        "cmascope-cli validate --format cmdline --base board.json cmdline.txt\n"
        "cmascope-cli validate --json -o problems.json trace.txt" },
    { "simulate", "Run a scenario step by step; explain every failed request.", &runSimulate,
        "cmascope-cli simulate $DEMOS/camera-video-2010.json --quiet --strict\n"
        "cmascope-cli simulate $DEMOS/gfx-fragmentation.json --narrate --scenario 0" },
    { "plan", "Size every region for its scenarios (smallest per region) and place them in the banks.", &runPlan,
        "cmascope-cli plan $DEMOS/camera-video-2010.json -o planned.json --report plan.json\n"
        "cmascope-cli plan $DEMOS/camera-video-2010.json --json" },
    { "compare", "Run one scenario or trace under several variants; their figures side by side.", &runCompare,
        "cmascope-cli compare $DEMOS/gfx-fragmentation.json --variant policy=bf --variant policy=buddy\n"
        "cmascope-cli compare $DEMOS/camera-video-2010.json --variant order_per_bit=2 --csv -o compare.csv\n"
        "cmascope-cli compare trace.txt --dmesg dmesg.txt --variant size=16M --json" },
    { "render", "Paint the memory map of a project or trace at a step to PNG or SVG (offscreen).", &runRender,
        "cmascope-cli render $DEMOS/gfx-fragmentation.json --step 10 -o map.png\n"
        "cmascope-cli render trace.txt --dmesg dmesg.txt --axis per-area -o map.svg" },
    { "export", "Write a project as a kernel command line, device tree, 2010 map or Verkuil form.", &runExport,
        "cmascope-cli export $DEMOS/rzg2l-smarc-dt.json --format dts -o board.dts\n"
        "cmascope-cli export $DEMOS/camera-video-2010.json --format cma2010 --dialect v1" },
    { "import", "Read a command line, device tree, /proc/iomem, dmesg or 2010 map into a project.", &runImport,
        "cmascope-cli import board.dtb -o board.json\n"
        "cmascope-cli import --format cmdline --base board.json cmdline.txt -o with-cma.json" },
    { "replay", "Replay a kernel CMA trace; check every placement against the kernel algorithm.", &runReplay,
        "cmascope-cli replay trace.txt --dmesg dmesg.txt\n"
        "cmascope-cli replay trace.dat --json -o report.json --fail-on divergence,failure\n"
        "cmascope-cli replay --follow-cmd 'ssh board cat /sys/kernel/tracing/trace_pipe' --dmesg dmesg.txt" },
    { "convert", "Write any trace form (text, trace.dat, Perfetto) as trace-cmd-like text or JSON lines.", &runConvert,
        "cmascope-cli convert trace.dat -o trace.txt\n"
        "cmascope-cli convert boot.perfetto-trace --json | grep cma_alloc_finish" },
    { "compare-traces", "Two traces side by side: failures, latency, peak use, the first differing request.",
        &runCompareTraces,
        "cmascope-cli compare-traces before/trace.txt after/trace.txt --dmesg before/dmesg.txt\n"
        "cmascope-cli compare-traces a.dat b.dat --json -o diff.json --fail-on-regression" },
    { "completion", "Print the bash or zsh completion script for cmascope-cli.", &runCompletion,
        "cmascope-cli completion bash > ~/.local/share/bash-completion/completions/cmascope-cli\n"
        "cmascope-cli completion zsh > ~/.zfunc/_cmascope-cli" },
    { "manpage", "Print the cmascope-cli(1) man page (roff), generated from the same option tables.", &runManpage,
        "cmascope-cli manpage -o cmascope-cli.1" },
};
} // namespace

const Command* commands(std::size_t* count)
{
    *count = sizeof(kCommands) / sizeof(kCommands[0]);
    return kCommands;
}

const Command* findCommand(const QString& name)
{
    for (const Command& c : kCommands)
        if (name == QLatin1String(c.name))
            return &c;
    return nullptr;
}

QString demoFolder()
{
    // next to the installed program first (a package unpacked anywhere), then where `cmake --install` puts them
    const QString relative =
        QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/cmascope/demos"));
    if (QDir(relative).exists())
        return relative;
    return QStringLiteral(CMASCOPE_INSTALLED_DEMOS);
}

QStringList commandExamples(const Command& command, const QString& demos)
{
    QString text = QString::fromUtf8(command.examples);
    text.replace(QStringLiteral("$DEMOS"), demos);
    return text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace cmascope::cli
