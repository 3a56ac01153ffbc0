// SPDX-License-Identifier: GPL-2.0-or-later
// Media-transport icons (first, back, play, pause, forward, last) drawn as vector glyphs in the
// palette's button-text colour at paint time: crisp at any device pixel ratio and readable on dark
// palettes, where the style's standard media icons are dark glyphs on a dark background.
#pragma once

#include <QIcon>

namespace cmascope::views {

enum class TransportGlyph { First, Back, Play, Pause, Forward, Last };

QIcon transportIcon(TransportGlyph glyph);

} // namespace cmascope::views
