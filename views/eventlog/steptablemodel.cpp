// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/steptablemodel.h"

#include "common/document.h"
#include "common/textformat.h"
#include "platform/platformmodels.h"

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>

#include <algorithm>
#include <bit>
#include <charconv>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace cmascope::views {

namespace {
QString fromView(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

} // namespace

StepTableModel::StepTableModel(Document* document, QObject* parent)
    : QAbstractTableModel(parent)
    , m_doc(document)
{
    connect(m_doc, &Document::runStarted, this, &StepTableModel::reset);
    connect(m_doc, &Document::runFinished, this, &StepTableModel::reset);
    reset();
}

void StepTableModel::reset()
{
    beginResetModel();
    m_rows = m_doc->simulation() ? int(m_doc->simulation()->stepCount()) : 0;
    endResetModel();
}

int StepTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int StepTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StepTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StepColumn:
        return tr("Step");
    case TimeColumn:
        return tr("Time (s)");
    case DeviceColumn:
        return tr("Device");
    case KindColumn:
        return tr("Kind");
    case SizeColumn:
        return tr("Size");
    case AlignColumn:
        return tr("Alignment");
    case RegionColumn:
        return tr("Region");
    case AddressColumn:
        return tr("Address / PFN");
    case OutcomeColumn:
        return tr("Outcome");
    case LabelColumn:
        return tr("Label");
    default:
        return {};
    }
}

int StepTableModel::rowForChunk(quint32 chunk) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || chunk >= sim->chunks().size())
        return -1;
    return int(sim->chunks()[chunk].bornStep);
}

const Simulation* StepTableModel::simulation() const
{
    return m_rows ? m_doc->simulation() : nullptr;
}

std::uint64_t StepTableModel::stepPageSize(const Simulation& sim, std::size_t row)
{
    const Platform& pf = sim.platform();
    const std::uint16_t r = sim.records()[row].region;
    if (r < pf.regions.size() && pf.regions[r].pageSize)
        return pf.regions[r].pageSize;
    return pf.pageSize;
}

std::uint64_t StepTableModel::stepBytes(const Simulation& sim, std::size_t row)
{
    const Step& step = sim.scenario().steps[row];
    if (step.type == StepType::Allocate)
        return step.size;
    if (step.type == StepType::Phase || step.type == StepType::Reset)
        return 0;
    return (step.type == StepType::Free ? sim.records()[row].pages : step.size) * stepPageSize(sim, row);
}

std::optional<std::uint64_t> StepTableModel::stepAddress(const Simulation& sim, std::size_t row)
{
    const StepRecord& rec = sim.records()[row];
    const Platform& pf = sim.platform();
    if (rec.region >= pf.regions.size())
        return std::nullopt;
    const Region& region = pf.regions[rec.region];
    if (!region.placedBase || rec.pages == 0 || rec.outcome == Outcome::Failed
        || rec.outcome == Outcome::AllocatedFallback)
        return std::nullopt;
    return *region.placedBase + std::uint64_t(rec.offset) * stepPageSize(sim, row);
}

QVariant StepTableModel::data(const QModelIndex& index, int role) const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || !index.isValid() || index.row() >= m_rows)
        return {};
    const std::size_t row = std::size_t(index.row());
    const StepRecord& rec = sim->records()[row];
    const Step& step = sim->scenario().steps[row];
    const auto& symbols = sim->scenario().symbols;
    const Platform& pf = sim->platform();
    const Region* region = rec.region < pf.regions.size() ? &pf.regions[rec.region] : nullptr;
    const bool request =
        step.type == StepType::Allocate || step.type == StepType::Place || step.type == StepType::Refused;

    switch (role) {
    case FailedRole:
        return rec.outcome == Outcome::Failed;
    case ChunkRole:
        return quint32(rec.chunk);
    case StepTypeRole:
        return int(step.type);
    case OutcomeRole:
        return int(rec.outcome);
    case Qt::ForegroundRole:
        if (rec.outcome == Outcome::Failed || rec.outcome == Outcome::FreeUnknown)
            return QBrush(QColor(0xd0, 0x30, 0x30));
        if (step.type == StepType::Phase)
            return QGuiApplication::palette().brush(QPalette::Link);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StepColumn || index.column() == TimeColumn || index.column() == SizeColumn
            || index.column() == AddressColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        break;
    }
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};

    const std::uint64_t pageSize = stepPageSize(*sim, row);
    switch (index.column()) {
    case StepColumn:
        return role == SortRole ? QVariant(qulonglong(row)) : QVariant(QString::number(row));
    case TimeColumn: {
        // Kernel traces carry times (ns since boot, printed like ftrace: seconds with microseconds).
        const auto& times = sim->scenario().timesNs;
        if (row >= times.size())
            return role == SortRole ? QVariant(qulonglong(row)) : QVariant(QString());
        if (role == SortRole)
            return qulonglong(times[row]);
        return cellinput::traceTimeText(times[row]);
    }
    case DeviceColumn:
        return request ? fromView(symbols.name(step.device)) : QString();
    case KindColumn:
        return step.type == StepType::Allocate ? fromView(symbols.name(step.kind)) : QString();
    case SizeColumn: {
        const std::uint64_t bytes = stepBytes(*sim, row);
        if (role == SortRole)
            return qulonglong(bytes);
        return bytes ? sizeString(bytes) : QString();
    }
    case AlignColumn:
        if (step.type == StepType::Refused) // a page order from the trace
            return role == SortRole ? QVariant(int(step.alignLog2 + std::countr_zero(pageSize)))
                                    : QVariant(sizeString(pageSize << step.alignLog2));
        if (step.type != StepType::Allocate || step.alignLog2 == kDefaultAlign)
            return role == SortRole ? QVariant(0) : QVariant(QString());
        return role == SortRole ? QVariant(int(step.alignLog2))
                                : QVariant(sizeString(std::uint64_t(1) << step.alignLog2));
    case RegionColumn:
        return region ? QString::fromStdString(region->name) : QString();
    case AddressColumn: {
        const auto addr = stepAddress(*sim, row);
        if (role == SortRole)
            return qulonglong(addr.value_or(0));
        if (!addr)
            return QString();
        return QStringLiteral("%1 / pfn %2").arg(hexString(*addr), hexString(*addr / pageSize));
    }
    case OutcomeColumn: {
        QString text = fromView(outcomeName(rec.outcome));
        if (rec.outcome == Outcome::Failed && rec.refusal != Refusal::None)
            text += QStringLiteral(": %1").arg(fromView(refusalVerdict(rec.refusal)));
        if (rec.busyRetries)
            text += tr(", %n busy retries", nullptr, int(rec.busyRetries));
        return text;
    }
    case LabelColumn:
        return fromView(symbols.name(step.label));
    default:
        return {};
    }
}

// ---- StepFilterProxy ---------------------------------------------------------------------------------------

namespace {

bool isAscii(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

/// Free text as the old proxy matched it (QString::contains, case-insensitive), with a byte-level fast path
/// for ASCII text.
class TextMatcher
{
public:
    explicit TextMatcher(const QString& text)
        : m_text(text)
    {
        const QString folded = text.toCaseFolded();
        const QByteArray utf8 = folded.toUtf8();
        m_foldedAscii = isAscii(std::string_view(utf8.constData(), std::size_t(utf8.size())));
        if (m_foldedAscii)
            m_folded.assign(utf8.constData(), std::size_t(utf8.size()));
        const QByteArray raw = text.toUtf8();
        m_ascii = isAscii(std::string_view(raw.constData(), std::size_t(raw.size())));
    }

    bool matches(const QString& s) const { return s.contains(m_text, Qt::CaseInsensitive); }
    bool matches(std::string_view utf8) const
    {
        if (m_ascii && isAscii(utf8))
            return asciiContains(utf8);
        return matches(QString::fromUtf8(utf8.data(), qsizetype(utf8.size())));
    }
    /// For text we format ourselves (digits, lower-case hex, '.', '/', "pfn"): plain ASCII.
    bool matchesFormatted(std::string_view ascii) const
    {
        return m_foldedAscii && ascii.find(m_folded) != std::string_view::npos;
    }
    /// False when the text cannot occur in a string made only of @p alphabet (a cheap pre-check).
    bool possibleIn(std::string_view alphabet) const
    {
        return m_foldedAscii && std::all_of(m_folded.begin(), m_folded.end(), [&](char c) {
            return alphabet.find(c) != std::string_view::npos;
        });
    }

private:
    bool asciiContains(std::string_view hay) const
    {
        const std::string_view needle = m_folded;
        if (needle.size() > hay.size())
            return false;
        for (std::size_t i = 0, last = hay.size() - needle.size(); i <= last; ++i) {
            std::size_t j = 0;
            while (j < needle.size() && asciiLower(hay[i + j]) == needle[j])
                ++j;
            if (j == needle.size())
                return true;
        }
        return false;
    }

    QString m_text;
    std::string m_folded; ///< case-folded text, when it is ASCII
    bool m_foldedAscii = false;
    bool m_ascii = false;
};

/// Appends @p v in base @p base (lower-case digits) to @p out.
char* appendNumber(char* out, char* end, std::uint64_t v, int base = 10)
{
    return std::to_chars(out, end, v, base).ptr;
}

/// QString::compare (UTF-16 code units) on UTF-8 text: byte order is code point order, which differs from
/// UTF-16 order only between U+E000..U+FFFF and supplementary characters (lead bytes >= 0xEE in both).
bool textLess(std::string_view a, std::string_view b)
{
    auto high = [](std::string_view s) {
        return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xEE; });
    };
    if (high(a) && high(b))
        return QString::compare(fromView(a), fromView(b)) < 0;
    return a < b;
}

void radixSort(std::vector<std::pair<std::uint64_t, std::uint32_t>>& items);

/// The rank of every symbol's name in QString::compare order (id 0, the empty text, ranks first). Sorts on an
/// 8-byte prefix first, then compares whole names only within equal prefixes.
std::vector<std::uint32_t> symbolRanks(const SymbolTable& symbols)
{
    const std::size_t n = symbols.size();
    std::vector<std::string_view> names(n);
    bool high = false;
    for (std::uint32_t id = 0; id < n; ++id) {
        names[id] = symbols.name(id);
        high = high || std::any_of(names[id].begin(), names[id].end(), [](char c) {
            return static_cast<unsigned char>(c) >= 0xEE;
        });
    }
    std::vector<std::pair<std::uint64_t, std::uint32_t>> items(n);
    for (std::uint32_t id = 0; id < n; ++id) {
        std::uint64_t prefix = 0;
        for (std::size_t i = 0; i < 8; ++i)
            prefix = (prefix << 8) | (i < names[id].size() ? static_cast<unsigned char>(names[id][i]) : 0u);
        items[id] = { high ? 0 : prefix, id };
    }
    radixSort(items);
    auto less = [&](const auto& a, const auto& b) { return textLess(names[a.second], names[b.second]); };
    for (std::size_t begin = 0; begin < n;) {
        std::size_t end = begin + 1;
        while (end < n && items[end].first == items[begin].first)
            ++end;
        if (end - begin > 1)
            std::sort(items.begin() + std::ptrdiff_t(begin), items.begin() + std::ptrdiff_t(end), less);
        begin = end;
    }
    std::vector<std::uint32_t> rank(n);
    for (std::uint32_t i = 0; i < n; ++i)
        rank[items[i].second] = i;
    return rank;
}

/// Stable LSD radix sort of (key, row) pairs by key; bytes equal in every key are skipped.
void radixSort(std::vector<std::pair<std::uint64_t, std::uint32_t>>& items)
{
    std::vector<std::pair<std::uint64_t, std::uint32_t>> tmp(items.size());
    std::uint64_t orBits = 0, andBits = ~std::uint64_t(0);
    for (const auto& it : items) {
        orBits |= it.first;
        andBits &= it.first;
    }
    const std::uint64_t varying = orBits ^ andBits;
    for (int shift = 0; shift < 64; shift += 8) {
        if (((varying >> shift) & 0xFF) == 0)
            continue;
        std::size_t count[257] = {};
        for (const auto& it : items)
            ++count[((it.first >> shift) & 0xFF) + 1];
        for (int i = 0; i < 256; ++i)
            count[i + 1] += count[i];
        for (const auto& it : items)
            tmp[count[(it.first >> shift) & 0xFF]++] = it;
        items.swap(tmp);
    }
}

/// What an Outcome cell's text depends on: the outcome, the refusal and the busy retries.
std::uint64_t outcomeKey(const StepRecord& rec)
{
    return (std::uint64_t(rec.outcome) << 40) | (std::uint64_t(rec.refusal) << 32) | rec.busyRetries;
}

bool isRequest(StepType t)
{
    return t == StepType::Allocate || t == StepType::Place || t == StepType::Refused;
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
    const auto& steps = sim->scenario().steps;
    const auto& records = sim->records();
    const auto& symbols = sim->scenario().symbols;
    const Platform& pf = sim->platform();

    // Text columns sort by the rank of their text (QString::compare order); symbol ranks are kept per run.
    auto ranks = [&]() -> const std::vector<std::uint32_t>& {
        if (m_symbolRank.size() != symbols.size())
            m_symbolRank = symbolRanks(symbols);
        return m_symbolRank;
    };

    std::vector<std::pair<std::uint64_t, std::uint32_t>> items(n);
    switch (m_sortColumn) {
    case StepTableModel::StepColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = r;
        break;
    case StepTableModel::TimeColumn: {
        const auto& times = sim->scenario().timesNs;
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = r < times.size() ? times[r] : r;
        break;
    }
    case StepTableModel::DeviceColumn:
    case StepTableModel::KindColumn:
    case StepTableModel::LabelColumn: {
        // The symbol each cell shows (id 0, the empty text, where the column is blank).
        const int column = m_sortColumn;
        auto symbolOf = [&](std::size_t r) -> std::uint32_t {
            const Step& s = steps[r];
            if (column == StepTableModel::DeviceColumn)
                return isRequest(s.type) ? s.device : 0u;
            if (column == StepTableModel::KindColumn)
                return s.type == StepType::Allocate ? s.kind : 0u;
            return s.label;
        };
        const auto& rank = ranks();
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = rank[symbolOf(r)];
        break;
    }
    case StepTableModel::SizeColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = StepTableModel::stepBytes(*sim, r);
        break;
    case StepTableModel::AlignColumn:
        for (std::size_t r = 0; r < n; ++r) {
            const Step& s = steps[r];
            if (s.type == StepType::Refused)
                items[r].first = s.alignLog2 + unsigned(std::countr_zero(StepTableModel::stepPageSize(*sim, r)));
            else if (s.type == StepType::Allocate && s.alignLog2 != kDefaultAlign)
                items[r].first = s.alignLog2;
            else
                items[r].first = 0;
        }
        break;
    case StepTableModel::RegionColumn: {
        // Index regions.size() is "no region" (empty text).
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
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = rank[std::min<std::size_t>(records[r].region, pf.regions.size())];
        break;
    }
    case StepTableModel::AddressColumn:
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = StepTableModel::stepAddress(*sim, r).value_or(0);
        break;
    case StepTableModel::OutcomeColumn: {
        // The text depends on (outcome, refusal, busy retries) only: format each distinct one once.
        auto keyOf = [&](std::size_t r) { return outcomeKey(records[r]); };
        std::unordered_map<std::uint64_t, std::uint32_t> firstRow;
        for (std::size_t r = 0; r < n; ++r)
            firstRow.try_emplace(keyOf(r), std::uint32_t(r));
        std::vector<std::pair<QString, std::uint64_t>> texts;
        for (const auto& [key, row] : firstRow)
            texts.emplace_back(
                model->index(int(row), StepTableModel::OutcomeColumn).data(StepTableModel::SortRole).toString(), key);
        std::sort(texts.begin(), texts.end(), [](const auto& a, const auto& b) {
            const int c = QString::compare(a.first, b.first);
            return c < 0 || (c == 0 && a.second < b.second);
        });
        std::unordered_map<std::uint64_t, std::uint32_t> rank;
        for (std::uint32_t i = 0; i < texts.size(); ++i)
            rank[texts[i].second] = i > 0 && texts[i].first == texts[i - 1].first ? rank[texts[i - 1].second] : i;
        for (std::size_t r = 0; r < n; ++r)
            items[r].first = rank[keyOf(r)];
        break;
    }
    default:
        return;
    }
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

std::vector<std::uint8_t> StepFilterProxy::acceptedRows() const
{
    const auto* model = qobject_cast<const StepTableModel*>(sourceModel());
    const Simulation* sim = model ? model->simulation() : nullptr;
    const std::size_t n = model ? std::size_t(model->rowCount()) : 0;
    std::vector<std::uint8_t> accept(n, 1);
    if (!sim)
        return accept;
    const auto& steps = sim->scenario().steps;
    const auto& records = sim->records();
    const auto& symbols = sim->scenario().symbols;
    const Platform& pf = sim->platform();

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
        for (std::size_t r = 0; r < n; ++r) {
            const StepType t = steps[r].type;
            const Outcome o = records[r].outcome;
            bool ok = true;
            switch (m_outcome) {
            case OutcomeFilter::Requests:
                ok = isRequest(t);
                break;
            case OutcomeFilter::Failures:
                ok = o == Outcome::Failed || o == Outcome::FreeUnknown;
                break;
            case OutcomeFilter::Frees:
                ok = t == StepType::Free || t == StepType::Release;
                break;
            case OutcomeFilter::Markers:
                ok = t == StepType::Phase;
                break;
            case OutcomeFilter::All:
                break;
            }
            accept[r] &= ok;
        }
    }
    if (m_text.isEmpty())
        return accept;

    // Free text: a row passes when any of its cells contains the text. Names are matched once per symbol
    // or region; sizes, alignments and outcomes once per distinct value (formatted by the model, so the
    // text is exactly what the cell shows); step numbers, times and addresses are formatted here, and only
    // when the text could occur in them.
    const TextMatcher matcher(m_text);
    std::vector<std::uint8_t> symbolMatch(symbols.size());
    for (std::uint32_t id = 0; id < symbols.size(); ++id)
        symbolMatch[id] = id != 0 && matcher.matches(symbols.name(id));
    std::vector<std::uint8_t> regionMatch(pf.regions.size() + 1, 0);
    for (std::size_t i = 0; i < pf.regions.size(); ++i)
        regionMatch[i] = matcher.matches(std::string_view(pf.regions[i].name));
    const auto& times = sim->scenario().timesNs;
    const bool stepDigits = matcher.possibleIn("0123456789");
    const bool timeDigits = !times.empty() && matcher.possibleIn("0123456789.");
    const bool addressDigits = matcher.possibleIn("0123456789abcdefx/pn ");

    struct Memo
    {
        std::unordered_map<std::uint64_t, bool> known;
        std::uint64_t lastKey = ~std::uint64_t(0);
        bool last = false;
    };
    auto memo = [&](Memo& m, std::uint64_t key, std::size_t row, int column) {
        if (key == m.lastKey)
            return m.last;
        auto it = m.known.find(key);
        if (it == m.known.end())
            it = m.known.emplace(key, matcher.matches(model->index(int(row), column).data().toString())).first;
        m.lastKey = key;
        m.last = it->second;
        return m.last;
    };
    Memo sizes, aligns, outcomes;
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
            hit = memo(outcomes, outcomeKey(rec), r, StepTableModel::OutcomeColumn);
        if (!hit) {
            const std::uint64_t bytes = StepTableModel::stepBytes(*sim, r);
            hit = bytes && memo(sizes, bytes, r, StepTableModel::SizeColumn);
        }
        if (!hit
            && (step.type == StepType::Refused
                || (step.type == StepType::Allocate && step.alignLog2 != kDefaultAlign))) {
            const std::uint64_t key = step.type == StepType::Refused
                ? (std::uint64_t(1) << 63) | (StepTableModel::stepPageSize(*sim, r) << 8) | step.alignLog2
                : step.alignLog2;
            hit = memo(aligns, key, r, StepTableModel::AlignColumn);
        }
        if (!hit && stepDigits) {
            char* end = appendNumber(buf, buf + sizeof buf, r);
            hit = matcher.matchesFormatted(std::string_view(buf, std::size_t(end - buf)));
        }
        if (!hit && timeDigits && r < times.size()) {
            // cellinput::traceTimeText: seconds '.' microseconds (6 digits).
            char* end = appendNumber(buf, buf + sizeof buf, times[r] / 1000000000ull);
            *end++ = '.';
            const std::uint64_t us = (times[r] / 1000ull) % 1000000ull;
            char digits[8];
            char* dEnd = appendNumber(digits, digits + sizeof digits, us);
            for (std::ptrdiff_t pad = 6 - (dEnd - digits); pad > 0; --pad)
                *end++ = '0';
            end = std::copy(digits, dEnd, end);
            hit = matcher.matchesFormatted(std::string_view(buf, std::size_t(end - buf)));
        }
        if (!hit && addressDigits) {
            if (const auto addr = StepTableModel::stepAddress(*sim, r)) {
                // "0x<addr> / pfn 0x<pfn>", as the Address column shows it.
                char* end = buf;
                *end++ = '0';
                *end++ = 'x';
                end = appendNumber(end, buf + sizeof buf, *addr, 16);
                for (char c : std::string_view(" / pfn 0x"))
                    *end++ = c;
                end = appendNumber(end, buf + sizeof buf, *addr / StepTableModel::stepPageSize(*sim, r), 16);
                hit = matcher.matchesFormatted(std::string_view(buf, std::size_t(end - buf)));
            }
        }
        accept[r] = hit;
    }
    return accept;
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
