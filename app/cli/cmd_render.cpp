// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli render PROJECT|TRACE: paints the app's memory-map widget offscreen to PNG or SVG, for
// documentation, CI and bug reports. No display needed (the offscreen platform is used by default).
#include "common.h"
#include "map/mapcontent.h"
#include "map/memorymapwidget.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/sim/simulator.h>

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

#include <iostream>

namespace cmascope::cli {

namespace {
bool looksLikeProject(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = f.peek(256).trimmed();
    return head.startsWith('{');
}
} // namespace

int runRender(const QStringList& args)
{
    QCommandLineParser parser;
    beginCommand(parser, "render",
        QStringLiteral("Paint the memory map of a project (its first scenario) or of a kernel trace (its replay) at "
                       "a step, offscreen, to a PNG or SVG file."));
    parser.addPositionalArgument(QStringLiteral("INPUT"), QStringLiteral("Project file (JSON) or kernel trace."));
    const QCommandLineOption stepOpt(QStringLiteral("step"),
        QStringLiteral("Show the state after N steps (default: the end of the run)."), QStringLiteral("N"));
    const QCommandLineOption layoutOpt(QStringLiteral("layout"), QStringLiteral("linear (default) or grid."),
        QStringLiteral("LAYOUT"), QStringLiteral("linear"));
    const QCommandLineOption colourOpt(QStringLiteral("colour-by"), QStringLiteral("device (default) or kind."),
        QStringLiteral("KEY"), QStringLiteral("device"));
    const QCommandLineOption widthOpt(QStringLiteral("width"), QStringLiteral("Image width (default 1600)."),
        QStringLiteral("W"), QStringLiteral("1600"));
    const QCommandLineOption heightOpt(QStringLiteral("height"), QStringLiteral("Image height (default 500)."),
        QStringLiteral("H"), QStringLiteral("500"));
    const QCommandLineOption fitOpt(
        QStringLiteral("fit-all"), QStringLiteral("Show whole banks, not just the regions."));
    const QCommandLineOption outOpt({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("Output file: .png or .svg."), QStringLiteral("FILE"));
    parser.addOptions({ stepOpt, layoutOpt, colourOpt, widthOpt, heightOpt, fitOpt, outOpt });
    parser.process(args);
    const QStringList inputs = operands(parser);
    if (inputs.size() != 1 || !parser.isSet(outOpt)) {
        std::cerr << "cmascope-cli render: expected one INPUT and -o FILE.png|FILE.svg\n";
        return kExitUsage;
    }
    const QString input = inputs.first();
    const QString output = parser.value(outOpt);
    const QString suffix = QFileInfo(output).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg")) {
        std::cerr << output.toStdString() << ": the output must end in .png or .svg\n";
        return kExitUsage;
    }
    bool okW = false, okH = false;
    const int width = parser.value(widthOpt).toInt(&okW);
    const int height = parser.value(heightOpt).toInt(&okH);
    if (!okW || !okH || width < 200 || height < 100 || width > 16384 || height > 16384) {
        std::cerr << "cmascope-cli render: --width must be 200..16384 and --height 100..16384\n";
        return kExitUsage;
    }
    const QString layout = parser.value(layoutOpt);
    if (layout != QLatin1String("linear") && layout != QLatin1String("grid")) {
        std::cerr << "cmascope-cli render: --layout must be linear or grid, not '" << layout.toStdString() << "'\n";
        return kExitUsage;
    }
    const QString colourBy = parser.value(colourOpt);
    if (colourBy != QLatin1String("device") && colourBy != QLatin1String("kind")) {
        std::cerr << "cmascope-cli render: --colour-by must be device or kind\n";
        return kExitUsage;
    }

    // Build the run: a project's first scenario, or the replay of a trace.
    Platform platform;
    Scenario scenario;
    if (looksLikeProject(input)) {
        auto loaded = loadProjectFile(input.toStdString());
        if (!loaded.ok()) {
            std::cerr << loaded.errorText();
            return kExitUsage;
        }
        platform = loaded.project->platform;
        placeRegions(platform);
        if (!loaded.project->scenarios.empty())
            scenario = loaded.project->scenarios.front();
    } else {
        if (!QFileInfo::exists(input)) {
            std::cerr << input.toStdString() << ": no such file\n";
            return kExitUsage;
        }
        const auto replayed = replayTraceFile(input.toStdString(), ReplayInputs {});
        if (!replayed.ok() || !replayed.result.error.empty()) {
            std::cerr << input.toStdString() << ": "
                      << (replayed.error.empty() ? replayed.result.error : replayed.error) << '\n';
            return kExitUsage;
        }
        Project project = replayProject(replayed.result, input.toStdString());
        platform = std::move(project.platform);
        scenario = std::move(project.scenarios.front());
    }
    auto created = Simulation::create(platform, std::move(scenario));
    if (auto* err = std::get_if<std::string>(&created)) {
        std::cerr << input.toStdString() << ": " << *err << '\n';
        return kExitUsage;
    }
    Simulation& sim = std::get<Simulation>(created);
    sim.run();
    std::size_t step = sim.stepCount();
    if (parser.isSet(stepOpt)) {
        bool ok = false;
        step = parser.value(stepOpt).toULongLong(&ok);
        if (!ok || step > sim.stepCount()) {
            std::cerr << "cmascope-cli render: --step must be 0.." << sim.stepCount() << '\n';
            return kExitUsage;
        }
    }
    views::MemoryMapWidget map;
    map.resize(width, height);
    map.setContent(views::MapContent::fromSimulation(sim, sim.stateAt(step)));
    if (!parser.isSet(fitOpt))
        map.zoomToRegions();
    map.setLayoutMode(layout == QLatin1String("grid") ? views::MemoryMapWidget::Layout::Grid
                                                      : views::MemoryMapWidget::Layout::Linear);
    map.setColourBy(colourBy == QLatin1String("kind") ? views::MemoryMapWidget::ColourBy::Kind
                                                      : views::MemoryMapWidget::ColourBy::Device);
    if (!map.exportImage(output, QSize(width, height))) {
        std::cerr << output.toStdString() << ": cannot write\n";
        return kExitUsage;
    }
    std::cout << "wrote " << output.toStdString() << " (step " << step << " of " << sim.stepCount() << ")\n";
    return kExitOk;
}

} // namespace cmascope::cli
