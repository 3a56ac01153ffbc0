// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's File > Export: the configuration in the kernel's and other formats, and the map and chart as
// images (the event log's CSV export is in mainwindow_eventlog.cpp).
#include "charts/chartspanel.h"
#include "common/document.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"

#include <cmascope/config/configio.h>

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

namespace cmascope::app {

void MainWindow::exportConfigurationDialog(int formatValue)
{
    exportProjectDialog(m_doc->project(), formatValue, tr("Export"));
}

void MainWindow::exportProjectDialog(const Project& project, int formatValue, const QString& title)
{
    const auto format = ConfigFormat(formatValue);
    const ExportResult r = exportConfig(project, format);
    if (!r.ok()) {
        QMessageBox::warning(this, tr("Cannot export"), QString::fromStdString(r.error));
        return;
    }
    const QString suffix = format == ConfigFormat::Dts ? QStringLiteral(".dts")
        : format == ConfigFormat::Json                 ? QStringLiteral(".json")
                                                       : QStringLiteral(".txt");
    const QString path = QFileDialog::getSaveFileName(this, title,
        QString::fromStdString(project.platform.name).replace(QLatin1Char(' '), QLatin1Char('-')) + suffix);
    if (path.isEmpty())
        return;
    if (const auto err = writeFileAtomically(path.toStdString(), r.text)) {
        QMessageBox::critical(this, tr("Cannot export"), QString::fromStdString(*err));
        return;
    }
    QString message = tr("Exported %1").arg(QFileInfo(path).fileName());
    if (!r.notes.empty()) {
        QStringList notes;
        for (const auto& n : r.notes)
            notes << QString::fromStdString(n);
        QMessageBox::information(this, tr("Exported with notes"), notes.join(QLatin1Char('\n')));
    }
    statusBar()->showMessage(message, 8000);
}

void MainWindow::exportMapImage()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Map Image"), QStringLiteral("memory-map.png"), tr("Images (*.png *.svg)"));
    if (!path.isEmpty() && !m_map->exportImage(path))
        QMessageBox::critical(this, tr("Cannot export"), tr("%1 could not be written.").arg(path));
}

void MainWindow::exportChartImage()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Chart Image"), QStringLiteral("chart.png"), tr("Images (*.png *.svg)"));
    if (!path.isEmpty() && !m_charts->exportImage(path))
        QMessageBox::critical(this, tr("Cannot export"), tr("%1 could not be written.").arg(path));
}

} // namespace cmascope::app
