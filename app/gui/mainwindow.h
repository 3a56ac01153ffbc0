// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cmascope/model/project.h>

#include <QMainWindow>

#include <memory>
#include <optional>

class QComboBox;
class QDockWidget;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QShortcut;
class QStackedWidget;
class QTableView;
class QToolBar;
class QToolButton;

namespace cmascope {
struct FollowSourceSpec;
struct ImportResult;
struct ReplayFileResult;
struct ReplayInputs;
struct ReplayResult;
} // namespace cmascope

namespace cmascope::views {
template <typename T> struct JobResult;
struct FollowInputs;
class FollowSession;
class ChartsPanel;
class Document;
class JobTracker;
class PlatformEditor;
class PlannerPanel;
class SandboxBar;
class ScenarioPanel;
class FailureInspector;
class LessonPanel;
class CaptionBand;
class PredictPanel;
class MemoryMapWidget;
class MapOverview;
class StepFilterProxy;
class StepTableModel;
class StepBookmarks;
class LogFinder;
class TimelineWidget;
class WhatIfPanel;
class ComparePanel;
class TracePairDialog;
class TraceBanner;
} // namespace cmascope::views

namespace cmascope::app {

class StartPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a project file or a built-in demo (":/demos/..."). Returns false and reports the error
    /// (message box unless @p quiet) when the file cannot be used; the current project stays.
    bool openProject(const QString& path, bool quiet = false);
    /// Saves to @p path atomically; false with the error reported (message box unless @p quiet).
    bool saveProjectAs(const QString& path, bool quiet = false);

    const Project& project() const;
    QString projectPath() const;
    views::Document* document() const { return m_doc; }
    views::MemoryMapWidget* memoryMap() const { return m_map; }
    views::MapOverview* mapOverview() const { return m_overview; }
    views::TimelineWidget* timeline() const { return m_timeline; }
    views::FailureInspector* inspector() const { return m_inspector; }
    /// The Lesson panel (docs/lessons.md) and its dock, shown when the open scenario has a lesson.
    views::LessonPanel* lessonPanel() const { return m_lesson; }
    QDockWidget* lessonDock() const { return m_lessonDock; }
    /// Presentation mode (View › Presentation Mode, F5; docs/teaching.md#presenting): full screen, the map and
    /// the timeline alone in large type, the caption under the map; Page Down / Right step on, Esc leaves.
    void setPresenting(bool on);
    bool isPresenting() const { return m_presenting; }
    views::CaptionBand* caption() const { return m_caption; }
    /// Predict, then reveal (docs/teaching.md#predict-then-reveal): its panel and dock, tabbed with the Lesson's;
    /// the top-level Teach menu (created on first use; mainwindow_predict.cpp).
    views::PredictPanel* predictPanel() const { return m_predict; }
    QDockWidget* predictDock() const { return m_predictDock; }
    QMenu* teachMenu();
    QTableView* eventLog() const { return m_log; }
    views::StepBookmarks* bookmarks() const { return m_bookmarks; }
    QLineEdit* findField() const { return m_findText; }
    QString lastError() const { return m_lastError; }
    /// The malformed lines of the trace shown ("file:line: message"); empty for a clean trace or a project.
    QStringList traceProblems() const { return m_traceProblems; }
    /// Every message of the file last opened or imported — a project's load warnings, an import's notes and
    /// warnings, a trace's malformed lines — one per line, naming the file and the place; all of them are kept and
    /// the status bar's Messages button lists them (mainwindow_messages.cpp). Empty for a clean file.
    QStringList fileMessages() const { return m_fileMessages; }
    /// Lists fileMessages() in a window of their own (the status bar's Messages button).
    void showFileMessages();
    /// Help › User Manual (F1) and Help › Troubleshooting: @p page of the documentation in the manual window
    /// (views/help/manualbrowser.h); a message with the online manual when no documentation is installed.
    void showManual(const QString& page = QStringLiteral("manual.md"));
    /// Help › Keyboard Shortcuts: every menu shortcut and pane key (views/help/shortcutsdialog.h).
    void showShortcuts();
    /// Shows the start page (demos, recent files) instead of the map.
    void showStartPage();
    bool isStartPageShown() const;
    StartPage* startPage() const { return m_startPage; }
    /// Starts an empty project (one bank, one default CMA area, no scenario).
    void newProject();
    /// Replays a kernel trace in the background (progress, Cancel) and shows it as an untitled project.
    /// A dmesg*.txt beside the trace gives the areas' geometry. With @p wait, returns when it has loaded.
    /// @p debugfsDir: a debugfs cma area directory (or folder of them) to seed the replay from (late starts,
    /// docs/late-start.md).
    void openTrace(const QString& path, bool wait = false, const QString& debugfsDir = {});
    /// The message bar above the map for a late-start trace (docs/late-start.md).
    views::TraceBanner* traceBanner() const { return m_traceBanner; }
    /// Replays the shown trace again seeded from @p debugfsDir (the bar's "Seed from debugfs Snapshot…").
    void reopenTraceSeeded(const QString& debugfsDir, bool wait = false);
    /// Checks the shown trace against the snapshots in @p dir (the bar's "Check Snapshots…").
    void checkTraceSnapshots(const QString& dir, bool wait = false);
    /// Reads a /sys/kernel/debug/page_owner dump for the failure inspector (docs/evidence-imports.md); false
    /// (lastError() set, a message box unless @p quiet) when it cannot be read.
    bool addPageOwnerDump(const QString& path, bool quiet = false);
    /// Opens whatever @p path is: a project, a configuration to import, or a kernel trace (with @p wait,
    /// returns when a trace has been replayed).
    void openAny(const QString& path, bool wait = false);
    /// Imports a command line, device tree (DTS/DTB), /proc/iomem, dmesg or 2010 map file as a new project,
    /// like `cmascope-cli import`. With @p ontoCurrentBoard the open project is the base (`import --base`):
    /// formats without a memory layout take its banks, devices and kinds.
    /// A device tree that describes no memory (a bootloader fills /memory in) asks for the board's DRAM
    /// (SIZE[@BASE]) and is imported again with it; @p memory gives it up front (`import --memory`).
    bool importConfiguration(
        const QString& path, bool quiet = false, bool ontoCurrentBoard = false, const std::vector<Bank>& memory = {});
    /// Writes the event log as shown (filtered, sorted) as CSV; an error text on failure.
    /// Formats and writes off the GUI thread (progress, Cancel); returns when done.
    QString writeEventLogCsv(const QString& path);
    views::ChartsPanel* charts() const { return m_charts; }
    views::PlatformEditor* platformEditor() const { return m_editor; }
    views::ScenarioPanel* scenarioPanel() const { return m_scenarios; }
    views::PlannerPanel* plannerPanel() const { return m_planner; }
    views::WhatIfPanel* whatIfPanel() const { return m_whatIf; }
    views::SandboxBar* sandboxBar() const { return m_sandbox; }
    /// The toolbar holding the sandbox bar; its toggleViewAction() is Simulation › Sandbox.
    QToolBar* sandboxToolBar() const { return m_sandboxToolBar; }
    views::ComparePanel* comparePanel() const { return m_compare; }
    /// File > Compare with Another Trace…: compares the trace shown with @p path in the trace-pair dialog
    /// (docs/time-and-latency.md), which it shows and returns (null when no trace is shown).
    views::TracePairDialog* compareWithTrace(const QString& path);
    views::TracePairDialog* tracePairDialog() const { return m_tracePair; }

    /// Recently opened files, most recent first (QSettings "recentFiles").
    static QStringList recentFiles();

    // Following a live trace (mainwindow_follow.cpp, docs/following.md)
    /// Follows @p spec (a file being written, a FIFO, "-", or a command): the map, the event log and the timeline
    /// grow as batches arrive; at the end of input the replay is shown as File › Open Trace shows it. False
    /// (lastError() set, a message box unless @p quiet) when the source or the inputs cannot be used.
    bool followTrace(const FollowSourceSpec& spec, const views::FollowInputs& inputs, bool quiet = false);
    /// The follow under way (null when none).
    views::FollowSession* followSession() const { return m_follow; }
    /// File › Follow the Latest Step: on, each batch makes the newest step the current one; off, it stays.
    QAction* followLatestAction() const { return m_followLatest; }
    /// Ends the follow as the end of input would (File › Stop Following).
    void stopFollowing();
    /// The status line's text while following (and after: what was followed, how many events came).
    QString followStatus() const { return m_followStatus; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private Q_SLOTS:
    void openFile();
    void openTraceDialog();
    void compareTraceDialog(); ///< asks for trace B (mainwindow_time.cpp)
    void importDialog(bool ontoCurrentBoard);
    void exportConfigurationDialog(int format);
    /// Exports @p project (the open one, or the planner's plan) in @p format to a file the user picks.
    void exportProjectDialog(const Project& project, int format, const QString& title);
    void exportMapImage();
    void exportChartImage();
    void exportEventLogCsv();
    bool save();
    bool saveAs();
    void about();
    void followDialog();

private:
    /// Asks for the DRAM of a board whose device tree describes none; nullopt when the user cancels.
    std::optional<std::vector<Bank>> askBoardMemory(const QString& path);
    bool askImportKernelKept(const QString& path, const ImportResult& result);
    /// View > Time Axis (mainwindow_time.cpp, docs/time-and-latency.md).
    void addTimeAxisAction(QMenu* menu);
    // Construction (mainwindow.cpp): the map and the start page, the status bar, the document's signals.
    void createCentralPages();
    void createStatusBar();
    void connectDocument();
    // The docks (mainwindow_docks.cpp, the event log's in mainwindow_eventlog.cpp).
    void createDocks();
    QDockWidget* createTimelineDock();
    QDockWidget* createEventLogDock();
    /// The event log's filter bar: text, outcome, device and region.
    QHBoxLayout* createFilterBar(QWidget* pane);
    /// The event log follows its filters and shares the current step with every view.
    void connectEventLog();
    void rebuildScenarioChooser();
    // Find and bookmarks over the event log (mainwindow_logsearch.cpp).
    void createLogSearch();
    void createGoMenu();
    /// Makes the next (previous) shown row containing the find text the current step; its step, or -1.
    /// Without text: the next (previous) failure, as F3 always did.
    int findInLog(bool forward);
    void goToBookmark(bool forward);
    void rebuildBookmarkMenu(QMenu* menu);
    /// Columns, header and filter choices for a trace (tasks, busy, causes) or a project.
    void applyTraceColumns();
    /// Charts and what-if, tabbed with the event log.
    void createAnalysisDocks();
    /// Legend, failure inspector and platform editor, on the right.
    void createSideDocks();
    /// The Lesson dock, tabbed with the failure inspector; shown and raised for a scenario with a lesson.
    void createLessonDock();
    // Presentation mode (mainwindow_present.cpp).
    void createPresentation(QMenu* view);
    /// The Predict dock, tabbed with the Lesson dock, hidden until Teach › Predict, Then Reveal shows it.
    void createPredictDock();
    /// The Teach menu's actions (after the other menus, before Help).
    void createTeachActions();
    // The sandbox's request bar above the map (mainwindow_sandbox.cpp).
    void createSandbox();
    /// Shown for a project (unless turned off), hidden for a replayed trace (@p trace).
    void showSandboxFor(bool trace);
    // The menus (mainwindow_actions.cpp; Help in mainwindow_help.cpp).
    void createActions();
    void createHelpMenu();
    void createFileMenu();
    void addDemoMenu(QMenu* file);
    void addExportMenu(QMenu* file);
    void createEditMenu();
    void createViewMenu();
    void addAxisModeMenu(QMenu* view);
    void createSimulationMenu();
    void updateTitle();
    void updateSummary();
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    void rebuildFilterChoices();
    bool maybeSave();
    /// Selects the current step in the event log (scrolled into view) and its chunk on the map.
    void followCurrentStep();
    /// Dock sizes for the window's size, when no saved layout was restored (first show).
    void applyDefaultDockSizes();
    /// Sizes the event log's columns to their header and (sampled) contents; Label takes the rest.
    void fitEventLogColumns();
    /// Every project the window shows comes through here; @p replay is the trace it was replayed from, if any.
    void showProject(Project project, const QString& path = {}, std::shared_ptr<const ReplayResult> replay = {});

    /// Restores the layout, colouring, map window, scenario and step saved in a project's "view".
    void applyViewState(const QString& json);
    /// The view state saveProjectAs() keeps with the project: where the user was and how the map looked.
    std::string viewStateJson() const;
    /// Shows a replayed trace (or says why not): the end of openTrace()'s job.
    void showReplayedTrace(const QString& path, views::JobResult<ReplayFileResult> loaded);
    void showTraceProblems(const QString& path, const ReplayResult& result);
    /// Keeps @p messages as fileMessages() and shows or hides the status bar's Messages button.
    void setFileMessages(const QStringList& messages);
    // mainwindow_trace.cpp: late starts and checks against snapshots (docs/late-start.md)
    QWidget* wrapWithTraceBanner(QWidget* central);
    void replayTraceWithSnapshotDialog();
    void seedTraceDialog();
    void checkSnapshotsDialog();
    bool addDebugfsInputs(ReplayInputs& inputs, const QString& dir);
    // mainwindow_follow.cpp (docs/following.md)
    void addFollowActions(QMenu* file);
    void onFollowBatch();
    void onFollowFinished();
    void showFollowStatus(const QString& state);
    // mainwindow_evidence.cpp (docs/evidence-imports.md)
    void addPageOwnerDialog();
    /// Runs @p work (work(const Progress&) -> T) off the GUI thread as a file job and waits for it with the
    /// event loop running; false (m_lastError set; a message box titled @p title unless @p quiet) when busy,
    /// cancelled or failed.
    template <typename T, typename Work>
    bool runJob(const QString& text, Work work, std::optional<T>& result, bool quiet, const QString& title);
    void showProgress(int done, int total);
    void updateBusy(); ///< the progress bar and Cancel show while the run or a file job runs

    views::Document* m_doc = nullptr;
    QString m_lastError;
    QStringList m_traceProblems;
    views::MemoryMapWidget* m_map = nullptr;
    views::MapOverview* m_overview = nullptr; ///< above the map (docs/memory-map.md)
    QWidget* m_mapPage = nullptr; ///< the overview and the map
    views::ChartsPanel* m_charts = nullptr;
    views::PlatformEditor* m_editor = nullptr;
    views::ScenarioPanel* m_scenarios = nullptr;
    views::PlannerPanel* m_planner = nullptr;
    QDockWidget* m_logDock = nullptr;
    QDockWidget* m_rightDock = nullptr; ///< the failure inspector, tabbed with the platform editor
    QDockWidget* m_legendDock = nullptr;
    bool m_layoutRestored = false; ///< the saved dock layout was restored
    bool m_defaultDockSizes = false; ///< applyDefaultDockSizes() ran
    bool m_followingStep = false; ///< followCurrentStep() is moving the event log's selection
    views::JobTracker* m_fileJobs = nullptr; ///< open, save, import, replay, export: one at a time
    QStackedWidget* m_central = nullptr;
    StartPage* m_startPage = nullptr;
    views::TimelineWidget* m_timeline = nullptr;
    views::FailureInspector* m_inspector = nullptr;
    views::LessonPanel* m_lesson = nullptr;
    QDockWidget* m_lessonDock = nullptr; ///< tabbed with the failure inspector, raised for a lesson
    views::CaptionBand* m_caption = nullptr; ///< under the map while presenting
    QAction* m_presentAction = nullptr;
    QList<QShortcut*> m_presentKeys; ///< stepping and Esc, enabled only while presenting
    QByteArray m_presentLayout; ///< the docks and toolbars to put back when presenting ends
    Qt::WindowStates m_presentWindowState;
    bool m_presenting = false;
    views::PredictPanel* m_predict = nullptr;
    QDockWidget* m_predictDock = nullptr; ///< tabbed with the Lesson dock
    QMenu* m_teachMenu = nullptr; ///< teachMenu()
    views::WhatIfPanel* m_whatIf = nullptr;
    QDockWidget* m_whatIfDock = nullptr;
    views::ComparePanel* m_compare = nullptr; ///< docs/compare.md
    QDockWidget* m_compareDock = nullptr;
    views::StepTableModel* m_stepModel = nullptr;
    views::StepFilterProxy* m_stepProxy = nullptr;
    QTableView* m_log = nullptr;
    QLineEdit* m_filterText = nullptr;
    QLineEdit* m_findText = nullptr; ///< find next (Ctrl+F, F3)
    views::StepBookmarks* m_bookmarks = nullptr;
    views::LogFinder* m_finder = nullptr;
    QComboBox* m_filterOutcome = nullptr;
    QComboBox* m_filterDevice = nullptr;
    QComboBox* m_filterRegion = nullptr;
    QComboBox* m_scenarioChooser = nullptr; ///< in the event log's filter bar
    QLabel* m_summaryLabel = nullptr;
    QLabel* m_hoverLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    QToolButton* m_messagesButton = nullptr; ///< "3 messages": the file's messages (showFileMessages())
    QStringList m_fileMessages;
    QMenu* m_demoMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    views::SandboxBar* m_sandbox = nullptr;
    QToolBar* m_sandboxToolBar = nullptr;
    bool m_sandboxHiddenForTrace = false; ///< a trace hid the sandbox: not the user's choice to remember
    views::TracePairDialog* m_tracePair = nullptr; ///< created on first use
    views::TraceBanner* m_traceBanner = nullptr;
    QString m_tracePath, m_traceDebugfs; ///< the shown trace and the debugfs directory it was seeded from
    views::FollowSession* m_follow = nullptr; ///< the follow under way
    QAction* m_followLatest = nullptr;
    QAction* m_stopFollowing = nullptr;
    std::size_t m_liveAreas = 0; ///< areas of the live run shown (a new one restarts it)
    /// With a multi-range area met: the live steps with their later ranges' regions numbered (numberedRegion()).
    std::optional<Scenario> m_liveNumbered;
    bool m_followDropped = false; ///< another document or an edit replaced the live run: its end is not shown
    QString m_followStatus;
};

} // namespace cmascope::app
