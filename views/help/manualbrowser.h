// SPDX-License-Identifier: GPL-2.0-or-later
// Help > User Manual and Help > Troubleshooting: the Markdown pages of docs/ (docs/manual.md and the pages it
// links to, with their screenshots) shown in a window of their own, with back, forward and contents.
#pragma once

#include <QDialog>
#include <QString>

class QTextBrowser;
class QToolButton;

namespace cmascope::views {

class ManualBrowser : public QDialog
{
    Q_OBJECT
public:
    /// Shows @p page (e.g. "manual.md") of the documentation in @p folder.
    ManualBrowser(const QString& folder, const QString& page, QWidget* parent = nullptr);

    /// Goes to @p page of the folder (a file name, optionally with a #fragment).
    void showPage(const QString& page);
    /// The file shown (its name, e.g. "troubleshooting.md").
    QString currentPage() const;
    QTextBrowser* browser() const { return m_browser; }

    /// Where the documentation is: the installed doc folder next to the program (share/doc/cmascope), then the
    /// @p fallback folder (the source tree's docs/ for a program run from its build folder). Empty when neither
    /// holds manual.md.
    static QString documentationFolder(const QString& fallback);

protected:
    /// The page's width follows the viewport's: the images are fitted again when it changes.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// Screenshots are as wide as the window they show: each image is drawn at most as wide as the page.
    void fitImages();
    QString m_folder;
    QTextBrowser* m_browser = nullptr;
};

} // namespace cmascope::views
