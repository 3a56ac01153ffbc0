// SPDX-License-Identifier: GPL-2.0-or-later
// Maps a window of the physical address space onto a pixel span, with zoom and pan.
// Pure arithmetic (no widgets) so it can be tested with data-driven tables.
#pragma once

#include <cstdint>

namespace cmascope::views {

class AddressAxis
{
public:
    /// The whole range that can be shown, [begin, end).
    void setBounds(std::uint64_t begin, std::uint64_t end);
    /// The pixel span the visible window maps onto, [0, width).
    void setPixelWidth(double width);

    std::uint64_t boundsBegin() const { return m_boundsBegin; }
    std::uint64_t boundsEnd() const { return m_boundsEnd; }
    std::uint64_t viewBegin() const { return m_viewBegin; }
    std::uint64_t viewEnd() const { return m_viewEnd; }
    double pixelWidth() const { return m_width; }

    /// Bytes per pixel in the current view.
    double bytesPerPixel() const;
    /// x of an address (may lie outside [0, width) when the address is outside the view).
    double xForAddress(std::uint64_t address) const;
    /// Address under pixel x, clamped to the bounds.
    std::uint64_t addressForX(double x) const;
    /// x of a fractional axis position (the map's folds give positions between whole units).
    double xForPosition(long double position) const;
    /// The axis position under pixel x, unclamped.
    long double positionForX(double x) const;

    /// Shows [begin, end), clamped to the bounds; never narrower than minimumSpan().
    void setView(std::uint64_t begin, std::uint64_t end);
    /// Shows everything.
    void fitAll();
    /// Zooms by @p factor (> 1 zooms in) keeping the address under pixel @p anchorX fixed.
    void zoom(double factor, double anchorX);
    /// Moves the view by @p dx pixels (positive: towards higher addresses), clamped to the bounds.
    void panPixels(double dx);
    /// Smallest span the view may show: 16 bytes per pixel is as close as it gets.
    std::uint64_t minimumSpan() const;

private:
    std::uint64_t m_boundsBegin = 0;
    std::uint64_t m_boundsEnd = 1;
    std::uint64_t m_viewBegin = 0;
    std::uint64_t m_viewEnd = 1;
    double m_width = 1.0;
};

} // namespace cmascope::views
