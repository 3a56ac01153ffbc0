// SPDX-License-Identifier: GPL-2.0-or-later
// The Latency tab of the charts panel (latencytab.h, docs/time-and-latency.md).
#include "charts/latencytab.h"

#include "charts/latencychart.h"
#include "common/document.h"

#include <cmascope/replay/latency.h>

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QtCharts/QChartView>

namespace cmascope::views {

LatencyTab::LatencyTab(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_chart(new LatencyChart)
{
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setToolTip(tr("Click a point to make its request the current step"));
    m_log = new QCheckBox(tr("Log scale"), this);
    m_log->setToolTip(tr("Latency on a logarithmic scale (latencies below 1 µs are drawn at 1 µs)"));
    m_stats = new QLabel(this);
    m_stats->setObjectName(QStringLiteral("latencyStats"));
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(4, 0, 4, 0);
    row->addWidget(m_log);
    row->addSpacing(12);
    row->addWidget(m_stats, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(row);
    layout->addWidget(m_view, 1);

    connect(m_log, &QCheckBox::toggled, m_chart, &LatencyChart::setLogScale);
    connect(m_chart, &LatencyChart::requestClicked, m_doc, [this](std::size_t step) { m_doc->setCurrentStep(step); });
    connect(m_doc, &Document::runFinished, this, &LatencyTab::refresh);
    connect(m_doc, &Document::runStarted, this, &LatencyTab::refresh);
    connect(m_doc, &Document::stepAxisModeChanged, this, &LatencyTab::refresh);
    connect(m_doc, &Document::positionChanged, this, &LatencyTab::updateCursor);
    refresh();
}

void LatencyTab::setLogScale(bool log)
{
    m_log->setChecked(log);
}

bool LatencyTab::isLogScale() const
{
    return m_chart->isLogScale();
}

QString LatencyTab::statsText() const
{
    return m_stats->text();
}

void LatencyTab::refresh()
{
    const ReplayResult* replay = m_doc->simulation() ? m_doc->replay() : nullptr;
    m_chart->setReplay(replay, m_doc->stepAxis(), m_doc->stepCount());
    const LatencyStats& s = m_chart->stats();
    if (!replay)
        m_stats->setText(tr("Latency needs a replayed kernel trace (cma_alloc_start and cma_alloc_finish events)"));
    else if (s.requests == 0)
        m_stats->setText(tr("No request of this trace has both a start and a finish"));
    else
        m_stats->setText(
            tr("%1 requests: median %2, p99 %3, max %4%5")
                .arg(s.requests)
                .arg(QString::fromStdString(latencyText(s.medianNs)), QString::fromStdString(latencyText(s.p99Ns)),
                    QString::fromStdString(latencyText(s.maxNs)),
                    m_chart->isThinned() ? tr(" (allocated requests thinned to the slowest of neighbours)")
                                         : QString()));
    updateCursor();
}

void LatencyTab::updateCursor()
{
    m_chart->setCursorPosition(m_doc->simulation() ? std::optional<std::size_t>(m_doc->position()) : std::nullopt);
}

} // namespace cmascope::views
