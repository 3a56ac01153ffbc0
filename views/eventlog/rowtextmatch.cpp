// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/rowtextmatch.h"

#include "eventlog/steptablemodel.h"
#include "eventlog/textmatcher.h"
#include "eventlog/tracecells.h"

#include <cmascope/sim/simulator.h>

#include <charconv>
#include <string_view>
#include <unordered_map>

namespace cmascope::views {

namespace {

/// The Address cell's text, "0x<addr> / pfn 0x<pfn>", written to @p buf.
std::string_view addressChars(tracecells::Buffer& buf, std::uint64_t addr, std::uint64_t pageSize)
{
    char* const bufEnd = buf + sizeof(tracecells::Buffer);
    char* end = buf;
    *end++ = '0';
    *end++ = 'x';
    end = std::to_chars(end, bufEnd, addr, 16).ptr;
    for (char c : std::string_view(" / pfn 0x"))
        *end++ = c;
    end = std::to_chars(end, bufEnd, addr / pageSize, 16).ptr;
    return std::string_view(buf, std::size_t(end - buf));
}

/// Whether a column's cell text contains the text, asked of the model once per distinct value (@p key: what
/// the text depends on), remembering the last answer for runs of equal values.
class CellMatchMemo
{
public:
    CellMatchMemo(const TextMatcher& matcher, const StepTableModel& model, int column)
        : m_matcher(matcher)
        , m_model(model)
        , m_column(column)
    { }

    bool matches(std::uint64_t key, std::size_t row)
    {
        if (key == m_lastKey)
            return m_last;
        auto it = m_known.find(key);
        if (it == m_known.end())
            it = m_known.emplace(key, m_matcher.matches(m_model.index(int(row), m_column).data().toString())).first;
        m_lastKey = key;
        m_last = it->second;
        return m_last;
    }

private:
    const TextMatcher& m_matcher;
    const StepTableModel& m_model;
    int m_column;
    std::unordered_map<std::uint64_t, bool> m_known;
    std::uint64_t m_lastKey = ~std::uint64_t(0);
    bool m_last = false;
};

/// What an Outcome cell's text depends on for a step that is not a trace request.
std::uint64_t recordOutcomeKey(const StepRecord& rec)
{
    return (std::uint64_t(rec.outcome) << 40) | (std::uint64_t(rec.refusal) << 32) | rec.busyRetries;
}

} // namespace

/// Per row, the matching of every cell, with what it needs prepared once.
class RowTextMatcher::Impl
{
public:
    Impl(const StepTableModel& model, const Simulation& sim, const ReplayResult* trace, const QString& text)
        : m_sim(sim)
        , m_trace(trace)
        , m_matcher(text)
        , m_sizes(m_matcher, model, StepTableModel::SizeColumn)
        , m_aligns(m_matcher, model, StepTableModel::AlignColumn)
        , m_outcomes(m_matcher, model, StepTableModel::OutcomeColumn)
        , m_byHandleAligns(m_matcher, model, StepTableModel::AlignColumn)
        , m_byHandleKind(m_matcher.matches(StepTableModel::byHandleKindText()))
    {
        const auto& symbols = sim.scenario().symbols;
        const Platform& pf = sim.platform();
        m_symbolMatch.resize(symbols.size());
        for (std::uint32_t id = 0; id < symbols.size(); ++id)
            m_symbolMatch[id] = id != 0 && m_matcher.matches(symbols.name(id));
        m_regionMatch.assign(pf.regions.size() + 1, 0);
        for (std::size_t i = 0; i < pf.regions.size(); ++i)
            m_regionMatch[i] = m_matcher.matches(std::string_view(pf.regions[i].name));
        m_stepDigits = m_matcher.possibleIn("0123456789");
        m_timeDigits = !sim.scenario().timesNs.empty() && m_matcher.possibleIn("0123456789.");
        m_addressDigits = m_matcher.possibleIn("0123456789abcdefx/pn ");
    }

    bool matches(std::size_t r)
    {
        const Step& step = m_sim.scenario().steps[r];
        const StepRecord& rec = m_sim.records()[r];
        const ReplayRequest* q = m_trace ? m_trace->requestAtStep(r) : nullptr;
        if (m_symbolMatch[step.label] || (StepTableModel::showsDevice(step.type) && m_symbolMatch[step.device])
            || (step.type == StepType::Allocate && m_symbolMatch[step.kind])
            || (step.type == StepType::AllocateFromRegion && m_byHandleKind)
            || m_regionMatch[std::min<std::size_t>(rec.region, m_regionMatch.size() - 1)])
            return true;
        if (q ? m_outcomes.matches((std::uint64_t(1) << 63) | tracecells::outcomeKey(*q), r)
              : m_outcomes.matches(recordOutcomeKey(rec), r))
            return true;
        if (const std::uint64_t bytes = StepTableModel::stepBytes(m_sim, r); bytes && m_sizes.matches(bytes, r))
            return true;
        if (alignMatches(step, q, r) || (q && traceCellsMatch(*q)))
            return true;
        return numbersMatch(r);
    }

private:
    bool alignMatches(const Step& step, const ReplayRequest* q, std::size_t r)
    {
        if (q)
            return m_aligns.matches(
                (std::uint64_t(1) << 62) | (StepTableModel::stepPageSize(m_sim, r) << 8) | q->align, r);
        if (step.type == StepType::Refused)
            return m_aligns.matches(
                (std::uint64_t(1) << 63) | (StepTableModel::stepPageSize(m_sim, r) << 8) | step.alignLog2, r);
        if (step.type == StepType::AllocateFromRegion) // the alignment as asked, a power of two or not
            return step.offset != 0 && m_byHandleAligns.matches(step.offset, r);
        return step.type == StepType::Allocate && step.alignLog2 != kDefaultAlign
            && m_aligns.matches(step.alignLog2, r);
    }

    bool traceCellsMatch(const ReplayRequest& q)
    {
        tracecells::Buffer buf;
        return m_matcher.matches(tracecells::cpu(buf, q)) || m_matcher.matches(tracecells::retries(buf, q))
            || m_matcher.matches(tracecells::latency(buf, q))
            || m_matcher.matches(tracecells::errnoText(buf, q.errorno));
    }

    bool numbersMatch(std::size_t r)
    {
        tracecells::Buffer buf;
        if (m_stepDigits) {
            char* end = std::to_chars(buf, buf + sizeof buf, r).ptr;
            if (m_matcher.matchesFormatted(std::string_view(buf, std::size_t(end - buf))))
                return true;
        }
        const auto& times = m_sim.scenario().timesNs;
        if (m_timeDigits && r < times.size() && m_matcher.matchesFormatted(tracecells::time(buf, times[r])))
            return true;
        if (m_addressDigits) {
            if (const auto addr = StepTableModel::stepAddress(m_sim, r))
                return m_matcher.matchesFormatted(addressChars(buf, *addr, StepTableModel::stepPageSize(m_sim, r)));
        }
        return false;
    }

    const Simulation& m_sim;
    const ReplayResult* m_trace;
    TextMatcher m_matcher;
    CellMatchMemo m_sizes, m_aligns, m_outcomes, m_byHandleAligns;
    bool m_byHandleKind = false;
    std::vector<std::uint8_t> m_symbolMatch, m_regionMatch;
    bool m_stepDigits = false, m_timeDigits = false, m_addressDigits = false;
};

RowTextMatcher::RowTextMatcher(
    const StepTableModel& model, const Simulation& sim, const ReplayResult* trace, const QString& text)
    : m_impl(std::make_unique<Impl>(model, sim, trace, text))
{ }

RowTextMatcher::~RowTextMatcher() = default;

bool RowTextMatcher::matches(std::size_t row)
{
    return m_impl->matches(row);
}

void matchRowText(const StepTableModel& model, const Simulation& sim, const ReplayResult* trace, const QString& text,
    std::vector<std::uint8_t>& rows)
{
    RowTextMatcher matcher(model, sim, trace, text);
    for (std::size_t r = 0; r < rows.size(); ++r)
        if (rows[r])
            rows[r] = matcher.matches(r);
}

} // namespace cmascope::views
