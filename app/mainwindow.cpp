// SPDX-License-Identifier: GPL-2.0-or-later
#include "mainwindow.h"

#include "demos.h"

#include <cmascope/placement.h>
#include <cmascope/version.h>

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

#include <views/mapcontent.h>
#include <views/memorymapwidget.h>

namespace cmascope::app {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    m_map = new views::MemoryMapWidget(this);
    setCentralWidget(m_map);
    m_summaryLabel = new QLabel(this);
    m_hoverLabel = new QLabel(this);
    statusBar()->addWidget(m_hoverLabel, 1);
    statusBar()->addPermanentWidget(m_summaryLabel);
    connect(m_map, &views::MemoryMapWidget::hoveredAddressChanged, this, [this](quint64, const QString& description) {
        m_hoverLabel->setText(description.section(QLatin1Char('\n'), 0, 0));
    });
    createActions();
    resize(1100, 560);
    updateTitle();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Project…"), this, &MainWindow::openFile);
    open->setShortcut(QKeySequence::Open);
    m_demoMenu = file->addMenu(tr("Open &Demo"));
    for (const auto& demo : builtInDemos()) {
        QAction* a = m_demoMenu->addAction(demo.title);
        a->setToolTip(demo.description);
        const QString path = demo.resourcePath;
        connect(a, &QAction::triggered, this, [this, path] { openProject(path); });
    }
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = view->addAction(tr("Zoom &In"), m_map, &views::MemoryMapWidget::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), m_map, &views::MemoryMapWidget::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* fit = view->addAction(tr("&Fit All"), m_map, &views::MemoryMapWidget::fitAll);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About cmascope"), this, &MainWindow::about);
}

bool MainWindow::openProject(const QString& path, bool quiet)
{
    QString ioError;
    const QByteArray data = readAll(path, &ioError);
    ProjectLoadResult result;
    if (!ioError.isEmpty()) {
        m_lastError = ioError;
    } else {
        result = parseProject(std::string_view(data.constData(), std::size_t(data.size())));
        if (!result.ok())
            m_lastError =
                QFileInfo(path).fileName() + QStringLiteral(":\n") + QString::fromStdString(result.errorText());
    }
    if (!ioError.isEmpty() || !result.ok()) {
        if (!quiet)
            QMessageBox::critical(this, tr("Cannot open project"), m_lastError);
        statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 8000);
        return false;
    }
    m_lastError.clear();
    m_project = std::move(*result.project);
    m_path = path;
    showProject();
    updateTitle();
    return true;
}

void MainWindow::showProject()
{
    // Place the regions the way the kernel reserves them at boot, then run the first scenario and show
    // its final state. (Stepping through it is the timeline's job.)
    Platform placed = m_project.platform;
    const auto placement = placeRegions(placed);
    QStringList problems;
    for (const auto& rp : placement.regions)
        if (!rp.base && rp.size)
            problems << QString::fromStdString(rp.message);
    views::MapContent content = views::MapContent::fromPlatform(placed);
    m_simulation.reset();
    if (!m_project.scenarios.empty()) {
        auto created = Simulation::create(placed, m_project.scenarios.front());
        if (auto* sim = std::get_if<Simulation>(&created)) {
            sim->run();
            m_simulation = std::make_unique<Simulation>(std::move(*sim));
            content =
                views::MapContent::fromSimulation(*m_simulation, m_simulation->stateAt(m_simulation->stepCount()));
        } else {
            problems << QString::fromStdString(std::get<std::string>(created));
        }
    }
    const auto& pf = m_project.platform;
    m_summaryLabel->setText(tr("%n bank(s)", nullptr, int(pf.banks.size())) + QStringLiteral(" · ")
        + tr("%n region(s)", nullptr, int(pf.regions.size())) + QStringLiteral(" · ")
        + tr("%n device(s)", nullptr, int(pf.devices.size())));
    if (m_simulation) {
        const auto summary = m_simulation->summary();
        m_summaryLabel->setText(m_summaryLabel->text() + QStringLiteral(" · ")
            + tr("%1 steps, %2 requests, %3 failed").arg(summary.steps).arg(summary.allocations).arg(summary.failures));
    }
    if (!problems.isEmpty())
        statusBar()->showMessage(problems.join(QStringLiteral("; ")), 15000);
    m_map->setContent(std::move(content));
}

void MainWindow::updateTitle()
{
    const QString name =
        m_project.platform.name.empty() ? tr("Untitled") : QString::fromStdString(m_project.platform.name);
    setWindowTitle(QStringLiteral("%1[*] — cmascope").arg(name));
}

void MainWindow::openFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Project"), QString(), tr("cmascope projects (*.json *.cmascope);;All files (*)"));
    if (!path.isEmpty())
        openProject(path);
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About cmascope"),
        tr("<h3>cmascope %1</h3><p>Plan, replay and explain Linux contiguous memory (CMA) regions.</p>")
            .arg(QString::fromLatin1(kVersion)));
}

} // namespace cmascope::app
