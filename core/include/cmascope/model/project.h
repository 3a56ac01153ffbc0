// SPDX-License-Identifier: GPL-2.0-or-later
// The cmascope project file: one JSON document holding the platform and its scenarios.
// Format identifier "cmascope-project", version 1. See docs/project-format.md.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>

#include <optional>
#include <string>
#include <vector>

namespace cmascope {

inline constexpr const char* kProjectFormat = "cmascope-project";
inline constexpr int kProjectVersion = 1;

struct Project
{
    Platform platform;
    std::vector<Scenario> scenarios;
    /// The document's "view" object as JSON text (empty = none): state the app keeps with the project
    /// (current scenario and step, layout, colouring, map window). The core only checks it is an object.
    std::string viewJson;
};

/// A problem found while reading a document. `path` is JSON-path-like: "platform.regions[2].size".
struct LoadMessage
{
    enum class Severity : std::uint8_t { Error, Warning };
    Severity severity = Severity::Error;
    std::string path;
    std::string message;
    std::string toString() const; ///< "platform.regions[2].size: must be ..." (with "warning: " prefix)
};

struct ProjectLoadResult
{
    std::optional<Project> project; ///< set only when there was no error: never a half-loaded project
    std::vector<LoadMessage> messages;
    bool ok() const { return project.has_value(); }
    std::string errorText() const; ///< all messages, one per line
};

/// Parses a project document. Collects as many errors as it can; unknown keys are warnings.
ProjectLoadResult parseProject(std::string_view jsonText);
/// Reads and parses a file; I/O errors name the file.
ProjectLoadResult loadProjectFile(const std::string& path);

/// Serialises a project (stable key order, sizes as readable strings where exact).
std::string serializeProject(const Project& project);

/// Writes @p data to @p path atomically: a temporary file in the same directory, flushed and
/// renamed over the target. On any failure the previous file is untouched. Returns an error text.
std::optional<std::string> writeFileAtomically(const std::string& path, std::string_view data);

/// Saves a project atomically.
std::optional<std::string> saveProjectFile(const std::string& path, const Project& project);

} // namespace cmascope
