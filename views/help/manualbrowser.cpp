// SPDX-License-Identifier: GPL-2.0-or-later
#include "help/manualbrowser.h"

#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace cmascope::views {

ManualBrowser::ManualBrowser(const QString& folder, const QString& page, QWidget* parent)
    : QDialog(parent)
    , m_folder(folder)
{
    setWindowTitle(tr("cmascope Manual"));
    setObjectName(QStringLiteral("manualBrowser"));
    m_browser = new QTextBrowser(this);
    m_browser->setSearchPaths({ folder });
    m_browser->setOpenLinks(true);
    m_browser->setOpenExternalLinks(true); // web links go to the desktop's browser
    auto* back = new QToolButton(this);
    back->setText(tr("Back"));
    back->setToolTip(tr("Go back to the page shown before (Alt+Left)"));
    back->setShortcut(QKeySequence::Back);
    auto* forward = new QToolButton(this);
    forward->setText(tr("Forward"));
    forward->setToolTip(tr("Go forward again (Alt+Right)"));
    forward->setShortcut(QKeySequence::Forward);
    auto* contents = new QToolButton(this);
    contents->setText(tr("Contents"));
    contents->setToolTip(tr("The manual's first page, with its table of contents"));
    auto* troubleshooting = new QToolButton(this);
    troubleshooting->setText(tr("Troubleshooting"));
    troubleshooting->setToolTip(tr("What each failure cause and error means, and what to change"));
    connect(back, &QToolButton::clicked, m_browser, &QTextBrowser::backward);
    connect(forward, &QToolButton::clicked, m_browser, &QTextBrowser::forward);
    connect(m_browser, &QTextBrowser::backwardAvailable, back, &QToolButton::setEnabled);
    connect(m_browser, &QTextBrowser::forwardAvailable, forward, &QToolButton::setEnabled);
    connect(contents, &QToolButton::clicked, this, [this] { showPage(QStringLiteral("manual.md")); });
    connect(troubleshooting, &QToolButton::clicked, this, [this] { showPage(QStringLiteral("troubleshooting.md")); });
    back->setEnabled(false);
    forward->setEnabled(false);
    connect(m_browser, &QTextBrowser::sourceChanged, this, &ManualBrowser::fitImages);
    m_browser->viewport()->installEventFilter(this);

    auto* bar = new QHBoxLayout;
    for (QToolButton* b : { back, forward, contents, troubleshooting })
        bar->addWidget(b);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_browser, 1);
    resize(980, 680); // fits a 1366x768 screen with its panels
    showPage(page);
}

void ManualBrowser::showPage(const QString& page)
{
    const QString file = page.section(QLatin1Char('#'), 0, 0);
    const QString fragment = page.section(QLatin1Char('#'), 1);
    QUrl url = QUrl::fromLocalFile(QDir(m_folder).filePath(file));
    if (!fragment.isEmpty())
        url.setFragment(fragment);
    m_browser->setSource(url, QTextDocument::MarkdownResource);
}

bool ManualBrowser::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_browser->viewport() && event->type() == QEvent::Resize)
        fitImages();
    return QDialog::eventFilter(watched, event);
}

void ManualBrowser::fitImages()
{
    QTextDocument* doc = m_browser->document();
    const double room = std::max(200.0, m_browser->viewport()->width() - 2 * doc->documentMargin() - 8);
    QTextCursor cursor(doc);
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            QTextImageFormat image = fragment.charFormat().toImageFormat();
            if (!image.isValid())
                continue;
            const QVariant data = doc->resource(QTextDocument::ImageResource, QUrl(image.name()));
            const QSizeF natural = data.value<QImage>().size();
            if (natural.isEmpty())
                continue;
            const double width = std::min(natural.width(), room);
            if (qFuzzyCompare(image.width(), width))
                continue;
            image.setWidth(width);
            image.setHeight(natural.height() * width / natural.width());
            cursor.setPosition(fragment.position());
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            cursor.setCharFormat(image);
        }
    }
}

QString ManualBrowser::currentPage() const
{
    return QFileInfo(m_browser->source().toLocalFile()).fileName();
}

QString ManualBrowser::documentationFolder(const QString& fallback)
{
    const QString installed =
        QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/doc/cmascope"));
    for (const QString& folder : { installed, fallback })
        if (!folder.isEmpty() && QFileInfo::exists(QDir(folder).filePath(QStringLiteral("manual.md"))))
            return folder;
    return {};
}

} // namespace cmascope::views
