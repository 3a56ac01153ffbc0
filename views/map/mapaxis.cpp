// SPDX-License-Identifier: GPL-2.0-or-later
#include "map/mapaxis.h"

#include "map/mapcontent.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cmascope::views {

void MapAxis::buildFolds(const MapContent& content)
{
    const std::uint64_t lo = content.lowestAddress();
    const std::uint64_t hi = std::max(content.highestAddress(), lo + 1);
    m_regionFolds.clear();
    switch (m_mode) {
    case AxisMode::Physical:
        m_shared = AxisFold::identity(lo, hi);
        break;
    case AxisMode::Compact: {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> kept;
        for (const auto& r : content.regions)
            if (r.size)
                kept.emplace_back(r.base, r.base + std::min(r.size, ~std::uint64_t(0) - r.base));
        m_shared = AxisFold::compact(lo, hi, std::move(kept));
        break;
    }
    case AxisMode::PerArea: {
        // Units of the largest area's bytes: zoom limits stay close to bytes for the largest area.
        std::uint64_t units = 1;
        for (const auto& r : content.regions)
            units = std::max(units, r.size);
        for (const auto& r : content.regions)
            m_regionFolds.push_back(
                AxisFold::scaled(r.base, r.base + std::max<std::uint64_t>(1, std::min(r.size, ~r.base)), units));
        m_shared = AxisFold::scaled(lo, hi, units);
        break;
    }
    }
}

void MapAxis::setContent(const MapContent& content, AxisMode mode)
{
    m_mode = mode;
    buildFolds(content);
    m_view.setBounds(m_shared.virtualBegin(), m_shared.virtualEnd());
}

bool MapAxis::updateContent(const MapContent& content)
{
    const std::uint64_t begin = m_view.viewBegin(), end = m_view.viewEnd();
    const std::uint64_t boundsBegin = m_view.boundsBegin(), boundsEnd = m_view.boundsEnd();
    buildFolds(content);
    if (m_shared.virtualBegin() == boundsBegin && m_shared.virtualEnd() == boundsEnd)
        return false;
    m_view.setBounds(m_shared.virtualBegin(), m_shared.virtualEnd());
    m_view.setView(begin, end);
    return true;
}

const AxisFold& MapAxis::foldOf(int region) const
{
    if (m_mode == AxisMode::PerArea && region >= 0 && region < m_regionFolds.size())
        return m_regionFolds[region];
    return m_shared;
}

double MapAxis::xFor(int region, std::uint64_t address) const
{
    return m_view.xForPosition(foldOf(region).toVirtual(address));
}

std::uint64_t MapAxis::addressAt(int region, double x) const
{
    return foldOf(region).toPhysical(m_view.positionForX(x));
}

double MapAxis::bytesPerPixel(int region, std::uint64_t address) const
{
    return m_view.bytesPerPixel() * double(foldOf(region).bytesPerUnit(address));
}

void MapAxis::showRange(std::uint64_t begin, std::uint64_t end, int region)
{
    const AxisFold& fold = foldOf(region);
    const long double v0 = std::floor(fold.toVirtual(begin));
    const long double v1 = std::ceil(fold.toVirtual(end));
    const auto lo = static_cast<long double>(m_view.boundsBegin());
    const auto hi = static_cast<long double>(m_view.boundsEnd());
    m_view.setView(
        static_cast<std::uint64_t>(std::clamp(v0, lo, hi)), static_cast<std::uint64_t>(std::clamp(v1, lo, hi)));
}

std::pair<std::uint64_t, std::uint64_t> MapAxis::visibleRange(int region) const
{
    const AxisFold& fold = foldOf(region);
    const std::uint64_t end = m_view.viewEnd() >= fold.virtualEnd()
        ? fold.physicalEnd()
        : fold.toPhysical(static_cast<long double>(m_view.viewEnd()));
    return { fold.toPhysical(static_cast<long double>(m_view.viewBegin())), end };
}

double MapAxis::narrowestArea(const MapContent& content, AxisMode mode, double plotWidth)
{
    double narrowest = std::numeric_limits<double>::infinity();
    if (mode == AxisMode::PerArea)
        return content.regions.isEmpty() ? narrowest : plotWidth;
    MapAxis axis;
    axis.setContent(content, mode);
    axis.setPixelWidth(plotWidth);
    if (mode == AxisMode::Physical) {
        if (const auto view = content.regionsView())
            axis.m_view.setView(view->first, view->second);
    }
    for (int i = 0; i < content.regions.size(); ++i) {
        const auto& r = content.regions[i];
        if (r.size)
            narrowest = std::min(narrowest, axis.xFor(i, r.base + r.size) - axis.xFor(i, r.base));
    }
    return narrowest;
}

AxisMode MapAxis::suggestedMode(const MapContent& content, double plotWidth)
{
    if (narrowestArea(content, AxisMode::Physical, plotWidth) >= kReadableWidth)
        return AxisMode::Physical;
    if (narrowestArea(content, AxisMode::Compact, plotWidth) >= kReadableWidth)
        return AxisMode::Compact;
    return AxisMode::PerArea;
}

QString MapAxis::modeName(AxisMode mode)
{
    switch (mode) {
    case AxisMode::Physical:
        return QStringLiteral("physical");
    case AxisMode::Compact:
        return QStringLiteral("compact");
    case AxisMode::PerArea:
        return QStringLiteral("per-area");
    }
    return {};
}

std::optional<AxisMode> MapAxis::modeFromName(const QString& name)
{
    for (const AxisMode m : { AxisMode::Physical, AxisMode::Compact, AxisMode::PerArea })
        if (name == modeName(m))
            return m;
    return std::nullopt;
}

QString MapAxis::modeTitle(AxisMode mode)
{
    switch (mode) {
    case AxisMode::Physical:
        return QCoreApplication::translate("MapAxis", "Physical");
    case AxisMode::Compact:
        return QCoreApplication::translate("MapAxis", "Compact");
    case AxisMode::PerArea:
        return QCoreApplication::translate("MapAxis", "Per area");
    }
    return {};
}

} // namespace cmascope::views
