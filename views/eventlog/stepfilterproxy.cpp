// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/stepfilterproxy.h"

#include "eventlog/rowtextmatch.h"
#include "eventlog/steptablemodel.h"
#include "eventlog/textorder.h"
#include "eventlog/tracecells.h"

#include <cmascope/sim/simulator.h>

#include <algorithm>
#include <bit>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace cmascope::views {

namespace {

/// What an Outcome cell's text depends on: the outcome, the refusal and the busy retries (a trace request's
/// outcome, cause and retries).
std::uint64_t outcomeKey(const Simulation& sim, const ReplayResult* trace, std::size_t row)
{
    if (const ReplayRequest* q = trace ? trace->requestAtStep(row) : nullptr)
        return (std::uint64_t(1) << 63) | tracecells::outcomeKey(*q);
    const StepRecord& rec = sim.records()[row];
    return (std::uint64_t(rec.outcome) << 40) | (std::uint64_t(rec.refusal) << 32) | rec.busyRetries;
}

bool isRequest(StepType t)
{
    return StepTableModel::isRequest(t);
}

/// The Alignment column's sort key: the alignment's log2 (a refused request's page order in bytes), 0 = none.
std::uint64_t alignKey(const Simulation& sim, const ReplayResult* trace, std::size_t row)
{
    if (const ReplayRequest* q = trace ? trace->requestAtStep(row) : nullptr)
        return q->align + unsigned(std::countr_zero(StepTableModel::stepPageSize(sim, row)));
    const Step& s = sim.scenario().steps[row];
    if (s.type == StepType::Refused)
        return s.alignLog2 + unsigned(std::countr_zero(StepTableModel::stepPageSize(sim, row)));
    if (s.type == StepType::AllocateFromRegion) // as asked: the log2 of its highest bit when not a power of two
        return s.offset ? std::uint64_t(std::bit_width(s.offset) - 1) : 0;
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
    const ReplayResult* trace = model.trace();
    const std::size_t n = items.size();
    std::vector<std::uint64_t> keys(n);
    std::unordered_map<std::uint64_t, std::uint32_t> firstRow;
    for (std::size_t r = 0; r < n; ++r) {
        keys[r] = outcomeKey(sim, trace, r);
        firstRow.try_emplace(keys[r], std::uint32_t(r));
    }
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
        items[r].first = rank[keys[r]];
}

/// Whether the outcome filter @p filter lets a step of type @p t with outcome @p o through (@p q: the trace
/// request of the step, if any).
bool outcomeAccepts(StepFilterProxy::OutcomeFilter filter, StepType t, Outcome o, const ReplayRequest* q)
{
    using F = StepFilterProxy::OutcomeFilter;
    if (filter >= F::CauseTooSmall)
        return q && !q->succeeded && q->complete
            && int(q->cause) == int(filter) - int(F::CauseTooSmall) + int(FailureCause::TooSmall);
    switch (filter) {
    case StepFilterProxy::OutcomeFilter::Busy:
        return q && q->busyRetries > 0;
    case StepFilterProxy::OutcomeFilter::Requests:
        return isRequest(t);
    case StepFilterProxy::OutcomeFilter::Failures:
        return o == Outcome::Failed || o == Outcome::FreeUnknown;
    case StepFilterProxy::OutcomeFilter::Frees:
        return t == StepType::Free || t == StepType::Release;
    case StepFilterProxy::OutcomeFilter::Markers:
        return t == StepType::Phase;
    default:
        break;
    }
    return true;
}

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
        connect(source, &QAbstractItemModel::rowsInserted, this, &StepFilterProxy::sourceRowsInserted);
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

void StepFilterProxy::sourceRowsInserted(const QModelIndex& parent, int first, int last)
{
    const bool stepOrder =
        m_order.empty() && !(m_sortColumn == StepTableModel::StepColumn && m_sortOrder == Qt::DescendingOrder);
    const bool unfiltered = m_device.isEmpty() && m_kind.isEmpty() && m_region.isEmpty() && m_text.isEmpty()
        && m_outcome == OutcomeFilter::All;
    if (parent.isValid() || !stepOrder || !unfiltered || std::size_t(first) != m_proxyRow.size()
        || m_rows.size() != m_proxyRow.size())
        return sourceReset();
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()) + last - first);
    for (int r = first; r <= last; ++r) {
        m_proxyRow.push_back(int(m_rows.size()));
        m_rows.push_back(r);
    }
    endInsertRows();
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
    // A bookmark changes no filtered or sorted value: repaint its row (or every row) only.
    const bool marksOnly = !roles.isEmpty() && std::all_of(roles.begin(), roles.end(), [](int role) {
        return role == StepTableModel::BookmarkRole || role == Qt::BackgroundRole || role == Qt::DecorationRole;
    });
    if (marksOnly && topLeft.row() == bottomRight.row()) {
        if (const QModelIndex row = mapFromSource(topLeft); row.isValid())
            Q_EMIT dataChanged(index(row.row(), 0), index(row.row(), columnCount() - 1), roles);
        return;
    }
    // Values behind a filter or sort may have changed: recompute, then repaint every visible cell.
    if (!marksOnly)
        refresh(true);
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
                symbol = StepTableModel::showsDevice(s.type) ? s.device : 0u;
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
            items[r].first = alignKey(sim, model.trace(), r);
        return true;
    case StepTableModel::PidColumn: {
        // one parse per task name, not per row
        const Scenario& sc = sim.scenario();
        std::vector<std::uint64_t> pidOf(sc.symbols.size(), 0);
        for (std::uint32_t id = 0; id < pidOf.size(); ++id)
            if (const auto pid = StepTableModel::pidOfTask(sc.symbols.name(id)))
                pidOf[id] = *pid + 1;
        const bool trace = model.trace() != nullptr;
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = trace && StepTableModel::showsDevice(steps[r].type) && steps[r].device < pidOf.size()
                ? pidOf[steps[r].device]
                : 0;
        return true;
    }
    case StepTableModel::CpuColumn:
    case StepTableModel::RetriesColumn:
    case StepTableModel::LatencyColumn:
    case StepTableModel::ErrnoColumn:
        traceSortKeys(model.trace(), m_sortColumn, items);
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

void StepFilterProxy::traceSortKeys(const ReplayResult* trace, int column, SortItems& items)
{
    for (std::size_t r = 0; r < items.size(); ++r) {
        const ReplayRequest* q = trace ? trace->requestAtStep(r) : nullptr;
        std::uint64_t key = 0;
        if (q && column == StepTableModel::CpuColumn)
            key = std::uint64_t(q->cpu + 1);
        else if (q && column == StepTableModel::RetriesColumn)
            key = q->busyRetries;
        else if (q && column == StepTableModel::LatencyColumn)
            key = q->latencyNs();
        else if (q && column == StepTableModel::ErrnoColumn)
            key = std::uint64_t(q->errorno < 0 ? -q->errorno : q->errorno);
        items[r].first = key;
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
    acceptChoices(*sim, model->trace(), accept);
    if (!m_text.isEmpty())
        matchRowText(*model, *sim, model->trace(), m_text, accept);
    return accept;
}

void StepFilterProxy::acceptChoices(
    const Simulation& sim, const ReplayResult* trace, std::vector<std::uint8_t>& accept) const
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
            accept[r] &= StepTableModel::showsDevice(steps[r].type) && steps[r].device == id;
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
            accept[r] &=
                outcomeAccepts(m_outcome, steps[r].type, records[r].outcome, trace ? trace->requestAtStep(r) : nullptr);
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
