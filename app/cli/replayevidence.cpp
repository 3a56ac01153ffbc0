// SPDX-License-Identifier: GPL-2.0-or-later
#include "replayevidence.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace cmascope::cli {

namespace {

/// The file's text; nullopt (with "cmascope-cli replay: --OPTION PATH: cannot open" on stderr) when unreadable.
std::optional<std::string> readText(const std::string& path, const char* option)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "cmascope-cli replay: --" << option << ' ' << path << ": cannot open\n";
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

bool fail(const char* option, const std::string& error)
{
    std::cerr << "cmascope-cli replay: --" << option << ": " << error << '\n';
    return false;
}

} // namespace

bool ReplayEvidenceOptions::read(
    const QCommandLineParser& parser, const std::string& dmesgPath, EvidenceInputs& in) const
{
    if (parser.isSet(vmstat)) {
        const std::string path = parser.value(vmstat).toStdString();
        const auto text = readText(path, "vmstat");
        if (!text)
            return false;
        auto r = parseVmstat(*text, path);
        if (!r.vmstat)
            return fail("vmstat", r.error);
        in.vmstat = std::move(r.vmstat);
    }
    if (parser.isSet(cmaSysfs)) {
        auto r = readCmaSysfs(parser.value(cmaSysfs).toStdString());
        if (!r.snapshot)
            return fail("cma-sysfs", r.error);
        in.sysfs = std::move(r.snapshot);
    }
    if (parser.isSet(pagetypeinfo)) {
        const std::string path = parser.value(pagetypeinfo).toStdString();
        const auto text = readText(path, "pagetypeinfo");
        if (!text)
            return false;
        auto r = parsePagetypeinfo(*text, path);
        if (!r.info)
            return fail("pagetypeinfo", r.error);
        in.pagetypeinfo = std::move(r.info);
    }
    if (parser.isSet(pageOwner)) {
        const std::string path = parser.value(pageOwner).toStdString();
        const auto text = readText(path, "page-owner");
        if (!text)
            return false;
        auto r = parsePageOwner(*text, path);
        if (!r.dump)
            return fail("page-owner", r.error);
        in.pageOwner = std::move(r.dump);
    }
    if (!dmesgPath.empty()) {
        const auto text = readText(dmesgPath, "dmesg");
        if (!text)
            return false;
        auto r = parseBusyLog(*text, dmesgPath);
        if (!r.error.empty())
            return fail("dmesg", r.error);
        if (!r.lines.empty()) // kernels after 5.12 print none (docs/evidence-imports.md)
            in.busyLines = std::move(r.lines);
    }
    return true;
}

} // namespace cmascope::cli
