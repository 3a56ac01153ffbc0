// SPDX-License-Identifier: GPL-2.0-or-later
// The plan on the map: every bank that holds a region twice, its regions where they are now (the project as
// placed) on the first track and where the plan puts them on the second, over one address axis (the hull of
// both layouts' regions), painted by the memory map's own painter so it reads like the map. Empty until there
// is a plan.
#pragma once

#include "map/mapcontent.h"

#include <cmascope/model/platform.h>

#include <QWidget>

#include <optional>

namespace cmascope::views {

class PlanLayoutView : public QWidget
{
    Q_OBJECT
public:
    explicit PlanLayoutView(QWidget* parent = nullptr);

    /// Shows @p now above @p planned; both placed (Region::placedBase), as Document::placedPlatform() and
    /// PlanResult::platform are.
    void setLayouts(const Platform& now, const Platform& planned);
    void clear();
    bool hasLayouts() const { return m_content.has_value(); }
    /// The address window both layouts are drawn over.
    std::pair<std::uint64_t, std::uint64_t> addressWindow() const { return m_window; }
    /// The caption above the map ("Now: … · Planned: …").
    QString caption() const { return m_caption; }
    /// What is drawn: banks "now · NAME" then "planned · NAME" (those that hold a region in either layout; all
    /// when none does), each layout's regions on its own tracks.
    const std::optional<MapContent>& content() const { return m_content; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<MapContent> m_content;
    std::pair<std::uint64_t, std::uint64_t> m_window { 0, 0 };
    QString m_caption;
};

} // namespace cmascope::views
