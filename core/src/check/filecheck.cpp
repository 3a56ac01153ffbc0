// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/check/filecheck.h>
#include <cmascope/config/configio.h>
#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/sim/simulator.h>
#include <cmascope/trace/perfetto.h>
#include <cmascope/trace/reader.h>
#include <cmascope/trace/tracedat.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

namespace cmascope {

namespace {
constexpr std::size_t kHeadBytes = 64 * 1024; ///< what kind detection looks at
constexpr std::uint64_t kMaxConfigBytes = 64ull << 20; ///< configurations are small; more is not one

constexpr std::array<std::pair<std::string_view, InputKind>, 9> kKindIds { {
    { "project", InputKind::Project },
    { "trace", InputKind::Trace },
    { "cmdline", InputKind::Cmdline },
    { "dts", InputKind::Dts },
    { "dtb", InputKind::Dtb },
    { "iomem", InputKind::Iomem },
    { "dmesg", InputKind::Dmesg },
    { "cma2010", InputKind::Cma2010 },
    { "verkuil", InputKind::Verkuil },
} };

/// "1 region", "3 regions".
std::string counted(std::uint64_t n, std::string_view noun)
{
    return std::to_string(n) + ' ' + std::string(noun) + (n == 1 ? "" : "s");
}

/// Adds a problem, counted always and listed while there is room.
void addProblem(FileCheckResult& r, const FileCheckOptions& o, FileProblem problem)
{
    (problem.severity == Severity::Error ? r.errors : problem.severity == Severity::Warning ? r.warnings : r.notes)++;
    if (r.problems.size() < o.maxListed)
        r.problems.push_back(std::move(problem));
}

/// gzip or zstd magic: only traces are read compressed.
bool compressed(std::string_view head)
{
    return head.starts_with("\x1f\x8b") || head.starts_with("\x28\xb5\x2f\xfd");
}

/// ftrace text: the trace file's header, trace-cmd report's first line, or a cma or marker event line.
bool looksLikeTraceText(std::string_view head)
{
    return head.starts_with("# tracer:") || head.starts_with("cpus=") || head.find(": cma_") != std::string_view::npos
        || head.find(": tracing_mark_write:") != std::string_view::npos;
}

std::optional<InputKind> kindOfConfig(ConfigFormat format)
{
    switch (format) {
    case ConfigFormat::Json:
        return InputKind::Project;
    case ConfigFormat::Cmdline:
        return InputKind::Cmdline;
    case ConfigFormat::Dts:
        return InputKind::Dts;
    case ConfigFormat::Dtb:
        return InputKind::Dtb;
    case ConfigFormat::Iomem:
        return InputKind::Iomem;
    case ConfigFormat::Dmesg:
        return InputKind::Dmesg;
    case ConfigFormat::Cma2010:
        return InputKind::Cma2010;
    case ConfigFormat::Verkuil:
        return InputKind::Verkuil;
    }
    return std::nullopt;
}

std::optional<InputKind> guessKind(const std::string& path, std::string_view head)
{
    if (isTraceDatFile(path) || hasPerfettoExtension(path) || looksLikePerfettoTrace(head) || compressed(head))
        return InputKind::Trace;
    // a JSON object is a project even when its text quotes trace lines (a lesson's narration may)
    const bool json =
        head.find_first_not_of(" \t\r\n") != std::string_view::npos && head[head.find_first_not_of(" \t\r\n")] == '{';
    if (!json && looksLikeTraceText(head))
        return InputKind::Trace;
    if (const auto format = guessConfigFormat(std::filesystem::path(path).filename().string(), head))
        return kindOfConfig(*format);
    return std::nullopt;
}

/// Up to @p limit bytes of @p path; false (with the reason in @p error) when it cannot be read.
bool readHead(const std::string& path, std::uint64_t limit, std::string& text, std::string& error)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = path + ": is a directory";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": cannot open: " + std::strerror(errno);
        return false;
    }
    text.resize(static_cast<std::size_t>(limit));
    in.read(text.data(), static_cast<std::streamsize>(limit));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return true;
}

void checkTrace(FileCheckResult& r, const FileCheckOptions& o)
{
    TraceReadOptions read;
    read.maxErrors = o.maxListed;
    read.consumer = [](TraceData& data) { // every event is checked as it is parsed: memory stays bounded
        data.events.clear();
        return true;
    };
    const TraceReadResult t = readTrace(r.file, read, o.progress);
    if (t.status == ReadStatus::Failed) {
        r.unusable = t.error;
        return;
    }
    r.cancelled = t.status == ReadStatus::Cancelled;
    for (const TraceError& e : t.data.errors)
        addProblem(r, o,
            { Severity::Error, e.line ? "line " + std::to_string(e.line) : std::string(), "malformed-line",
                e.message });
    r.errors += t.data.errorCount - std::min<std::uint64_t>(t.data.errorCount, t.data.errors.size());
    if (t.data.lostEvents)
        addProblem(r, o,
            { Severity::Warning, {}, "lost-events",
                "the kernel lost " + std::to_string(t.data.lostEvents)
                    + " events (its per-CPU ring buffer overflowed): a replay is not exact; "
                      "record with a larger buffer_size_kb" });
    std::uint64_t events = 0;
    for (const auto n : t.data.perType)
        events += n;
    r.summary = counted(t.data.lines, "line") + ", " + counted(events, "event") + ", "
        + counted(t.data.areas.size(), "area") + ", " + std::to_string(t.data.errorCount) + " malformed";
}

/// validate() of @p platform; @p prefix makes the paths those of the file ("platform." in a project).
void addValidation(FileCheckResult& r, const FileCheckOptions& o, const Platform& platform, const std::string& prefix)
{
    for (const Diagnostic& d : validate(platform))
        addProblem(r, o, { d.severity, prefix + d.path, d.check, d.message });
}

/// Regions the kernel would fail to reserve at boot, and scenarios that cannot run on the platform.
void addPlacementAndScenarios(FileCheckResult& r, const FileCheckOptions& o, const Project& project)
{
    Platform placed = project.platform;
    const PlacementResult placement = placeRegions(placed);
    for (const RegionPlacement& p : placement.regions)
        if (!p.ok)
            addProblem(r, o,
                { Severity::Error, "platform.regions[" + std::to_string(p.regionIndex) + "]", "placement", p.message });
    for (std::size_t i = 0; i < project.scenarios.size(); ++i) {
        auto created = Simulation::create(placed, project.scenarios[i]);
        if (const auto* err = std::get_if<std::string>(&created))
            addProblem(r, o, { Severity::Error, "scenarios[" + std::to_string(i) + "]", "scenario", *err });
    }
}

void checkProject(FileCheckResult& r, const FileCheckOptions& o)
{
    const ProjectLoadResult loaded = loadProjectFile(r.file);
    for (const LoadMessage& m : loaded.messages) {
        std::string where = m.path; // "FILE: platform.banks[0].size": the file is said once, by the caller
        if (where.starts_with(r.file))
            where.erase(0, std::min(where.size(), r.file.size() + 2));
        addProblem(r, o,
            { m.severity == LoadMessage::Severity::Error ? Severity::Error : Severity::Warning, std::move(where),
                "project-format", m.message });
    }
    if (!loaded.ok())
        return;
    const Project& project = *loaded.project;
    addValidation(r, o, project.platform, "platform.");
    addPlacementAndScenarios(r, o, project);
    r.summary = counted(project.platform.banks.size(), "bank") + ", "
        + counted(project.platform.regions.size(), "region") + ", " + counted(project.platform.rules.size(), "rule")
        + ", " + counted(project.scenarios.size(), "scenario");
}

ConfigFormat configFormatOf(InputKind kind)
{
    switch (kind) {
    case InputKind::Cmdline:
        return ConfigFormat::Cmdline;
    case InputKind::Dts:
        return ConfigFormat::Dts;
    case InputKind::Dtb:
        return ConfigFormat::Dtb;
    case InputKind::Iomem:
        return ConfigFormat::Iomem;
    case InputKind::Dmesg:
        return ConfigFormat::Dmesg;
    case InputKind::Cma2010:
        return ConfigFormat::Cma2010;
    case InputKind::Verkuil:
        return ConfigFormat::Verkuil;
    case InputKind::Project:
    case InputKind::Trace:
        break;
    }
    return ConfigFormat::Json;
}

void checkConfig(FileCheckResult& r, const FileCheckOptions& o)
{
    std::string content;
    if (!readHead(r.file, kMaxConfigBytes + 1, content, r.unusable))
        return;
    if (content.size() > kMaxConfigBytes) {
        r.unusable = r.file + ": larger than 64 MiB: not a " + std::string(inputKindId(*r.kind));
        return;
    }
    ImportOptions options;
    options.base = o.base;
    options.sourceName = r.file;
    options.dtcPath = o.dtcPath;
    const ImportResult imported = importConfig(content, configFormatOf(*r.kind), options);
    for (const Diagnostic& d : imported.messages)
        addProblem(r, o, { d.severity, d.path, d.check, d.message });
    if (!imported.ok())
        return;
    const Platform& platform = imported.project->platform;
    // a format without memory and no --base: its regions have no banks to be checked against
    if (!platform.banks.empty() && !imported.memoryMissing)
        addValidation(r, o, platform, {});
    r.summary = counted(platform.banks.size(), "bank") + ", " + counted(platform.regions.size(), "region") + ", "
        + counted(platform.rules.size(), "rule");
}
} // namespace

std::string_view inputKindId(InputKind kind) noexcept
{
    for (const auto& [id, k] : kKindIds)
        if (k == kind)
            return id;
    return "project";
}

std::optional<InputKind> inputKindFromId(std::string_view id) noexcept
{
    if (id == "json")
        return InputKind::Project;
    for (const auto& [name, k] : kKindIds)
        if (name == id)
            return k;
    return std::nullopt;
}

FileCheckResult checkFile(const std::string& path, const FileCheckOptions& options)
{
    FileCheckResult r;
    r.file = path;
    r.kind = options.kind;
    std::string head;
    if (!readHead(path, kHeadBytes, head, r.unusable)) // a file that cannot be read is not checked at all
        return r;
    if (!r.kind) {
        r.kind = guessKind(path, head);
        if (!r.kind) {
            r.unusable = path
                + ": cannot tell what the file holds (a project, trace, device tree, command line, "
                  "2010 map, Verkuil form, /proc/iomem or boot log); give its format";
            return r;
        }
    }
    if (*r.kind == InputKind::Trace)
        checkTrace(r, options);
    else if (*r.kind == InputKind::Project)
        checkProject(r, options);
    else
        checkConfig(r, options);
    return r;
}

std::string fileCheckJson(const FileCheckResult& r)
{
    nlohmann::ordered_json j;
    j["file"] = r.file;
    j["kind"] = r.kind ? nlohmann::ordered_json(inputKindId(*r.kind)) : nlohmann::ordered_json(nullptr);
    if (!r.unusable.empty())
        j["unusable"] = r.unusable;
    if (r.cancelled)
        j["cancelled"] = true;
    j["summary"] = r.summary;
    j["errors"] = r.errors;
    j["warnings"] = r.warnings;
    j["notes"] = r.notes;
    j["problems"] = nlohmann::ordered_json::array();
    for (const FileProblem& p : r.problems)
        j["problems"].push_back({ { "severity", severityName(p.severity) }, { "where", p.where }, { "check", p.check },
            { "message", p.message } });
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

} // namespace cmascope
