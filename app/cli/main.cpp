// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli: the headless command-line tool, for scripts, CI and batch work.
// Exit codes: 0 success, 1 the command ran but found problems, 2 unusable input or usage error.
#include "common.h"

#include <cmascope/version.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>

#include <iostream>
#include <memory>
#include <string_view>

using namespace cmascope::cli;

static std::string commandsHelp()
{
    std::size_t n = 0;
    const Command* list = commands(&n);
    std::string text = "Commands:\n";
    for (std::size_t i = 0; i < n; ++i) {
        std::string name = list[i].name;
        name.resize(std::max<std::size_t>(name.size() + 2, 12), ' ');
        text += "  " + name + list[i].summary + "\n";
    }
    return text + "\nRun 'cmascope-cli COMMAND --help' for the options of a command.\n";
}

int main(int argc, char* argv[])
{
    // Only `render` paints: it gets a QGuiApplication (fonts, palette) on the offscreen platform (no display
    // needed); every other command runs on QCoreApplication.
    const bool needsGui = argc > 1 && std::string_view(argv[1]) == "render";
    if (needsGui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application =
        needsGui ? std::make_unique<QGuiApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cmascope-cli"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(cmascope::kVersion));

    QStringList args = QCoreApplication::arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    std::size_t n = 0;
    const Command* list = commands(&n);
    for (std::size_t i = 0; i < n; ++i) {
        if (command == QLatin1String(list[i].name))
            return list[i].run(args);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Plan, replay and explain Linux contiguous memory (CMA) regions.\n\n")
        + QString::fromStdString(commandsHelp()));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("The command to run (see Commands)."),
        QStringLiteral("COMMAND [ARGS...]"));
    if (!parser.parse(args)) {
        std::cerr << "cmascope-cli: " << parser.errorText().toStdString() << '\n';
        return kExitUsage;
    }
    // A first argument that is not an option names a command: an unknown one is an error even with --help
    // (`cmascope-cli NOSUCH --help` must not print the global help and succeed).
    if (!command.isEmpty() && !command.startsWith(QLatin1Char('-'))) {
        std::cerr << "cmascope-cli: unknown command '" << command.toStdString() << "'\n\n" << commandsHelp();
        return kExitUsage;
    }
    if (parser.isSet(version)) {
        std::cout << "cmascope-cli " << cmascope::kVersion << '\n';
        return kExitOk;
    }
    if (parser.isSet(help)) {
        std::cout << parser.helpText().toStdString();
        return kExitOk;
    }
    std::cerr << parser.helpText().toStdString();
    return kExitUsage;
}
