// SPDX-License-Identifier: GPL-2.0-or-later
// Replay entry points: a trace in memory, a trace file in one streaming pass, and the project to step
// through a replay. The engine is the Replayer (replayer.h).
#include "arearesolver.h"
#include "replayer.h"

#include <cmascope/replay/replay.h>
#include <cmascope/trace/reader.h>

#include <algorithm>
#include <fstream>
#include <unordered_map>

namespace cmascope {

namespace {

/// At most how many events an uncompressed trace file can hold: no cma event line is shorter than
/// about 48 bytes. 0 for compressed files (their size says little).
std::uint64_t eventsUpperBound(const std::filesystem::path& path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return 0;
    unsigned char magic[4] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(magic), sizeof magic);
    const bool gzip = magic[0] == 0x1f && magic[1] == 0x8b;
    const bool zstd = magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;
    return gzip || zstd ? 0 : size / 48;
}

void trimToStop(ReplayResult& r, std::uint64_t eventsFed)
{
    if (!r.stoppedAtMarker)
        return;
    r.lines = r.stopLine;
    r.events = eventsFed;
    std::erase_if(r.errors, [&](const TraceError& e) { return e.line > r.stopLine; });
    r.errorCount = r.errors.size();
    r.skippedLines = r.lines >= r.events + r.errorCount ? r.lines - r.events - r.errorCount : 0;
}

} // namespace

ReplayResult replayTrace(const TraceData& data, const ReplayInputs& inputs, const ReplayOptions& options)
{
    const auto inferred = inferAreas(data);
    Replayer rp(inputs, options, inferred);
    rp.reserveFor(data.events.size());
    rp.feed(data, data.events);
    const std::uint64_t fed = rp.eventsFed();
    ReplayResult r = rp.finish(data);
    trimToStop(r, fed);
    return r;
}

ReplayFileResult replayTraceFile(const std::filesystem::path& path, const ReplayInputs& inputs,
    const ReplayOptions& options, const TraceProgress& progress)
{
    ReplayFileResult out;
    const InferredAreas noInference;
    Replayer rp(inputs, options, noInference);
    rp.reserveFor(eventsUpperBound(path));
    TraceReadOptions ro;
    std::uint64_t eventsSeen = 0;
    ro.consumer = [&](TraceData& d) {
        eventsSeen += d.events.size();
        const bool go = rp.feed(d, d.events);
        d.events.clear();
        return go;
    };
    auto read = readTrace(path, ro, progress);
    if (read.status == ReadStatus::Failed) {
        out.status = ReadStatus::Failed;
        out.error = read.error;
        return out;
    }
    out.format = read.data.format;
    if (!rp.unresolved().empty()) {
        // Some area must be inferred from the whole trace: read it again, keeping the events.
        auto full = readTrace(path, {}, progress);
        if (!full.ok()) {
            out.status = full.status;
            out.error = full.error;
            return out;
        }
        out.result = replayTrace(full.data, inputs, options);
        return out;
    }
    const std::uint64_t fed = rp.eventsFed();
    read.data.events.clear();
    out.result = rp.finish(read.data);
    out.result.events = eventsSeen;
    if (read.status == ReadStatus::Cancelled && !out.result.stoppedAtMarker)
        out.status = ReadStatus::Cancelled;
    trimToStop(out.result, fed);
    return out;
}

const ReplayAreaResult* ReplayResult::findArea(std::string_view name) const
{
    for (const auto& a : areas)
        if (a.area.name == name)
            return &a;
    return nullptr;
}

Project replayProject(const ReplayResult& result, std::string name)
{
    Project project;
    project.platform = result.platform;
    project.platform.name = std::move(name);
    if (project.platform.banks.empty())
        for (const auto& r : project.platform.regions)
            project.platform.banks.push_back({ r.name, r.placedBase.value_or(r.start), r.size, 0 });
    project.scenarios.push_back(result.scenario);
    return project;
}

} // namespace cmascope
