// SPDX-License-Identifier: GPL-2.0-or-later
// The map's legend: the colour of each device (or kind), free memory, carve-outs, pinned pages and
// the ghost of a failed request.
#pragma once

#include <QWidget>

namespace cmascope::views {

class MemoryMapWidget;

class LegendWidget : public QWidget
{
    Q_OBJECT
public:
    explicit LegendWidget(MemoryMapWidget* map, QWidget* parent = nullptr);
    QSize sizeHint() const override;
    /// The entries shown, in order (tests).
    QStringList entries() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    MemoryMapWidget* m_map;
};

} // namespace cmascope::views
