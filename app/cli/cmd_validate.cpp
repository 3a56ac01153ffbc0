// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli validate FILE [--format KIND] [--base PROJECT] [--strict] [--json] [-o FILE] [--quiet]
#include "common.h"

#include <cmascope/check/filecheck.h>

#include <iostream>

namespace cmascope::cli {

namespace {
struct ValidateCommandLine
{
    CommandParser parser;
    const QCommandLineOption format { { QStringLiteral("f"), QStringLiteral("format") },
        QStringLiteral("What the file holds: project, trace, cmdline, dts, dtb, iomem, dmesg, cma2010 or verkuil "
                       "(default: told from the name and the content)."),
        QStringLiteral("project|trace|cmdline|dts|dtb|iomem|dmesg|cma2010|verkuil") };
    const QCommandLineOption base { QStringLiteral("base"),
        QStringLiteral("Check a command line, 2010 map, Verkuil form or boot log against this project's banks, "
                       "devices and kinds (without it, only their syntax and the kernel's own rules)."),
        QStringLiteral("PROJECT") };
    const QCommandLineOption dtc { QStringLiteral("dtc"), QStringLiteral("Device tree compiler (default: dtc)."),
        QStringLiteral("PATH") };
    const QCommandLineOption strict { QStringLiteral("strict"),
        QStringLiteral("Exit with status 1 on warnings too, not only on errors.") };
    const QCommandLineOption output = outputOption(QStringLiteral("the problems"));
    const QCommandLineOption json = jsonOption(QStringLiteral("the problems"));
    const QCommandLineOption quiet = quietOption(QStringLiteral("errors (no warnings or notes) and the summary"));

    explicit ValidateCommandLine(const QStringList& args)
    {
        beginCommand(parser, "validate",
            QStringLiteral(
                "Check any file cmascope reads and list every problem with where it is (line, JSON path, device "
                "tree node or parameter) and why: a project (its format, the platform's 29 checks, regions the "
                "kernel would fail to reserve, scenarios that cannot run), a kernel trace (text, trace.dat or "
                "Perfetto; gzip/zstd: every line that cannot be read, lost events), a device tree (DTS through "
                "dtc, DTB), a kernel command line, a 2010 map, Hans Verkuil's form, /proc/iomem or a boot log. "
                "Exit status 0 when there is no error, 1 when there is one (or a warning, with --strict), 2 when "
                "the file cannot be checked at all."));
        parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The file to check."));
        parser.addOptions({ format, base, dtc, strict, output, json, quiet });
        parser.process(args);
    }
};

/// "FILE:12: " for a line, "FILE: platform.regions[2]: " for other places, "FILE: " for none.
std::string location(const std::string& file, const std::string& where)
{
    if (where.starts_with("line ") && where.find_first_not_of("0123456789", 5) == std::string::npos)
        return file + ':' + where.substr(5) + ": ";
    return file + ": " + (where.empty() ? std::string() : where + ": ");
}

void printText(const FileCheckResult& r, bool quiet)
{
    for (const FileProblem& p : r.problems) {
        if (quiet && p.severity != Severity::Error)
            continue;
        std::cout << location(r.file, p.where) << severityName(p.severity) << ": " << p.message;
        if (!p.check.empty())
            std::cout << " [" << p.check << ']';
        std::cout << '\n';
    }
    const std::uint64_t listed = r.problems.size();
    if (r.errors + r.warnings + r.notes > listed)
        std::cout << "... " << (r.errors + r.warnings + r.notes - listed) << " more problems not listed\n";
    std::cout << r.file << ": " << inputKindId(*r.kind) << (r.summary.empty() ? "" : ", " + r.summary) << ": "
              << r.errors << (r.errors == 1 ? " error, " : " errors, ") << r.warnings
              << (r.warnings == 1 ? " warning" : " warnings") << (r.cancelled ? " (stopped before the end)" : "")
              << '\n';
}

/// The options as FileCheckOptions; false (message printed) when one cannot be used. @p base holds the --base
/// platform the options point to.
bool readOptions(const ValidateCommandLine& cl, FileCheckOptions& options, std::optional<Project>& base)
{
    if (cl.parser.isSet(cl.format)) {
        options.kind = inputKindFromId(cl.parser.value(cl.format).toStdString());
        if (!options.kind) {
            std::cerr << "cmascope-cli validate: unknown format '" << cl.parser.value(cl.format).toStdString()
                      << "' (expected project, trace, cmdline, dts, dtb, iomem, dmesg, cma2010 or verkuil)\n";
            return false;
        }
    }
    if (cl.parser.isSet(cl.dtc))
        options.dtcPath = cl.parser.value(cl.dtc).toStdString();
    if (cl.parser.isSet(cl.base)) {
        base = loadProject(cl.parser.value(cl.base).toStdString());
        if (!base)
            return false;
        options.base = &base->platform;
    }
    return true;
}
} // namespace

int runValidate(const QStringList& args)
{
    const ValidateCommandLine cl(args);
    const auto operand = singleOperand(cl.parser, "validate", "FILE");
    if (!operand)
        return kExitUsage;
    FileCheckOptions options;
    std::optional<Project> base;
    if (!readOptions(cl, options, base))
        return kExitUsage;
    TerminalProgress progress("validate", cl.parser.isSet(cl.quiet));
    options.progress = progress.progress();
    const FileCheckResult result = checkFile(*operand, options);
    progress.done();
    if (!result.unusable.empty()) {
        std::cerr << "cmascope-cli validate: " << result.unusable << '\n';
        return kExitUsage;
    }
    StandardOutput out(cl.parser.value(cl.output).toStdString());
    if (cl.parser.isSet(cl.json))
        std::cout << fileCheckJson(result);
    else
        printText(result, cl.parser.isSet(cl.quiet));
    if (!out.commit("validate"))
        return kExitUsage;
    const bool failed = !result.ok() || (cl.parser.isSet(cl.strict) && result.warnings > 0);
    return failed ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
