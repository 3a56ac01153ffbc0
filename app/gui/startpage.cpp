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
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->setHorizontalSpacing(32);
    auto* title = new QLabel(tr("<h2>cmascope</h2><p>Plan, replay and explain Linux contiguous memory (CMA) "
                                "regions.</p>"),
        this);
    layout->addWidget(title, 0, 0, 1, 2);

    layout->addWidget(new QLabel(tr("<b>Built-in demos</b>"), this), 1, 0);
    m_demos = new QListWidget(this);
    m_demos->setWordWrap(true);
    m_demos->setSpacing(4);
    for (const auto& demo : builtInDemos()) {
        auto* item = new QListWidgetItem(
            demo.title + QStringLiteral("\n") + demo.description.section(QLatin1Char('.'), 0, 0) + QLatin1Char('.'));
        item->setToolTip(demo.description);
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
