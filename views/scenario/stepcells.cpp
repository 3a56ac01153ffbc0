// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario/stepcells.h"

#include "common/textformat.h"
#include "common/utf8text.h"
#include "platform/cellinput.h"

#include <cmascope/util/memparse.h>
#include <cmascope/util/units.h>

#include <QCoreApplication>

#include <algorithm>
#include <bit>
#include <set>

namespace cmascope::views::stepcells {

namespace {
/// How far back the fill-ins and the label choices look: a trace-sized scenario costs no more than this.
constexpr std::size_t kLookBack = 100000;
constexpr std::uint32_t kNotInterned = UINT32_MAX;

QString tr(const char* text)
{
    // the context lupdate files a free function's tr() under: its namespace (the template, app/CMakeLists.txt)
    return QCoreApplication::translate("cmascope::views::stepcells", text);
}

QString quoted(const QString& s)
{
    return QStringLiteral("“%1”").arg(s);
}

bool isRegionStep(StepType t)
{
    return t == StepType::Pin || t == StepType::Unpin || t == StepType::Place || t == StepType::Release
        || t == StepType::Refused;
}

bool hasLabel(StepType t)
{
    return t == StepType::Allocate || t == StepType::Free || t == StepType::Phase || t == StepType::Place
        || t == StepType::Refused || t == StepType::AllocateFromRegion;
}

/// The steps that allocate a chunk a free can name: alloc and alloc_from_region.
bool isAlloc(StepType t)
{
    return t == StepType::Allocate || t == StepType::AllocateFromRegion;
}

QString regionName(const Platform& platform, std::uint16_t region)
{
    return region < platform.regions.size() ? QString::fromStdString(platform.regions[region].name)
                                            : QStringLiteral("#%1").arg(region);
}

/// @p pages of region @p region in bytes (nullopt if that does not fit in 64 bits).
std::optional<std::uint64_t> pageBytes(const Platform& platform, std::uint16_t region, std::uint64_t pages)
{
    return checkedMul(pages, regionPageSize(platform, region));
}

/// A size cell's text: shown as the program shows sizes, edited in memparse() syntax.
QString sizeCell(std::optional<std::uint64_t> bytes, bool edit)
{
    if (!bytes)
        return tr("(too large)");
    return edit ? cellinput::sizeInput(*bytes) : sizeString(*bytes);
}

/// Checks that [@p offsetBytes, + @p bytes) is whole pages inside @p region; sets the step's range if so.
QString setRange(
    Step& step, const Platform& platform, std::uint16_t region, std::uint64_t offsetBytes, std::uint64_t bytes)
{
    if (region >= platform.regions.size())
        return tr("The step names region #%1, which the platform does not have.").arg(region);
    const Region& r = platform.regions[region];
    const std::uint64_t page = regionPageSize(platform, region);
    const QString name = quoted(QString::fromStdString(r.name));
    for (const auto& [value, what] : { std::pair(offsetBytes, tr("offset")), std::pair(bytes, tr("size")) }) {
        if (value % page != 0)
            return tr("The %1 %2 is not a whole number of %3 pages of %4.")
                .arg(what, sizeString(value), sizeString(page), name);
    }
    const std::uint64_t regionPages = r.size / page;
    const std::uint64_t offset = offsetBytes / page;
    const std::uint64_t pages = bytes / page;
    if (pages == 0)
        return tr("A %1 needs at least one page.").arg(typeText(step.type));
    if (offset > regionPages || pages > regionPages - offset)
        return tr("Pages %1 + %2 are not inside %3 (%4 pages, %5).")
            .arg(offset)
            .arg(pages)
            .arg(name)
            .arg(regionPages)
            .arg(sizeString(r.size));
    step.region = region;
    step.offset = offset;
    step.size = pages;
    return {};
}

/// A label no step of @p scenario uses: "buf1", "buf2", ... (a name never interned is used by no step).
std::uint32_t freshLabel(Scenario& scenario)
{
    for (int n = 1;; ++n) {
        const std::string name = "buf" + std::to_string(n);
        if (scenario.symbols.find(name) == kNotInterned)
            return scenario.symbols.intern(name);
    }
}

/// The label of the last allocation before @p row not freed since (nullopt: none within kLookBack).
std::optional<std::uint32_t> lastLiveLabel(const Scenario& scenario, std::size_t row)
{
    std::set<std::uint32_t> freed;
    const std::size_t stop = row > kLookBack ? row - kLookBack : 0;
    for (std::size_t i = std::min(row, scenario.steps.size()); i-- > stop;) {
        const Step& s = scenario.steps[i];
        if (s.type == StepType::Reset)
            return std::nullopt; // everything before it was freed
        if (s.type == StepType::Free)
            freed.insert(s.label);
        else if (isAlloc(s.type) && s.label != 0 && !freed.contains(s.label))
            return s.label;
    }
    return std::nullopt;
}

/// The last step of @p type before @p row (within kLookBack), or null.
const Step* lastOfType(const Scenario& scenario, std::size_t row, StepType type)
{
    const std::size_t stop = row > kLookBack ? row - kLookBack : 0;
    for (std::size_t i = std::min(row, scenario.steps.size()); i-- > stop;) {
        if (scenario.steps[i].type == type)
            return &scenario.steps[i];
    }
    return nullptr;
}

QString cellText(const Scenario& scenario, const Platform& platform, std::size_t row, int column, bool edit);

/// The alignment cell of alloc_from_region: any value is kept, a run shows the kernel's -EINVAL for one that is not a
/// power of two (docs/cma2010.md#private-regions).
QString assignFromRegionAlign(Step& t, const QString& v)
{
    QString error;
    std::uint64_t bytes = 0;
    if (!v.isEmpty() && v.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
        const auto parsed = cellinput::parseSize(v, &error);
        if (!parsed)
            return error;
        bytes = *parsed;
    }
    t.offset = bytes;
    t.alignLog2 = std::has_single_bit(bytes) ? std::uint8_t(std::countr_zero(bytes)) : kDefaultAlign;
    return {};
}

/// The region cell of alloc_from_region: any region of the platform, by name.
QString assignFromRegion(Step& t, const Platform& platform, const QString& v)
{
    QStringList names;
    for (std::size_t i = 0; i < platform.regions.size(); ++i) {
        names << QString::fromStdString(platform.regions[i].name);
        if (names.back() == v) {
            t.region = std::uint16_t(i);
            return {};
        }
    }
    return tr("There is no region named %1 (regions: %2).").arg(quoted(v), names.join(QStringLiteral(", ")));
}

QString assignAllocField(Step& t, Scenario& scenario, const Platform& platform, int column, const QString& text)
{
    const QString v = text.trimmed();
    QString error;
    const bool byHandle = t.type == StepType::AllocateFromRegion;
    if (byHandle && column == AlignColumn)
        return assignFromRegionAlign(t, v);
    if (byHandle && column == RegionColumn)
        return assignFromRegion(t, platform, v);
    switch (column) {
    case DeviceColumn:
        if (v.isEmpty())
            return tr("An allocation needs a device, e.g. %1.").arg(quoted(QStringLiteral("s3c-mfc5")));
        t.device = scenario.symbols.intern(v.toStdString());
        return {};
    case KindColumn:
        t.kind = scenario.symbols.intern(v.toStdString()); // empty: no kind
        return {};
    case SizeColumn: {
        const auto bytes = cellinput::parseSize(v, &error);
        if (!bytes)
            return error;
        if (*bytes == 0 && !byHandle) // cma_alloc_from_region() of 0 bytes is kept: the run shows its -EINVAL
            return tr("An allocation of 0 bytes: enter a size, e.g. 6M.");
        t.size = *bytes;
        return {};
    }
    case AlignColumn: {
        if (v.isEmpty() || v.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
            t.alignLog2 = kDefaultAlign;
            return {};
        }
        const auto bytes = cellinput::parseSize(v, &error);
        if (!bytes)
            return error;
        if (!std::has_single_bit(*bytes))
            return tr("The alignment %1 is not a power of two (e.g. 4K, 128K, 1M); leave it empty for none.")
                .arg(sizeString(*bytes));
        t.alignLog2 = std::uint8_t(std::countr_zero(*bytes));
        return {};
    }
    default:
        return {};
    }
}

QString assignRangeField(Step& t, const Platform& platform, int column, const QString& text)
{
    const QString v = text.trimmed();
    const auto offsetBytes = pageBytes(platform, t.region, t.offset);
    const auto bytes = pageBytes(platform, t.region, t.size);
    if (column == RegionColumn) {
        for (std::size_t i = 0; i < platform.regions.size(); ++i) {
            if (QString::fromStdString(platform.regions[i].name) == v)
                return setRange(t, platform, std::uint16_t(i), offsetBytes.value_or(kU64Max), bytes.value_or(0));
        }
        QStringList names;
        for (const Region& r : platform.regions)
            names << QString::fromStdString(r.name);
        return tr("There is no region named %1 (regions: %2).").arg(quoted(v), names.join(QStringLiteral(", ")));
    }
    QString error;
    const auto value = cellinput::parseSize(v, &error);
    if (!value)
        return error;
    if (column == OffsetColumn)
        return setRange(t, platform, t.region, *value, bytes.value_or(0));
    return setRange(t, platform, t.region, offsetBytes.value_or(kU64Max), *value);
}
} // namespace

QString typeText(StepType type)
{
    return type == StepType::Allocate ? QStringLiteral("alloc") : fromUtf8(stepTypeName(type));
}

std::optional<StepType> typeFromText(const QString& text)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("allocate"))
        return StepType::Allocate;
    for (StepType type : { StepType::Allocate, StepType::AllocateFromRegion, StepType::Free, StepType::Phase,
             StepType::Pin, StepType::Unpin, StepType::Reset, StepType::Place, StepType::Release, StepType::Refused }) {
        if (t == typeText(type))
            return type;
    }
    return std::nullopt;
}

QStringList editableTypeNames()
{
    QStringList names;
    for (StepType type : { StepType::Allocate, StepType::AllocateFromRegion, StepType::Free, StepType::Phase,
             StepType::Pin, StepType::Unpin, StepType::Reset })
        names << typeText(type);
    return names;
}

bool isRecordedType(StepType type)
{
    return type == StepType::Place || type == StepType::Release || type == StepType::Refused;
}

bool isEditable(StepType type, int column)
{
    if (isRecordedType(type))
        return false;
    switch (column) {
    case TypeColumn:
        return true;
    case KindColumn:
        return type == StepType::Allocate;
    case DeviceColumn:
    case AlignColumn:
        return isAlloc(type);
    case SizeColumn:
        return isAlloc(type) || type == StepType::Pin || type == StepType::Unpin;
    case LabelColumn:
        return isAlloc(type) || type == StepType::Free || type == StepType::Phase;
    case RegionColumn:
        return type == StepType::Pin || type == StepType::Unpin || type == StepType::AllocateFromRegion;
    case OffsetColumn:
        return type == StepType::Pin || type == StepType::Unpin;
    default:
        return false;
    }
}

std::uint64_t regionPageSize(const Platform& platform, std::uint16_t region)
{
    if (region < platform.regions.size() && platform.regions[region].pageSize)
        return platform.regions[region].pageSize;
    return platform.pageSize ? platform.pageSize : 4096;
}

QString displayText(const Scenario& scenario, const Platform& platform, std::size_t row, int column)
{
    return cellText(scenario, platform, row, column, false);
}

QString editText(const Scenario& scenario, const Platform& platform, std::size_t row, int column)
{
    return cellText(scenario, platform, row, column, true);
}

namespace {
QString cellText(const Scenario& scenario, const Platform& platform, std::size_t row, int column, bool edit)
{
    const Step& s = scenario.steps[row];
    const auto name = [&scenario](std::uint32_t id) { return fromUtf8(scenario.symbols.name(id)); };
    switch (column) {
    case StepColumn:
        return QString::number(row);
    case TypeColumn:
        return typeText(s.type);
    case DeviceColumn:
        return isAlloc(s.type) || s.type == StepType::Place || s.type == StepType::Refused ? name(s.device) : QString();
    case KindColumn:
        return s.type == StepType::Allocate ? name(s.kind) : QString();
    case SizeColumn:
        if (isAlloc(s.type))
            return sizeCell(s.size, edit);
        return isRegionStep(s.type) ? sizeCell(pageBytes(platform, s.region, s.size), edit) : QString();
    case AlignColumn:
        if (s.type == StepType::Refused) // a page order from the trace
            return sizeCell(
                checkedMul(regionPageSize(platform, s.region), std::uint64_t(1) << (s.alignLog2 & 63)), edit);
        if (s.type == StepType::AllocateFromRegion) // as the driver passed it, a power of two or not
            return s.offset ? sizeCell(s.offset, edit) : QString();
        if (s.type != StepType::Allocate || s.alignLog2 == kDefaultAlign)
            return {};
        return sizeCell(std::uint64_t(1) << (s.alignLog2 & 63), edit);
    case LabelColumn:
        return hasLabel(s.type) ? name(s.label) : QString();
    case RegionColumn:
        return isRegionStep(s.type) || s.type == StepType::AllocateFromRegion ? regionName(platform, s.region)
                                                                              : QString();
    case OffsetColumn:
        return isRegionStep(s.type) && s.type != StepType::Refused
            ? sizeCell(pageBytes(platform, s.region, s.offset), edit)
            : QString();
    default:
        return {};
    }
}
} // namespace

QStringList choices(const Scenario& scenario, const Platform& platform, std::size_t row, int column, bool* freeText)
{
    *freeText = true;
    QStringList out;
    const Step& s = scenario.steps[row];
    switch (column) {
    case TypeColumn:
        *freeText = false;
        return editableTypeNames();
    case DeviceColumn:
        for (const Device& d : platform.devices)
            out << QString::fromStdString(d.name);
        return out;
    case KindColumn:
        out << QString();
        for (const Kind& k : platform.kinds)
            out << QString::fromStdString(k.name);
        return out;
    case RegionColumn:
        *freeText = false;
        for (const Region& r : platform.regions)
            out << QString::fromStdString(r.name);
        return out;
    case LabelColumn:
        if (s.type != StepType::Free)
            return {};
        // The labels allocated before this free, the latest first.
        for (std::size_t i = row, stop = row > kLookBack ? row - kLookBack : 0; i-- > stop && out.size() < 50;) {
            const Step& a = scenario.steps[i];
            const QString label = fromUtf8(scenario.symbols.name(a.label));
            if (isAlloc(a.type) && !label.isEmpty() && !out.contains(label))
                out << label;
        }
        return out;
    default:
        return {};
    }
}

QString placeholder(int column)
{
    switch (column) {
    case SizeColumn:
        return QStringLiteral("6M");
    case AlignColumn:
        return tr("128K (empty: none)");
    case OffsetColumn:
        return QStringLiteral("4M");
    case LabelColumn:
        return QStringLiteral("hd0");
    default:
        return {};
    }
}

QString assign(Scenario& scenario, const Platform& platform, std::size_t row, int column, const QString& text)
{
    Step t = scenario.steps[row];
    if (!isEditable(t.type, column))
        return isRecordedType(t.type)
            ? tr("A %1 step is recorded by a kernel trace: it cannot be edited here.").arg(typeText(t.type))
            : tr("This field does not apply to a %1 step.").arg(typeText(t.type));
    QString error;
    if (column == TypeColumn) {
        const auto type = typeFromText(text);
        if (!type || isRecordedType(*type))
            return tr("%1 is not a step type a scenario can be given here: choose one of %2.")
                .arg(quoted(text.trimmed()), editableTypeNames().join(QStringLiteral(", ")));
        if (*type == t.type)
            return {};
        if ((*type == StepType::Pin || *type == StepType::Unpin || *type == StepType::AllocateFromRegion)
            && platform.regions.empty())
            return tr("The platform has no region to %1.").arg(typeText(*type));
        t = convertStep(scenario, platform, row, *type);
    } else if (column == LabelColumn) {
        const QString v = text.trimmed();
        if (v.isEmpty() && t.type == StepType::Free)
            return tr("A free needs the label of an allocation, e.g. %1.").arg(quoted(QStringLiteral("hd0")));
        if (v.isEmpty() && t.type == StepType::Phase)
            return tr("A phase needs a text, e.g. %1.").arg(quoted(tr("video conference")));
        t.label = scenario.symbols.intern(v.toStdString());
    } else if (isAlloc(t.type)) {
        error = assignAllocField(t, scenario, platform, column, text);
    } else {
        error = assignRangeField(t, platform, column, text);
    }
    if (error.isEmpty())
        scenario.steps[row] = t;
    return error;
}

namespace {
/// A new alloc_from_region: like the last one, else of the last alloc's device (1 MiB) in the first 2010 private
/// region (else the first region); a fresh label.
Step freshFromRegion(Scenario& scenario, const Platform& platform, std::size_t row)
{
    Step t;
    if (const Step* last = lastOfType(scenario, row, StepType::AllocateFromRegion)) {
        t = *last;
    } else {
        const Step* alloc = lastOfType(scenario, row, StepType::Allocate);
        t.type = StepType::AllocateFromRegion;
        t.device = alloc ? alloc->device
                         : scenario.symbols.intern(platform.devices.empty() ? "dev" : platform.devices.front().name);
        t.size = MiB;
        const auto it = std::find_if(
            platform.regions.begin(), platform.regions.end(), [](const Region& r) { return r.privateHandle; });
        t.region = it == platform.regions.end() ? 0 : std::uint16_t(it - platform.regions.begin());
    }
    t.label = freshLabel(scenario);
    return t;
}
} // namespace

Step freshStep(Scenario& scenario, const Platform& platform, std::size_t row, StepType type)
{
    Step t;
    t.type = type;
    switch (type) {
    case StepType::Allocate:
        if (const Step* last = lastOfType(scenario, row, StepType::Allocate)) {
            t = *last;
        } else {
            t.device = scenario.symbols.intern(platform.devices.empty() ? "dev" : platform.devices.front().name);
            t.size = MiB;
        }
        t.label = freshLabel(scenario);
        break;
    case StepType::AllocateFromRegion:
        t = freshFromRegion(scenario, platform, row);
        break;
    case StepType::Free:
        t.label = lastLiveLabel(scenario, row).value_or(0);
        if (t.label == 0)
            t.label = scenario.symbols.intern("buf1");
        break;
    case StepType::Phase:
        t.label = scenario.symbols.intern(tr("new phase").toStdString());
        break;
    case StepType::Unpin:
        if (const Step* pin = lastOfType(scenario, row, StepType::Pin)) {
            t.region = pin->region;
            t.offset = pin->offset;
            t.size = pin->size;
            break;
        }
        [[fallthrough]];
    case StepType::Pin:
        t.size = 1; // the first page of the first region that has any
        for (std::size_t i = 0; i < platform.regions.size(); ++i) {
            if (platform.regions[i].size >= regionPageSize(platform, std::uint16_t(i))) {
                t.region = std::uint16_t(i);
                break;
            }
        }
        break;
    default:
        break;
    }
    return t;
}

Step convertStep(Scenario& scenario, const Platform& platform, std::size_t row, StepType type)
{
    const Step from = scenario.steps[row];
    Step t = freshStep(scenario, platform, row, type);
    const auto labelled = [](StepType s) { return isAlloc(s) || s == StepType::Free || s == StepType::Phase; };
    if (labelled(type) && labelled(from.type) && from.label != 0)
        t.label = from.label;
    if (isAlloc(type) && isAlloc(from.type)) { // alloc <-> alloc_from_region: the same driver asks as much
        t.device = from.device;
        t.size = from.size;
    }
    if ((type == StepType::Pin || type == StepType::Unpin) && isRegionStep(from.type)
        && from.type != StepType::Refused) {
        t.region = from.region;
        t.offset = from.offset;
        t.size = from.size;
    }
    return t;
}

} // namespace cmascope::views::stepcells
