// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/addressaxis.h"

#include <algorithm>
#include <cmath>

namespace cmascope::views {

void AddressAxis::setBounds(std::uint64_t begin, std::uint64_t end)
{
    m_boundsBegin = begin;
    m_boundsEnd = std::max(end, begin + 1);
    fitAll();
}

void AddressAxis::setPixelWidth(double width)
{
    m_width = std::max(1.0, width);
}

double AddressAxis::bytesPerPixel() const
{
    return double(m_viewEnd - m_viewBegin) / m_width;
}

double AddressAxis::xForAddress(std::uint64_t address) const
{
    return xForPosition(static_cast<long double>(address));
}

double AddressAxis::xForPosition(long double position) const
{
    // Signed difference in long double: addresses up to 2^64 keep byte precision in an 80-bit mantissa.
    const long double delta = position - static_cast<long double>(m_viewBegin);
    return static_cast<double>(delta * m_width / static_cast<long double>(m_viewEnd - m_viewBegin));
}

long double AddressAxis::positionForX(double x) const
{
    return static_cast<long double>(m_viewBegin)
        + static_cast<long double>(x) * static_cast<long double>(m_viewEnd - m_viewBegin) / m_width;
}

std::uint64_t AddressAxis::addressForX(double x) const
{
    const long double a = positionForX(x);
    if (a <= static_cast<long double>(m_boundsBegin))
        return m_boundsBegin;
    if (a >= static_cast<long double>(m_boundsEnd))
        return m_boundsEnd - 1;
    return static_cast<std::uint64_t>(std::floor(a));
}

std::uint64_t AddressAxis::minimumSpan() const
{
    const auto span = static_cast<std::uint64_t>(std::ceil(m_width * 16.0));
    return std::min(std::max<std::uint64_t>(span, 1), m_boundsEnd - m_boundsBegin);
}

void AddressAxis::setView(std::uint64_t begin, std::uint64_t end)
{
    begin = std::clamp(begin, m_boundsBegin, m_boundsEnd - 1);
    end = std::clamp(end, begin + 1, m_boundsEnd);
    const std::uint64_t minSpan = minimumSpan();
    if (end - begin < minSpan) {
        const std::uint64_t mid = begin + (end - begin) / 2;
        begin = mid >= m_boundsBegin + minSpan / 2 ? mid - minSpan / 2 : m_boundsBegin;
        end = begin + minSpan;
        if (end > m_boundsEnd) {
            end = m_boundsEnd;
            begin = end - minSpan;
        }
    }
    m_viewBegin = begin;
    m_viewEnd = end;
}

void AddressAxis::fitAll()
{
    m_viewBegin = m_boundsBegin;
    m_viewEnd = m_boundsEnd;
}

void AddressAxis::zoom(double factor, double anchorX)
{
    if (!(factor > 0.0))
        return;
    const long double anchor = static_cast<long double>(m_viewBegin)
        + static_cast<long double>(anchorX) * static_cast<long double>(m_viewEnd - m_viewBegin) / m_width;
    const long double span = static_cast<long double>(m_viewEnd - m_viewBegin) / factor;
    long double begin = anchor - static_cast<long double>(anchorX) / m_width * span;
    long double end = begin + span;
    const auto lo = static_cast<long double>(m_boundsBegin);
    const auto hi = static_cast<long double>(m_boundsEnd);
    if (end - begin >= hi - lo) {
        fitAll();
        return;
    }
    if (begin < lo) {
        end += lo - begin;
        begin = lo;
    }
    if (end > hi) {
        begin -= end - hi;
        end = hi;
    }
    setView(static_cast<std::uint64_t>(std::round(begin)), static_cast<std::uint64_t>(std::round(end)));
}

void AddressAxis::panPixels(double dx)
{
    const long double delta =
        static_cast<long double>(dx) * static_cast<long double>(m_viewEnd - m_viewBegin) / m_width;
    const std::uint64_t span = m_viewEnd - m_viewBegin;
    long double begin = static_cast<long double>(m_viewBegin) + delta;
    begin = std::clamp(begin, static_cast<long double>(m_boundsBegin), static_cast<long double>(m_boundsEnd - span));
    const auto b = static_cast<std::uint64_t>(std::round(begin));
    m_viewBegin = b;
    m_viewEnd = b + span;
}

} // namespace cmascope::views
