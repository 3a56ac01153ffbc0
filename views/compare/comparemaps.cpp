// SPDX-License-Identifier: GPL-2.0-or-later
#include "compare/comparemaps.h"

#include "compare/outcomelabel.h"
#include "lesson/narrationhtml.h"
#include "map/mapcontent.h"
#include "map/memorymapwidget.h"

#include <cmascope/sim/narration.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace cmascope::views {

CompareMaps::CompareMaps(QWidget* parent)
    : QWidget(parent)
{
    m_row = new QHBoxLayout(this);
    m_row->setContentsMargins(0, 0, 0, 0);
    m_empty =
        new QLabel(tr("Run a comparison to see the maps of every variant side by side at the current step."), this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_row->addWidget(m_empty);
}

CompareMaps::~CompareMaps() = default;

void CompareMaps::clear()
{
    for (Slot& s : m_slots)
        delete s.box;
    m_slots.clear();
    m_empty->show();
}

void CompareMaps::setRuns(std::vector<std::shared_ptr<const Simulation>> runs, const QStringList& titles,
    std::vector<std::vector<std::uint32_t>> positions)
{
    clear();
    m_empty->setVisible(runs.empty());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        Slot s;
        s.sim = std::move(runs[i]);
        if (i < positions.size())
            s.positionOf = std::move(positions[i]);
        s.box = new QWidget(this);
        auto* column = new QVBoxLayout(s.box);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        s.title = new QLabel(i < std::size_t(titles.size()) ? titles[int(i)] : QString(), s.box);
        s.title->setAlignment(Qt::AlignCenter);
        s.title->setTextInteractionFlags(Qt::TextSelectableByMouse);
        column->addWidget(s.title);
        if (s.sim) {
            // The block grid: every region as rows of pages, readable at this size (on the shared address axis
            // of the linear layout a region of a few MiB is a sliver).
            s.map = new MemoryMapWidget(s.box);
            s.map->setLayoutMode(MapLayout::Grid);
            s.map->setMinimumSize(100, 90); // six runs side by side still fit 1366 px
            column->addWidget(s.map, 1);
            // Three lines at most, so the maps keep their room; the whole narration is the tooltip.
            s.outcome = new OutcomeLabel(3, s.box);
            s.outcome->setObjectName(QStringLiteral("compareOutcome"));
            column->addWidget(s.outcome);
        } else {
            auto* note = new QLabel(tr("No map: this variant's placements could not be run."), s.box);
            note->setWordWrap(true);
            note->setAlignment(Qt::AlignCenter);
            column->addWidget(note, 1);
        }
        m_row->addWidget(s.box, 1);
        m_slots.push_back(std::move(s));
    }
    m_position = 0;
}

void CompareMaps::showPosition(std::size_t position)
{
    m_position = position;
    for (Slot& s : m_slots) {
        if (!s.sim)
            continue;
        const std::size_t mapped =
            s.positionOf.empty() ? position : s.positionOf[std::min(position, s.positionOf.size() - 1)];
        const std::size_t p = std::min(mapped, s.sim->stepCount());
        if (p >= s.state.position && !s.state.regions.empty())
            s.sim->advance(s.state, p);
        else
            s.state = s.sim->stateAt(p);
        s.map->setContent(MapContent::fromSimulation(*s.sim, s.state));
        showOutcome(s, p);
    }
}

void CompareMaps::showOutcome(Slot& s, std::size_t position)
{
    if (position == 0) {
        s.outcome->setText({});
        return;
    }
    const StepNarration n = narrate(*s.sim, position - 1);
    const std::string& line = n.outcome.empty() ? n.headline : n.outcome;
    s.outcome->setText(QString::fromStdString(line));
    s.outcome->setToolTip(narrationText(n)); // the whole narration
}

QString CompareMaps::outcome(int index) const
{
    const Slot* s = index >= 0 && index < count() ? &m_slots[std::size_t(index)] : nullptr;
    return s && s->outcome ? s->outcome->text() : QString();
}

MemoryMapWidget* CompareMaps::map(int index) const
{
    return index >= 0 && index < count() ? m_slots[std::size_t(index)].map : nullptr;
}

QString CompareMaps::title(int index) const
{
    return index >= 0 && index < count() ? m_slots[std::size_t(index)].title->text() : QString();
}

} // namespace cmascope::views
