// SPDX-License-Identifier: GPL-2.0-or-later
#include "sandbox/sandboxbar.h"

#include "common/document.h"
#include "common/textformat.h"
#include "map/memorymapwidget.h"
#include "sandbox/sandboxedit.h"
#include "sandbox/sandboxinput.h"

#include <cmascope/util/memparse.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QVBoxLayout>

namespace cmascope::views {

SandboxBar::SandboxBar(Document* document, MemoryMapWidget* map, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
    , m_map(map)
{
    setObjectName(QStringLiteral("sandboxBar"));
    buildInputs();
    buildButtons();
    connect(m_doc, &Document::projectChanged, this, &SandboxBar::rebuildChoices);
    connect(m_doc, &Document::runFinished, this, &SandboxBar::reportInsertedStep);
    connect(m_doc, &Document::runFinished, this, [this] {
        // Once per run, not per step: it reads every step of the scenario.
        const Simulation* sim = m_doc->simulation();
        m_label->setPlaceholderText(
            sim ? tr("auto: %1").arg(QString::fromStdString(freshLabel(sim->scenario()))) : QString());
    });
    for (auto signal : { &Document::runStarted, &Document::runFinished, &Document::scenariosChanged })
        connect(m_doc, signal, this, &SandboxBar::updateEnabled);
    connect(m_doc, &Document::positionChanged, this, &SandboxBar::updateEnabled);
    connect(m_doc, &Document::selectionChanged, this, &SandboxBar::updateEnabled);
    connect(m_map, &MemoryMapWidget::contextMenuRequested, this,
        [this](QMenu* menu, quint32 chunk, int region, quint64) { fillContextMenu(menu, chunk, region); });
    connect(m_map, &MemoryMapWidget::regionRangeDragged, this, &SandboxBar::useRange);
    rebuildChoices();
    updateEnabled();
}

void SandboxBar::buildInputs()
{
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(6, 3, 6, 3);
    column->setSpacing(2);
    auto* row = new QHBoxLayout;
    column->addLayout(row);
    auto* title = new QLabel(tr("<b>Sandbox</b>"), this);
    title->setToolTip(tr("Allocate or free right now: each action inserts one step after the current step"));
    row->addWidget(title);
    m_device = new QComboBox(this);
    m_device->setToolTip(tr("The device that asks for memory"));
    m_device->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_kind = new QComboBox(this);
    m_kind->setToolTip(tr("The kind of memory it asks for"));
    m_size = new QLineEdit(QStringLiteral("1M"), this);
    m_size->setToolTip(tr("Size in the kernel's syntax: 4096, 64K, 6M, 0x1000"));
    m_align = new QLineEdit(this);
    m_align->setPlaceholderText(tr("none"));
    m_align->setToolTip(tr("Optional alignment, a power of two (64K, 1M)"));
    m_label = new QLineEdit(this);
    m_label->setToolTip(tr("The label the request is remembered as (a later free names it); empty: sN"));
    const QFontMetrics fm(font());
    for (QLineEdit* e : { m_size, m_align, m_label })
        e->setMaximumWidth(fm.horizontalAdvance(QStringLiteral("0x40000000")) + 16);
    const std::pair<QString, QWidget*> fields[] = { { tr("&Device"), m_device }, { tr("&Kind"), m_kind },
        { tr("Si&ze"), m_size }, { tr("Ali&gn"), m_align }, { tr("&Label"), m_label } };
    for (const auto& [text, field] : fields) {
        auto* label = new QLabel(text, this);
        label->setBuddy(field);
        row->addWidget(label);
        row->addWidget(field);
    }
    connect(m_size, &QLineEdit::returnPressed, this, &SandboxBar::allocate);
    connect(m_label, &QLineEdit::returnPressed, this, &SandboxBar::allocate);
    m_message = new QLabel(this);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setWordWrap(true); // long messages must not widen the window
    m_message->setVisible(false); // no empty line above the map
    column->addWidget(m_message);
}

void SandboxBar::buildButtons()
{
    auto* row = static_cast<QHBoxLayout*>(static_cast<QVBoxLayout*>(layout())->itemAt(0)->layout());
    m_allocate = new QPushButton(tr("&Allocate"), this);
    m_allocate->setToolTip(tr("Insert this request right after the current step and show its outcome (undoable)"));
    m_free = new QPushButton(tr("&Free Selected"), this);
    m_free->setToolTip(tr("Insert a free of the chunk selected on the map after the current step (or right-click "
                          "a chunk on the map)"));
    m_phase = new QPushButton(tr("P&hase…"), this);
    m_phase->setToolTip(tr("Insert a phase marker after the current step"));
    row->addWidget(m_allocate);
    row->addWidget(m_free);
    row->addWidget(m_phase);
    row->addStretch(1);
    connect(m_allocate, &QPushButton::clicked, this, &SandboxBar::allocate);
    connect(m_free, &QPushButton::clicked, this, &SandboxBar::freeSelected);
    connect(m_phase, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString text =
            QInputDialog::getText(this, tr("Phase Marker"), tr("Phase:"), QLineEdit::Normal, tr("sandbox"), &ok);
        if (ok && !text.trimmed().isEmpty())
            insertPhase(text.trimmed());
    });
}

void SandboxBar::setActive(bool active)
{
    m_active = active;
    m_map->setRegionDragEnabled(active);
    m_map->setInteractionHint(active
            ? tr("Sandbox: right-click a chunk to free it, empty space to allocate there; Ctrl+drag over a region "
                 "to size a request")
            : QString());
}

QString SandboxBar::unavailableReason() const
{
    if (m_doc->isRunning())
        return tr("Wait for the run to finish.");
    const Simulation* sim = m_doc->simulation();
    if (!sim)
        return m_doc->runError().isEmpty() ? tr("Nothing runs yet.")
                                           : tr("The scenario cannot run: %1").arg(m_doc->runError());
    if (isRecordedTrace(sim->scenario()))
        return tr("Not for a replayed kernel trace: its steps are the kernel's recorded placements, which the "
                  "sandbox does not change (What-if re-runs them on other areas).");
    if (m_doc->project().platform.devices.empty())
        return tr("The platform has no device to ask for memory: add one in the platform editor.");
    return {};
}

QString SandboxBar::message() const
{
    return m_message->text();
}

void SandboxBar::setMessage(const QString& text, bool error)
{
    m_showingReason = false;
    QPalette pal = palette();
    if (error)
        pal.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_message->setPalette(pal);
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    Q_EMIT messageChanged(text);
}

void SandboxBar::rebuildChoices()
{
    const Platform& pf = m_doc->project().platform;
    const QString device = m_device->currentText();
    const QString kind = m_kind->currentData().toString();
    m_device->clear();
    for (const Device& d : pf.devices)
        m_device->addItem(QString::fromStdString(d.name));
    m_kind->clear();
    m_kind->addItem(tr("(no kind)"), QString());
    for (const Kind& k : pf.kinds)
        m_kind->addItem(QString::fromStdString(k.name), QString::fromStdString(k.name));
    m_device->setCurrentIndex(std::max(0, m_device->findText(device)));
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(kind)));
}

void SandboxBar::updateEnabled()
{
    const QString reason = unavailableReason();
    const bool ok = reason.isEmpty();
    for (QWidget* w :
        std::initializer_list<QWidget*> { m_device, m_kind, m_size, m_align, m_label, m_allocate, m_phase })
        w->setEnabled(ok);
    const Simulation* sim = m_doc->simulation();
    m_free->setEnabled(ok && freeRequestFor(*sim, m_doc->state(), m_doc->selectedChunk()).has_value());
    if (!ok && !m_doc->isRunning()) {
        setMessage(reason);
        m_showingReason = true;
    } else if (ok && m_showingReason) {
        setMessage({});
    }
}

bool SandboxBar::prepareEdit(std::vector<Scenario>& scenarios, int& index)
{
    if (const QString why = unavailableReason(); !why.isEmpty()) {
        setMessage(why, true);
        return false;
    }
    scenarios = m_doc->project().scenarios;
    if (scenarios.empty()) { // nothing runs yet: the sandbox starts a scenario
        scenarios.emplace_back();
        scenarios.back().name = tr("Sandbox").toStdString();
    }
    index = std::clamp(m_doc->scenarioIndex(), 0, int(scenarios.size()) - 1);
    return true;
}

void SandboxBar::commit(std::vector<Scenario> scenarios, int index, const QString& what, std::size_t step)
{
    m_insertedStep = step;
    m_doc->editScenariosAt(std::move(scenarios), index, what, positionAfterStep(step));
}

bool SandboxBar::allocate()
{
    std::vector<Scenario> scenarios;
    int index = 0;
    if (!prepareEdit(scenarios, index))
        return false;
    const SizeInput size = parseRequestSize(m_size->text(), m_doc->project().platform);
    const SizeInput align = parseAlignment(m_align->text());
    if (!size.bytes || !align.bytes) {
        setMessage(size.bytes ? align.error : size.error, true);
        (size.bytes ? m_align : m_size)->setFocus();
        return false;
    }
    AllocateRequest request;
    request.device = m_device->currentText().toStdString();
    request.kind = m_kind->currentData().toString().toStdString();
    request.bytes = *size.bytes;
    request.alignment = *align.bytes;
    request.label = m_label->text().trimmed().toStdString();
    const std::size_t at = m_doc->position(); // right after the current step
    const std::string label = insertAllocate(scenarios[std::size_t(index)], at, request);
    m_label->clear();
    commit(std::move(scenarios), index,
        tr("Sandbox: allocate %1 as %2").arg(sizeString(request.bytes), QString::fromStdString(label)), at);
    return true;
}

bool SandboxBar::freeSelected()
{
    return freeChunk(m_doc->selectedChunk());
}

bool SandboxBar::freeChunk(quint32 id)
{
    std::vector<Scenario> scenarios;
    int index = 0;
    if (!prepareEdit(scenarios, index))
        return false;
    const auto request = freeRequestFor(*m_doc->simulation(), m_doc->state(), id);
    if (!request) {
        setMessage(tr("Select a chunk that is live at the current step (click it on the map)."), true);
        return false;
    }
    const QString what = freeText(id);
    const std::size_t at = m_doc->position();
    insertFree(scenarios[std::size_t(index)], at, *request);
    commit(std::move(scenarios), index, tr("Sandbox: %1").arg(what), at);
    return true;
}

bool SandboxBar::insertPhase(const QString& text)
{
    std::vector<Scenario> scenarios;
    int index = 0;
    if (!prepareEdit(scenarios, index))
        return false;
    const std::size_t at = m_doc->position();
    views::insertPhase(scenarios[std::size_t(index)], at, text.toStdString());
    commit(std::move(scenarios), index, tr("Sandbox: phase %1").arg(text), at);
    return true;
}

QString SandboxBar::freeText(quint32 id) const
{
    const Simulation* sim = m_doc->simulation();
    const auto request = sim ? freeRequestFor(*sim, m_doc->state(), id) : std::nullopt;
    if (!request)
        return {};
    const QString label = QString::fromStdString(request->label);
    switch (request->kind) {
    case FreeRequest::Kind::FreeLabel:
        return tr("Free %1").arg(label);
    case FreeRequest::Kind::LabelAndFree:
        return tr("Free %1 (the label given to step %2's request)").arg(label).arg(request->originStep);
    case FreeRequest::Kind::Release:
        break;
    }
    return tr("Release pages %1–%2 of %3")
        .arg(request->offset)
        .arg(request->offset + request->pages - 1)
        .arg(QString::fromStdString(sim->platform().regions.at(request->region).name));
}

void SandboxBar::fillContextMenu(QMenu* menu, quint32 chunkId, int regionIndex)
{
    if (!m_active)
        return;
    if (const QString why = unavailableReason(); !why.isEmpty()) {
        menu->addAction(tr("Sandbox: %1").arg(why.section(QLatin1Char(':'), 0, 0)))->setEnabled(false);
        return;
    }
    if (const QString text = freeText(chunkId); !text.isEmpty()) {
        menu->addAction(text, this, [this, chunkId] { freeChunk(chunkId); })
            ->setToolTip(tr("Insert this after the current step"));
        return;
    }
    const auto& regions = m_map->content().regions;
    if (regionIndex >= 0 && regionIndex < regions.size() && !regions[regionIndex].carveout)
        menu->addAction(tr("Allocate Here…"), this, [this, regionIndex] { useRegion(regionIndex); });
}

QString SandboxBar::chooseRequesterFor(int regionIndex, std::uint64_t bytes)
{
    const QString region = m_map->content().regions[regionIndex].name;
    const auto chosen = requesterFor(m_doc->placedPlatform(), region.toStdString(), bytes,
        { m_device->currentText().toStdString(), m_kind->currentData().toString().toStdString() });
    if (!chosen)
        return tr("No device's requests go to %1 first (see the map rules).").arg(region);
    m_device->setCurrentIndex(std::max(0, m_device->findText(QString::fromStdString(chosen->first))));
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(QString::fromStdString(chosen->second))));
    const QString who = chosen->second.empty() ? QString::fromStdString(chosen->first)
                                               : QString::fromStdString(chosen->first + "/" + chosen->second);
    return tr("Requests of %1 go to %2 first.").arg(who, region);
}

void SandboxBar::useRegion(int regionIndex)
{
    if (regionIndex < 0 || regionIndex >= m_map->content().regions.size())
        return;
    const SizeInput size = parseRequestSize(m_size->text(), m_doc->project().platform);
    const QString note = chooseRequesterFor(regionIndex, size.bytes.value_or(m_doc->project().platform.pageSize));
    setMessage(note + QLatin1Char(' ') + tr("Type a size and press Allocate."));
    m_size->setFocus();
    m_size->selectAll();
}

void SandboxBar::useRange(int regionIndex, quint64 begin, quint64 end)
{
    const auto& regions = m_map->content().regions;
    if (regionIndex < 0 || regionIndex >= regions.size())
        return;
    const MapRegion& r = regions[regionIndex];
    const auto pages = pagesTouched(r.base, r.size, r.pageSize, begin, end);
    if (!pages)
        return;
    const std::uint64_t bytes = pages->pages * r.pageSize; // at most the region's size: no wrap
    m_size->setText(QString::fromStdString(formatSize(bytes)));
    QString text = tr("Pages %1–%2 of %3: %4.")
                       .arg(pages->offset)
                       .arg(pages->offset + pages->pages - 1)
                       .arg(r.name, sizeString(bytes));
    const auto& placed = m_doc->placedPlatform().regions;
    for (std::size_t i = 0; i < placed.size() && m_doc->simulation() && i < m_doc->state().regions.size(); ++i)
        if (QString::fromStdString(placed[i].name) == r.name
            && !m_doc->state().regions[i].occupancy.isFree(pages->offset, pages->pages))
            text += QLatin1Char(' ') + tr("Some of them are in use now.");
    setMessage(text + QLatin1Char(' ') + chooseRequesterFor(regionIndex, bytes) + QLatin1Char(' ')
        + tr("Press Allocate to request that size."));
    m_size->setFocus();
}

void SandboxBar::reportInsertedStep()
{
    const Simulation* sim = m_doc->simulation();
    if (!m_insertedStep || !sim)
        return;
    const std::size_t step = *m_insertedStep;
    m_insertedStep.reset();
    if (step >= sim->records().size())
        return;
    const StepRecord& rec = sim->records()[step];
    const QString region = rec.region < sim->platform().regions.size()
        ? QString::fromStdString(sim->platform().regions[rec.region].name)
        : QString();
    QString text;
    switch (rec.outcome) {
    case Outcome::Allocated:
        text = tr("Step %1: allocated pages %2–%3 of %4.").arg(step).arg(rec.offset).arg(rec.offset + rec.pages - 1);
        text = text.arg(region);
        break;
    case Outcome::AllocatedFallback:
        text = tr("Step %1: served by the system allocator (size-0 region %2).").arg(step).arg(region);
        break;
    case Outcome::Failed:
        setMessage(tr("Step %1: the request failed; the failure inspector explains why.").arg(step), true);
        return;
    case Outcome::Freed:
        text = tr("Step %1: freed %2 pages of %3.").arg(step).arg(rec.pages).arg(region);
        break;
    default:
        text =
            tr("Step %1: %2.")
                .arg(step)
                .arg(QString::fromLatin1(outcomeName(rec.outcome).data(), qsizetype(outcomeName(rec.outcome).size())));
    }
    setMessage(text + QLatin1Char(' ') + tr("Undo (Ctrl+Z) removes it."));
}

} // namespace cmascope::views
