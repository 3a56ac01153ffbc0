// SPDX-License-Identifier: GPL-2.0-or-later
// Presentation mode (docs/teaching.md#presenting): the map and the timeline alone, full screen, in large type,
// with the current step's note and narration in a caption under the map.
#include "lesson/captionband.h"
#include "mainwindow.h"
#include "map/memorymapwidget.h"
#include "timeline/timelinewidget.h"

#include <QAction>
#include <QDockWidget>
#include <QLayout>
#include <QMenu>
#include <QShortcut>
#include <QStackedWidget>
#include <QToolBar>

namespace cmascope::app {

namespace {
constexpr double kMapFontScale = 1.5; ///< the map's labels, against the application font
constexpr double kTimelineFontScale = 1.2; ///< the timeline's controls: larger, yet one row at 1366 px

QFont scaledFont(const QFont& font, double scale)
{
    QFont f = font;
    f.setPointSizeF(font.pointSizeF() * scale);
    return f;
}
} // namespace

void MainWindow::createPresentation(QMenu* view)
{
    m_caption = new views::CaptionBand(m_doc, m_mapPage);
    m_mapPage->layout()->addWidget(m_caption);
    m_presentAction = view->addAction(tr("&Presentation Mode"));
    m_presentAction->setCheckable(true);
    m_presentAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_presentAction->setToolTip(
        tr("Full screen, the map and the timeline in large type, with each step's note and narration under the map"));
    connect(m_presentAction, &QAction::toggled, this, &MainWindow::setPresenting);
    // A presenter's remote sends Page Down / Page Up; the arrows do the same on a keyboard.
    const auto addKey = [this](QKeySequence key, auto slot) {
        auto* shortcut = new QShortcut(key, this);
        shortcut->setEnabled(false);
        connect(shortcut, &QShortcut::activated, m_timeline, slot);
        m_presentKeys.push_back(shortcut);
    };
    for (const auto key : { Qt::Key_PageDown, Qt::Key_Right, Qt::Key_Down })
        addKey(QKeySequence(key), &views::TimelineWidget::stepForward);
    for (const auto key : { Qt::Key_PageUp, Qt::Key_Left, Qt::Key_Up })
        addKey(QKeySequence(key), &views::TimelineWidget::stepBack);
    auto* leave = new QShortcut(QKeySequence(Qt::Key_Escape), this);
    leave->setEnabled(false);
    connect(leave, &QShortcut::activated, this, [this] { setPresenting(false); });
    m_presentKeys.push_back(leave);
}

void MainWindow::setPresenting(bool on)
{
    if (on == m_presenting)
        return;
    m_presenting = on;
    m_presentAction->setChecked(on);
    for (QShortcut* key : m_presentKeys)
        key->setEnabled(on);
    if (on) {
        m_presentLayout = saveState();
        m_presentWindowState = windowState();
        for (QDockWidget* dock : findChildren<QDockWidget*>())
            dock->setVisible(dock->widget() == m_timeline);
        for (QToolBar* bar : findChildren<QToolBar*>())
            bar->hide();
        m_mapPage->setFont(scaledFont(font(), kMapFontScale));
        m_timeline->setFont(scaledFont(font(), kTimelineFontScale));
        m_central->setCurrentWidget(m_mapPage);
        showFullScreen();
        m_caption->show();
        m_map->setFocus();
    } else {
        m_caption->hide();
        m_mapPage->setFont(QFont());
        m_timeline->setFont(QFont());
        setWindowState(m_presentWindowState);
        restoreState(m_presentLayout);
    }
}

} // namespace cmascope::app
