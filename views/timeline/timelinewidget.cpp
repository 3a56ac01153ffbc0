// SPDX-License-Identifier: GPL-2.0-or-later
#include "timeline/timelinewidget.h"

#include "common/document.h"
#include "common/textformat.h"
#include "common/transporticons.h"

#include <cmascope/trace/tracetime.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <algorithm>
#include <climits>

namespace cmascope::views {

namespace {
QToolButton* button(QWidget* parent, const QIcon& icon, const QString& tip)
{
    auto* b = new QToolButton(parent);
    b->setIcon(icon);
    b->setToolTip(tip);
    b->setAutoRaise(true);
    return b;
}

struct Totals
{
    std::uint64_t used = 0, free = 0, largest = 0;
};

Totals totalsAt(const Simulation& sim, std::size_t position, std::uint64_t* pageSizeOut)
{
    const SimState st = sim.stateAt(position);
    Totals t;
    for (const auto& rt : st.regions) {
        if (rt.fallback || rt.carveout)
            continue;
        t.used += rt.occupancy.usedPages() * rt.pageSize;
        t.free += rt.occupancy.freePages() * rt.pageSize;
        t.largest = std::max(t.largest, rt.occupancy.largestRun() * rt.pageSize);
        *pageSizeOut = rt.pageSize;
    }
    return t;
}

QString signedSize(std::int64_t bytes)
{
    // The difference between two markers, exactly, spelled as every size is (units.h).
    const std::uint64_t magnitude = bytes < 0 ? std::uint64_t(0) - std::uint64_t(bytes) : std::uint64_t(bytes);
    return (bytes < 0 ? QStringLiteral("−") : QStringLiteral("+")) + sizeString(magnitude);
}
} // namespace

TimelineWidget::TimelineWidget(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    // Created in the Tab order (transport and failures, speed and slider, step and phases, markers); the row
    // shows them in another: the transport, speed, slider, step, failures, phases, markers.
    const Transport transport = createTransport();
    createStepControls();
    const Markers markers = createMarkers();
    for (QWidget* w : std::initializer_list<QWidget*> {
             transport.first, transport.back, m_play, transport.forward, transport.last, m_speed })
        layout->addWidget(w);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_wholeRun);
    for (QWidget* w : std::initializer_list<QWidget*> {
             m_position, transport.previousFailure, transport.nextFailure, m_phases, markers.a, markers.b, m_ab })
        layout->addWidget(w);

    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &TimelineWidget::onTick);
    connect(m_doc, &Document::runFinished, this, &TimelineWidget::rebuild);
    connect(m_doc, &Document::stepsAppended, this, &TimelineWidget::extend);
    connect(m_doc, &Document::runStarted, this, &TimelineWidget::rebuild);
    connect(m_doc, &Document::positionChanged, this, &TimelineWidget::sync);
    connect(m_doc, &Document::stepAxisModeChanged, this, [this] {
        applyAxis();
        sync();
    });
    rebuild();
}

TimelineWidget::Transport TimelineWidget::createTransport()
{
    Transport t;
    t.first = button(this, transportIcon(TransportGlyph::First), tr("Start, before step 0 (Alt+Home)"));
    t.back = button(this, transportIcon(TransportGlyph::Back), tr("Step back (Alt+Left)"));
    m_play = button(this, transportIcon(TransportGlyph::Play), tr("Play / pause (Space)"));
    t.forward = button(this, transportIcon(TransportGlyph::Forward), tr("Step forward (Alt+Right)"));
    t.last = button(this, transportIcon(TransportGlyph::Last), tr("Last step (Alt+End)"));
    t.previousFailure = button(this, style()->standardIcon(QStyle::SP_ArrowUp), tr("Previous failure (Shift+F3)"));
    t.nextFailure = button(this, style()->standardIcon(QStyle::SP_ArrowDown), tr("Next failure (F3)"));
    t.previousFailure->setText(tr("Fail"));
    t.nextFailure->setText(tr("Fail"));
    connect(t.first, &QToolButton::clicked, this, &TimelineWidget::goFirst);
    connect(t.back, &QToolButton::clicked, this, &TimelineWidget::stepBack);
    connect(m_play, &QToolButton::clicked, this, &TimelineWidget::togglePlay);
    connect(t.forward, &QToolButton::clicked, this, &TimelineWidget::stepForward);
    connect(t.last, &QToolButton::clicked, this, &TimelineWidget::goLast);
    connect(t.previousFailure, &QToolButton::clicked, this, &TimelineWidget::previousFailure);
    connect(t.nextFailure, &QToolButton::clicked, this, &TimelineWidget::nextFailure);
    return t;
}

void TimelineWidget::createStepControls()
{
    m_speed = new QComboBox(this);
    m_speed->setToolTip(tr("Playback speed"));
    for (int stepsPerSecond : { 1, 4, 16, 64, 256, 1024 })
        m_speed->addItem(tr("%1 steps/s").arg(stepsPerSecond), stepsPerSecond);
    m_speed->setCurrentIndex(1);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setMinimumWidth(80); // the row is crowded at 1366 px: the slider keeps enough to be dragged
    m_slider->setToolTip(tr("Steps executed: the left end is before step 0, the right end after the last step"));
    m_position = new QLabel(this);
    m_position->setObjectName(QStringLiteral("timelineStep"));
    m_position->setToolTip(tr("The current step: the last one executed, numbered as in the event log"));
    m_position->setMinimumWidth(
        m_position->fontMetrics().horizontalAdvance(stepPositionText(0, 9999999) + QStringLiteral("0000000")));
    m_phases = new QComboBox(this);
    m_phases->setToolTip(tr("Jump to a phase marker"));
    m_phases->setMinimumContentsLength(14);
    m_phases->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) { m_doc->setPosition(positionOfSliderValue(v)); });
    connect(m_phases, &QComboBox::activated, this, [this](int i) {
        const QVariant v = m_phases->itemData(i);
        if (v.isValid())
            m_doc->setPosition(std::size_t(v.toULongLong()));
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this] {
        if (m_timer->isActive())
            m_timer->start(std::max(1, 1000 / m_speed->currentData().toInt()));
    });
}

TimelineWidget::Markers TimelineWidget::createMarkers()
{
    Markers m;
    m.a = new QToolButton(this);
    m.a->setText(QStringLiteral("A"));
    m.a->setToolTip(tr("Set marker A at the current step"));
    m.b = new QToolButton(this);
    m.b->setText(QStringLiteral("B"));
    m.b->setToolTip(tr("Set marker B at the current step"));
    m_wholeRun = new QToolButton(this);
    m_wholeRun->setText(tr("Whole run"));
    m_wholeRun->setToolTip(tr("The slider covers only a range of steps; click to show the whole run"));
    m_wholeRun->setVisible(false);
    m_ab = new QLabel(this);
    m_ab->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m.a, &QToolButton::clicked, this, &TimelineWidget::setMarkerA);
    connect(m.b, &QToolButton::clicked, this, &TimelineWidget::setMarkerB);
    connect(m_wholeRun, &QToolButton::clicked, this, &TimelineWidget::resetStepRange);
    return m;
}

bool TimelineWidget::isPlaying() const
{
    return m_timer->isActive();
}

void TimelineWidget::rebuild()
{
    m_timer->stop();
    m_play->setIcon(transportIcon(TransportGlyph::Play));
    m_a.reset();
    m_b.reset();
    const QSignalBlocker blockSlider(m_slider);
    const QSignalBlocker blockPhases(m_phases);
    m_phases->clear();
    m_phases->addItem(tr("Phases…"));
    const Simulation* sim = m_doc->simulation();
    setEnabled(sim != nullptr);
    m_first = 0;
    m_last = sim ? sim->stepCount() : 0;
    applyAxis();
    m_wholeRun->setVisible(false);
    if (sim) {
        const auto& steps = sim->scenario().steps;
        for (std::size_t i = 0; i < sim->stepCount(); ++i) {
            if (steps[i].type != StepType::Phase)
                continue;
            const auto text = sim->scenario().symbols.name(steps[i].label);
            // Jumping to a phase makes its marker the current step.
            m_phases->addItem(QString::fromUtf8(text.data(), qsizetype(text.size())), qulonglong(positionAfterStep(i)));
        }
    }
    m_phases->setEnabled(m_phases->count() > 1);
    sync();
}

void TimelineWidget::extend(std::size_t first, std::size_t count)
{
    // A followed trace grew (docs/following.md): the range grows with it unless the user narrowed it.
    const Simulation* sim = m_doc->simulation();
    if (!sim)
        return;
    if (m_last == first)
        m_last = first + count;
    const QSignalBlocker blockPhases(m_phases);
    const auto& steps = sim->scenario().steps;
    for (std::size_t i = first; i < first + count && i < steps.size(); ++i) {
        if (steps[i].type != StepType::Phase)
            continue;
        const auto text = sim->scenario().symbols.name(steps[i].label);
        m_phases->addItem(QString::fromUtf8(text.data(), qsizetype(text.size())), qulonglong(positionAfterStep(i)));
    }
    m_phases->setEnabled(m_phases->count() > 1);
    setEnabled(true);
    applyAxis();
    m_wholeRun->setVisible(m_first > 0 || m_last < m_doc->stepCount());
    sync();
}

void TimelineWidget::applyAxis()
{
    m_axis = m_doc->stepAxis();
    if (m_axis.isTime()) {
        // Microseconds (trace times have no finer resolution) unless the trace is longer than an int holds.
        m_t0 = m_axis.stepTimeNs(0);
        const std::uint64_t span =
            m_axis.stepTimeNs(m_doc->stepCount()) - std::min(m_t0, m_axis.stepTimeNs(m_doc->stepCount()));
        m_unitNs = std::max<std::uint64_t>(1000, span / (INT_MAX / 2) + 1);
    }
    const QSignalBlocker block(m_slider);
    m_slider->setRange(sliderValueOf(m_first), sliderValueOf(m_last));
    m_slider->setToolTip(m_axis.isTime()
            ? tr("Time: the left end is the first step's time; stretches without steps are gaps between events")
            : tr("Steps executed: the left end is before step 0, the right end after the last step"));
}

int TimelineWidget::sliderValueOf(std::size_t position) const
{
    if (!m_axis.isTime())
        return int(std::min<std::size_t>(position, INT_MAX));
    const std::uint64_t t = position == 0 ? m_t0 : m_axis.stepTimeNs(position - 1);
    return int(std::min<std::uint64_t>((t - std::min(t, m_t0)) / m_unitNs, INT_MAX));
}

std::size_t TimelineWidget::positionOfSliderValue(int value) const
{
    if (!m_axis.isTime())
        return std::size_t(std::max(0, value));
    if (value <= m_slider->minimum() && m_first == 0)
        return 0; // the left end: before step 0
    const double seconds = double(m_t0 + std::uint64_t(std::max(0, value)) * m_unitNs) / 1e9;
    return std::clamp(m_axis.positionOfX(seconds, m_doc->stepCount()), m_first, m_last);
}

void TimelineWidget::sync()
{
    const QSignalBlocker block(m_slider);
    m_slider->setValue(sliderValueOf(m_doc->position()));
    QString text = m_doc->stepText();
    if (const auto step = m_doc->currentStep(); step && m_axis.isTime())
        text += QStringLiteral(" · %1 s").arg(QString::fromStdString(traceTimeText(m_axis.stepTimeNs(*step))));
    text[0] = text[0].toUpper();
    m_position->setText(text);
    m_ab->setText(abText());
    if (m_timer->isActive() && m_doc->position() >= m_doc->stepCount())
        togglePlay();
}

void TimelineWidget::setStepRange(std::size_t first, std::size_t last)
{
    const std::size_t n = m_doc->stepCount();
    m_first = std::min(first, n);
    m_last = std::clamp(last, m_first, n);
    applyAxis();
    m_wholeRun->setVisible(m_first > 0 || m_last < n);
    if (m_doc->position() < m_first || m_doc->position() > m_last)
        m_doc->setPosition(m_first);
    sync();
}

void TimelineWidget::resetStepRange()
{
    setStepRange(0, m_doc->stepCount());
}

void TimelineWidget::stepForward()
{
    m_doc->setPosition(m_doc->position() + 1);
}

void TimelineWidget::stepBack()
{
    if (m_doc->position() > 0)
        m_doc->setPosition(m_doc->position() - 1);
}

void TimelineWidget::goFirst()
{
    m_doc->setPosition(0);
}

void TimelineWidget::goLast()
{
    m_doc->setPosition(m_doc->stepCount());
}

void TimelineWidget::togglePlay()
{
    if (m_timer->isActive()) {
        m_timer->stop();
        m_play->setIcon(transportIcon(TransportGlyph::Play));
        return;
    }
    if (m_doc->position() >= m_doc->stepCount())
        m_doc->setPosition(0);
    m_timer->start(std::max(1, 1000 / m_speed->currentData().toInt()));
    m_play->setIcon(transportIcon(TransportGlyph::Pause));
}

void TimelineWidget::onTick()
{
    stepForward();
}

void TimelineWidget::nextFailure()
{
    goToFailure(true);
}

void TimelineWidget::previousFailure()
{
    goToFailure(false);
}

void TimelineWidget::goToFailure(bool forward)
{
    const Simulation* sim = m_doc->simulation();
    if (!sim)
        return;
    const auto& records = sim->records();
    const std::size_t n = sim->stepCount();
    auto failed = [&](std::size_t i) { return records[i].outcome == Outcome::Failed; };
    const std::optional<std::size_t> current = m_doc->currentStep();
    // Search from just after (before) the current step, then wrap around once, back to the current step.
    std::optional<std::size_t> found;
    bool wrapped = false;
    if (forward) {
        for (std::size_t i = current ? *current + 1 : 0; i < n && !found; ++i)
            if (failed(i))
                found = i;
        for (std::size_t i = 0; !found && i < n && (!current || i <= *current); ++i)
            if (failed(i)) {
                found = i;
                wrapped = true;
            }
    } else {
        for (std::size_t i = current.value_or(0); current && i-- > 0 && !found;)
            if (failed(i))
                found = i;
        for (std::size_t i = n; !found && i-- > 0 && (!current || i >= *current);)
            if (failed(i)) {
                found = i;
                wrapped = true;
            }
    }
    if (!found) {
        Q_EMIT message(tr("No failed request in this run"));
        return;
    }
    m_doc->setCurrentStep(*found);
    if (wrapped && current && *found == *current)
        Q_EMIT message(tr("Step %1 is the only failed request").arg(*found));
    else if (wrapped)
        Q_EMIT message(forward ? tr("Wrapped around to the first failure, step %1").arg(*found)
                               : tr("Wrapped around to the last failure, step %1").arg(*found));
}

void TimelineWidget::setMarkerA()
{
    m_a = m_doc->position();
    sync();
}

void TimelineWidget::setMarkerB()
{
    m_b = m_doc->position();
    sync();
}

void TimelineWidget::clearMarkers()
{
    m_a.reset();
    m_b.reset();
    sync();
}

QString TimelineWidget::abText() const
{
    const Simulation* sim = m_doc->simulation();
    if (!sim || !m_a || !m_b)
        return m_a ? tr("A = %1").arg(markerText(*m_a)) : (m_b ? tr("B = %1").arg(markerText(*m_b)) : QString());
    std::uint64_t ps = 4096;
    const Totals a = totalsAt(*sim, *m_a, &ps);
    const Totals b = totalsAt(*sim, *m_b, &ps);
    return tr("A %1 → B %2: used %3, free %4, largest free %5")
        .arg(markerText(*m_a), markerText(*m_b))
        .arg(signedSize(std::int64_t(b.used) - std::int64_t(a.used)))
        .arg(signedSize(std::int64_t(b.free) - std::int64_t(a.free)))
        .arg(signedSize(std::int64_t(b.largest) - std::int64_t(a.largest)));
}

QString TimelineWidget::markerText(std::size_t position) const
{
    // Markers hold positions; they are named by the step numbering every view uses.
    const auto step = stepAtPosition(position);
    return step ? tr("step %1").arg(*step) : tr("before step 0");
}

} // namespace cmascope::views
