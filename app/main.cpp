// SPDX-License-Identifier: GPL-2.0-or-later
#include "demos.h"
#include "mainwindow.h"

#include <cmascope/version.h>

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cmascope"));
    QApplication::setOrganizationName(QStringLiteral("cmascope"));
    QApplication::setApplicationVersion(QString::fromLatin1(cmascope::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.github.cmascope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Plan, replay and explain Linux CMA regions."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the built-in demo project."));
    parser.addOption(demo);
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("Project file to open."));
    parser.process(app);

    cmascope::app::MainWindow window;
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openProject(args.first());
    else if (parser.isSet(demo))
        window.openProject(cmascope::app::defaultDemoPath());
    else
        window.showStartPage();
    window.show();
    return app.exec();
}
