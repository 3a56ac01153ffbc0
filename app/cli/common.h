// SPDX-License-Identifier: GPL-2.0-or-later
// Shared pieces of the cmascope-cli commands.
#pragma once

#include <cmascope/model/project.h>
#include <cmascope/util/units.h>

#include <QCommandLineParser>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <string>

namespace cmascope::cli {

/// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1; ///< the command ran and found problems (e.g. --strict failures)
inline constexpr int kExitUsage = 2; ///< unusable input or a usage error

/// One subcommand: `cmascope-cli NAME ...`. `run` receives the whole argv; set the parser up with
/// beginCommand() and read arguments with operands().
struct Command
{
    const char* name;
    const char* summary; ///< one line for the global --help
    int (*run)(const QStringList& args);
};

/// Every command, in the order --help lists them (commands.cpp).
const Command* commands(std::size_t* count);

/// Declares the command name as the first positional argument, so --help reads
/// "Usage: cmascope-cli [options] NAME ARGS".
void beginCommand(QCommandLineParser& parser, const char* name, const QString& description);
/// The positional arguments after the command name.
QStringList operands(const QCommandLineParser& parser);
/// The one operand of command @p name; nullopt, with "cmascope-cli NAME: expected exactly one WHAT" on stderr,
/// when there are none or several.
std::optional<std::string> singleOperand(const QCommandLineParser& parser, const char* name, const char* what);

/// True when @p path starts like a project file (a JSON object); otherwise it is read as a trace.
bool looksLikeProject(const QString& path);
/// Reads the project file @p path, printing its messages on stderr; nullopt when it cannot be used.
std::optional<Project> loadProject(const std::string& path);
/// The scenario @p value names in @p project (a number, 0-based, or a name); nullopt, with the message printed
/// (naming @p path), when the project has no such scenario.
std::optional<std::size_t> findScenario(const Project& project, const QString& value, const std::string& path);

using cmascope::hexText; ///< one spelling of addresses everywhere (core/include/cmascope/util/units.h)
using cmascope::sizeText;

int runInfo(const QStringList& args);
int runSimulate(const QStringList& args);
int runRender(const QStringList& args); ///< needs a QGuiApplication (main() creates one for it)
int runExport(const QStringList& args); // cmd_export.cpp
int runImport(const QStringList& args); // cmd_import.cpp
int runReplay(const QStringList& args); // cmd_replay.cpp (issue 5)
int runPlan(const QStringList& args); // cmd_plan.cpp (issue 12)
int runCompare(const QStringList& args); // cmd_compare.cpp (issue 12, docs/compare.md)
int runCompareTraces(const QStringList& args); // cmd_comparetraces.cpp (docs/time-and-latency.md)

} // namespace cmascope::cli
