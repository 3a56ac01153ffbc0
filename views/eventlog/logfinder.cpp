// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/logfinder.h"

#include "eventlog/rowtextmatch.h"
#include "eventlog/steptablemodel.h"

#include <cmascope/sim/simulator.h>

namespace cmascope::views {

LogFinder::LogFinder(const StepTableModel* model, const StepFilterProxy* proxy, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_proxy(proxy)
{
    // A new run (or new cells) makes the matches out of date.
    connect(model, &QAbstractItemModel::modelReset, this, &LogFinder::invalidate);
    connect(model, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
            if (roles.isEmpty() || roles.contains(Qt::DisplayRole))
                invalidate();
        });
}

LogFinder::~LogFinder() = default;

void LogFinder::invalidate()
{
    m_matcher.reset();
    m_match.clear();
}

bool LogFinder::stepMatches(int step)
{
    if (step < 0 || std::size_t(step) >= m_match.size())
        return false;
    std::int8_t& known = m_match[std::size_t(step)];
    if (known < 0)
        known = m_matcher->matches(std::size_t(step)) ? 1 : 0;
    return known == 1;
}

int LogFinder::find(const QString& text, int from, bool forward)
{
    m_wrapped = false;
    const int rows = m_proxy->rowCount();
    const Simulation* sim = m_model->simulation();
    if (text.isEmpty() || rows == 0 || !sim)
        return -1;
    if (!m_matcher || text != m_text) {
        m_text = text;
        m_matcher = std::make_unique<RowTextMatcher>(*m_model, *sim, m_model->trace(), text);
        m_match.assign(std::size_t(m_model->rowCount()), -1);
    }
    if (from < -1 || from >= rows)
        from = -1;
    const int step = forward ? 1 : -1;
    int row = from < 0 ? (forward ? 0 : rows - 1) : from + step;
    for (int seen = 0; seen < rows; ++seen, row += step) {
        if (row >= rows || row < 0) {
            row = forward ? 0 : rows - 1;
            m_wrapped = true;
        }
        if (stepMatches(m_proxy->sourceRowAt(row)))
            return row;
    }
    m_wrapped = false;
    return -1;
}

} // namespace cmascope::views
