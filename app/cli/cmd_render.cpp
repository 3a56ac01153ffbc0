// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli render PROJECT|TRACE [--dmesg FILE] [--debugfs DIR] [--area SPEC]...: paints the app's memory map
// offscreen to PNG or SVG, for documentation, CI and bug reports. No display needed (the offscreen platform is used by
// default), and no widgets: the map's painter (views/map/mappainter.h) needs Qt Gui only.
#include "common.h"
#include "map/mapcontent.h"
#include "map/mapgeometry.h"
#include "map/mappainter.h"
#include "map/mapstyle.h"
#include "replayinputs.h"

#include <cmascope/model/project.h>
#include <cmascope/plan/placement.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/sim/simulator.h>

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPalette>

#include <iostream>
#include <optional>

namespace cmascope::cli {

namespace {
/// What `render` was asked for, checked.
struct RenderRequest
{
    QString input;
    QString output;
    std::optional<QString> step; ///< --step as given (checked once the run's length is known); nullopt: the end
    QSize size;
    views::MapLayout layout = views::MapLayout::Linear;
    views::MapColourBy colourBy = views::MapColourBy::Device;
    std::optional<views::AxisMode> axis; ///< nullopt: the app's automatic choice
    bool fitAll = false;
    bool quiet = false; ///< --quiet: no progress, no "wrote" line
    ReplayInputs traceInputs; ///< a trace's areas (--dmesg, --debugfs, --project, --area); project set by loadRun()
    std::optional<Platform> areaPlatform; ///< the --project platform
};

/// Parses and checks the options; nullopt (with the message printed) on a usage error.
std::optional<RenderRequest> parseRenderRequest(const QStringList& args)
{
    CommandParser parser;
    beginCommand(parser, "render",
        QStringLiteral("Paint the memory map of a project (its first scenario) or of a kernel trace (its replay) at "
                       "a step, offscreen, to a PNG or SVG file."));
    parser.addPositionalArgument(QStringLiteral("INPUT"), QStringLiteral("Project file (JSON) or kernel trace."));
    const QCommandLineOption stepOpt(QStringLiteral("step"),
        QStringLiteral("Show the state after N steps (default: the end of the run)."), QStringLiteral("N"));
    const QCommandLineOption layoutOpt(QStringLiteral("layout"), QStringLiteral("linear (default) or grid."),
        QStringLiteral("linear|grid"), QStringLiteral("linear"));
    const QCommandLineOption colourOpt(QStringLiteral("colour-by"), QStringLiteral("device (default) or kind."),
        QStringLiteral("device|kind"), QStringLiteral("device"));
    const QCommandLineOption widthOpt(QStringLiteral("width"), QStringLiteral("Image width (default 1600)."),
        QStringLiteral("W"), QStringLiteral("1600"));
    const QCommandLineOption heightOpt(QStringLiteral("height"), QStringLiteral("Image height (default 500)."),
        QStringLiteral("H"), QStringLiteral("500"));
    const QCommandLineOption axisOpt(QStringLiteral("axis"),
        QStringLiteral("physical, compact (empty address ranges collapsed) or per-area (each area its own track); "
                       "default: as the app chooses, the first that shows every area readable."),
        QStringLiteral("physical|compact|per-area"));
    const QCommandLineOption fitOpt(
        QStringLiteral("fit-all"), QStringLiteral("Show whole banks, not just the regions."));
    const QCommandLineOption outOpt({ QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("The image to write (atomically): FILE.png or FILE.svg. Required."), QStringLiteral("FILE"));
    const QCommandLineOption quietOpt = quietOption(QStringLiteral("errors, not the line naming the file written"));
    parser.addOptions({ stepOpt, layoutOpt, colourOpt, axisOpt, widthOpt, heightOpt, fitOpt, outOpt, quietOpt });
    const ReplayInputOptions areaOptions; // a trace's areas, as `replay` takes them
    areaOptions.addTo(parser);
    parser.process(args);
    const QStringList inputs = operands(parser);
    if (inputs.size() != 1 || !parser.isSet(outOpt)) {
        std::cerr << "cmascope-cli render: expected one INPUT and -o FILE.png|FILE.svg\n";
        return std::nullopt;
    }
    RenderRequest request;
    request.quiet = parser.isSet(quietOpt);
    if (!areaOptions.read(parser, "render", request.traceInputs, request.areaPlatform))
        return std::nullopt;
    request.input = inputs.first();
    request.output = parser.value(outOpt);
    const QString suffix = QFileInfo(request.output).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg")) {
        std::cerr << request.output.toStdString() << ": the output must end in .png or .svg\n";
        return std::nullopt;
    }
    bool okW = false, okH = false;
    const int width = parser.value(widthOpt).toInt(&okW);
    const int height = parser.value(heightOpt).toInt(&okH);
    if (!okW || !okH || width < 200 || height < 100 || width > 16384 || height > 16384) {
        std::cerr << "cmascope-cli render: --width must be 200..16384 and --height 100..16384\n";
        return std::nullopt;
    }
    request.size = QSize(width, height);
    const QString layout = parser.value(layoutOpt);
    if (layout != QLatin1String("linear") && layout != QLatin1String("grid")) {
        std::cerr << "cmascope-cli render: --layout must be linear or grid, not '" << layout.toStdString() << "'\n";
        return std::nullopt;
    }
    request.layout = layout == QLatin1String("grid") ? views::MapLayout::Grid : views::MapLayout::Linear;
    const QString colourBy = parser.value(colourOpt);
    if (colourBy != QLatin1String("device") && colourBy != QLatin1String("kind")) {
        std::cerr << "cmascope-cli render: --colour-by must be device or kind\n";
        return std::nullopt;
    }
    request.colourBy = colourBy == QLatin1String("kind") ? views::MapColourBy::Kind : views::MapColourBy::Device;
    if (parser.isSet(axisOpt)) {
        request.axis = views::MapAxis::modeFromName(parser.value(axisOpt));
        if (!request.axis) {
            std::cerr << "cmascope-cli render: --axis must be physical, compact or per-area, not '"
                      << parser.value(axisOpt).toStdString() << "'\n";
            return std::nullopt;
        }
    }
    request.fitAll = parser.isSet(fitOpt);
    if (parser.isSet(stepOpt))
        request.step = parser.value(stepOpt);
    return request;
}

/// The run to show: a project's first scenario, or the replay of a trace. nullopt (with the message
/// printed) when the input cannot be read.
std::optional<Simulation> loadRun(const RenderRequest& request)
{
    const QString& input = request.input;
    Platform platform;
    Scenario scenario;
    if (looksLikeProject(input)) {
        auto loaded = loadProjectFile(input.toStdString());
        if (!loaded.ok()) {
            std::cerr << loaded.errorText();
            return std::nullopt;
        }
        platform = loaded.project->platform;
        placeRegions(platform);
        if (!loaded.project->scenarios.empty())
            scenario = loaded.project->scenarios.front();
    } else {
        if (!QFileInfo::exists(input)) {
            std::cerr << input.toStdString() << ": no such file\n";
            return std::nullopt;
        }
        ReplayInputs areas = request.traceInputs;
        if (request.areaPlatform)
            areas.project = &*request.areaPlatform;
        TerminalProgress progress("replay", request.quiet);
        const auto replayed = replayTraceFile(input.toStdString(), areas, {}, progress.progress());
        progress.done();
        if (!replayed.ok() || !replayed.result.error.empty()) {
            std::cerr << input.toStdString() << ": "
                      << (replayed.error.empty() ? replayed.result.error : replayed.error) << '\n';
            return std::nullopt;
        }
        Project project = replayProject(replayed.result, input.toStdString());
        platform = std::move(project.platform);
        scenario = std::move(project.scenarios.front());
    }
    auto created = Simulation::create(platform, std::move(scenario));
    if (auto* err = std::get_if<std::string>(&created)) {
        std::cerr << input.toStdString() << ": " << *err << '\n';
        return std::nullopt;
    }
    return std::move(std::get<Simulation>(created));
}

/// Paints @p content as the app's map would show it at @p request's size and writes the file.
bool writeMap(const views::MapContent& content, const RenderRequest& request)
{
    const QFont font = QGuiApplication::font();
    const views::AxisMode mode = request.axis.value_or(views::MapAxis::suggestedMode(
        content, views::MapGeometry::plotRect(request.size, views::MapGeometry::kLeftMargin).width()));
    const double margin = views::MapGeometry::leftMarginFor(content, mode, font);
    views::MapAxis axis;
    axis.setContent(content, mode);
    axis.setPixelWidth(views::MapGeometry::plotRect(request.size, margin).width());
    // The app's initial view: on the physical axis the regions with a margin (the others show everything).
    if (!request.fitAll && mode == views::AxisMode::Physical)
        if (const auto view = content.regionsView())
            axis.showRange(view->first, view->second);
    const views::MapGeometry geometry(content, axis, request.layout, request.size, margin);
    const views::MapStyle style(QGuiApplication::palette());
    views::MapPainter painter(content, geometry, style, font);
    painter.setColourBy(request.colourBy);
    return painter.writeFile(request.output);
}
} // namespace

int runRender(const QStringList& args)
{
    const auto request = parseRenderRequest(args);
    if (!request)
        return kExitUsage;
    auto run = loadRun(*request);
    if (!run)
        return kExitUsage;
    Simulation& sim = *run;
    sim.run();
    std::size_t step = sim.stepCount();
    if (request->step) {
        bool ok = false;
        step = request->step->toULongLong(&ok);
        if (!ok || step > sim.stepCount()) {
            std::cerr << "cmascope-cli render: --step must be 0.." << sim.stepCount() << '\n';
            return kExitUsage;
        }
    }
    if (!writeMap(views::MapContent::fromSimulation(sim, sim.stateAt(step)), *request)) {
        std::cerr << request->output.toStdString() << ": cannot write\n";
        return kExitUsage;
    }
    if (!request->quiet)
        std::cout << "wrote " << request->output.toStdString() << " (step " << step << " of " << sim.stepCount()
                  << ")\n";
    return kExitOk;
}

} // namespace cmascope::cli
