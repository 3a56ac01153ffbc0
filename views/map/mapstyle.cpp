// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapstyle.h"

#include <cmath>

namespace cmascope::views {

namespace {
QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
        float(a.blueF() * (1 - t) + b.blueF() * t));
}
} // namespace

MapStyle::MapStyle(const QPalette& palette)
{
    // Qt 6.4 has no QStyleHints::colorScheme(): judge the theme by the window colour's lightness.
    const QColor window = palette.color(QPalette::Window);
    dark = window.lightnessF() < 0.5;
    background = palette.color(QPalette::Base);
    text = palette.color(QPalette::WindowText);
    mutedText = mix(text, background, 0.45);
    grid = mix(text, background, 0.85);
    freeMemory = mix(background, text, dark ? 0.10 : 0.06);
    trackBorder = mix(text, background, 0.6);
    const QColor selection = palette.color(QPalette::Highlight);
    regionFill = mix(background, selection, dark ? 0.22 : 0.14);
    regionBorder = mix(selection, text, 0.2);
    carveout = mix(text, background, 0.35);
    failure = dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    this->highlight = dark ? QColor(0xff, 0xd1, 0x66) : QColor(0xe0, 0x8e, 0x00);
    busy = dark ? QColor(0xff, 0x79, 0xc6) : QColor(0xb0, 0x12, 0x7a);
    for (int i = 0; i < 64; ++i) {
        const double hue = std::fmod(0.08 + i * 0.618033988749895, 1.0);
        m_owners[i] = QColor::fromHsvF(float(hue), dark ? 0.55f : 0.65f, dark ? 0.85f : 0.80f);
    }
}

QColor MapStyle::heldFill(const QColor& owner) const
{
    return mix(regionFill, owner, 0.35);
}

QBrush MapStyle::heldBrush(const QColor& owner) const
{
    return QBrush(owner, Qt::FDiagPattern);
}

QColor MapStyle::ownerColor(int index) const
{
    if (index >= 0 && index < 64)
        return m_owners[index];
    // Golden-angle hue steps keep neighbouring owners apart; saturation/value suit the theme.
    const double hue = std::fmod(0.08 + index * 0.618033988749895, 1.0);
    return QColor::fromHsvF(float(hue), dark ? 0.55f : 0.65f, dark ? 0.85f : 0.80f);
}

} // namespace cmascope::views
