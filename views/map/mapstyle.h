// SPDX-License-Identifier: GPL-2.0-or-later
// Colours of the memory map, derived from the widget palette so light and dark themes both work.
#pragma once

#include <QBrush>
#include <QColor>
#include <QPalette>

namespace cmascope::views {

struct MapStyle
{
    explicit MapStyle(const QPalette& palette);

    bool dark = false;
    QColor background;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor freeMemory;
    QColor trackBorder;
    QColor regionFill;
    QColor regionBorder;
    QColor carveout;
    QColor failure; ///< failed requests, pinned pages
    QColor highlight; ///< the largest hole
    QColor busy; ///< busy windows of a trace's request (pages that could not be migrated)

    /// The lighter fill of pages a chunk holds beyond what was asked for (bitmap bits at order_per_bit > 0),
    /// hatched in the owner's colour over it (heldBrush()).
    QColor heldFill(const QColor& owner) const;
    QBrush heldBrush(const QColor& owner) const;

    /// A distinct, theme-appropriate colour for owner (device or kind) number @p index.
    QColor ownerColor(int index) const;

private:
    QColor m_owners[64]; ///< precomputed: ownerColor() is called per chunk while painting
};

} // namespace cmascope::views
