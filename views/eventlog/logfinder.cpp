// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/logfinder.h"

#include "eventlog/rowtextmatch.h"
#include "eventlog/steptablemodel.h"

namespace cmascope::views {

LogFinder::LogFinder(const StepTableModel* model, const StepFilterProxy* proxy, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_proxy(proxy)
{
    // A new run (or new cells) makes the matches out of date.
    connect(model, &QAbstractItemModel::modelReset, this, [this] { m_valid = false; });
    connect(model, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex&, const QModelIndex&, const QList<int>& roles) {
            if (roles.isEmpty() || roles.contains(Qt::DisplayRole))
                m_valid = false;
        });
}

const std::vector<std::uint8_t>& LogFinder::matchesOf(const QString& text)
{
    if (m_valid && text == m_text)
        return m_match;
    m_text = text;
    m_match.assign(std::size_t(m_model->rowCount()), 1);
    if (const Simulation* sim = m_model->simulation())
        matchRowText(*m_model, *sim, m_model->trace(), text, m_match);
    else
        m_match.clear();
    m_valid = true;
    return m_match;
}

int LogFinder::find(const QString& text, int from, bool forward)
{
    m_wrapped = false;
    const int rows = m_proxy->rowCount();
    if (text.isEmpty() || rows == 0)
        return -1;
    const std::vector<std::uint8_t>& match = matchesOf(text);
    if (from < -1 || from >= rows)
        from = -1;
    const int step = forward ? 1 : -1;
    int row = from < 0 ? (forward ? 0 : rows - 1) : from + step;
    for (int seen = 0; seen < rows; ++seen, row += step) {
        if (row >= rows || row < 0) {
            row = forward ? 0 : rows - 1;
            m_wrapped = true;
        }
        const int source = m_proxy->sourceRowAt(row);
        if (source >= 0 && std::size_t(source) < match.size() && match[std::size_t(source)])
            return row;
    }
    m_wrapped = false;
    return -1;
}

} // namespace cmascope::views
