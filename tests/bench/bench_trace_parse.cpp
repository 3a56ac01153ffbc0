// SPDX-License-Identifier: GPL-2.0-or-later
// Benchmark: readTrace() on a generated 1,000,000-event trace in the current format.
// Prints events/s, seconds, bytes per stored event, peak RSS growth and the time of `wc -l`.
#include "benchutil.h"

#include <cmascope/trace/events.h>
#include <cmascope/trace/reader.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace cmascope;

namespace {

/// A realistic mix: start + finish (+ a later release) per allocation, a few failures with errorno,
/// a few busy retries, several tasks and CPUs, and ~3% non-cma lines (sched events, markers).
std::uint64_t generate(const std::filesystem::path& path, std::uint64_t wantEvents)
{
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f)
        return 0;
    std::mt19937_64 rng(12345);
    const char* tasks[] = { "kworker/u8:2-118", "v4l2-capture-2210", "init-1", "Binder:512_2-530", "camera server-871",
        "my-app-42-1234", "irq/45-dwc3-300" };
    std::fputs("# tracer: nop\n#\n# entries-in-buffer/entries-written: 1000000/1000000   #P:2\n#\n"
               "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n#              | |         |   |||||     |  "
               "       |\n",
        f);
    std::uint64_t events = 0;
    double ts = 1.0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> live; // pfn, count
    std::uint64_t nextPfn = 0x80000;
    char buf[512];
    while (events < wantEvents) {
        ts += 0.000013 + double(rng() % 1000) * 1e-7;
        const unsigned task = unsigned(rng() % 7);
        const unsigned cpu = unsigned(rng() % 2);
        const auto sec = static_cast<unsigned long>(ts);
        const auto usec = static_cast<unsigned long>((ts - double(sec)) * 1e6);
        const unsigned roll = unsigned(rng() % 100);
        if (roll < 3) {
            std::snprintf(buf, sizeof buf,
                "%16s [%03u] d..2. %5lu.%06lu: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 "
                "prev_state=R ==> next_comm=bash next_pid=412 next_prio=120\n",
                tasks[task], cpu, sec, usec);
            std::fputs(buf, f);
            continue;
        }
        if (roll < 40 && !live.empty()) {
            const std::size_t i = rng() % live.size();
            std::snprintf(buf, sizeof buf,
                "%16s [%03u] ..... %5lu.%06lu: cma_release: name=reserved pfn=0x%llx page=%016llx count=%llu\n",
                tasks[task], cpu, sec, usec, static_cast<unsigned long long>(live[i].first),
                static_cast<unsigned long long>(0xffffea0000000000ull + live[i].first * 64),
                static_cast<unsigned long long>(live[i].second));
            std::fputs(buf, f);
            live[i] = live.back();
            live.pop_back();
            ++events;
            continue;
        }
        const std::uint64_t count = 1 + rng() % 512;
        const unsigned align = unsigned(rng() % 9);
        std::snprintf(buf, sizeof buf,
            "%16s [%03u] ..... %5lu.%06lu: cma_alloc_start: name=reserved count=%llu align=%u\n", tasks[task], cpu, sec,
            usec, static_cast<unsigned long long>(count), align);
        std::fputs(buf, f);
        ++events;
        if (roll % 17 == 0) {
            std::snprintf(buf, sizeof buf,
                "%16s [%03u] ..... %5lu.%06lu: cma_alloc_busy_retry: name=reserved pfn=0x%llx page=%016llx "
                "count=%llu align=%u\n",
                tasks[task], cpu, sec, usec + 3, static_cast<unsigned long long>(nextPfn),
                static_cast<unsigned long long>(0xffffea0000000000ull + nextPfn * 64),
                static_cast<unsigned long long>(count), align);
            std::fputs(buf, f);
            ++events;
        }
        const bool fail = roll % 23 == 0;
        const std::uint64_t pfn = fail ? ~0ull : nextPfn;
        std::snprintf(buf, sizeof buf,
            "%16s [%03u] ..... %5lu.%06lu: cma_alloc_finish: name=reserved pfn=0x%llx page=%016llx count=%llu "
            "align=%u errorno=%d\n",
            tasks[task], cpu, sec, usec + 7, static_cast<unsigned long long>(pfn),
            fail ? 0ull : static_cast<unsigned long long>(0xffffea0000000000ull + pfn * 64),
            static_cast<unsigned long long>(count), align, fail ? -12 : 0);
        std::fputs(buf, f);
        ++events;
        if (!fail) {
            live.emplace_back(nextPfn, count);
            nextPfn += count;
        }
        if (events % 100000 == 0 && events < wantEvents) {
            std::snprintf(buf, sizeof buf, "%16s [%03u] ..... %5lu.%06lu: tracing_mark_write: CHECKPOINT %llu\n",
                tasks[task], cpu, sec, usec, static_cast<unsigned long long>(events));
            std::fputs(buf, f);
            ++events;
        }
    }
    std::fclose(f);
    return events;
}

double seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

int main(int argc, char** argv)
{
    const std::uint64_t want = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    const auto path =
        std::filesystem::temp_directory_path() / ("cmascope-bench-trace-" + std::to_string(::getpid()) + ".txt");

    const auto g0 = std::chrono::steady_clock::now();
    const std::uint64_t written = generate(path, want);
    const auto g1 = std::chrono::steady_clock::now();
    if (!written) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        return 1;
    }
    const auto fileBytes = std::filesystem::file_size(path);
    std::printf("generated %s: %llu events, %.1f MB in %.2f s\n", path.c_str(),
        static_cast<unsigned long long>(written), double(fileBytes) / 1e6, seconds(g0, g1));

    // Warm the page cache so that the parse and wc -l see the same conditions.
    {
        std::ifstream in(path, std::ios::binary);
        std::vector<char> b(1 << 20);
        while (in.read(b.data(), static_cast<std::streamsize>(b.size())) || in.gcount() > 0) { }
    }

    const long rss0 = bench::peakRssKiB();
    const auto t0 = std::chrono::steady_clock::now();
    const TraceReadResult r = readTrace(path);
    const auto t1 = std::chrono::steady_clock::now();
    const long rss1 = bench::peakRssKiB();
    if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.error.c_str());
        return 1;
    }
    const TraceData& d = r.data;
    const double secs = seconds(t0, t1);
    const double n = double(d.events.size());
    const double stringBytes = double(d.tasks.memoryBytes() + d.areas.memoryBytes() + d.markers.memoryBytes());
    std::printf(
        "readTrace: %zu events (%llu lines, %llu skipped, %llu errors) in %.3f s = %.2f M events/s, %.0f MB/s\n",
        d.events.size(), static_cast<unsigned long long>(d.lines), static_cast<unsigned long long>(d.skippedLines),
        static_cast<unsigned long long>(d.errorCount), secs, n / secs / 1e6, double(fileBytes) / secs / 1e6);
    std::printf("bytes per stored event: %.1f (sizeof(TraceEvent)=%zu, strings %.0f B, vector capacity %zu)\n",
        (double(sizeof(TraceEvent)) * n + stringBytes) / n, sizeof(TraceEvent), stringBytes, d.events.capacity());
    std::printf("peak RSS growth: %.1f MB (VmHWM %ld -> %ld KiB); %.1f bytes per event\n", double(rss1 - rss0) / 1024.0,
        rss0, rss1, double(rss1 - rss0) * 1024.0 / n);
    if (written != d.events.size() || d.errorCount != 0)
        std::printf("WARNING: expected %llu events and no errors\n", static_cast<unsigned long long>(written));

    const std::string cmd = "wc -l '" + path.string() + "' > /dev/null";
    const auto w0 = std::chrono::steady_clock::now();
    const int rc = std::system(cmd.c_str());
    const auto w1 = std::chrono::steady_clock::now();
    std::printf("wc -l on the same file: %.3f s (exit %d); readTrace/wc = %.1fx\n", seconds(w0, w1), rc,
        secs / seconds(w0, w1));

    std::filesystem::remove(path);
    return 0;
}
