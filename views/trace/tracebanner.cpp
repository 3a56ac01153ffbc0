// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace/tracebanner.h"

#include "common/document.h"

#include <cmascope/replay/replay.h>
#include <cmascope/replay/snapshotcheck.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>

namespace cmascope::views {

TraceBanner::TraceBanner(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("traceBanner"));
    setFrameShape(QFrame::StyledPanel);
    // A warning colour that reads in light and dark themes alike.
    setStyleSheet(QStringLiteral("#traceBanner { background: #fff3cd; border: 1px solid #e0b252; } "
                                 "#traceBanner QLabel { color: #3d2e00; }"));
    m_icon = new QLabel(this);
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    m_icon->setAlignment(Qt::AlignTop);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checkText = new QLabel(this);
    m_checkText->setWordWrap(true);
    m_checkText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checkText->hide();
    m_seed = new QPushButton(tr("Seed from debugfs Snapshot…"), this);
    m_seed->setToolTip(tr("Replay the trace again from a debugfs cma area directory taken when tracing began "
                          "(its bitmap is the state at the first event)"));
    m_check = new QPushButton(tr("Check Snapshots…"), this);
    m_check->setToolTip(tr("Compare the replay with debugfs snapshots taken between CHECKPOINT markers"));
    connect(m_seed, &QPushButton::clicked, this, &TraceBanner::seedRequested);
    connect(m_check, &QPushButton::clicked, this, &TraceBanner::checkRequested);

    auto* texts = new QVBoxLayout;
    texts->addWidget(m_text);
    texts->addWidget(m_checkText);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(m_seed);
    buttons->addWidget(m_check);
    buttons->addStretch();
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(8, 6, 8, 6);
    row->addWidget(m_icon);
    row->addLayout(texts, 1);
    row->addLayout(buttons);
    hide();
}

void TraceBanner::setDocument(Document* doc)
{
    connect(doc, &Document::projectReplaced, this, [this, doc] {
        m_checkText->clear();
        m_checkText->hide();
        showReplay(doc->replay());
    });
    showReplay(doc->replay());
}

void TraceBanner::showReplay(const ReplayResult* replay)
{
    if (!replay || !replay->lateStart.detected) {
        setVisible(!m_checkText->text().isEmpty());
        m_text->clear();
        return;
    }
    const LateStart& late = replay->lateStart;
    // The evidence in short (the sentence up to its details); whole in the tooltip.
    QStringList evidence, full;
    for (const auto& e : late.evidence) {
        const QString text = QString::fromStdString(e);
        full << text;
        const qsizetype cut =
            std::min(text.indexOf(QLatin1Char(':')) < 0 ? text.size() : text.indexOf(QLatin1Char(':')),
                text.indexOf(QStringLiteral(" (")) < 0 ? text.size() : text.indexOf(QStringLiteral(" (")));
        evidence << text.left(cut).toHtmlEscaped();
    }
    QString html =
        tr("<b>Tracing began after the kernel had made allocations</b>: %1.").arg(evidence.join(QStringLiteral("; ")));
    if (late.inferred)
        html += tr(" Inferred <b>%1 pages</b> allocated before the trace, drawn as “(inferred before trace)”.")
                    .arg(late.inferredPages);
    else if (!late.note.empty())
        html += tr(" Nothing inferred: %1.").arg(QString::fromStdString(late.note).toHtmlEscaped());
    html += tr("<br>Placements predicted: <b>%1 of %2</b> (without inference: %3 of %4). A debugfs snapshot "
               "taken when tracing began makes the replay exact.")
                .arg(late.predictedAfter)
                .arg(late.placementsAfter)
                .arg(late.predictedBefore)
                .arg(late.placementsBefore);
    m_text->setToolTip(full.join(QLatin1Char('\n')));
    m_text->setText(html);
    show();
}

void TraceBanner::showSnapshotCheck(const SnapshotCheckResult& check)
{
    QStringList lines;
    for (const auto& line : snapshotCheckLines(check))
        lines << QString::fromStdString(line).toHtmlEscaped();
    const QString head = check.ok() ? tr("<b>Snapshots match the replay.</b> ")
                                    : tr("<b>The replay differs from the board's snapshots.</b> ");
    m_checkText->setText(head + lines.join(QStringLiteral("<br>")));
    m_checkText->show();
    show();
}

QString TraceBanner::text() const
{
    return m_text->text() + QLatin1Char('\n') + m_checkText->text();
}

} // namespace cmascope::views
