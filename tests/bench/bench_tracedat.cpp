// SPDX-License-Identifier: GPL-2.0-or-later
// trace.dat import through libtracecmd next to `trace-cmd report` on the same file (the target:
// no slower). Arguments: trace.dat files (plain or .gz); default: every traces/kernel/*/trace.dat.gz.
// Each figure is the best of several runs (both sides start cold only once). `trace-cmd report`'s time
// includes printing every event to /dev/null, ours includes building TraceData (events, tasks, markers).
#include <cmascope/trace/events.h>
#include <cmascope/trace/reader.h>
#include <cmascope/trace/tracedat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using namespace cmascope;
namespace fs = std::filesystem;

namespace {

double bestOf(int runs, const auto& fn)
{
    double best = 1e99;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

std::string quoted(const fs::path& p)
{
    std::string out = "'";
    for (char c : p.string())
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i)
        inputs.emplace_back(argv[i]);
    if (inputs.empty())
        for (const auto& d : fs::directory_iterator(fs::path(CMASCOPE_SOURCE_DIR) / "traces" / "kernel"))
            if (fs::exists(d.path() / "trace.dat.gz"))
                inputs.push_back(d.path() / "trace.dat.gz");
    std::sort(inputs.begin(), inputs.end());
    const bool haveTraceCmd = std::system("command -v trace-cmd > /dev/null 2>&1") == 0;
    if (!haveTraceCmd)
        std::printf("trace-cmd not found: only our figures (Debian package trace-cmd)\n");
    const fs::path tmp = fs::temp_directory_path() / "cmascope_bench_tracedat.dat";
    constexpr int kRuns = 7;
    int failures = 0;
    std::printf("%-48s %9s %9s %12s %12s\n", "file", "events", "MB", "readTrace", "trace-cmd");
    for (const fs::path& in : inputs) {
        fs::path dat = in;
        if (in.extension() == ".gz") {
            if (std::system(("gzip -dc " + quoted(in) + " > " + quoted(tmp)).c_str()) != 0) {
                std::fprintf(stderr, "%s: cannot gunzip\n", in.c_str());
                ++failures;
                continue;
            }
            dat = tmp;
        }
        TraceReadResult r;
        const double ours = bestOf(kRuns, [&] { r = readTraceDat(dat); });
        if (!r.ok()) {
            std::fprintf(stderr, "%s: %s\n", in.c_str(), r.error.c_str());
            ++failures;
            continue;
        }
        double theirs = -1;
        if (haveTraceCmd) {
            const std::string cmd = "trace-cmd report -i " + quoted(dat) + " > /dev/null 2>&1";
            theirs = bestOf(kRuns, [&] {
                if (std::system(cmd.c_str()) != 0)
                    ++failures;
            });
        }
        const std::string name = in.parent_path().filename().string() + "/" + in.filename().string();
        std::printf(
            "%-48s %9zu %9.2f %9.1f ms", name.c_str(), r.data.events.size(), double(fs::file_size(dat)) / 1e6, ours);
        if (theirs >= 0)
            std::printf(" %9.1f ms  (%.2fx)\n", theirs, theirs / ours);
        else
            std::printf("\n");
    }
    fs::remove(tmp);
    return failures ? 1 : 0;
}
