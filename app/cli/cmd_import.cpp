// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli import FILE [--format F] [--base PROJECT] [--as-2010] -o PROJECT.json
#include "common.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/project.h>
#include <cmascope/validation/validation.h>

#include <QCommandLineParser>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace cmascope::cli {

namespace {
/// The import command line: its options and the parser that has read them.
struct ImportCommandLine
{
    CommandParser parser;
    const QCommandLineOption format { QStringList { QStringLiteral("f"), QStringLiteral("format") },
        QStringLiteral("cmdline, dts, dtb, iomem, dmesg, cma2010, verkuil or json (default: guessed from the name "
                       "and the content)."),
        QStringLiteral("cmdline|dts|dtb|iomem|dmesg|cma2010|verkuil|json") };
    const QCommandLineOption out = outputOption(QStringLiteral("the project"), QStringLiteral("PROJECT"));
    const QCommandLineOption quiet = quietOption(QStringLiteral("errors and warnings"));
    const QCommandLineOption base { QStringLiteral("base"),
        QStringLiteral("Take banks, devices and kinds from this project (for formats that carry no memory "
                       "layout: command lines, Verkuil, dmesg)."),
        QStringLiteral("PROJECT") };
    const QCommandLineOption dialect { QStringLiteral("dialect"),
        QStringLiteral("cma2010: v1, v3 or v4 (default: from the parameters)."), QStringLiteral("v1|v3|v4") };
    const QCommandLineOption dtc { QStringLiteral("dtc"), QStringLiteral("Device tree compiler (default: dtc)."),
        QStringLiteral("PATH") };
    const QCommandLineOption strict { QStringLiteral("strict"),
        QStringLiteral("Exit with status 1 when validation finds errors.") };
    const QCommandLineOption memory { QStringLiteral("memory"),
        QStringLiteral("dts, dtb: the board's DRAM as SIZE[@BASE][,SIZE@BASE...] (e.g. 4G or 2G@0x80000000), for "
                       "trees whose /memory the bootloader fills in (Raspberry Pi 4); replaces the tree's memory."),
        QStringLiteral("SIZE[@BASE]") };
    const QCommandLineOption asKernel { QStringLiteral("as-kernel"),
        QStringLiteral("cma2010: when the kernel's own parser rejects part of the input, write what the kernel keeps "
                       "(the regions read before the error, no map or v1's first 64 rules) and exit with status 1.") };

    const QCommandLineOption as2010 { QStringLiteral("as-2010"),
        QStringLiteral("verkuil: write the 2010 map translation (d1/T,d2/T=region; */T=region) instead of the "
                       "memory-type platform, with the dialect of --dialect (default: v4).") };

    explicit ImportCommandLine(const QStringList& args)
    {
        beginCommand(parser, "import",
            QStringLiteral("Read a configuration into a project file: a mainline kernel command line (cmdline), a "
                           "device tree source or blob (dts, dtb; e.g. /sys/firmware/fdt), /proc/iomem (iomem), a "
                           "boot log (dmesg), the 2010 CMA language (cma2010), Hans Verkuil's memory-type form "
                           "(verkuil) or a project (json). The result is validated; problems go to stderr."));
        parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Input file ('-' for stdin)."));
        parser.addOptions({ format, out, base, dialect, dtc, strict, memory, asKernel, as2010, quiet });
        parser.process(args);
    }
};

/// The whole input: @p path, or stdin for "-". nullopt (with the message printed) when it cannot be opened.
std::optional<std::string> readInput(const std::string& path)
{
    if (path == "-")
        return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "cmascope-cli import: " << path << ": cannot open: " << std::strerror(errno) << '\n';
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The format named by --format, or guessed from the name and content (and said on stderr); nullopt
/// (with the message printed) when it is unknown.
std::optional<ConfigFormat> chooseFormat(
    const ImportCommandLine& cl, const std::string& path, const std::string& content)
{
    if (cl.parser.isSet(cl.format)) {
        const auto format = configFormatFromId(cl.parser.value(cl.format).toStdString());
        if (!format)
            std::cerr << "cmascope-cli import: unknown format '" << cl.parser.value(cl.format).toStdString()
                      << "' (expected cmdline, dts, dtb, iomem, dmesg, cma2010, verkuil or json)\n";
        return format;
    }
    const auto format = guessConfigFormat(path == "-" ? std::string() : path, content);
    if (!format) {
        std::cerr << "cmascope-cli import: " << path << ": cannot tell the format; give --format\n";
        return std::nullopt;
    }
    if (!cl.parser.isSet(cl.quiet))
        std::cerr << "reading " << path << " as " << configFormatId(*format) << '\n';
    return format;
}

/// The importer's options from --dtc, --dialect, --memory and --base; false (with the message printed)
/// when one cannot be used. @p base holds the --base project that @p options points to.
bool readImportOptions(
    const ImportCommandLine& cl, ConfigFormat format, ImportOptions& options, std::optional<Project>& base)
{
    if (cl.parser.isSet(cl.dtc))
        options.dtcPath = cl.parser.value(cl.dtc).toStdString();
    if (cl.parser.isSet(cl.dialect)) {
        const auto form = lang2010FormFromId(cl.parser.value(cl.dialect).toStdString());
        if (!form || *form == Lang2010Form::PlatformCode) {
            std::cerr << "cmascope-cli import: --dialect must be v1, v3 or v4\n";
            return false;
        }
        options.form2010 = *form;
    }
    if (cl.parser.isSet(cl.memory)) {
        if (format != ConfigFormat::Dts && format != ConfigFormat::Dtb) {
            std::cerr << "cmascope-cli import: --memory is for device trees (dts, dtb); " << configFormatId(format)
                      << " input takes its banks from --base\n";
            return false;
        }
        auto banks = parseMemorySpec(cl.parser.value(cl.memory).toStdString());
        if (auto* err = std::get_if<std::string>(&banks)) {
            std::cerr << "cmascope-cli import: --memory: " << *err << '\n';
            return false;
        }
        options.memory = std::get<std::vector<Bank>>(std::move(banks));
    }
    if (cl.parser.isSet(cl.base)) {
        const auto loaded = loadProjectFile(cl.parser.value(cl.base).toStdString());
        for (const auto& m : loaded.messages)
            std::cerr << m.toString() << '\n';
        if (!loaded.ok())
            return false;
        base = *loaded.project;
        options.base = &base->platform;
    }
    return true;
}

/// --as-2010: @p platform, imported from Hans Verkuil's form, as a 2010 map (docs/cma2010.md).
void translateTo2010(const ImportCommandLine& cl, const ImportOptions& options, Platform& platform)
{
    if (!cl.parser.isSet(cl.as2010))
        return;
    MapDialect dialect = MapDialect::V4;
    if (options.form2010 == Lang2010Form::V1)
        dialect = MapDialect::V1;
    else if (options.form2010 == Lang2010Form::V3)
        dialect = MapDialect::V3;
    platform = toMap2010(platform, dialect);
}

/// Prints the validation's warnings and errors (not its infos) to stderr; true when there is an error.
bool printValidation(const Platform& platform)
{
    bool errors = false;
    for (const auto& d : validate(platform)) {
        if (d.severity == Severity::Info)
            continue;
        errors = errors || d.severity == Severity::Error;
        std::cerr << "validation: " << severityName(d.severity) << ": " << d.path << " [" << d.check
                  << "]: " << d.message << '\n';
    }
    return errors;
}
} // namespace

int runImport(const QStringList& args)
{
    const ImportCommandLine cl(args);
    const auto operand = singleOperand(cl.parser, "import", "input FILE");
    if (!operand)
        return kExitUsage;
    const std::string& path = *operand;
    const auto content = readInput(path);
    if (!content)
        return kExitUsage;
    const auto format = chooseFormat(cl, path, *content);
    if (!format)
        return kExitUsage;
    if (cl.parser.isSet(cl.as2010) && *format != ConfigFormat::Verkuil) {
        std::cerr << "cmascope-cli import: --as-2010 is for Hans Verkuil's form (verkuil), not "
                  << configFormatId(*format) << '\n';
        return kExitUsage;
    }
    ImportOptions options;
    options.sourceName = path == "-" ? std::string("<stdin>") : path;
    std::optional<Project> base;
    if (!readImportOptions(cl, *format, options, base))
        return kExitUsage;

    const auto result = importConfig(*content, *format, options);
    for (const auto& m : result.messages) {
        if (m.severity == Severity::Info && cl.parser.isSet(cl.quiet))
            continue;
        std::cerr << result.source << ": " << (m.path.empty() ? "" : m.path + ": ") << severityName(m.severity) << ": "
                  << m.message << '\n';
    }
    const bool kernelKept = !result.ok() && result.kernelKept && cl.parser.isSet(cl.asKernel);
    if (!result.ok() && !kernelKept) {
        std::cerr << "cmascope-cli import: " << path << ": nothing written"
                  << (result.kernelKept ? " (--as-kernel writes what the kernel keeps)" : "") << '\n';
        return kExitUsage;
    }
    Project project = kernelKept ? *result.kernelKept : *result.project;
    if (kernelKept)
        std::cerr << "cmascope-cli import: " << path << ": writing what the kernel keeps ("
                  << project.platform.regions.size() << " regions, " << project.platform.rules.size() << " rules)\n";
    translateTo2010(cl, options, project.platform);
    const bool validationErrors = printValidation(project.platform);
    const std::string json = serializeProject(project);
    if (cl.parser.isSet(cl.out)) {
        if (const auto err = writeFileAtomically(cl.parser.value(cl.out).toStdString(), json)) {
            std::cerr << "cmascope-cli import: " << *err << '\n';
            return kExitUsage;
        }
    } else {
        std::cout << json << std::flush;
    }
    return kernelKept || (cl.parser.isSet(cl.strict) && validationErrors) ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
