// SPDX-License-Identifier: GPL-2.0-or-later
// The memory map's horizontal axis in one of three modes (docs/memory-map.md): physical addresses as they
// are; compact, where address ranges holding no region collapse into breaks; per area, where every area
// (region) is its own track stretched over the full width. Folds (views/map/axisfold.h) turn addresses into
// the axis' coordinate, which an AddressAxis zooms and pans; in the per-area mode every track shares that
// view, so zooming shows the same share of every area.
#pragma once

#include "map/addressaxis.h"
#include "map/axisfold.h"

#include <QString>
#include <QVector>

#include <cstdint>
#include <optional>

namespace cmascope::views {

struct MapContent;

enum class AxisMode { Physical, Compact, PerArea };

class MapAxis
{
public:
    /// Width at which an area is readable: the suggested mode shows every area at least this wide.
    static constexpr double kReadableWidth = 40.0;

    /// Builds the folds of @p content for @p mode and shows everything (per area: every area whole).
    void setContent(const MapContent& content, AxisMode mode);
    /// New content, same mode: the view is kept (clamped) when the axis' extent is unchanged, else fits all.
    /// Returns true when the view changed.
    bool updateContent(const MapContent& content);
    AxisMode mode() const { return m_mode; }

    AddressAxis& view() { return m_view; }
    const AddressAxis& view() const { return m_view; }
    void setPixelWidth(double width) { m_view.setPixelWidth(width); }
    double pixelWidth() const { return m_view.pixelWidth(); }

    /// The fold that draws region @p region (per area: its own; otherwise the one shared by all tracks,
    /// also used for @p region = -1).
    const AxisFold& foldOf(int region) const;
    const AxisFold& sharedFold() const { return m_shared; }
    /// x of @p address on region @p region's track, relative to the plot's left edge (may lie outside).
    double xFor(int region, std::uint64_t address) const;
    /// The address under x (relative to the plot's left edge) on region @p region's track, clamped to its fold.
    std::uint64_t addressAt(int region, double x) const;
    /// Physical bytes one logical pixel covers at @p address on region @p region's track.
    double bytesPerPixel(int region, std::uint64_t address) const;

    /// Shows the physical range [begin, end) of region @p region's track (-1: the shared axis); per area,
    /// the same share of every area.
    void showRange(std::uint64_t begin, std::uint64_t end, int region = -1);
    /// The view as physical addresses on the shared axis (per area: on region @p region's track).
    std::pair<std::uint64_t, std::uint64_t> visibleRange(int region = -1) const;

    /// The mode that shows every area of @p content at least kReadableWidth pixels wide in a plot
    /// @p plotWidth wide: physical when the regions' hull (the initial view) does it, else compact when
    /// that does, else per area.
    static AxisMode suggestedMode(const MapContent& content, double plotWidth);
    /// The narrowest area of @p content, in pixels, drawn in @p mode's initial view @p plotWidth wide.
    static double narrowestArea(const MapContent& content, AxisMode mode, double plotWidth);

    /// "physical", "compact", "per-area" (command line and project files).
    static QString modeName(AxisMode mode);
    static std::optional<AxisMode> modeFromName(const QString& name);
    /// "Physical", "Compact", "Per area" (menus).
    static QString modeTitle(AxisMode mode);

private:
    void buildFolds(const MapContent& content);

    AxisMode m_mode = AxisMode::Physical;
    AxisFold m_shared;
    QVector<AxisFold> m_regionFolds; ///< per area only, one per region
    AddressAxis m_view;
};

} // namespace cmascope::views
