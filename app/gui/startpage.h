// SPDX-License-Identifier: GPL-2.0-or-later
// The start page: the built-in demos (one line each, the story in the tooltip), recent files, and open/new buttons.
#pragma once

#include <QWidget>

class QListWidget;

namespace cmascope::app {

class StartPage : public QWidget
{
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);
    /// Refreshes the recent-files list.
    void setRecentFiles(const QStringList& files);
    QListWidget* demoList() const { return m_demos; }
    QListWidget* recentList() const { return m_recent; }

Q_SIGNALS:
    void openRequested(const QString& path); ///< a demo (":/demos/...") or a recent file
    void openFileRequested(); ///< "Open project…"
    void newRequested(); ///< "New project"

private:
    QListWidget* m_demos = nullptr;
    QListWidget* m_recent = nullptr;
};

} // namespace cmascope::app
