// SPDX-License-Identifier: GPL-2.0-or-later
#include "charts/chartspanel.h"
#include "common/document.h"
#include "compare/comparepanel.h"
#include "demos.h"
#include "followcommandline.h"
#include "lesson/predictpanel.h"
#include "mainwindow.h"
#include "plan/plannerpanel.h"
#include "sandbox/sandboxbar.h"
#include "scenario/scenariopanel.h"
#include "scenario/workloaddialog.h"
#include "singleinstance.h"

#include <cmascope/compare/variantspec.h>
#include <cmascope/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDialog>
#include <QDockWidget>
#include <QEventLoop>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QPalette>
#include <QTimer>
#include <QToolBar>
#include <QTranslator>

#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

namespace {

/// The command line; QCommandLineParser has answered --help and --version, and errors, by then.
struct Options
{
    bool demo = false;
    bool dark = false;
    bool present = false; ///< --present: presentation mode (docs/teaching.md#presenting)
    bool comparePolicies = false; ///< --compare-policies: the Compare pane on the textbook policies
    std::optional<qulonglong> step; ///< --step N: the state after N steps
    std::optional<QString> screenshot; ///< --screenshot FILE: save pictures of the window and quit
    std::optional<QString> size; ///< --size WxH
    std::optional<QString> file; ///< the project, trace or configuration to open
    std::optional<QString> pageOwner; ///< a page_owner dump for the failure inspector
    std::optional<cmascope::app::FollowRequest> follow; ///< --follow / --follow-cmd (docs/following.md)
    bool newWindow = false; ///< --new-window: not handed to a running instance
};

Options parseOptions(const QApplication& app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Plan, replay and explain Linux CMA regions."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the built-in demo project."));
    QCommandLineOption step(
        QStringLiteral("step"), QStringLiteral("Show the state after N steps."), QStringLiteral("N"));
    QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("Use a dark palette (Fusion style)."));
    QCommandLineOption present(QStringLiteral("present"),
        QStringLiteral("Start in presentation mode: full screen, large type, each step's narration over the map "
                       "(with --screenshot, only that picture is taken)."));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Show the window, save a picture of it to FILE once the run has finished, and quit."),
        QStringLiteral("FILE"));
    QCommandLineOption size(
        QStringLiteral("size"), QStringLiteral("Window size, e.g. 1920x1080."), QStringLiteral("WxH"));
    QCommandLineOption policies(QStringLiteral("compare-policies"),
        QStringLiteral("Run the scenario under first, next, best and worst fit and buddy in the Compare pane, shown "
                       "in front (docs/compare.md)."));
    QCommandLineOption pageOwner(QStringLiteral("page-owner"),
        QStringLiteral("A /sys/kernel/debug/page_owner dump: the failure inspector says who holds the busy pages "
                       "(docs/evidence-imports.md)."),
        QStringLiteral("FILE"));
    QCommandLineOption newWindow(QStringLiteral("new-window"),
        QStringLiteral("Open FILE in a new window even when cmascope is already running (by default a running "
                       "cmascope opens it)."));
    parser.addOptions({ demo, step, dark, present, policies, screenshot, size, pageOwner, newWindow });
    const cmascope::app::FollowCommandLine followOptions;
    followOptions.addTo(parser);
    parser.addPositionalArgument(QStringLiteral("file"),
        QStringLiteral("Project, kernel trace or configuration (device tree, command line, ...) to open."));
    parser.process(app);

    Options options;
    options.demo = parser.isSet(demo);
    options.dark = parser.isSet(dark);
    options.present = parser.isSet(present);
    options.comparePolicies = parser.isSet(policies);
    options.newWindow = parser.isSet(newWindow);
    if (parser.isSet(step))
        options.step = parser.value(step).toULongLong();
    if (parser.isSet(screenshot))
        options.screenshot = parser.value(screenshot);
    if (parser.isSet(size))
        options.size = parser.value(size);
    if (parser.isSet(pageOwner))
        options.pageOwner = parser.value(pageOwner);
    options.follow = followOptions.read(parser);
    if (const QStringList args = parser.positionalArguments(); !args.isEmpty())
        options.file = args.first();
    return options;
}

/// --dark: the Fusion style with a dark palette.
void useDarkPalette()
{
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

/// Shows the window and opens what the command line asks for (the start page when nothing).
void start(cmascope::app::MainWindow& window, const Options& options)
{
    if (options.size) {
        const QStringList wh = options.size->split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    // The window first, then the file: its progress shows in the window, and a question the import asks
    // (a board's DRAM) has the window behind it.
    window.show();
    if (options.follow)
        window.followTrace(options.follow->spec, options.follow->inputs);
    else if (options.file)
        window.openAny(*options.file, options.step.has_value()); // a project, a trace or a configuration
    else if (options.demo)
        window.openProject(cmascope::app::defaultDemoPath());
    else
        window.showStartPage();
    if (options.pageOwner)
        window.addPageOwnerDump(*options.pageOwner);
    if (options.step) {
        window.document()->waitForRun();
        window.document()->setPosition(*options.step);
    }
    if (options.comparePolicies && window.comparePanel()->comparePolicies()) {
        window.comparePanel()->waitForRun();
        if (auto* dock = window.findChild<QDockWidget*>(QStringLiteral("compareDock")))
            dock->raise();
    }
    if (options.present)
        window.setPresenting(true);
}

/// FILE-predict.png: the Predict dock (docs/teaching.md#predict-then-reveal) at the sixth question, answered with
/// the middle of the region the request went to, and revealed.
bool grabPredict(cmascope::app::MainWindow& window, const QString& file)
{
    window.predictDock()->show();
    window.predictDock()->raise();
    cmascope::views::PredictPanel* panel = window.predictPanel();
    panel->restart();
    for (int i = 0; i < 5 && panel->nextQuestion(); ++i) { }
    if (const cmascope::Simulation* sim = panel->simulation(); sim && panel->questionStep()) {
        const cmascope::StepRecord& rec = sim->records()[*panel->questionStep()];
        if (rec.region < sim->platform().regions.size()) {
            const cmascope::Region& r = sim->platform().regions[rec.region];
            panel->guessAddress(rec.region, r.placedBase.value_or(r.start) + r.size / 2);
        }
        panel->reveal();
    }
    QCoreApplication::processEvents();
    return window.grab().save(file);
}

/// FILE-workload.png: the scenario pane's "Generate workload…" dialog on the project, once its preview is ready.
bool grabWorkloadDialog(cmascope::app::MainWindow& window, const QString& file)
{
    auto* panel = window.scenarioPanel();
    panel->generateWorkload();
    auto* dialog = panel->findChild<cmascope::views::WorkloadDialog*>();
    if (!dialog)
        return false;
    dialog->waitForPreview();
    QCoreApplication::processEvents();
    const bool ok = dialog->grab().save(file);
    dialog->reject();
    return ok;
}

/// FILE-manual.png and FILE-shortcuts.png: Help › User Manual and Help › Keyboard Shortcuts as they open.
bool grabHelp(cmascope::app::MainWindow& window, const QString& base)
{
    bool ok = true;
    window.showManual();
    if (auto* manual = window.findChild<QDialog*>(QStringLiteral("manualBrowser"))) {
        QCoreApplication::processEvents();
        ok = manual->grab().save(base + QStringLiteral("-manual.png"));
        manual->close();
    }
    window.showShortcuts();
    if (auto* shortcuts = window.findChild<QDialog*>(QStringLiteral("shortcutsDialog"))) {
        QCoreApplication::processEvents();
        ok = shortcuts->grab().save(base + QStringLiteral("-shortcuts.png")) && ok;
        shortcuts->close();
    }
    return ok;
}

/// For the compare picture: the project under the buddy policy and with its first region at half its size
/// (docs/compare.md), run, at the window's current step.
void prepareComparison(cmascope::app::MainWindow& window)
{
    auto* panel = window.comparePanel();
    if (!panel->variants().isEmpty())
        return;
    panel->addVariant(QStringLiteral("policy=buddy"));
    const auto& platform = window.document()->project().platform;
    for (std::size_t i = 0; i < platform.regions.size(); ++i) {
        const auto& r = platform.regions[i];
        if (r.size / 2 >= r.pageSize && r.type != cmascope::RegionType::Carveout) {
            cmascope::PlatformVariant half;
            half.region = i;
            half.sizeBytes = r.size / 2 / r.pageSize * r.pageSize;
            // "area=" names a region in a project's spec and an area in a trace's (docs/compare.md).
            const QString spec = QString::fromStdString(cmascope::variantSpecText(platform, half));
            panel->addVariant(QStringLiteral("area=") + spec.mid(int(std::strlen("region="))));
            break;
        }
    }
    if (panel->run())
        panel->waitForRun();
}

/// For a run with times (a trace): @p base-time.png with the timeline and the charts on the time axis, and
/// @p base-latency.png with the charts' Latency tab (docs/time-and-latency.md); the axis and tab are put back.
bool grabTimeAndLatency(cmascope::app::MainWindow& window, const QString& base)
{
    auto* doc = window.document();
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("chartsDock"));
    if (!doc->hasStepTimes() || !dock)
        return true;
    const auto mode = doc->chosenStepAxisMode();
    const auto chart = window.charts()->currentChart();
    dock->raise();
    bool ok = true;
    for (const auto& [name, tab] : { std::pair { "-time.png", cmascope::views::ChartsPanel::UsageOverSteps },
             std::pair { "-latency.png", cmascope::views::ChartsPanel::Latency } }) {
        doc->setStepAxisMode(cmascope::views::StepAxisMode::Time);
        window.charts()->setCurrentChart(tab);
        QEventLoop wait; // the series are computed off the GUI thread
        QTimer::singleShot(800, &wait, &QEventLoop::quit);
        wait.exec();
        ok = window.grab().save(base + QLatin1String(name)) && ok;
    }
    doc->setStepAxisMode(mode);
    window.charts()->setCurrentChart(chart);
    return ok;
}

/// --screenshot FILE (headless use): once the run has finished, saves FILE as the window opens and
/// FILE-charts.png, FILE-platform.png, FILE-scenario.png, FILE-planner.png, FILE-compare.png with those docks raised,
/// FILE-sandbox.png with the sandbox bar shown after one request from it, FILE-workload.png (the "Generate
/// workload…" dialog), FILE-predict.png (a question of the Predict dock revealed), FILE-manual.png and
/// FILE-shortcuts.png (the Help windows), and for a trace FILE-time.png and
/// FILE-latency.png (grabTimeAndLatency), then quits (1 when a picture failed). With --present,
/// FILE alone, in presentation mode.
void takeScreenshotsAndQuit(cmascope::app::MainWindow& window, const QString& file)
{
    QTimer::singleShot(1500, &window, [&window, file] {
        window.document()->waitForRun();
        QCoreApplication::processEvents();
        bool ok = window.grab().save(file);
        if (window.isPresenting()) { // --present: the presentation alone
            QCoreApplication::exit(ok ? 0 : 1);
            return;
        }
        const QString base = file.left(file.lastIndexOf(QLatin1Char('.')));
        for (const char* dock : { "chartsDock", "platformDock", "scenarioDock", "plannerDock", "compareDock" }) {
            if (auto* d = window.findChild<QDockWidget*>(QString::fromLatin1(dock))) {
                if (d->widget() == window.comparePanel())
                    prepareComparison(window);
                d->raise();
                if (qstrcmp(dock, "plannerDock") == 0 && window.plannerPanel()->plan())
                    window.plannerPanel()->waitForPlan(); // the planner shown with its plan
                QEventLoop wait; // charts are computed off the GUI thread
                QTimer::singleShot(800, &wait, &QEventLoop::quit);
                wait.exec();
                const QString name = QString::fromLatin1(dock).remove(QStringLiteral("Dock"));
                ok = window.grab().save(base + QLatin1Char('-') + name + QStringLiteral(".png")) && ok;
            }
        }
        ok = grabTimeAndLatency(window, base) && ok; // before the sandbox adds a step
        if (auto* sandbox = window.findChild<QToolBar*>(QStringLiteral("sandboxToolBar"))) {
            sandbox->show(); // the sandbox's request bar over the map, even when it is off, with one request made
            window.sandboxBar()->allocate();
            window.document()->waitForRun();
            QCoreApplication::processEvents();
            ok = window.grab().save(base + QStringLiteral("-sandbox.png")) && ok;
        }
        ok = grabWorkloadDialog(window, base + QStringLiteral("-workload.png")) && ok;
        ok = grabPredict(window, base + QStringLiteral("-predict.png")) && ok;
        ok = grabHelp(window, base) && ok;
        QCoreApplication::exit(ok ? 0 : 1);
    });
}

/// The user's language: Qt's own strings (qtbase_*.qm) and ours, cmascope_<lang>.qm in share/cmascope/translations
/// next to the program (made from the translation template, app/CMakeLists.txt). Missing files leave English.
void installTranslations()
{
    static QTranslator qt, ours;
    const QLocale locale;
    if (qt.load(
            locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qt);
    const QString folder = QApplication::applicationDirPath() + QStringLiteral("/../share/cmascope/translations");
    if (ours.load(locale, QStringLiteral("cmascope"), QStringLiteral("_"), folder))
        QApplication::installTranslator(&ours);
}

/// Whether this start takes part in the one-window rule (README "Installing"): an interactive start, not a
/// screenshot run, a follow or --new-window.
bool sharesOneWindow(const Options& options)
{
    return !options.newWindow && !options.screenshot && !options.follow;
}

/// Files handed over by later `cmascope FILE` starts open in @p window, brought to the front.
void receiveFiles(cmascope::app::InstanceChannel& channel, cmascope::app::MainWindow& window)
{
    QObject::connect(
        &channel, &cmascope::app::InstanceChannel::filesReceived, &window, [&window](const QStringList& files) {
            window.setWindowState((window.windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
            window.raise();
            window.activateWindow();
            window.openAny(files.first()); // one document per window: the file asked for
        });
    channel.listen();
}

} // namespace

/// `cmascope --help` and `--version` answer on a terminal without a display (over ssh, in a package build): with
/// no display and no platform chosen, they run on the offscreen platform.
void answerWithoutDisplay(int argc, char* argv[])
{
    if (!qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return;
    for (int i = 1; i < argc; ++i)
        for (const char* option : { "-h", "--help", "--help-all", "-v", "--version" })
            if (std::strcmp(argv[i], option) == 0)
                qputenv("QT_QPA_PLATFORM", "offscreen");
}

int main(int argc, char* argv[])
{
    answerWithoutDisplay(argc, argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cmascope"));
    QApplication::setOrganizationName(QStringLiteral("cmascope"));
    QApplication::setApplicationVersion(QString::fromLatin1(cmascope::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("io.github.cmascope"));

    installTranslations();
    const Options options = parseOptions(app);
    cmascope::app::InstanceChannel channel;
    if (sharesOneWindow(options) && options.file && channel.handOver({ QFileInfo(*options.file).absoluteFilePath() })) {
        std::fprintf(stderr, "cmascope: %s opened in the running window\n", qPrintable(*options.file));
        return 0;
    }
    if (options.dark)
        useDarkPalette();
    cmascope::app::MainWindow window;
    if (sharesOneWindow(options))
        receiveFiles(channel, window);
    start(window, options);
    if (options.screenshot && options.follow) // the run as it stands after 3 s of following
        cmascope::app::takeFollowScreenshotAndQuit(window, *options.screenshot, 3000);
    else if (options.screenshot)
        takeScreenshotsAndQuit(window, *options.screenshot);
    return app.exec();
}
