// SPDX-License-Identifier: GPL-2.0-or-later
// `cmascope-cli replay` options for what the running system says when an allocation fails: --vmstat,
// --cma-sysfs, --pagetypeinfo, --page-owner (and the "PFNs busy" lines of --dmesg); docs/evidence-imports.md.
#pragma once

#include "common.h"

#include <cmascope/system/evidencereport.h>

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace cmascope::cli {

struct ReplayEvidenceOptions
{
    const QCommandLineOption vmstat { QStringLiteral("vmstat"),
        QStringLiteral("/proc/vmstat: cma_alloc_success/cma_alloc_fail (calls) and nr_free_cma, checked against "
                       "the replay (exit 1 when a kernel counter differs, as for --cma-sysfs and --pagetypeinfo)."),
        QStringLiteral("FILE") };
    const QCommandLineOption cmaSysfs { QStringLiteral("cma-sysfs"),
        QStringLiteral("A copy of /sys/kernel/mm/cma (folder), one area's folder, or 'AREA FILE VALUE' lines: "
                       "alloc_pages_success/fail, release_pages_success (pages), total_pages, available_pages, "
                       "checked against the replay."),
        QStringLiteral("DIR|FILE") };
    const QCommandLineOption pagetypeinfo { QStringLiteral("pagetypeinfo"),
        QStringLiteral("/proc/pagetypeinfo: the free CMA pages per order and zone, checked against the replay."),
        QStringLiteral("FILE") };
    const QCommandLineOption pageOwner { QStringLiteral("page-owner"),
        QStringLiteral("A /sys/kernel/debug/page_owner dump: who holds the pages of the busy windows."),
        QStringLiteral("FILE") };

    void addTo(CommandParser& parser) const { parser.addOptions({ vmstat, cmaSysfs, pagetypeinfo, pageOwner }); }
    /// Reads the files given (and the busy lines of @p dmesgPath when not empty); false, with the message naming
    /// the file and line on stderr, when one cannot be used.
    bool read(const QCommandLineParser& parser, const std::string& dmesgPath, EvidenceInputs& inputs) const;
};

} // namespace cmascope::cli
