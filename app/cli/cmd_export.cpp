// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli export PROJECT --format cmdline|dts|cma2010|verkuil|json [-o FILE]
#include "common.h"

#include <cmascope/config/configio.h>
#include <cmascope/model/project.h>

#include <QCommandLineParser>

#include <iostream>

namespace cmascope::cli {

int runExport(const QStringList& args)
{
    CommandParser parser;
    beginCommand(parser, "export",
        QStringLiteral("Write a project's platform as a mainline kernel command line (cmdline), a device tree "
                       "source (dts), the 2010 CMA language (cma2010), Hans Verkuil's memory-type form (verkuil) "
                       "or the project JSON (json). What the format cannot hold is listed on stderr as notes."));
    parser.addPositionalArgument(QStringLiteral("PROJECT"), QStringLiteral("Project file (JSON)."));
    const QCommandLineOption formatOpt(QStringList { QStringLiteral("f"), QStringLiteral("format") },
        QStringLiteral("cmdline, dts, cma2010, verkuil or json."), QStringLiteral("cmdline|dts|cma2010|verkuil|json"));
    const QCommandLineOption outOpt = outputOption(QStringLiteral("the configuration"));
    const QCommandLineOption quietOpt =
        quietOption(QStringLiteral("errors, not the notes on what the format cannot hold"));
    const QCommandLineOption cellsOpt(QStringLiteral("cells"),
        QStringLiteral("dts: #address-cells/#size-cells, 1 or 2 (default: 2 when a value needs more than 32 bits)."),
        QStringLiteral("1|2"));
    const QCommandLineOption dialectOpt(QStringLiteral("dialect"),
        QStringLiteral("cma2010: v1 (cma= + cma_map=), v3 (default; '-' prefix, cma.map=), v4, or code (v3 board "
                       "code: struct cma_region array + map for cma_set_defaults)."),
        QStringLiteral("v1|v3|v4|code"));
    parser.addOptions({ formatOpt, outOpt, cellsOpt, dialectOpt, quietOpt });
    parser.process(args);

    const auto operand = singleOperand(parser, "export", "PROJECT file");
    if (!operand)
        return kExitUsage;
    const std::string& path = *operand;
    if (!parser.isSet(formatOpt)) {
        std::cerr << "cmascope-cli export: --format is required (cmdline, dts, cma2010, verkuil or json)\n";
        return kExitUsage;
    }
    const std::string formatName = parser.value(formatOpt).toStdString();
    const auto format = configFormatFromId(formatName);
    if (!format || !canExport(*format)) {
        std::cerr << "cmascope-cli export: unknown output format '" << formatName
                  << "' (expected cmdline, dts, cma2010, verkuil or json)\n";
        return kExitUsage;
    }
    ExportOptions options;
    if (parser.isSet(cellsOpt)) {
        const QString c = parser.value(cellsOpt);
        if (c != QLatin1String("1") && c != QLatin1String("2")) {
            std::cerr << "cmascope-cli export: --cells must be 1 or 2\n";
            return kExitUsage;
        }
        options.dtCells = c.toUInt();
    }
    if (parser.isSet(dialectOpt)) {
        const auto form = lang2010FormFromId(parser.value(dialectOpt).toStdString());
        if (!form) {
            std::cerr << "cmascope-cli export: --dialect must be v1, v3, v4 or code\n";
            return kExitUsage;
        }
        options.form2010 = *form;
    }

    const auto loaded = loadProject(path);
    if (!loaded)
        return kExitUsage;

    const auto result = exportConfig(*loaded, *format, options);
    if (!result.ok()) {
        std::cerr << "cmascope-cli export: " << path << ": " << result.error << '\n';
        return kExitProblems;
    }
    for (const auto& note : parser.isSet(quietOpt) ? std::vector<std::string>() : result.notes)
        std::cerr << "note: " << note << '\n';
    if (parser.isSet(outOpt)) {
        const std::string out = parser.value(outOpt).toStdString();
        if (const auto err = writeFileAtomically(out, result.text)) {
            std::cerr << "cmascope-cli export: " << *err << '\n';
            return kExitUsage;
        }
    } else {
        std::cout << result.text << std::flush;
    }
    return kExitOk;
}

} // namespace cmascope::cli
