// SPDX-License-Identifier: GPL-2.0-or-later
// The imports a user adds to a replay when an allocation fails (/proc/vmstat, /sys/kernel/mm/cma,
// /proc/pagetypeinfo, dmesg "PFNs busy" lines, page_owner): what they say against the replay, as report text
// lines and as the JSON report's "evidence" section (docs/evidence-imports.md). Standard C++20, no Qt.
#pragma once

#include <cmascope/system/busylog.h>
#include <cmascope/system/cmasysfs.h>
#include <cmascope/system/pageowner.h>
#include <cmascope/system/pagetypeinfo.h>
#include <cmascope/system/vmstat.h>

#include <optional>
#include <string>
#include <vector>

namespace cmascope {

struct ReplayResult;

struct EvidenceInputs
{
    std::optional<VmstatCma> vmstat;
    std::optional<CmaSysfsSnapshot> sysfs;
    std::optional<Pagetypeinfo> pagetypeinfo;
    std::optional<std::vector<BusyLogLine>> busyLines; ///< set when a dmesg was given
    std::optional<PageOwnerDump> pageOwner;
    bool empty() const { return !vmstat && !sysfs && !pagetypeinfo && !busyLines && !pageOwner; }
};

/// The report's lines, checks against the replay's final state first.
std::vector<std::string> evidenceTextLines(const ReplayResult& result, const EvidenceInputs& inputs);
/// False when a kernel counter (sysfs, vmstat, pagetypeinfo) contradicts the replay.
bool evidenceAgrees(const ReplayResult& result, const EvidenceInputs& inputs);
/// Appends "evidence": {...} to a report written by replayReportJson().
void appendEvidenceJson(std::string& reportJson, const ReplayResult& result, const EvidenceInputs& inputs);

} // namespace cmascope
