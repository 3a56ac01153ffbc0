// SPDX-License-Identifier: GPL-2.0-or-later
// The compare pane's maps: one small memory map per run of a comparison, side by side, all showing the
// state at the same position, as block grids (docs/compare.md#the-pane). Under each map, one sentence on how
// that run's policy handled the step just shown (its narration's outcome, docs/teaching.md#narration).
#pragma once

#include <cmascope/sim/simulator.h>

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QHBoxLayout;
class QLabel;

namespace cmascope::views {

class MemoryMapWidget;
class OutcomeLabel;

class CompareMaps : public QWidget
{
    Q_OBJECT
public:
    explicit CompareMaps(QWidget* parent = nullptr);
    ~CompareMaps() override;

    /// One map per run, titled by @p titles (parallel). A null run gets a note instead. @p positions (parallel,
    /// may be shorter; Comparison::positions) maps the document's position to a run's own.
    void setRuns(std::vector<std::shared_ptr<const Simulation>> runs, const QStringList& titles,
        std::vector<std::vector<std::uint32_t>> positions = {});
    void clear();
    /// Shows every run's state after @p position steps (clamped to each run).
    void showPosition(std::size_t position);
    std::size_t position() const { return m_position; }

    int count() const { return int(m_slots.size()); }
    /// The map of run @p index, or null for a run without one.
    MemoryMapWidget* map(int index) const;
    QString title(int index) const;
    /// The sentence under map @p index: how its run handled the step shown (empty before step 0).
    QString outcome(int index) const;

private:
    struct Slot
    {
        std::shared_ptr<const Simulation> sim;
        std::vector<std::uint32_t> positionOf; ///< empty: the document's position
        SimState state;
        MemoryMapWidget* map = nullptr;
        QLabel* title = nullptr;
        OutcomeLabel* outcome = nullptr; ///< the narration's outcome sentence; the whole narration as its tooltip
        QWidget* box = nullptr;
    };
    void showOutcome(Slot& s, std::size_t position);

    std::vector<Slot> m_slots;
    QHBoxLayout* m_row = nullptr;
    QLabel* m_empty = nullptr;
    std::size_t m_position = 0;
};

} // namespace cmascope::views
