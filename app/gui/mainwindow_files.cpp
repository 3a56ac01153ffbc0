// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's file jobs: open, save, import and replay, each off the GUI thread with progress and Cancel
// (runJob(), mainwindow_runjob.h), and the view state a project keeps.
#include "common/document.h"
#include "common/traceinputs.h"
#include "compare/comparepanel.h"
#include "eventlog/stepbookmarks.h"
#include "mainwindow.h"
#include "mainwindow_runjob.h"
#include "map/memorymapwidget.h"
#include "whatif/whatifpanel.h"

#include <cmascope/config/configio.h>
#include <cmascope/replay/areas.h>
#include <cmascope/replay/replay.h>
#include <cmascope/trace/bootlog.h>

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QUndoStack>

#include <algorithm>
#include <climits>

namespace cmascope::app {

namespace {

/// A project file read and parsed, or why not (an I/O error, or the parser's messages).
struct LoadedProject
{
    QString ioError;
    ProjectLoadResult result;
};

/// Reads and parses a project file on a worker; a default result when cancelled (the tracker drops it).
LoadedProject readProjectFile(const QString& path, const Progress& progress)
{
    LoadedProject l;
    QFile f(path);
    QByteArray data;
    if (!f.open(QIODevice::ReadOnly)) {
        l.ioError = QStringLiteral("%1: %2").arg(path, f.errorString());
        return l;
    }
    const auto size = std::uint64_t(std::max<qint64>(f.size(), 0));
    while (!f.atEnd()) {
        data += f.read(1 << 20);
        if (!progress(std::uint64_t(data.size()), size))
            return l; // cancelled: the tracker drops it
    }
    if (progress(0, 0)) // parsing: busy
        l.result = parseProject(std::string_view(data.constData(), std::size_t(data.size())));
    return l;
}

/// A configuration imported as a project, or why not.
struct ImportedConfig
{
    QString error;
    ImportResult result;
};

/// Reads and imports a configuration on a worker (cmascope-cli import): onto @p base when given, with the
/// board's @p memory when the file has none; Cancel stops dtc or the parser.
ImportedConfig importConfigFile(
    const QString& path, const std::optional<Platform>& base, const std::vector<Bank>& memory, const Progress& progress)
{
    ImportedConfig r;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        r.error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return r;
    }
    const QByteArray data = f.readAll();
    const std::string_view content(data.constData(), std::size_t(data.size()));
    const auto format = guessConfigFormat(QFileInfo(path).fileName().toStdString(), content);
    if (!format) {
        r.error = MainWindow::tr("%1: not a configuration cmascope can read").arg(path);
        return r;
    }
    ImportOptions options;
    options.sourceName = QFileInfo(path).fileName().toStdString();
    if (base)
        options.base = &*base;
    options.memory = memory;
    options.progress = progress;
    r.result = importConfig(content, *format, options);
    return r;
}

} // namespace

bool MainWindow::openProject(const QString& path, bool quiet)
{
    // Reading and parsing run off the GUI thread (a large project takes a while), with progress and Cancel.
    std::optional<LoadedProject> loaded;
    const QString name = QFileInfo(path).fileName();
    if (!runJob<LoadedProject>(
            tr("Opening %1…").arg(name), [path](const Progress& progress) { return readProjectFile(path, progress); },
            loaded, quiet, tr("Cannot open project")))
        return false;
    ProjectLoadResult& result = loaded->result;
    if (!loaded->ioError.isEmpty()) {
        m_lastError = loaded->ioError;
    } else if (!result.ok()) {
        m_lastError = name + QStringLiteral(":\n") + QString::fromStdString(result.errorText());
    }
    if (!loaded->ioError.isEmpty() || !result.ok()) {
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot open project"), m_lastError);
        statusBar()->showMessage(tr("Could not open %1").arg(name), 8000);
        return false;
    }
    m_lastError.clear();
    m_central->setCurrentWidget(m_mapPage);
    // Built-in demos open as untitled copies: saving asks for a file name.
    const bool builtIn = path.startsWith(QLatin1Char(':'));
    const QString viewJson = QString::fromStdString(result.project->viewJson);
    showProject(std::move(*result.project), builtIn ? QString() : path);
    applyViewState(viewJson);
    if (!builtIn)
        rememberRecent(QFileInfo(path).absoluteFilePath());
    // every load warning kept (not one status message overwriting the last), the Messages button lists them
    QStringList messages;
    for (const auto& m : result.messages)
        messages << QString::fromStdString(m.toString());
    setFileMessages(messages);
    if (!messages.isEmpty())
        statusBar()->showMessage(
            tr("%1 opened with %n warning(s): Messages, in the status bar, lists them", nullptr, int(messages.size()))
                .arg(name),
            10000);
    return true;
}

bool MainWindow::saveProjectAs(const QString& path, bool quiet)
{
    m_doc->setViewJson(viewStateJson());
    // Serialising and writing run off the GUI thread, on a copy: edits made meanwhile are not saved (and the
    // document stays modified).
    const int savedIndex = m_doc->undoStack()->index();
    std::optional<std::optional<std::string>> error;
    if (!runJob<std::optional<std::string>>(
            tr("Saving %1…").arg(QFileInfo(path).fileName()),
            [file = path.toStdString(), project = m_doc->project()](
                const Progress&) { return saveProjectFile(file, project); },
            error, quiet, tr("Cannot save project")))
        return false;
    if (*error) {
        m_lastError = QString::fromStdString(**error);
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot save project"), m_lastError);
        return false;
    }
    m_doc->setPath(path);
    if (m_doc->undoStack()->index() == savedIndex)
        m_doc->setSaved();
    rememberRecent(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

std::string MainWindow::viewStateJson() const
{
    // View state worth keeping with the project: where the user was and how the map looked.
    QJsonObject view;
    view.insert(QStringLiteral("scenario"), m_doc->scenarioIndex());
    view.insert(QStringLiteral("position"), qint64(m_doc->position()));
    view.insert(QStringLiteral("layout"),
        m_map->layoutMode() == views::MemoryMapWidget::Layout::Grid ? QStringLiteral("grid")
                                                                    : QStringLiteral("linear"));
    view.insert(QStringLiteral("colour_by"),
        m_map->colourBy() == views::MemoryMapWidget::ColourBy::Kind ? QStringLiteral("kind")
                                                                    : QStringLiteral("device"));
    // The map's axis (docs/memory-map.md): "auto" or the mode chosen, and the view in that axis' coordinate.
    const QString axisMode = views::MapAxis::modeName(m_map->axisMode());
    view.insert(QStringLiteral("map_axis"), m_map->automaticAxis() ? QStringLiteral("auto") : axisMode);
    view.insert(QStringLiteral("map_view_axis"), axisMode);
    view.insert(QStringLiteral("map_view"),
        QJsonArray { QString::number(m_map->axis().viewBegin(), 16), QString::number(m_map->axis().viewEnd(), 16) });
    if (!m_bookmarks->isEmpty()) // docs/event-log.md
        view.insert(QStringLiteral("bookmarks"), m_bookmarks->toJson());
    // The timeline's and the charts' axis (docs/time-and-latency.md): kept as chosen, used when there are times.
    view.insert(QStringLiteral("axis"),
        m_doc->chosenStepAxisMode() == views::StepAxisMode::Time ? QStringLiteral("time") : QStringLiteral("steps"));
    return QJsonDocument(view).toJson(QJsonDocument::Compact).toStdString();
}

void MainWindow::applyViewState(const QString& json)
{
    const QJsonObject view = QJsonDocument::fromJson(json.toUtf8()).object();
    if (view.isEmpty())
        return;
    const QString layout = view.value(QStringLiteral("layout")).toString();
    m_map->setLayoutMode(layout == QLatin1String("grid") ? views::MemoryMapWidget::Layout::Grid
                                                         : views::MemoryMapWidget::Layout::Linear);
    m_map->setColourBy(view.value(QStringLiteral("colour_by")).toString() == QLatin1String("kind")
            ? views::MemoryMapWidget::ColourBy::Kind
            : views::MemoryMapWidget::ColourBy::Device);
    const QString axis = view.value(QStringLiteral("map_axis")).toString(QStringLiteral("auto"));
    if (const auto mode = views::MapAxis::modeFromName(axis))
        m_map->setAxisMode(*mode);
    else
        m_map->setAutomaticAxis(true);
    const QJsonArray window = view.value(QStringLiteral("map_view")).toArray();
    if (window.size() == 2) {
        bool ok1 = false, ok2 = false;
        const quint64 begin = window[0].toString().toULongLong(&ok1, 16);
        const quint64 end = window[1].toString().toULongLong(&ok2, 16);
        // Files from before the axis modes hold physical addresses.
        const auto viewAxis = views::MapAxis::modeFromName(
            view.value(QStringLiteral("map_view_axis")).toString(QStringLiteral("physical")));
        if (ok1 && ok2 && end > begin && viewAxis == m_map->axisMode())
            m_map->setAxisView(begin, end);
        else if (ok1 && ok2 && end > begin && viewAxis == views::AxisMode::Physical)
            m_map->setView(begin, end);
    }
    m_bookmarks->setJson(view.value(QStringLiteral("bookmarks")).toArray());
    if (view.contains(QStringLiteral("axis")))
        m_doc->setStepAxisMode(view.value(QStringLiteral("axis")).toString() == QLatin1String("time")
                ? views::StepAxisMode::Time
                : views::StepAxisMode::Steps);
    m_doc->setScenarioIndex(view.value(QStringLiteral("scenario")).toInt());
    // A stored position (steps executed) replaces the project's start at step 0, once the run has finished.
    if (view.contains(QStringLiteral("position")))
        m_doc->showPositionWhenRun(
            std::size_t(std::max<qint64>(0, view.value(QStringLiteral("position")).toInteger())));
}

bool MainWindow::save()
{
    if (m_doc->path().isEmpty())
        return saveAs();
    return saveProjectAs(m_doc->path());
}

bool MainWindow::saveAs()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project"),
        m_doc->path().isEmpty() ? QString::fromStdString(m_doc->project().platform.name) + QStringLiteral(".json")
                                : m_doc->path(),
        tr("cmascope projects (*.json *.cmascope)"));
    if (path.isEmpty())
        return false;
    return saveProjectAs(path);
}

bool MainWindow::maybeSave()
{
    if (!m_doc->isModified())
        return true;
    const auto answer =
        QMessageBox::warning(this, tr("Unsaved changes"), tr("The project has unsaved changes. Save them?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save)
        return save();
    return answer == QMessageBox::Discard;
}

void MainWindow::openFile()
{
    if (!maybeSave())
        return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Project"), QString(), tr("cmascope projects (*.json *.cmascope);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::openAny(const QString& path, bool wait)
{
    if (!maybeSave())
        return;
    QFile f(path);
    QByteArray head;
    if (f.open(QIODevice::ReadOnly))
        head = f.read(64 * 1024);
    const auto format = guessConfigFormat(
        QFileInfo(path).fileName().toStdString(), std::string_view(head.constData(), std::size_t(head.size())));
    if (format == ConfigFormat::Json)
        openProject(path);
    else if (format)
        importConfiguration(path);
    else
        openTrace(path, wait);
}

void MainWindow::openTraceDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Kernel Trace"), QString(),
        tr("Kernel traces (*.txt *.trace *.gz *.zst *.dat *.perfetto-trace *.pftrace);;All files (*)"));
    if (!path.isEmpty() && maybeSave())
        openTrace(path);
}

void MainWindow::openTrace(const QString& path, bool wait, const QString& debugfsDir)
{
    if (m_fileJobs->isRunning())
        return;
    ReplayInputs inputs;
    views::addBootLogBeside(inputs, path);
    if (!debugfsDir.isEmpty() && !addDebugfsInputs(inputs, debugfsDir))
        return;
    const std::string file = path.toStdString();
    auto work = [file, inputs](
                    const Progress& progress) { return replayTraceFile(file, inputs, ReplayOptions {}, progress); };
    m_summaryLabel->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    m_fileJobs->start(std::move(work), [this, path, debugfsDir](views::JobResult<ReplayFileResult> loaded) {
        if (loaded.ok() && loaded.value->ok()) {
            m_tracePath = path; // for the trace bar's re-replays (mainwindow_trace.cpp)
            m_traceDebugfs = debugfsDir;
        }
        showReplayedTrace(path, std::move(loaded));
    });
    if (wait)
        m_fileJobs->waitForIdle();
}

void MainWindow::showReplayedTrace(const QString& path, views::JobResult<ReplayFileResult> loaded)
{
    if (loaded.failed()) {
        m_lastError = loaded.error;
        QMessageBox::critical(this, tr("Cannot replay trace"), loaded.error);
        updateSummary();
        return;
    }
    if (!loaded.ok()) {
        statusBar()->showMessage(tr("Loading %1 was cancelled").arg(QFileInfo(path).fileName()), 8000);
        updateSummary();
        return;
    }
    ReplayFileResult r = std::move(*loaded.value);
    const QString error = QString::fromStdString(r.error.empty() ? r.result.error : r.error);
    if (!r.ok() || !error.isEmpty()) {
        m_lastError = error;
        QMessageBox::critical(this, tr("Cannot replay trace"), error);
        updateSummary();
        return;
    }
    if (r.result.events == 0) {
        // Never a silently empty run: a trace without one CMA event is not something to step through.
        m_lastError = tr("%1: no CMA event in %2 line(s)").arg(QFileInfo(path).fileName()).arg(r.result.lines);
        if (!r.result.errors.empty())
            m_lastError += QStringLiteral(" (") + QString::fromStdString(r.result.errors.front().message)
                + tr(", line %1)").arg(r.result.errors.front().line);
        QMessageBox::critical(this, tr("Cannot replay trace"), m_lastError);
        updateSummary();
        return;
    }
    m_lastError.clear();
    showTraceProblems(path, r.result);
    rememberRecent(QFileInfo(path).absoluteFilePath());
    Project project = replayProject(r.result, QFileInfo(path).fileName().toStdString());
    // The what-if panel re-runs the recorded requests: it keeps the replay (read-only, shared with its worker).
    const auto replay = std::make_shared<const ReplayResult>(std::move(r.result));
    showProject(std::move(project), {}, replay);
    m_central->setCurrentWidget(m_mapPage);
    QString message = tr("%1: %2 events, %3 requests (%4 failed); kernel placements predicted %5 of %6")
                          .arg(QFileInfo(path).fileName())
                          .arg(replay->events)
                          .arg(replay->requested)
                          .arg(replay->failed)
                          .arg(replay->matched)
                          .arg(replay->compared);
    for (const auto& note : replay->notes)
        message += QStringLiteral("; ") + QString::fromStdString(note);
    statusBar()->showMessage(message, 20000);
}

/// Malformed lines of a trace: listed with their line numbers in a warning that does not block the window (the
/// run is shown behind it); traceProblems() keeps them.
void MainWindow::showTraceProblems(const QString& path, const ReplayResult& result)
{
    m_traceProblems.clear();
    setFileMessages({});
    if (result.errorCount == 0)
        return;
    const QString name = QFileInfo(path).fileName();
    for (const auto& e : result.errors)
        m_traceProblems << QStringLiteral("%1:%2: %3").arg(name).arg(e.line).arg(QString::fromStdString(e.message));
    QString details = m_traceProblems.join(QLatin1Char('\n'));
    if (result.errorCount > result.errors.size())
        details += tr("\n… and %1 more").arg(result.errorCount - result.errors.size());
    setFileMessages(details.split(QLatin1Char('\n')));
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Malformed trace lines"),
        tr("%n malformed line(s) in %1 could not be read and were skipped; the rest of the trace was replayed.",
            nullptr, int(std::min<std::uint64_t>(result.errorCount, INT_MAX)))
            .arg(name),
        QMessageBox::Ok, this);
    box->setInformativeText(m_traceProblems.mid(0, 5).join(QLatin1Char('\n')));
    box->setDetailedText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setModal(false);
    box->setObjectName(QStringLiteral("traceProblems"));
    box->show();
}

void MainWindow::importDialog(bool ontoCurrentBoard)
{
    const QString path = QFileDialog::getOpenFileName(this,
        ontoCurrentBoard ? tr("Import onto the Current Board") : tr("Import Configuration"), QString(),
        tr("Configurations (*.dts *.dtb *.txt *.cmdline *.log);;All files (*)"));
    if (!path.isEmpty() && maybeSave())
        importConfiguration(path, false, ontoCurrentBoard);
}

bool MainWindow::importConfiguration(
    const QString& path, bool quiet, bool ontoCurrentBoard, const std::vector<Bank>& memory)
{
    // Reading and importing run off the GUI thread: a DTS goes through dtc (killed after its timeout, or on
    // Cancel), and a large file takes a while to parse.
    std::optional<ImportedConfig> imported;
    // An import is a new project, as with cmascope-cli import; only when the user asked for it, the open
    // project is the base (its banks, devices and kinds; cmascope-cli import --base).
    std::optional<Platform> base;
    if (ontoCurrentBoard)
        base = m_doc->project().platform;
    if (!runJob<ImportedConfig>(
            tr("Importing %1…").arg(QFileInfo(path).fileName()),
            [path, base, memory](const Progress& progress) { return importConfigFile(path, base, memory, progress); },
            imported, quiet, tr("Cannot import")))
        return false;
    const ImportResult& result = imported->result;
    const bool kernelKept =
        imported->error.isEmpty() && !result.ok() && result.kernelKept && !quiet && askImportKernelKept(path, result);
    if (!kernelKept && (!imported->error.isEmpty() || !result.ok())) {
        m_lastError = !imported->error.isEmpty() ? imported->error : QString::fromStdString(result.errorText());
        if (!quiet && !result.kernelKept)
            QMessageBox::critical(this, tr("Cannot import"), m_lastError);
        return false;
    }
    m_lastError.clear();
    if (result.memoryMissing && !quiet) {
        // The tree says nothing of the board's DRAM: ask for it and import again (import --memory).
        if (const auto banks = askBoardMemory(path))
            return importConfiguration(path, quiet, ontoCurrentBoard, *banks);
    }
    Project project = kernelKept ? *result.kernelKept : *result.project;
    if (project.platform.name.empty())
        project.platform.name = QFileInfo(path).completeBaseName().toStdString();
    showProject(std::move(project));
    m_central->setCurrentWidget(m_mapPage);
    if (result.memoryMissing)
        statusBar()->showMessage(
            tr("Imported %1: it describes no memory, so no region can be placed. Import it again and give the "
               "board's DRAM size, or add a bank.")
                .arg(QFileInfo(path).fileName()));
    else
        statusBar()->showMessage(tr("Imported %1 (%n message(s): Messages, in the status bar, lists them)", nullptr,
                                     int(result.messages.size()))
                                     .arg(QFileInfo(path).fileName()),
            10000);
    QStringList messages;
    for (const Diagnostic& d : result.messages)
        messages << QString::fromStdString(result.source + ": " + (d.path.empty() ? "" : d.path + ": ")
            + std::string(severityName(d.severity)) + ": " + d.message);
    setFileMessages(messages);
    return true;
}

bool MainWindow::askImportKernelKept(const QString& path, const ImportResult& result)
{
    // The 2010 parsers keep what they read before an error (docs/cma2010.md#parsing-as-the-kernel-did): offer
    // that, as cmascope-cli import --as-kernel does.
    const Platform& kept = result.kernelKept->platform;
    QString errors;
    for (const Diagnostic& d : result.messages)
        if (d.severity == Severity::Error)
            errors += QString::fromStdString((d.path.empty() ? "" : d.path + ": ") + d.message) + QLatin1Char('\n');
    QMessageBox box(QMessageBox::Warning, tr("Cannot import"),
        tr("The kernel's own parser rejects part of %1:\n\n%2\nThe kernel would still boot with what it read "
           "before the error: %n region(s)",
            nullptr, int(kept.regions.size()))
                .arg(QFileInfo(path).fileName(), errors)
            + tr(" and %n map rule(s).", nullptr, int(kept.rules.size())),
        QMessageBox::Cancel, this);
    QPushButton* keep = box.addButton(tr("Import What the Kernel Keeps"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.setDetailedText(QString::fromStdString(result.errorText()));
    box.exec();
    return box.clickedButton() == keep;
}

std::optional<std::vector<Bank>> MainWindow::askBoardMemory(const QString& path)
{
    QString text = QStringLiteral("4G");
    QString problem;
    while (true) {
        bool ok = false;
        text = QInputDialog::getText(this, tr("The Board's Memory"),
            (problem.isEmpty() ? QString() : problem + QStringLiteral("\n\n"))
                + tr("%1 describes no memory: its /memory node is empty or missing,\nas when the bootloader "
                     "fills it in at boot (the Raspberry Pi 4 firmware does).\n\nThe board's DRAM, as SIZE[@BASE] "
                     "(several banks separated by commas),\ne.g. 4G or 2G@0x80000000:")
                      .arg(QFileInfo(path).fileName()),
            QLineEdit::Normal, text, &ok);
        if (!ok)
            return std::nullopt;
        auto banks = parseMemorySpec(text.trimmed().toStdString());
        if (auto* banksOk = std::get_if<std::vector<Bank>>(&banks))
            return std::move(*banksOk);
        problem = QString::fromStdString(std::get<std::string>(banks));
    }
}

void MainWindow::newProject()
{
    if (!maybeSave())
        return;
    setFileMessages({});
    Project p;
    p.platform.name = tr("New board").toStdString();
    p.platform.mapMode = MapMode::Modern;
    p.platform.banks.push_back({ "dram", 0x40000000, 1 * GiB, 0 });
    Region cma;
    cma.name = "reserved";
    cma.size = 64 * MiB;
    cma.isDefault = true;
    cma.allocRanges.push_back({ 0x40000000, 1 * GiB });
    p.platform.regions.push_back(cma);
    showProject(std::move(p));
    m_central->setCurrentWidget(m_mapPage);
}

void MainWindow::showProject(Project project, const QString& path, std::shared_ptr<const ReplayResult> replay)
{
    // A trace opens at its first failure (step 0 when none), anything else at step 0.
    const auto start = replay ? views::Document::StartAt::FirstFailure : views::Document::StartAt::FirstStep;
    showSandboxFor(replay != nullptr);
    m_compare->setReplay(replay);
    m_whatIf->setReplay(replay);
    m_doc->setProject(std::move(project), path, start, std::move(replay));
}

} // namespace cmascope::app
