// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/stepbookmarks.h"

#include <algorithm>
#include <cmath>

namespace cmascope::views {

StepBookmarks::StepBookmarks(QObject* parent)
    : QObject(parent)
{ }

bool StepBookmarks::contains(std::size_t step) const
{
    return std::binary_search(m_steps.begin(), m_steps.end(), step);
}

void StepBookmarks::toggle(std::size_t step)
{
    const auto it = std::lower_bound(m_steps.begin(), m_steps.end(), step);
    if (it != m_steps.end() && *it == step)
        m_steps.erase(it);
    else
        m_steps.insert(it, step);
    Q_EMIT toggled(step);
}

void StepBookmarks::setSteps(std::vector<std::size_t> steps)
{
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    m_steps = std::move(steps);
    Q_EMIT reset();
}

std::optional<std::size_t> StepBookmarks::next(std::optional<std::size_t> from) const
{
    if (m_steps.empty())
        return std::nullopt;
    if (!from)
        return m_steps.front();
    const auto it = std::upper_bound(m_steps.begin(), m_steps.end(), *from);
    return it == m_steps.end() ? m_steps.front() : *it;
}

std::optional<std::size_t> StepBookmarks::previous(std::optional<std::size_t> from) const
{
    if (m_steps.empty())
        return std::nullopt;
    if (!from)
        return m_steps.back();
    const auto it = std::lower_bound(m_steps.begin(), m_steps.end(), *from);
    return it == m_steps.begin() ? m_steps.back() : *std::prev(it);
}

QJsonArray StepBookmarks::toJson() const
{
    QJsonArray array;
    for (const std::size_t step : m_steps)
        array.append(qint64(step));
    return array;
}

void StepBookmarks::setJson(const QJsonArray& array)
{
    std::vector<std::size_t> steps;
    for (const QJsonValue& v : array) {
        const double d = v.toDouble(-1);
        if (v.isDouble() && d >= 0 && d <= 9007199254740992.0 && std::floor(d) == d)
            steps.push_back(std::size_t(d));
    }
    setSteps(std::move(steps));
}

} // namespace cmascope::views
