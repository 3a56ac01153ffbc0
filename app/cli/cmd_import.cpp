// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli import FILE [--format F] [--base PROJECT] -o PROJECT.json
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
#include <sstream>

namespace cmascope::cli {

int runImport(const QStringList& args)
{
    QCommandLineParser parser;
    beginCommand(parser, "import",
        QStringLiteral("Read a configuration into a project file: a mainline kernel command line (cmdline), a "
                       "device tree source or blob (dts, dtb; e.g. /sys/firmware/fdt), /proc/iomem (iomem), a "
                       "boot log (dmesg), the 2010 CMA language (cma2010), Hans Verkuil's memory-type form "
                       "(verkuil) or a project (json). The result is validated; problems go to stderr."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Input file ('-' for stdin)."));
    const QCommandLineOption formatOpt(QStringList { QStringLiteral("f"), QStringLiteral("format") },
        QStringLiteral("cmdline, dts, dtb, iomem, dmesg, cma2010, verkuil or json (default: guessed from the name "
                       "and the content)."),
        QStringLiteral("FORMAT"));
    const QCommandLineOption outOpt(QStringList { QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Project file to write (atomically); stdout when omitted."), QStringLiteral("PROJECT"));
    const QCommandLineOption baseOpt(QStringLiteral("base"),
        QStringLiteral("Take banks, devices and kinds from this project (for formats that carry no memory "
                       "layout: command lines, Verkuil, dmesg)."),
        QStringLiteral("PROJECT"));
    const QCommandLineOption dialectOpt(QStringLiteral("dialect"),
        QStringLiteral("cma2010: v1, v3 or v4 (default: from the parameters)."), QStringLiteral("FORM"));
    const QCommandLineOption dtcOpt(
        QStringLiteral("dtc"), QStringLiteral("Device tree compiler (default: dtc)."), QStringLiteral("PATH"));
    const QCommandLineOption strictOpt(
        QStringLiteral("strict"), QStringLiteral("Exit with status 1 when validation finds errors."));
    const QCommandLineOption memoryOpt(QStringLiteral("memory"),
        QStringLiteral("dts, dtb: the board's DRAM as SIZE[@BASE][,SIZE@BASE...] (e.g. 4G or 2G@0x80000000), for "
                       "trees whose /memory the bootloader fills in (Raspberry Pi 4); replaces the tree's memory."),
        QStringLiteral("SIZE[@BASE]"));
    parser.addOptions({ formatOpt, outOpt, baseOpt, dialectOpt, dtcOpt, strictOpt, memoryOpt });
    parser.process(args);

    if (operands(parser).size() != 1) {
        std::cerr << "cmascope-cli import: expected exactly one input FILE\n";
        return kExitUsage;
    }
    const std::string path = operands(parser).first().toStdString();
    std::string content;
    if (path == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "cmascope-cli import: " << path << ": cannot open: " << std::strerror(errno) << '\n';
            return kExitUsage;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        content = ss.str();
    }

    std::optional<ConfigFormat> format;
    if (parser.isSet(formatOpt)) {
        format = configFormatFromId(parser.value(formatOpt).toStdString());
        if (!format) {
            std::cerr << "cmascope-cli import: unknown format '" << parser.value(formatOpt).toStdString()
                      << "' (expected cmdline, dts, dtb, iomem, dmesg, cma2010, verkuil or json)\n";
            return kExitUsage;
        }
    } else {
        format = guessConfigFormat(path == "-" ? std::string() : path, content);
        if (!format) {
            std::cerr << "cmascope-cli import: " << path << ": cannot tell the format; give --format\n";
            return kExitUsage;
        }
        std::cerr << "reading " << path << " as " << configFormatId(*format) << '\n';
    }

    ImportOptions options;
    options.sourceName = path == "-" ? std::string("<stdin>") : path;
    if (parser.isSet(dtcOpt))
        options.dtcPath = parser.value(dtcOpt).toStdString();
    if (parser.isSet(dialectOpt)) {
        const auto form = lang2010FormFromId(parser.value(dialectOpt).toStdString());
        if (!form || *form == Lang2010Form::PlatformCode) {
            std::cerr << "cmascope-cli import: --dialect must be v1, v3 or v4\n";
            return kExitUsage;
        }
        options.form2010 = *form;
    }
    if (parser.isSet(memoryOpt)) {
        if (*format != ConfigFormat::Dts && *format != ConfigFormat::Dtb) {
            std::cerr << "cmascope-cli import: --memory is for device trees (dts, dtb); " << configFormatId(*format)
                      << " input takes its banks from --base\n";
            return kExitUsage;
        }
        auto banks = parseMemorySpec(parser.value(memoryOpt).toStdString());
        if (auto* err = std::get_if<std::string>(&banks)) {
            std::cerr << "cmascope-cli import: --memory: " << *err << '\n';
            return kExitUsage;
        }
        options.memory = std::get<std::vector<Bank>>(std::move(banks));
    }
    std::optional<Project> base;
    if (parser.isSet(baseOpt)) {
        const auto loaded = loadProjectFile(parser.value(baseOpt).toStdString());
        for (const auto& m : loaded.messages)
            std::cerr << m.toString() << '\n';
        if (!loaded.ok())
            return kExitUsage;
        base = *loaded.project;
        options.base = &base->platform;
    }

    const auto result = importConfig(content, *format, options);
    for (const auto& m : result.messages) {
        std::cerr << result.source << ": " << (m.path.empty() ? "" : m.path + ": ") << severityName(m.severity) << ": "
                  << m.message << '\n';
    }
    if (!result.ok()) {
        std::cerr << "cmascope-cli import: " << path << ": nothing written\n";
        return kExitUsage;
    }
    const Project& project = *result.project;
    const auto diagnostics = validate(project.platform);
    bool validationErrors = false;
    for (const auto& d : diagnostics) {
        if (d.severity == Severity::Info)
            continue;
        validationErrors = validationErrors || d.severity == Severity::Error;
        std::cerr << "validation: " << severityName(d.severity) << ": " << d.path << " [" << d.check
                  << "]: " << d.message << '\n';
    }
    const std::string json = serializeProject(project);
    if (parser.isSet(outOpt)) {
        if (const auto err = writeFileAtomically(parser.value(outOpt).toStdString(), json)) {
            std::cerr << "cmascope-cli import: " << *err << '\n';
            return kExitUsage;
        }
    } else {
        std::cout << json << std::flush;
    }
    return parser.isSet(strictOpt) && validationErrors ? kExitProblems : kExitOk;
}

} // namespace cmascope::cli
