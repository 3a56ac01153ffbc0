// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <cmascope/model/platform.h>

#include <QFile>

#include <cstdio>
#include <iostream>

namespace cmascope::cli {

void beginCommand(QCommandLineParser& parser, const char* name, const QString& description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(QLatin1String(name), QString(), QLatin1String(name));
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
