// SPDX-License-Identifier: GPL-2.0-or-later
// The charts panel's Latency tab (docs/time-and-latency.md): the latency chart of the replayed trace the
// document shows (latencychart.h) under a row with the log-scale switch and the statistics (requests, median,
// p99, max). It follows the document's axis and current step; clicking a point makes its request the current
// step. Projects that are not traces have no latencies: the tab then says so.
#pragma once

#include <QWidget>

class QCheckBox;
class QChartView;
class QLabel;

namespace cmascope::views {

class Document;
class LatencyChart;

class LatencyTab : public QWidget
{
    Q_OBJECT
public:
    LatencyTab(Document* document, QWidget* parent = nullptr);

    LatencyChart* chart() const { return m_chart; }
    /// The view of the chart (mouse input goes to its viewport).
    QChartView* view() const { return m_view; }
    void setLogScale(bool log);
    bool isLogScale() const;
    /// The statistics line shown above the chart.
    QString statsText() const;

private:
    void refresh();
    void updateCursor();

    Document* m_doc;
    LatencyChart* m_chart = nullptr;
    QChartView* m_view = nullptr;
    QCheckBox* m_log = nullptr;
    QLabel* m_stats = nullptr;
};

} // namespace cmascope::views
