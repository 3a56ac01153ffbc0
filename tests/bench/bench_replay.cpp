// SPDX-License-Identifier: GPL-2.0-or-later
// Import + replay of a generated 1,000,000-event kernel trace (trace file text) on a 65,536-page
// area: seconds, events/s, resident bytes per event (VmHWM growth), next to `wc -l` on the same file.
// The trace is made by the kernel policy itself, so it is consistent (every prediction must match).
#include "benchutil.h"

#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace cmascope;

namespace {

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

int main(int argc, char** argv)
{
    const std::uint64_t targetEvents = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const std::uint64_t base = 0x100000, pages = 65536;
    const std::filesystem::path path = std::filesystem::temp_directory_path() / "cmascope_bench_replay.txt";
    {
        PolicyParams params;
        params.maxAlignOrder = std::nullopt;
        KernelBitmapPolicy k(params);
        k.reset({ base, pages });
        std::mt19937_64 rng(42);
        std::ofstream out(path, std::ios::binary);
        out << "# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n";
        struct Live
        {
            std::uint64_t offset, count;
        };
        std::vector<Live> live;
        const char* tasks[] = { "kworker/u8:1-77", "camera_hal-912", "vcodec-1203", "init-1" };
        std::uint64_t events = 0, usec = 1000000;
        char buf[256];
        auto line = [&](const char* task, const char* ev, const std::string& text) {
            usec += 1 + rng() % 50;
            std::snprintf(buf, sizeof buf, "%16s [%03u] ..... %5" PRIu64 ".%06" PRIu64 ": %s: %s\n", task,
                unsigned(rng() % 4), usec / 1000000, usec % 1000000, ev, text.c_str());
            out << buf;
            ++events;
        };
        while (events < targetEvents) {
            const char* task = tasks[rng() % 4];
            if (events % 100000 == 0)
                line(task, "tracing_mark_write", "phase " + std::to_string(events));
            const bool doFree = !live.empty() && (live.size() > 400 || rng() % 2 == 0);
            if (doFree) {
                const std::size_t i = rng() % live.size();
                const Live l = live[i];
                live[i] = live.back();
                live.pop_back();
                k.release(l.offset, l.count);
                std::snprintf(buf, sizeof buf, "name=reserved pfn=0x%" PRIx64 " page=00000000%08x count=%" PRIu64,
                    base + l.offset, unsigned(rng()), l.count);
                line(task, "cma_release", buf);
                continue;
            }
            const std::uint64_t count = 1 + (rng() % 8 == 0 ? rng() % 2048 : rng() % 64);
            const unsigned align = std::min<unsigned>(8, count <= 1 ? 0 : 64 - __builtin_clzll(count - 1));
            line(task, "cma_alloc_start",
                "name=reserved count=" + std::to_string(count) + " align=" + std::to_string(align));
            const PolicyResult r = k.allocate({ count, align }, nullptr);
            if (r.ok) {
                live.push_back({ r.offset, count });
                std::snprintf(buf, sizeof buf,
                    "name=reserved pfn=0x%" PRIx64 " page=00000000%08x count=%" PRIu64 " align=%u errorno=0",
                    base + r.offset, unsigned(rng()), count, align);
            } else {
                std::snprintf(buf, sizeof buf,
                    "name=reserved pfn=0xffffffffffffffff page=0000000000000000 count=%" PRIu64 " align=%u errorno=-12",
                    count, align);
            }
            line(task, "cma_alloc_finish", buf);
        }
    }
    const auto bytes = std::filesystem::file_size(path);

    const auto w0 = std::chrono::steady_clock::now();
    const std::string wc = "wc -l " + path.string() + " > /dev/null";
    if (std::system(wc.c_str()) != 0)
        std::fprintf(stderr, "wc -l failed\n");
    const auto w1 = std::chrono::steady_clock::now();

    ReplayInputs inputs;
    inputs.areaSpecs.push_back({ "reserved", base, pages, 0 });
    auto run = [&](const char* what, const ReplayOptions& opt) {
        const long hwm0 = bench::peakRssKiB();
        const auto t0 = std::chrono::steady_clock::now();
        const ReplayFileResult r = replayTraceFile(path, inputs, opt);
        const auto t1 = std::chrono::steady_clock::now();
        const long hwm1 = bench::peakRssKiB();
        const double s = seconds(t0, t1);
        const auto& res = r.result;
        std::printf("%-34s %8.3f s  %10.0f events/s  %6.1f bytes/event (VmHWM +%ld KiB)  %" PRIu64 " events, %" PRIu64
                    "/%" PRIu64 " predicted, %" PRIu64 " divergences\n",
            what, s, double(res.events) / s, double(hwm1 - hwm0) * 1024.0 / double(res.events), hwm1 - hwm0, res.events,
            res.matched, res.compared, res.divergenceCount);
        return res.divergenceCount == 0 && r.ok();
    };
    std::printf("trace: %s, %.1f MB\n", path.c_str(), double(bytes) / 1e6);
    std::printf("%-34s %8.3f s\n", "wc -l", seconds(w0, w1));
    ReplayOptions streaming;
    streaming.keepRequests = false;
    streaming.buildTimeline = false;
    bool ok = run("import + replay (streaming)", streaming);
    ok = run("import + replay + timeline", ReplayOptions {}) && ok;
    std::filesystem::remove(path);
    return ok ? 0 : 1;
}
