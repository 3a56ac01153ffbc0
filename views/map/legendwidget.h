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
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    /// The entries shown, in order (tests).
    QStringList entries() const;
    /// The entry for pages a chunk holds beyond its request (order_per_bit), shown when the map has some.
    static QString heldEntry();
    /// The entry for a trace request's busy windows, shown at a step that has some.
    static QString busyEntry();
    /// The entry for the level of detail's shades (docs/memory-map.md), shown while the map draws one.
    static QString densityEntry();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    /// Entries flow left to right in columns of equal width, wrapping into rows.
    int columnsFor(int width) const;
    int columnWidth() const;
    MemoryMapWidget* m_map;
};

} // namespace cmascope::views
