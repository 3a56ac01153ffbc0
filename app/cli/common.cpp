// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <cmascope/model/platform.h>

#include <QFile>

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace cmascope::cli {

namespace {
/// Set while describeCommand() runs a command only as far as its declarations.
CommandDescription* g_describing = nullptr;
/// Thrown by CommandParser::process() while describing: the command stops before it reads anything.
struct Described
{ };
} // namespace

bool CommandParser::addOption(const QCommandLineOption& option)
{
    m_options.append(option);
    return QCommandLineParser::addOption(option);
}

bool CommandParser::addOptions(const QList<QCommandLineOption>& options)
{
    bool ok = true;
    for (const auto& o : options)
        ok = addOption(o) && ok;
    return ok;
}

void CommandParser::addPositionalArgument(const QString& name, const QString& description, const QString& syntax)
{
    if (name != QLatin1String(m_command))
        m_positionals.append({ name, description });
    QCommandLineParser::addPositionalArgument(name, description, syntax);
}

void CommandParser::process(const QStringList& args)
{
    if (g_describing) {
        g_describing->description = applicationDescription();
        g_describing->options = m_options;
        g_describing->positionals = m_positionals;
        throw Described {};
    }
    if (!parse(args)) {
        std::cerr << "cmascope-cli " << m_command << ": " << errorText().toStdString() << "\nRun 'cmascope-cli "
                  << m_command << " --help' for its options.\n";
        std::exit(kExitUsage);
    }
    if (isSet(QStringLiteral("help"))) {
        std::cout << helpText().toStdString();
        if (const Command* c = findCommand(QLatin1String(m_command))) {
            const QStringList examples = commandExamples(*c, demoFolder());
            if (!examples.isEmpty())
                std::cout << "\nExamples:\n  " << examples.join(QStringLiteral("\n  ")).toStdString() << '\n';
        }
        std::exit(kExitOk);
    }
}

CommandDescription describeCommand(const Command& command)
{
    CommandDescription description;
    g_describing = &description;
    try {
        command.run({ QStringLiteral("cmascope-cli"), QLatin1String(command.name) });
    } catch (const Described&) { }
    g_describing = nullptr;
    return description;
}

void beginCommand(CommandParser& parser, const char* name, const QString& description)
{
    parser.m_command = name;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.QCommandLineParser::addPositionalArgument(QLatin1String(name), QString(), QLatin1String(name));
}

QStringList operands(const QCommandLineParser& parser)
{
    QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        args.removeFirst();
    return args;
}

std::optional<std::string> singleOperand(const QCommandLineParser& parser, const char* name, const char* what)
{
    const QStringList args = operands(parser);
    if (args.size() != 1) {
        std::cerr << "cmascope-cli " << name << ": expected exactly one " << what << '\n';
        return std::nullopt;
    }
    return args.first().toStdString();
}

QCommandLineOption outputOption(const QString& what, const QString& valueName)
{
    return { { QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Write %1 to %2 (atomically) instead of standard output.").arg(what, valueName), valueName };
}

QCommandLineOption jsonOption(const QString& what)
{
    return { QStringLiteral("json"), QStringLiteral("Print %1 as JSON instead of text.").arg(what) };
}

QCommandLineOption quietOption(const QString& what)
{
    return { { QStringLiteral("q"), QStringLiteral("quiet") },
        QStringLiteral("Print only %1; no progress.").arg(what) };
}

StandardOutput::StandardOutput(std::string path)
    : m_path(std::move(path))
{
    if (!m_path.empty())
        m_saved = std::cout.rdbuf(m_buffer.rdbuf());
}

StandardOutput::~StandardOutput()
{
    if (m_saved)
        std::cout.rdbuf(m_saved);
}

bool StandardOutput::commit(const char* command)
{
    if (m_path.empty())
        return true;
    std::cout.rdbuf(m_saved);
    m_saved = nullptr;
    if (const auto err = writeFileAtomically(m_path, m_buffer.str())) {
        std::cerr << "cmascope-cli " << command << ": " << *err << '\n';
        return false;
    }
    return true;
}

TerminalProgress::TerminalProgress(std::string label, bool quiet)
    : m_label(std::move(label))
    , m_enabled(!quiet && ::isatty(STDERR_FILENO) == 1)
{ }

TerminalProgress::~TerminalProgress()
{
    done();
}

Progress TerminalProgress::progress()
{
    if (!m_enabled)
        return {};
    return [this](std::uint64_t done, std::uint64_t total) {
        draw(done, total);
        return true;
    };
}

void TerminalProgress::draw(std::uint64_t done, std::uint64_t total)
{
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    m_drawn = true;
    std::cerr << '\r' << m_label << ": ";
    if (total > 0)
        std::cerr << (done >= total ? 100 : done * 100 / total) << " %";
    else
        std::cerr << done;
    std::cerr << "\033[K" << std::flush;
}

void TerminalProgress::done()
{
    if (m_drawn)
        std::cerr << "\r\033[K" << std::flush;
    m_drawn = false;
}

bool looksLikeProject(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = f.peek(256).trimmed();
    return head.startsWith('{');
}

std::optional<Project> loadProject(const std::string& path)
{
    auto loaded = loadProjectFile(path);
    for (const auto& m : loaded.messages)
        std::cerr << m.toString() << '\n';
    if (!loaded.ok())
        return std::nullopt;
    return std::move(*loaded.project);
}

std::optional<std::size_t> findScenario(const Project& project, const QString& value, const std::string& path)
{
    bool isNumber = false;
    std::size_t which = value.toULongLong(&isNumber);
    if (!isNumber) {
        which = project.scenarios.size();
        for (std::size_t i = 0; i < project.scenarios.size(); ++i)
            if (project.scenarios[i].name == value.toStdString())
                which = i;
    }
    if (which >= project.scenarios.size()) {
        std::cerr << path << ": no scenario '" << value.toStdString() << "' (the project has "
                  << project.scenarios.size() << ")\n";
        return std::nullopt;
    }
    return which;
}

} // namespace cmascope::cli
