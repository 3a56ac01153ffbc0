// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cmascope/project.h>
#include <cmascope/simulator.h>

#include <QMainWindow>

#include <memory>

class QLabel;
class QMenu;

namespace cmascope::views {
class MemoryMapWidget;
}

namespace cmascope::app {

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    /// Opens a project file or a built-in demo (":/demos/..."). Returns false and reports the
    /// error (message box unless @p quiet) when the file cannot be used; the current project stays.
    bool openProject(const QString& path, bool quiet = false);

    const Project& project() const { return m_project; }
    QString projectPath() const { return m_path; }
    views::MemoryMapWidget* memoryMap() const { return m_map; }
    QString lastError() const { return m_lastError; }
    /// The run of the project's first scenario, if it has one.
    const Simulation* simulation() const { return m_simulation.get(); }

private Q_SLOTS:
    void openFile();
    void about();

private:
    void createActions();
    void showProject();
    void updateTitle();

    Project m_project;
    std::unique_ptr<Simulation> m_simulation;
    QString m_path;
    QString m_lastError;
    views::MemoryMapWidget* m_map = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QLabel* m_hoverLabel = nullptr;
    QMenu* m_demoMenu = nullptr;
};

} // namespace cmascope::app
