// SPDX-License-Identifier: GPL-2.0-or-later
// Replay entry points: a trace in memory, a trace file in one streaming pass, and the project to step
// through a replay. The engine is the Replayer (replayer.h).
#include "arearesolver.h"
#include "replayer.h"

#include <cmascope/replay/replay.h>
#include <cmascope/trace/reader.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
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

/// One replay pass over a trace in memory.
ReplayResult replayPass(const TraceData& data, const ReplayInputs& inputs, const ReplayOptions& options,
    const InferredAreas& inferred, const replayinternal::PassSetup& setup)
{
    Replayer rp(inputs, options, inferred, setup);
    rp.reserveFor(data.events.size());
    rp.feed(data, data.events);
    const std::uint64_t fed = rp.eventsFed();
    ReplayResult r = rp.finish(data);
    trimToStop(r, fed);
    return r;
}

} // namespace

ReplayResult replayTrace(const TraceData& data, const ReplayInputs& inputs, const ReplayOptions& options)
{
    const auto inferred = inferAreas(data);
    auto pass = [&](const replayinternal::PassSetup& setup, const ReplayOptions& opt) -> std::optional<ReplayResult> {
        return replayPass(data, inputs, opt, inferred, setup);
    };
    return std::move(*replayinternal::replayWithLateStart(pass, options));
}

namespace {

/// The passes of replayTraceFile(): streamed, or over the whole trace once an area must be inferred from it.
class FilePasses
{
public:
    FilePasses(const std::filesystem::path& path, const ReplayInputs& inputs, const TraceProgress& progress,
        ReplayFileResult& out)
        : m_path(path)
        , m_inputs(inputs)
        , m_progress(progress)
        , m_out(out)
    { }

    std::optional<ReplayResult> operator()(const replayinternal::PassSetup& setup, const ReplayOptions& options)
    {
        if (m_out.status != ReadStatus::Ok)
            return std::nullopt; // a later pass after a failed or cancelled one
        if (m_full)
            return replayPass(*m_full, m_inputs, options, m_inferred, setup);
        return streamed(setup, options);
    }

private:
    std::optional<ReplayResult> streamed(const replayinternal::PassSetup& setup, const ReplayOptions& options)
    {
        const InferredAreas noInference;
        Replayer rp(m_inputs, options, noInference, setup);
        rp.reserveFor(eventsUpperBound(m_path));
        TraceReadOptions ro;
        std::uint64_t eventsSeen = 0;
        ro.consumer = [&](TraceData& d) {
            eventsSeen += d.events.size();
            const bool go = rp.feed(d, d.events);
            d.events.clear();
            return go;
        };
        auto read = readTrace(m_path, ro, m_progress);
        if (read.status == ReadStatus::Failed) {
            m_out.status = ReadStatus::Failed;
            m_out.error = read.error;
            return std::nullopt;
        }
        m_out.format = read.data.format;
        if (!rp.unresolved().empty()) {
            // Some area must be inferred from the whole trace: read it again, keeping the events.
            auto full = readTrace(m_path, {}, m_progress);
            if (!full.ok()) {
                m_out.status = full.status;
                m_out.error = full.error;
                return std::nullopt;
            }
            m_full = std::move(full.data);
            m_inferred = inferAreas(*m_full);
            return replayPass(*m_full, m_inputs, options, m_inferred, setup);
        }
        const std::uint64_t fed = rp.eventsFed();
        read.data.events.clear();
        ReplayResult r = rp.finish(read.data);
        r.events = eventsSeen;
        if (read.status == ReadStatus::Cancelled && !r.stoppedAtMarker)
            m_out.status = ReadStatus::Cancelled;
        trimToStop(r, fed);
        return r;
    }

    const std::filesystem::path& m_path;
    const ReplayInputs& m_inputs;
    const TraceProgress& m_progress;
    ReplayFileResult& m_out;
    std::optional<TraceData> m_full;
    InferredAreas m_inferred;
};

} // namespace

ReplayFileResult replayTraceFile(const std::filesystem::path& path, const ReplayInputs& inputs,
    const ReplayOptions& options, const TraceProgress& progress)
{
    ReplayFileResult out;
    FilePasses passes(path, inputs, progress, out);
    auto result = replayinternal::replayWithLateStart(std::ref(passes), options);
    if (result)
        out.result = std::move(*result);
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
