// SPDX-License-Identifier: GPL-2.0-or-later
#include "startpage.h"

#include "demos.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>

namespace cmascope::app {

StartPage::StartPage(QWidget* parent)
    : QWidget(parent)
{
    // Compact, so that every demo shows without scrolling in the central area left by the docks, even at
    // 1366x768: one line per demo (its title; the story in the tooltip), flowing into columns when short.
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(16, 8, 16, 8);
    layout->setHorizontalSpacing(24);
    layout->setVerticalSpacing(4);
    auto* title = new QLabel(tr("<b>cmascope</b> &mdash; plan, replay and explain Linux contiguous memory (CMA) "
                                "regions."),
        this);
    layout->addWidget(title, 0, 0, 1, 2);

    layout->addWidget(
        new QLabel(tr("<b>Built-in demos</b> (double-click to open; each carries a lesson)"), this), 1, 0);
    m_demos = new QListWidget(this);
    m_demos->setFlow(QListView::TopToBottom);
    m_demos->setWrapping(true);
    m_demos->setResizeMode(QListView::Adjust);
    m_demos->setTextElideMode(Qt::ElideRight);
    m_demos->setSpacing(1);
    for (const auto& demo : builtInDemos()) {
        auto* item = new QListWidgetItem(demo.title);
        item->setToolTip(demo.board + QStringLiteral(": ") + demo.description);
        item->setStatusTip(demo.description.section(QLatin1Char('.'), 0, 0) + QLatin1Char('.'));
        item->setData(Qt::UserRole, demo.resourcePath);
        m_demos->addItem(item);
    }
    layout->addWidget(m_demos, 2, 0);
    layout->addWidget(new QLabel(tr("<b>Recent files</b>"), this), 1, 1);
    m_recent = new QListWidget(this);
    layout->addWidget(m_recent, 2, 1);

    auto* buttons = new QHBoxLayout;
    auto* open = new QPushButton(tr("Open Project…"), this);
    auto* fresh = new QPushButton(tr("New Project"), this);
    buttons->addWidget(open);
    buttons->addWidget(fresh);
    buttons->addStretch(1);
    layout->addLayout(buttons, 3, 0, 1, 2);
    layout->setColumnStretch(0, 3);
    layout->setColumnStretch(1, 2);

    auto activate = [this](QListWidgetItem* item) {
        const QString path = item->data(Qt::UserRole).toString();
        if (!path.isEmpty())
            Q_EMIT openRequested(path);
    };
    connect(m_demos, &QListWidget::itemActivated, this, activate);
    connect(m_recent, &QListWidget::itemActivated, this, activate);
    connect(open, &QPushButton::clicked, this, &StartPage::openFileRequested);
    connect(fresh, &QPushButton::clicked, this, &StartPage::newRequested);
}

void StartPage::setRecentFiles(const QStringList& files)
{
    m_recent->clear();
    for (const auto& f : files) {
        auto* item = new QListWidgetItem(QFileInfo(f).fileName() + QStringLiteral("\n") + f);
        item->setData(Qt::UserRole, f);
        item->setToolTip(f);
        m_recent->addItem(item);
    }
    if (files.isEmpty()) {
        auto* item = new QListWidgetItem(tr("No recent files yet."));
        item->setFlags(Qt::NoItemFlags);
        m_recent->addItem(item);
    }
}

} // namespace cmascope::app
