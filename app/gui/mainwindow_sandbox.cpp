// SPDX-License-Identifier: GPL-2.0-or-later
// MainWindow's sandbox (docs/sandbox.md): the request bar in a toolbar above the map, toggled by the checkable
// Simulation › Sandbox action. It is shown for projects (unless the user turned it off: remembered) and hidden
// for a replayed kernel trace, whose recorded steps the sandbox does not edit.
#include "mainwindow.h"
#include "map/memorymapwidget.h"
#include "sandbox/sandboxbar.h"

#include <QAction>
#include <QSettings>
#include <QToolBar>

namespace cmascope::app {

namespace {
const QString kSandboxKey = QStringLiteral("sandbox/shown");
} // namespace

void MainWindow::createSandbox()
{
    m_sandbox = new views::SandboxBar(m_doc, m_map, this);
    m_sandbox->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_sandboxToolBar = new QToolBar(tr("Sandbox"), this);
    m_sandboxToolBar->setObjectName(QStringLiteral("sandboxToolBar"));
    m_sandboxToolBar->addWidget(m_sandbox);
    addToolBar(Qt::TopToolBarArea, m_sandboxToolBar);
    QAction* toggle = m_sandboxToolBar->toggleViewAction();
    toggle->setText(tr("&Sandbox"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    toggle->setStatusTip(tr("Allocate or free on the live map: each action inserts a step after the current one"));
    connect(toggle, &QAction::toggled, this, [this](bool on) {
        m_sandbox->setActive(on);
        if (!m_sandboxHiddenForTrace)
            QSettings().setValue(kSandboxKey, on);
    });
    m_sandbox->setActive(!m_sandboxToolBar->isHidden());
}

void MainWindow::showSandboxFor(bool trace)
{
    m_sandboxHiddenForTrace = trace;
    const bool shown = !trace && QSettings().value(kSandboxKey, true).toBool();
    m_sandboxToolBar->setVisible(shown);
    m_sandbox->setActive(shown);
}

} // namespace cmascope::app
