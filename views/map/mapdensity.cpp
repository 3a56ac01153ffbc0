// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapdensity.h"

#include "map/mapstyle.h"

#include <algorithm>
#include <cmath>

namespace cmascope::views {

ColumnDensity::ColumnDensity(double originAddress, double bytesPerColumn, int columns)
    : origin(originAddress)
    , columnBytes(std::max(bytesPerColumn, 1e-9))
    , used(std::size_t(std::max(columns, 1)), 0.0)
    , bestShare(used.size(), 0.0)
    , key(used.size(), -1)
{ }

void ColumnDensity::add(const MapChunk* first, const MapChunk* last, bool byKind, quint32 selected)
{
    const int n = columns();
    const double end = origin + n * columnBytes;
    for (auto it = first; it != last; ++it) {
        const double a0 = std::max(double(it->base), origin);
        const double a1 = std::min(double(it->base) + double(it->size), end);
        if (a1 <= a0)
            continue;
        const int c0 = std::clamp(int((a0 - origin) / columnBytes), 0, n - 1);
        const int c1 = std::clamp(int((a1 - origin) / columnBytes), 0, n - 1);
        const int colourKey = byKind ? it->kind : it->owner;
        // Pages held beyond the request count half: the column is lighter, as the hatching is up close.
        const double requestedEnd = double(it->base) + double(it->requested ? it->requested : it->size);
        for (int c = c0; c <= c1; ++c) {
            const double cs = origin + c * columnBytes;
            const double lo = std::max(a0, cs), hi = std::min(a1, cs + columnBytes);
            const double share = hi - lo;
            if (share <= 0)
                continue;
            const double solid = std::clamp(std::min(hi, requestedEnd) - lo, 0.0, share);
            used[std::size_t(c)] += solid + 0.5 * (share - solid);
            if (share > bestShare[std::size_t(c)]) {
                bestShare[std::size_t(c)] = share;
                key[std::size_t(c)] = colourKey;
            }
        }
        if (it->id == selected) {
            selectedFirst = c0;
            selectedLast = c1;
        }
    }
}

double ColumnDensity::fraction(int c) const
{
    return std::clamp(used[std::size_t(c)] / columnBytes, 0.0, 1.0);
}

void ColumnDensity::shade(QRgb* pixels, QRgb free, const MapStyle& style) const
{
    for (int c = 0; c < columns(); ++c) {
        const int k = key[std::size_t(c)];
        pixels[c] = k < 0 ? free : densityRgb(free, style.ownerColor(k).rgb(), fraction(c));
    }
}

QRgb densityRgb(QRgb free, QRgb owner, double fraction)
{
    const double t = 0.4 + 0.6 * std::clamp(fraction, 0.0, 1.0);
    auto channel = [t](int x, int y) { return x + int(std::lround(double(y - x) * t)); };
    return qRgb(
        channel(qRed(free), qRed(owner)), channel(qGreen(free), qGreen(owner)), channel(qBlue(free), qBlue(owner)));
}

} // namespace cmascope::views
