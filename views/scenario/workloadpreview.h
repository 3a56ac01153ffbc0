// SPDX-License-Identifier: GPL-2.0-or-later
// The workload dialog's preview: the generated workload's figures in a line of text and its live allocations
// over the ticks as a sparkline (docs/workload.md, "The dialog").
#pragma once

#include <cmascope/model/workload.h>

#include <QWidget>

class QLabel;

namespace cmascope::views {

class WorkloadSparkline : public QWidget
{
    Q_OBJECT
public:
    explicit WorkloadSparkline(QWidget* parent = nullptr);
    void setSeries(std::vector<std::uint64_t> series);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<std::uint64_t> m_series;
};

class WorkloadPreview : public QWidget
{
    Q_OBJECT
public:
    explicit WorkloadPreview(QWidget* parent = nullptr);
    /// Shows @p stats of a workload of @p steps steps.
    void showStats(std::size_t steps, const WorkloadStats& stats);
    /// Shows a message instead (an error, "generating…").
    void showMessage(const QString& text, bool error);
    QString text() const;

private:
    QLabel* m_text = nullptr;
    WorkloadSparkline* m_sparkline = nullptr;
};

} // namespace cmascope::views
