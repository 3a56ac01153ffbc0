// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/boardsettings.h"

#include "common/document.h"
#include "platform/cellinput.h"
#include "platform/tablesupport.h"

#include <cmascope/model/maplang.h>

#include <QColor>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace cmascope::views {

using namespace cellinput;
using namespace tablesupport;

namespace {
QString tr(const char* text)
{
    // the context lupdate files a free function's tr() under: its namespace (the template, app/CMakeLists.txt)
    return QCoreApplication::translate("cmascope::views", text);
}

/// "4 KiB × 2^9" style: @p pageSize shifted by @p order, spelled out.
QString shifted(std::uint64_t pageSize, unsigned order)
{
    return tr("%1 pages × 2^%2").arg(humanSize(pageSize)).arg(order);
}

QString modernTail(const Platform& p)
{
    const auto def = std::find_if(p.regions.begin(), p.regions.end(), [](const Region& r) { return r.isDefault; });
    const auto withArea =
        std::count_if(p.devices.begin(), p.devices.end(), [](const Device& d) { return !d.memoryRegions.empty(); });
    const QString area = def != p.regions.end() ? tr("default area %1").arg(quoted(qs(def->name)))
                                                : tr("no default area (tick Default on a region)");
    return tr("This board: %1; %2 of %3 devices name a memory-region; %4 map rules kept, not used.")
        .arg(area)
        .arg(withArea)
        .arg(p.devices.size())
        .arg(p.rules.size());
}

QString map2010Tail(const Platform& p)
{
    const std::vector<std::string> asterisk = p.mapDialect ? asteriskRegions(p, *p.mapDialect) : asteriskRegions(p);
    const QString star = asterisk.empty() ? tr("no asterisk regions (tick Asterisk on a region)")
                                          : tr("asterisk regions %1").arg(joinNames(asterisk));
    return tr("This board: %1 map rules; %2.").arg(p.rules.size()).arg(star);
}

QString unmatchedText(const Platform& p)
{
    if (!p.mapDialect)
        return tr("requests no rule matches go to the asterisk regions");
    switch (*p.mapDialect) {
    case MapDialect::V1:
        return tr("v1: requests no rule matches fail with -ENOENT");
    case MapDialect::V3:
        return tr("v3: requests no rule matches fail with -ENOENT (the asterisk regions, last declared first, "
                  "serve only a board without a map or a list starting with *)");
    case MapDialect::V4:
        return tr("v4: a pattern without a type matches every type, types are compared literally, and requests "
                  "no rule matches fail with -ENOENT (write a last rule *=...); the posted code never reaches the "
                  "second region of a list");
    case MapDialect::V6:
        return tr("v6: v4's matching, and fallback lists work (requests no rule matches fail with -ENOENT; write a "
                  "last rule *=...)");
    }
    return {};
}
/// The 2010 dialects, "cmascope's rules" (data -1) first.
QComboBox* dialectBox(QWidget* parent)
{
    auto* box = new QComboBox(parent);
    box->addItem(tr("cmascope's rules (v1 matching, asterisk fallback)"), -1);
    box->addItem(tr("v1 (Jul 2010): cma_map="), int(MapDialect::V1));
    box->addItem(tr("v3 (Aug 2010): cma.map=, asterisk regions"), int(MapDialect::V3));
    box->addItem(tr("v4 (Aug 2010): types, *=... fallback"), int(MapDialect::V4));
    box->addItem(tr("v6 (Nov 2010): v4's map, fallback lists fixed"), int(MapDialect::V6));
    box->setToolTip(tr("Which posting of the 2010 patches the map rules follow, as their code behaved "
                       "(docs/cma2010.md, Dialects)"));
    return box;
}
} // namespace

QString mapModeExplanation(const Platform& p)
{
    if (p.mapMode == MapMode::Modern) {
        return tr("<b>Modern (mainline):</b> a device with a memory-region allocates from its first region only; "
                  "other devices try the per-NUMA area of their node, then the default area (a request of one "
                  "page or less never comes from CMA). <b>Not used:</b> the Map tab's rules and the Asterisk "
                  "and Private to flags of regions.<br>")
            + modernTail(p).toHtmlEscaped();
    }
    if (p.mapMode == MapMode::Verkuil) {
        return tr("<b>Hans Verkuil's memory types</b> (2010 review, not merged): a request's kind is a memory type; "
                  "it gets the region of that type whose Drivers list the device, else the type's general region "
                  "(no drivers), else nothing. A request without a type fails. Regions of type dma and common "
                  "fall back to the system allocator (kmalloc, at most its largest object) when they have size 0 "
                  "or are full; other types never do. <b>Not used:</b> the Map tab's rules, the Default, "
                  "Asterisk and NUMA flags of regions, devices' memory-region, and the pageblock order.");
    }
    return tr("<b>2010 cma_map rules:</b> the first rule whose pattern matches the device/kind gives the regions "
              "tried, in order; %1; a private region serves only its owner. <b>Not used:</b> the Default flag and NUMA "
              "node of regions, devices' memory-region, and "
              "the pageblock order (2010 regions are aligned to pages).<br>")
               .arg(unmatchedText(p))
        + map2010Tail(p).toHtmlEscaped();
}

QString rulesBannerText(const Platform& p, const QString& boardLink)
{
    if (p.mapMode == MapMode::Map2010)
        return tr("Rules are tried in order and the first pattern that matches wins; %1. Map mode: 2010 (%2).")
            .arg(unmatchedText(p), boardLink);
    if (p.mapMode == MapMode::Verkuil)
        return tr("<b>Not used:</b> the map mode is Verkuil's memory types, so a request finds its region by the "
                  "regions' Type and Drivers and these rules are only kept. Switch to the 2010 rules on the %1.")
            .arg(boardLink);
    return tr("<b>Not used:</b> the map mode is modern, so requests go to the device's memory-region, the per-node "
              "areas or the default area and these rules are only kept. Switch to the 2010 rules on the %1.")
        .arg(boardLink);
}

QString minimumAlignmentText(const Platform& p)
{
    if (p.mapMode != MapMode::Modern)
        return tr("Not used in %1 mode: CMA regions are aligned to a page (%2). In modern mode it would be %3.")
            .arg(p.mapMode == MapMode::Verkuil ? tr("Verkuil") : tr("2010"), humanSize(p.pageSize),
                humanSize(std::uint64_t { p.pageSize } << p.pageblockOrder));
    return tr("Minimum CMA alignment %1 (%2): every CMA region starts and ends on this boundary.")
        .arg(humanSize(std::uint64_t { p.pageSize } << p.pageblockOrder), shifted(p.pageSize, p.pageblockOrder));
}

QString allocationAlignmentText(const Platform& p)
{
    const QString cap = humanSize(std::uint64_t { p.pageSize } << p.cmaAlignmentOrder);
    if (p.mapMode != MapMode::Modern)
        return tr("Not used in %1 mode: the 2010 API aligns an allocation to a page unless it asks for more.")
            .arg(p.mapMode == MapMode::Verkuil ? tr("Verkuil") : tr("2010"));
    return tr("An allocation without an explicit alignment is aligned to its size, at most %1 (%2).")
        .arg(cap, shifted(p.pageSize, p.cmaAlignmentOrder));
}

BoardSettings::BoardSettings(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    createForm();
    refresh();
    connect(m_doc, &Document::projectChanged, this, &BoardSettings::refresh);
}

void BoardSettings::createForm()
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    // Scrolls rather than cutting off when the dock is short.
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto* page = new QWidget(scroll);
    scroll->setWidget(page);
    auto* form = new QFormLayout(page);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const auto note = [page] {
        auto* label = new QLabel(page);
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        return label;
    };

    m_name = new QLineEdit(page);
    m_name->setPlaceholderText(tr("Samsung S5PV210 (Aquila)"));
    m_name->setToolTip(tr("The board's name, as saved in the project and shown in the title bar"));
    form->addRow(tr("Board &name:"), m_name);
    connect(m_name, &QLineEdit::editingFinished, this, [this] { setBoardName(m_name->text()); });

    m_mode = new QComboBox(page);
    m_mode->addItem(tr("Modern: device area, per-node areas, default area"), int(MapMode::Modern));
    m_mode->addItem(tr("2010: cma_map rules and asterisk regions"), int(MapMode::Map2010));
    m_mode->addItem(tr("Verkuil: memory types (2010 review proposal)"), int(MapMode::Verkuil));
    m_mode->setToolTip(tr("How a request (device, kind) finds the regions it is allocated from"));
    form->addRow(tr("&Map mode:"), m_mode);
    connect(m_mode, &QComboBox::activated, this,
        [this](int index) { setMapMode(MapMode(m_mode->itemData(index).toInt())); });

    m_dialect = dialectBox(page);
    form->addRow(tr("2010 &dialect:"), m_dialect);
    connect(m_dialect, &QComboBox::activated, this, [this](int index) {
        const int d = m_dialect->itemData(index).toInt();
        setMapDialect(d < 0 ? std::nullopt : std::optional<MapDialect>(MapDialect(d)));
    });
    m_modeText = note(); // what the mode and the dialect do
    form->addRow(m_modeText);

    m_pageSize = new QComboBox(page);
    m_pageSize->addItems({ QStringLiteral("4K"), QStringLiteral("16K"), QStringLiteral("64K") });
    m_pageSize->setToolTip(tr("PAGE_SIZE; regions with the board's page size follow a change"));
    form->addRow(tr("&Page size:"), m_pageSize);
    connect(m_pageSize, &QComboBox::activated, this, [this](int index) { setPageSize(m_pageSize->itemText(index)); });

    m_pageblockOrder = new QSpinBox(page);
    m_pageblockOrder->setRange(kMinPageblockOrder, kMaxPageblockOrder);
    m_pageblockOrder->setKeyboardTracking(false);
    m_pageblockOrder->setToolTip(tr("pageblock_order: 9 on most arm64 and x86-64 kernels with 4 KiB pages"));
    form->addRow(tr("Page&block order:"), m_pageblockOrder);
    m_alignment = note();
    form->addRow(m_alignment);
    connect(m_pageblockOrder, &QSpinBox::valueChanged, this, &BoardSettings::setPageblockOrder);

    m_cmaAlignmentOrder = new QSpinBox(page);
    m_cmaAlignmentOrder->setRange(kMinCmaAlignmentOrder, kMaxCmaAlignmentOrder);
    m_cmaAlignmentOrder->setKeyboardTracking(false);
    m_cmaAlignmentOrder->setToolTip(tr("CONFIG_CMA_ALIGNMENT: 8 by default"));
    form->addRow(tr("CMA &alignment order:"), m_cmaAlignmentOrder);
    m_allocAlignment = note();
    form->addRow(m_allocAlignment);
    connect(m_cmaAlignmentOrder, &QSpinBox::valueChanged, this, &BoardSettings::setCmaAlignmentOrder);

    m_message = note();
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30));
    m_message->setPalette(pal);
    m_message->hide();
    form->addRow(m_message);
}

void BoardSettings::refresh()
{
    const Platform& p = m_doc->project().platform;
    const QSignalBlocker b1(m_name), b2(m_mode), b3(m_pageSize), b4(m_pageblockOrder), b5(m_cmaAlignmentOrder),
        b6(m_dialect);
    if (m_name->text() != qs(p.name))
        m_name->setText(qs(p.name));
    m_mode->setCurrentIndex(m_mode->findData(int(p.mapMode)));
    m_dialect->setCurrentIndex(m_dialect->findData(p.mapDialect ? int(*p.mapDialect) : -1));
    m_dialect->setEnabled(p.mapMode == MapMode::Map2010);
    const int page = m_pageSize->findText(sizeInput(p.pageSize));
    if (page < 0) // a value a file may hold but the choices do not offer: show it as it is
        m_pageSize->setCurrentIndex(-1);
    else
        m_pageSize->setCurrentIndex(page);
    m_pageblockOrder->setValue(int(p.pageblockOrder));
    m_cmaAlignmentOrder->setValue(int(p.cmaAlignmentOrder));
    m_modeText->setText(mapModeExplanation(p));
    m_alignment->setText(minimumAlignmentText(p).toHtmlEscaped());
    m_allocAlignment->setText(allocationAlignmentText(p).toHtmlEscaped());
    // The pageblock order and CONFIG_CMA_ALIGNMENT only matter to the modern kernel.
    const bool modern = p.mapMode == MapMode::Modern;
    for (QLabel* l : { m_alignment, m_allocAlignment })
        l->setForegroundRole(modern ? QPalette::WindowText : QPalette::PlaceholderText);
}

QString BoardSettings::message() const
{
    return m_message->text();
}

QString BoardSettings::modeText() const
{
    return m_modeText->text();
}

QString BoardSettings::alignmentText() const
{
    return m_alignment->text();
}

bool BoardSettings::commit(const Platform& p, const QString& what)
{
    m_message->clear();
    m_message->hide();
    if (!(p == m_doc->project().platform))
        m_doc->editPlatform(p, what);
    return true;
}

bool BoardSettings::reject(const QString& reason)
{
    m_message->setText(reason.toHtmlEscaped());
    m_message->show();
    refresh(); // the widgets show the platform as it still is
    Q_EMIT editRejected(reason);
    return false;
}

bool BoardSettings::setBoardName(const QString& name)
{
    const QString text = name.trimmed();
    if (text.isEmpty())
        return reject(tr("A board needs a name: it is saved in the project and shown in the title bar."));
    Platform p = m_doc->project().platform;
    p.name = ss(text);
    return commit(p, tr("Rename board to %1").arg(quoted(text)));
}

bool BoardSettings::setMapMode(MapMode mode)
{
    if (mode != MapMode::Modern && mode != MapMode::Map2010 && mode != MapMode::Verkuil)
        return reject(tr("Unknown map mode %1.").arg(int(mode)));
    Platform p = m_doc->project().platform;
    p.mapMode = mode;
    return commit(p,
        mode == MapMode::Modern        ? tr("Use the modern map mode")
            : mode == MapMode::Verkuil ? tr("Use Hans Verkuil's memory types")
                                       : tr("Use the 2010 map rules"));
}

bool BoardSettings::setMapDialect(std::optional<MapDialect> dialect)
{
    Platform p = m_doc->project().platform;
    p.mapDialect = dialect;
    return commit(p,
        dialect ? tr("Follow the %1 map code").arg(QString::fromLatin1(mapDialectId(*dialect)))
                : tr("Use cmascope's own 2010 map rules"));
}

bool BoardSettings::setPageSize(const QString& text)
{
    QString error;
    const auto size = parsePageSize(text, &error);
    if (!size)
        return reject(error);
    Platform p = m_doc->project().platform;
    for (Region& r : p.regions) {
        if (r.pageSize == p.pageSize)
            r.pageSize = *size;
    }
    p.pageSize = *size;
    return commit(p, tr("Set page size to %1").arg(humanSize(*size)));
}

bool BoardSettings::setPageblockOrder(int order)
{
    if (order < kMinPageblockOrder || order > kMaxPageblockOrder)
        return reject(tr("The pageblock order is %1 to %2, not %3 (9 on most kernels with 4 KiB pages).")
                          .arg(kMinPageblockOrder)
                          .arg(kMaxPageblockOrder)
                          .arg(order));
    Platform p = m_doc->project().platform;
    p.pageblockOrder = unsigned(order);
    return commit(p,
        tr("Set pageblock order to %1 (%2 minimum CMA alignment)")
            .arg(order)
            .arg(humanSize(std::uint64_t { p.pageSize } << p.pageblockOrder)));
}

bool BoardSettings::setCmaAlignmentOrder(int order)
{
    if (order < kMinCmaAlignmentOrder || order > kMaxCmaAlignmentOrder)
        return reject(tr("CONFIG_CMA_ALIGNMENT is %1 to %2, not %3 (the kernel's default is 8).")
                          .arg(kMinCmaAlignmentOrder)
                          .arg(kMaxCmaAlignmentOrder)
                          .arg(order));
    Platform p = m_doc->project().platform;
    p.cmaAlignmentOrder = unsigned(order);
    return commit(p, tr("Set CMA alignment order to %1").arg(order));
}

} // namespace cmascope::views
