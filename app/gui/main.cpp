// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/document.h"
#include "demos.h"
#include "mainwindow.h"

#include <cmascope/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QEventLoop>
#include <QPalette>
#include <QTimer>

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
    QCommandLineOption step(
        QStringLiteral("step"), QStringLiteral("Show the state after N steps."), QStringLiteral("N"));
    QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("Use a dark palette (Fusion style)."));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Show the window, save a picture of it to FILE once the run has finished, and quit."),
        QStringLiteral("FILE"));
    QCommandLineOption size(
        QStringLiteral("size"), QStringLiteral("Window size, e.g. 1920x1080."), QStringLiteral("WxH"));
    parser.addOptions({ demo, step, dark, screenshot, size });
    parser.addPositionalArgument(QStringLiteral("file"),
        QStringLiteral("Project, kernel trace or configuration (device tree, command line, ...) to open."));
    parser.process(app);

    if (parser.isSet(dark)) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QPalette p;
        p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
        p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
        p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
        p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Button, QColor(0x33, 0x35, 0x3a));
        p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xd6));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x35, 0x3a));
        p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
        for (const auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
            p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7c, 0x80));
        QApplication::setPalette(p);
    }

    cmascope::app::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    // The window first, then the file: its progress shows in the window, and a question the import asks
    // (a board's DRAM) has the window behind it.
    window.show();
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty())
        window.openAny(args.first(), parser.isSet(step)); // a project, a trace or a configuration
    else if (parser.isSet(demo))
        window.openProject(cmascope::app::defaultDemoPath());
    else
        window.showStartPage();
    if (parser.isSet(step)) {
        window.document()->waitForRun();
        window.document()->setPosition(parser.value(step).toULongLong());
    }
    if (parser.isSet(screenshot)) {
        const QString file = parser.value(screenshot);
        // FILE shows the window as it opens; FILE-charts and FILE-platform with those docks raised.
        QTimer::singleShot(1500, &window, [&window, file] {
            window.document()->waitForRun();
            QCoreApplication::processEvents();
            bool ok = window.grab().save(file);
            const QString base = file.left(file.lastIndexOf(QLatin1Char('.')));
            for (const char* dock : { "chartsDock", "platformDock" }) {
                if (auto* d = window.findChild<QDockWidget*>(QString::fromLatin1(dock))) {
                    d->raise();
                    QEventLoop wait; // charts are computed off the GUI thread
                    QTimer::singleShot(800, &wait, &QEventLoop::quit);
                    wait.exec();
                    const QString name = QString::fromLatin1(dock).remove(QStringLiteral("Dock"));
                    ok = window.grab().save(base + QLatin1Char('-') + name + QStringLiteral(".png")) && ok;
                }
            }
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
