// SPDX-License-Identifier: GPL-2.0-or-later
// `cmascope-cli validate` (docs/cli.md#validate): any input file cmascope reads — a project, a kernel trace (text,
// trace.dat, Perfetto; gzip/zstd), a device tree (DTS, DTB), a kernel command line, a 2010 map, Hans Verkuil's
// form, /proc/iomem or a boot log — told apart by its name and content, read with the parser the tool uses for
// it, and every problem listed with where it is (line, JSON path, node or parameter) and why.
// Standard C++20; reads files (and runs dtc for DTS), so run it off a GUI thread.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/util/progress.h>
#include <cmascope/validation/validation.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// What a file holds.
enum class InputKind : std::uint8_t { Project, Trace, Cmdline, Dts, Dtb, Iomem, Dmesg, Cma2010, Verkuil };
/// "project", "trace", "cmdline", "dts", "dtb", "iomem", "dmesg", "cma2010", "verkuil".
std::string_view inputKindId(InputKind kind) noexcept;
/// The kind an id names ("json" is the project too); nullopt for an unknown id.
std::optional<InputKind> inputKindFromId(std::string_view id) noexcept;

/// One problem in a checked file.
struct FileProblem
{
    Severity severity = Severity::Error;
    std::string where; ///< "line 12", "platform.regions[2].size", "cma= column 4", "/reserved-memory/vpu: reg"
    std::string check; ///< a stable id: a validation check, an import check, "syntax", "malformed-line", ...
    std::string message;
};

struct FileCheckOptions
{
    std::optional<InputKind> kind; ///< unset: told from the name and the content
    /// Formats that carry no memory layout (command lines, 2010 maps, Verkuil, dmesg) are checked against this
    /// platform's banks, devices and kinds; without it only their syntax and the kernel's own rules are checked.
    const Platform* base = nullptr;
    std::string dtcPath = "dtc";
    std::size_t maxListed = 1000; ///< problems kept in the result (all are counted)
    /// Traces: (bytes read, file size); false stops the check (the result says it was cancelled).
    Progress progress;
};

struct FileCheckResult
{
    std::string file;
    std::optional<InputKind> kind; ///< unset: what the file holds could not be told
    /// Set when the file cannot be checked at all (cannot be opened, is a directory, unknown kind, not a trace):
    /// the reason, naming the file. The problems are then empty.
    std::string unusable;
    bool cancelled = false;
    std::vector<FileProblem> problems; ///< the first FileCheckOptions::maxListed, in file order per stage
    std::uint64_t errors = 0, warnings = 0, notes = 0; ///< all of them, listed or not
    std::string summary; ///< one line on what was read: "3 regions, 2 rules", "120 lines, 58 events"
    bool ok() const noexcept { return unusable.empty() && !cancelled && errors == 0; }
};

/// Tells what @p path holds and checks it (see the file comment).
FileCheckResult checkFile(const std::string& path, const FileCheckOptions& options = {});
/// The result as JSON: file, kind, summary, errors, warnings, notes, problems (severity, where, check, message),
/// and unusable/cancelled when set.
std::string fileCheckJson(const FileCheckResult& result);

} // namespace cmascope
