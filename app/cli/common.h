// SPDX-License-Identifier: GPL-2.0-or-later
// Shared pieces of the cmascope-cli commands: the command table, the parser every command declares its options
// with (so --help, the man page and the shell completions come from one table), and the options every command
// spells the same way (-o/--output, --json, --quiet).
#pragma once

#include <cmascope/model/project.h>
#include <cmascope/util/progress.h>
#include <cmascope/util/units.h>

#include <QCommandLineParser>
#include <QStringList>

#include <chrono>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

namespace cmascope::cli {

/// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1; ///< the command ran and found problems (e.g. --strict failures)
inline constexpr int kExitUsage = 2; ///< unusable input or a usage error

/// One subcommand: `cmascope-cli NAME ...`. `run` receives the whole argv; it declares its options on a
/// CommandParser (beginCommand) and reads arguments with operands().
struct Command
{
    const char* name;
    const char* summary; ///< one line for the global --help
    int (*run)(const QStringList& args);
    /// Usage examples, one per line, shown by --help and in the man page. "$DEMOS" stands for the folder of the
    /// installed demo projects (demoFolder()).
    const char* examples;
};

/// Every command, in the order --help lists them (commands.cpp).
const Command* commands(std::size_t* count);
/// The command called @p name, or nullptr.
const Command* findCommand(const QString& name);
/// Where the demo projects are installed (share/cmascope/demos under the install prefix); the examples'
/// "$DEMOS" (commands.cpp).
QString demoFolder();
/// The examples of @p command with "$DEMOS" replaced by @p demos.
QStringList commandExamples(const Command& command, const QString& demos);

/// A command's parser: a QCommandLineParser that remembers every option and positional argument declared on it,
/// so that the help, the man page and the shell completions are generated from the same declarations. Its
/// process() replaces QCommandLineParser's: --help prints the help and the command's examples and exits 0, an
/// unknown option or missing value prints the error and exits 2 (kExitUsage).
class CommandParser : public QCommandLineParser
{
public:
    struct Positional
    {
        QString name, description;
    };

    bool addOption(const QCommandLineOption& option);
    bool addOptions(const QList<QCommandLineOption>& options);
    void addPositionalArgument(const QString& name, const QString& description, const QString& syntax = QString());
    void process(const QStringList& args);

    const char* command() const { return m_command; }
    const QList<QCommandLineOption>& declaredOptions() const { return m_options; }
    const QList<Positional>& declaredPositionals() const { return m_positionals; }

private:
    friend void beginCommand(CommandParser& parser, const char* name, const QString& description);
    const char* m_command = "";
    QList<QCommandLineOption> m_options;
    QList<Positional> m_positionals;
};

/// What a command declares: its description, options and operands (for the man page and completions).
struct CommandDescription
{
    QString description;
    QList<QCommandLineOption> options;
    QList<CommandParser::Positional> positionals;
};
/// Runs @p command only as far as its option declarations and returns them.
CommandDescription describeCommand(const Command& command);

/// Declares the command name as the first positional argument, so --help reads
/// "Usage: cmascope-cli [options] NAME ARGS".
void beginCommand(CommandParser& parser, const char* name, const QString& description);
/// The positional arguments after the command name.
QStringList operands(const QCommandLineParser& parser);
/// The one operand of command @p name; nullopt, with "cmascope-cli NAME: expected exactly one WHAT" on stderr,
/// when there are none or several.
std::optional<std::string> singleOperand(const QCommandLineParser& parser, const char* name, const char* what);

// ---- the options every command spells the same way ----------------------------------------------------------

/// -o, --output FILE: "Write WHAT to FILE (atomically) instead of standard output."
QCommandLineOption outputOption(const QString& what, const QString& valueName = QStringLiteral("FILE"));
/// --json: "Print WHAT as JSON instead of text."
QCommandLineOption jsonOption(const QString& what);
/// -q, --quiet: "Print only WHAT." (and no progress)
QCommandLineOption quietOption(const QString& what);

/// Sends what the command writes to standard output to -o FILE instead: while it lives, std::cout writes into a
/// buffer; commit() writes the buffer atomically (a failed command leaves any existing FILE as it was).
class StandardOutput
{
public:
    /// @p path empty: standard output stays as it is and commit() does nothing.
    explicit StandardOutput(std::string path);
    ~StandardOutput();
    StandardOutput(const StandardOutput&) = delete;
    StandardOutput& operator=(const StandardOutput&) = delete;
    /// Writes the buffer to the file; false (with "cmascope-cli COMMAND: FILE: why" on stderr) when it cannot.
    bool commit(const char* command);

private:
    std::string m_path;
    std::ostringstream m_buffer;
    std::streambuf* m_saved = nullptr;
};

/// Progress on stderr for a long operation, only when stderr is a terminal and not --quiet: "LABEL: 42 %",
/// redrawn at most ten times a second and erased when done.
class TerminalProgress
{
public:
    TerminalProgress(std::string label, bool quiet);
    ~TerminalProgress();
    TerminalProgress(const TerminalProgress&) = delete;
    TerminalProgress& operator=(const TerminalProgress&) = delete;
    /// The Progress to hand to the core (empty when nothing is shown).
    Progress progress();
    /// Erases the line (also done by the destructor).
    void done();

private:
    void draw(std::uint64_t done, std::uint64_t total);
    std::string m_label;
    bool m_enabled = false;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_last {};
};

// ---- inputs ------------------------------------------------------------------------------------------------

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
int runValidate(const QStringList& args); // cmd_validate.cpp
int runSimulate(const QStringList& args);
int runRender(const QStringList& args); ///< needs a QGuiApplication (main() creates one for it)
int runExport(const QStringList& args); // cmd_export.cpp
int runImport(const QStringList& args); // cmd_import.cpp
int runReplay(const QStringList& args); // cmd_replay.cpp (issue 5)
int runConvert(const QStringList& args); // cmd_convert.cpp
int runPlan(const QStringList& args); // cmd_plan.cpp (issue 12)
int runCompare(const QStringList& args); // cmd_compare.cpp (issue 12, docs/compare.md)
int runCompareTraces(const QStringList& args); // cmd_comparetraces.cpp (docs/time-and-latency.md)
int runCompletion(const QStringList& args); // cmd_completion.cpp: bash and zsh completions
int runManpage(const QStringList& args); // cmd_manpage.cpp: the man page

} // namespace cmascope::cli
