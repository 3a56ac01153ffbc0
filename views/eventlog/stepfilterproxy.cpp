// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/stepfilterproxy.h"

#include "eventlog/steptablemodel.h"
#include "eventlog/textmatcher.h"
#include "eventlog/textorder.h"

#include <cmascope/sim/simulator.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace cmascope::views {

namespace {

/// Appends @p v in base @p base (lower-case digits) to @p out.
char* appendNumber(char* out, char* end, std::uint64_t v, int base = 10)
{
    return std::to_chars(out, end, v, base).ptr;
}

/// What an Outcome cell's text depends on: the outcome, the refusal and the busy retries.
std::uint64_t outcomeKey(const StepRecord& rec)
{
    return (std::uint64_t(rec.outcome) << 40) | (std::uint64_t(rec.refusal) << 32) | rec.busyRetries;
}

bool isRequest(StepType t)
{
    return StepTableModel::isRequest(t);
}

/// The Alignment column's sort key: the alignment's log2 (a refused request's page order in bytes), 0 = none.
std::uint64_t alignKey(const Simulation& sim, std::size_t row)
{
    const Step& s = sim.scenario().steps[row];
    if (s.type == StepType::Refused)
        return s.alignLog2 + unsigned(std::countr_zero(StepTableModel::stepPageSize(sim, row)));
    if (s.type == StepType::Allocate && s.alignLog2 != kDefaultAlign)
        return s.alignLog2;
    return 0;
}

/// The rank of every region's name (index regions.size(): no region, the empty text) in QString::compare
/// order; equal names share a rank.
std::vector<std::uint32_t> regionRanks(const Platform& pf)
{
    std::vector<std::uint32_t> ids(pf.regions.size() + 1);
    std::iota(ids.begin(), ids.end(), 0u);
    auto name = [&](std::uint32_t i) {
        return i < pf.regions.size() ? std::string_view(pf.regions[i].name) : std::string_view();
    };
    std::stable_sort(
        ids.begin(), ids.end(), [&](std::uint32_t a, std::uint32_t b) { return textLess(name(a), name(b)); });
    std::vector<std::uint32_t> rank(ids.size());
    for (std::uint32_t i = 0; i < ids.size(); ++i)
        rank[ids[i]] = i > 0 && name(ids[i]) == name(ids[i - 1]) ? rank[ids[i - 1]] : i;
    return rank;
}

/// The rank of every row's Outcome text in QString::compare order. The text depends on (outcome, refusal,
/// busy retries) only: each distinct one is formatted once, by the model.
void outcomeRankKeys(const StepTableModel& model, const Simulation& sim, SortItems& items)
{
    const auto& records = sim.records();
    const std::size_t n = items.size();
    std::unordered_map<std::uint64_t, std::uint32_t> firstRow;
    for (std::size_t r = 0; r < n; ++r)
        firstRow.try_emplace(outcomeKey(records[r]), std::uint32_t(r));
    std::vector<std::pair<QString, std::uint64_t>> texts;
    for (const auto& [key, row] : firstRow)
        texts.emplace_back(
            model.index(int(row), StepTableModel::OutcomeColumn).data(StepTableModel::SortRole).toString(), key);
    std::sort(texts.begin(), texts.end(), [](const auto& a, const auto& b) {
        const int c = QString::compare(a.first, b.first);
        return c < 0 || (c == 0 && a.second < b.second);
    });
    std::unordered_map<std::uint64_t, std::uint32_t> rank;
    for (std::uint32_t i = 0; i < texts.size(); ++i)
        rank[texts[i].second] = i > 0 && texts[i].first == texts[i - 1].first ? rank[texts[i - 1].second] : i;
    for (std::size_t r = 0; r < n; ++r)
        items[r].first = rank[outcomeKey(records[r])];
}

/// Whether the outcome filter @p filter lets a step of type @p t with outcome @p o through.
bool outcomeAccepts(StepFilterProxy::OutcomeFilter filter, StepType t, Outcome o)
{
    switch (filter) {
    case StepFilterProxy::OutcomeFilter::Requests:
        return isRequest(t);
    case StepFilterProxy::OutcomeFilter::Failures:
        return o == Outcome::Failed || o == Outcome::FreeUnknown;
    case StepFilterProxy::OutcomeFilter::Frees:
        return t == StepType::Free || t == StepType::Release;
    case StepFilterProxy::OutcomeFilter::Markers:
        return t == StepType::Phase;
    case StepFilterProxy::OutcomeFilter::All:
        break;
    }
    return true;
}

/// The Time cell's text (cellinput::traceTimeText: seconds '.' microseconds, 6 digits) written to @p buf.
std::string_view traceTimeChars(char (&buf)[96], std::uint64_t ns)
{
    char* end = appendNumber(buf, buf + sizeof buf, ns / 1000000000ull);
    *end++ = '.';
    const std::uint64_t us = (ns / 1000ull) % 1000000ull;
    char digits[8];
    char* dEnd = appendNumber(digits, digits + sizeof digits, us);
    for (std::ptrdiff_t pad = 6 - (dEnd - digits); pad > 0; --pad)
        *end++ = '0';
    end = std::copy(digits, dEnd, end);
    return std::string_view(buf, std::size_t(end - buf));
}

/// The Address cell's text, "0x<addr> / pfn 0x<pfn>", written to @p buf.
std::string_view addressChars(char (&buf)[96], std::uint64_t addr, std::uint64_t pageSize)
{
    char* end = buf;
    *end++ = '0';
    *end++ = 'x';
    end = appendNumber(end, buf + sizeof buf, addr, 16);
    for (char c : std::string_view(" / pfn 0x"))
        *end++ = c;
    end = appendNumber(end, buf + sizeof buf, addr / pageSize, 16);
    return std::string_view(buf, std::size_t(end - buf));
}

/// Whether a column's cell text contains the filter text, asked of the model once per distinct value
/// (@p key: what the text depends on), remembering the last answer for runs of equal values.
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

} // namespace

StepFilterProxy::StepFilterProxy(QObject* parent)
    : QAbstractProxyModel(parent)
{ }

void StepFilterProxy::setSourceModel(QAbstractItemModel* source)
{
    Q_ASSERT(!source || qobject_cast<StepTableModel*>(source));
    beginResetModel();
    if (QAbstractItemModel* old = sourceModel())
        disconnect(old, nullptr, this, nullptr);
    QAbstractProxyModel::setSourceModel(source);
    if (source) {
        connect(source, &QAbstractItemModel::modelAboutToBeReset, this, [this] { beginResetModel(); });
        connect(source, &QAbstractItemModel::modelReset, this, [this] {
            recomputeForNewRun();
            endResetModel();
        });
        // The step model only resets; any other structural change is taken as a reset too.
        connect(source, &QAbstractItemModel::rowsInserted, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::rowsRemoved, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::rowsMoved, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::columnsInserted, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::columnsRemoved, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::columnsMoved, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::layoutChanged, this, &StepFilterProxy::sourceReset);
        connect(source, &QAbstractItemModel::dataChanged, this, &StepFilterProxy::sourceDataChanged);
        connect(source, &QAbstractItemModel::headerDataChanged, this, &QAbstractItemModel::headerDataChanged);
    }
    computeOrder();
    computeVisible();
    endResetModel();
}

void StepFilterProxy::sourceReset()
{
    beginResetModel();
    recomputeForNewRun();
    endResetModel();
}

void StepFilterProxy::recomputeForNewRun()
{
    m_symbolRank.clear();
    computeOrder();
    computeVisible();
}

void StepFilterProxy::sourceDataChanged(
    const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    // Values behind a filter or sort may have changed: recompute, then repaint every visible cell.
    refresh(true);
    Q_UNUSED(topLeft)
    Q_UNUSED(bottomRight)
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1), roles);
}

void StepFilterProxy::setDeviceFilter(const QString& device)
{
    if (device == m_device)
        return;
    m_device = device;
    refresh(false);
}

void StepFilterProxy::setKindFilter(const QString& kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    refresh(false);
}

void StepFilterProxy::setRegionFilter(const QString& region)
{
    if (region == m_region)
        return;
    m_region = region;
    refresh(false);
}

void StepFilterProxy::setOutcomeFilter(OutcomeFilter filter)
{
    if (filter == m_outcome)
        return;
    m_outcome = filter;
    refresh(false);
}

void StepFilterProxy::setTextFilter(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    refresh(false);
}

void StepFilterProxy::sort(int column, Qt::SortOrder order)
{
    if (column < -1 || column >= StepTableModel::ColumnCount)
        column = -1;
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    refresh(true);
}

void StepFilterProxy::refresh(bool resort)
{
    const auto hint = resort ? QAbstractItemModel::VerticalSortHint : QAbstractItemModel::NoLayoutChangeHint;
    Q_EMIT layoutAboutToBeChanged({}, hint);
    // Persistent indexes (the view's current row, its selection) follow their source row.
    const QModelIndexList from = persistentIndexList();
    std::vector<int> sources;
    sources.reserve(std::size_t(from.size()));
    for (const QModelIndex& p : from)
        sources.push_back(p.row() >= 0 && std::size_t(p.row()) < m_rows.size() ? m_rows[std::size_t(p.row())] : -1);
    if (resort)
        computeOrder();
    computeVisible();
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int src = sources[std::size_t(i)];
        const int row = src >= 0 && std::size_t(src) < m_proxyRow.size() ? m_proxyRow[std::size_t(src)] : -1;
        to.push_back(row >= 0 ? createIndex(row, from[i].column()) : QModelIndex());
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, hint);
}

void StepFilterProxy::computeOrder()
{
    m_order.clear();
    const auto* model = qobject_cast<const StepTableModel*>(sourceModel());
    const Simulation* sim = model ? model->simulation() : nullptr;
    if (!sim || m_sortColumn < 0 || (m_sortColumn == StepTableModel::StepColumn && m_sortOrder == Qt::AscendingOrder))
        return;
    const std::size_t n = std::size_t(model->rowCount());
    SortItems items(n);
    if (!fillSortKeys(*model, *sim, items))
        return;
    for (std::size_t r = 0; r < n; ++r) {
        items[r].second = std::uint32_t(r);
        if (m_sortOrder == Qt::DescendingOrder)
            items[r].first = ~items[r].first; // equal values stay in step order
    }
    radixSort(items);
    m_order.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        m_order[i] = int(items[i].second);
}

bool StepFilterProxy::fillSortKeys(const StepTableModel& model, const Simulation& sim, SortItems& items)
{
    const std::size_t n = items.size();
    const auto& steps = sim.scenario().steps;
    const auto& records = sim.records();
    switch (m_sortColumn) {
    case StepTableModel::StepColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = r;
        return true;
    case StepTableModel::TimeColumn: {
        const auto& times = sim.scenario().timesNs;
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = r < times.size() ? times[r] : r;
        return true;
    }
    case StepTableModel::DeviceColumn:
    case StepTableModel::KindColumn:
    case StepTableModel::LabelColumn: {
        // Text columns sort by the rank of their text (QString::compare order): the symbol each cell shows
        // (id 0, the empty text, where the column is blank).
        const auto& rank = symbolRanksOfRun(sim.scenario().symbols);
        for (std::size_t r = 0; r < n; ++r) {
            const Step& s = steps[r];
            std::uint32_t symbol = s.label;
            if (m_sortColumn == StepTableModel::DeviceColumn)
                symbol = isRequest(s.type) ? s.device : 0u;
            else if (m_sortColumn == StepTableModel::KindColumn)
                symbol = s.type == StepType::Allocate ? s.kind : 0u;
            items[r].first = rank[symbol];
        }
        return true;
    }
    case StepTableModel::SizeColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = StepTableModel::stepBytes(sim, r);
        return true;
    case StepTableModel::AlignColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = alignKey(sim, r);
        return true;
    case StepTableModel::RegionColumn: {
        const Platform& pf = sim.platform();
        const std::vector<std::uint32_t> rank = regionRanks(pf);
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = rank[std::min<std::size_t>(records[r].region, pf.regions.size())];
        return true;
    }
    case StepTableModel::AddressColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = StepTableModel::stepAddress(sim, r).value_or(0);
        return true;
    case StepTableModel::OutcomeColumn:
        outcomeRankKeys(model, sim, items);
        return true;
    default:
        return false;
    }
}

const std::vector<std::uint32_t>& StepFilterProxy::symbolRanksOfRun(const SymbolTable& symbols)
{
    if (m_symbolRank.size() != symbols.size())
        m_symbolRank = symbolRanks(symbols);
    return m_symbolRank;
}

std::vector<std::uint8_t> StepFilterProxy::acceptedRows() const
{
    const auto* model = qobject_cast<const StepTableModel*>(sourceModel());
    const Simulation* sim = model ? model->simulation() : nullptr;
    const std::size_t n = model ? std::size_t(model->rowCount()) : 0;
    std::vector<std::uint8_t> accept(n, 1);
    if (!sim)
        return accept;
    acceptChoices(*sim, accept);
    if (!m_text.isEmpty())
        acceptText(*model, *sim, accept);
    return accept;
}

void StepFilterProxy::acceptChoices(const Simulation& sim, std::vector<std::uint8_t>& accept) const
{
    const std::size_t n = accept.size();
    const auto& steps = sim.scenario().steps;
    const auto& records = sim.records();
    const auto& symbols = sim.scenario().symbols;
    const Platform& pf = sim.platform();

    // Device, kind and region: one symbol id or region set, compared as integers.
    if (!m_device.isEmpty()) {
        const std::uint32_t id = symbols.find(m_device.toStdString());
        for (std::size_t r = 0; r < n; ++r)
            accept[r] &= isRequest(steps[r].type) && steps[r].device == id;
    }
    if (!m_kind.isEmpty()) {
        const std::uint32_t id = symbols.find(m_kind.toStdString());
        for (std::size_t r = 0; r < n; ++r)
            accept[r] &= steps[r].type == StepType::Allocate && steps[r].kind == id;
    }
    if (!m_region.isEmpty()) {
        std::vector<std::uint8_t> match(pf.regions.size() + 1, 0); // last: no region
        const std::string name = m_region.toStdString();
        for (std::size_t i = 0; i < pf.regions.size(); ++i)
            match[i] = pf.regions[i].name == name;
        for (std::size_t r = 0; r < n; ++r)
            accept[r] &= match[std::min<std::size_t>(records[r].region, pf.regions.size())];
    }
    if (m_outcome != OutcomeFilter::All) {
        for (std::size_t r = 0; r < n; ++r)
            accept[r] &= outcomeAccepts(m_outcome, steps[r].type, records[r].outcome);
    }
}

void StepFilterProxy::acceptText(
    const StepTableModel& model, const Simulation& sim, std::vector<std::uint8_t>& accept) const
{
    // A row passes when any of its cells contains the text. Names are matched once per symbol or region;
    // sizes, alignments and outcomes once per distinct value (formatted by the model, so the text is exactly
    // what the cell shows); step numbers, times and addresses are formatted here, and only when the text
    // could occur in them.
    const std::size_t n = accept.size();
    const auto& steps = sim.scenario().steps;
    const auto& records = sim.records();
    const auto& symbols = sim.scenario().symbols;
    const Platform& pf = sim.platform();
    const TextMatcher matcher(m_text);
    std::vector<std::uint8_t> symbolMatch(symbols.size());
    for (std::uint32_t id = 0; id < symbols.size(); ++id)
        symbolMatch[id] = id != 0 && matcher.matches(symbols.name(id));
    std::vector<std::uint8_t> regionMatch(pf.regions.size() + 1, 0);
    for (std::size_t i = 0; i < pf.regions.size(); ++i)
        regionMatch[i] = matcher.matches(std::string_view(pf.regions[i].name));
    const auto& times = sim.scenario().timesNs;
    const bool stepDigits = matcher.possibleIn("0123456789");
    const bool timeDigits = !times.empty() && matcher.possibleIn("0123456789.");
    const bool addressDigits = matcher.possibleIn("0123456789abcdefx/pn ");

    CellMatchMemo sizes(matcher, model, StepTableModel::SizeColumn);
    CellMatchMemo aligns(matcher, model, StepTableModel::AlignColumn);
    CellMatchMemo outcomes(matcher, model, StepTableModel::OutcomeColumn);
    char buf[96];
    for (std::size_t r = 0; r < n; ++r) {
        if (!accept[r])
            continue;
        const Step& step = steps[r];
        const StepRecord& rec = records[r];
        bool hit = symbolMatch[step.label] || (isRequest(step.type) && symbolMatch[step.device])
            || (step.type == StepType::Allocate && symbolMatch[step.kind])
            || regionMatch[std::min<std::size_t>(rec.region, pf.regions.size())];
        if (!hit)
            hit = outcomes.matches(outcomeKey(rec), r);
        if (!hit) {
            const std::uint64_t bytes = StepTableModel::stepBytes(sim, r);
            hit = bytes && sizes.matches(bytes, r);
        }
        if (!hit
            && (step.type == StepType::Refused
                || (step.type == StepType::Allocate && step.alignLog2 != kDefaultAlign))) {
            const std::uint64_t key = step.type == StepType::Refused
                ? (std::uint64_t(1) << 63) | (StepTableModel::stepPageSize(sim, r) << 8) | step.alignLog2
                : step.alignLog2;
            hit = aligns.matches(key, r);
        }
        if (!hit && stepDigits) {
            char* end = appendNumber(buf, buf + sizeof buf, r);
            hit = matcher.matchesFormatted(std::string_view(buf, std::size_t(end - buf)));
        }
        if (!hit && timeDigits && r < times.size())
            hit = matcher.matchesFormatted(traceTimeChars(buf, times[r]));
        if (!hit && addressDigits) {
            if (const auto addr = StepTableModel::stepAddress(sim, r))
                hit = matcher.matchesFormatted(addressChars(buf, *addr, StepTableModel::stepPageSize(sim, r)));
        }
        accept[r] = hit;
    }
}

void StepFilterProxy::computeVisible()
{
    const std::vector<std::uint8_t> accept = acceptedRows();
    const std::size_t n = accept.size();
    m_rows.clear();
    m_proxyRow.assign(n, -1);
    if (m_order.size() == n) {
        for (int src : m_order)
            if (accept[std::size_t(src)])
                m_rows.push_back(src);
    } else if (m_sortColumn == StepTableModel::StepColumn && m_sortOrder == Qt::DescendingOrder) {
        for (std::size_t r = n; r-- > 0;)
            if (accept[r])
                m_rows.push_back(int(r));
    } else {
        for (std::size_t r = 0; r < n; ++r)
            if (accept[r])
                m_rows.push_back(int(r));
    }
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        m_proxyRow[std::size_t(m_rows[i])] = int(i);
}

QModelIndex StepFilterProxy::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || std::size_t(row) >= m_rows.size() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex StepFilterProxy::parent(const QModelIndex&) const
{
    return {};
}

int StepFilterProxy::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StepFilterProxy::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

bool StepFilterProxy::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_rows.empty() && columnCount() > 0;
}

QModelIndex StepFilterProxy::sibling(int row, int column, const QModelIndex&) const
{
    return index(row, column);
}

QModelIndex StepFilterProxy::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || std::size_t(proxyIndex.row()) >= m_rows.size())
        return {};
    return sourceModel()->index(m_rows[std::size_t(proxyIndex.row())], proxyIndex.column());
}

QModelIndex StepFilterProxy::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.row() < 0 || std::size_t(sourceIndex.row()) >= m_proxyRow.size())
        return {};
    const int row = m_proxyRow[std::size_t(sourceIndex.row())];
    return row < 0 ? QModelIndex() : createIndex(row, sourceIndex.column());
}

} // namespace cmascope::views
