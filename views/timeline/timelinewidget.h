// SPDX-License-Identifier: GPL-2.0-or-later
// Stepping through a run: first/back/play/forward/last, speed, a slider over all steps, previous/next
// failure, jump to a phase marker, and A/B markers with the difference in used/free/largest free. On the time
// axis (common/stepaxis.h, docs/time-and-latency.md; chosen in the charts' row or View › Time Axis) the slider runs
// over the trace's real time: a stretch without events is a stretch of the slider, and the step label adds the
// current step's time.
#pragma once

#include "common/stepaxis.h"

#include <QWidget>

#include <cstdint>
#include <optional>

class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace cmascope::views {

class Document;

class TimelineWidget : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineWidget(Document* document, QWidget* parent = nullptr);

    std::size_t rangeFirst() const { return m_first; }
    std::size_t rangeLast() const { return m_last; }

    bool isPlaying() const;
    std::optional<std::size_t> markerA() const { return m_a; }
    std::optional<std::size_t> markerB() const { return m_b; }
    /// The A/B difference line shown to the user (empty without both markers).
    QString abText() const;
    /// The slider's value that shows @p position (steps: the position; time: microseconds, or coarser units for
    /// long traces, since the first step), and the position a slider value shows.
    int sliderValueOf(std::size_t position) const;
    std::size_t positionOfSliderValue(int value) const;
    /// True when the slider runs over time.
    bool isTimeAxis() const { return m_axis.isTime(); }

Q_SIGNALS:
    /// Something the user should read (e.g. "wrapped to the first failure"), for the status bar.
    void message(const QString& text);

public Q_SLOTS:
    void stepForward();
    void stepBack();
    void goFirst();
    void goLast();
    void togglePlay();
    /// The next failed request after the current step becomes the current step; past the last failure it
    /// wraps around to the first one and says so (message()).
    void nextFailure();
    /// The previous failed request, wrapping around to the last one.
    void previousFailure();
    void setMarkerA();
    void setMarkerB();
    void clearMarkers();
    /// Restricts the slider to steps [first, last] (e.g. a range selected on a chart); the rest of the
    /// controls still reach every step.
    void setStepRange(std::size_t first, std::size_t last);
    /// The slider covers the whole run again.
    void resetStepRange();

private:
    /// The buttons that move through the run (Play is m_play).
    struct Transport
    {
        QToolButton *first, *back, *forward, *last, *previousFailure, *nextFailure;
    };
    /// The buttons that set markers A and B.
    struct Markers
    {
        QToolButton *a, *b;
    };
    // The row's parts: the transport and failure buttons; speed, slider, step and phases; the markers
    // (with the Whole run button and the A/B difference).
    Transport createTransport();
    void createStepControls();
    Markers createMarkers();
    void rebuild();
    /// A live run grew by steps [first, first + count) (Document::stepsAppended).
    void extend(std::size_t first, std::size_t count);
    /// Takes the document's axis and sets the slider's range for it.
    void applyAxis();
    void sync();
    void onTick();
    void goToFailure(bool forward);
    QString markerText(std::size_t position) const;

    Document* m_doc;
    QToolButton* m_play = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_position = nullptr;
    QComboBox* m_speed = nullptr;
    QComboBox* m_phases = nullptr;
    QLabel* m_ab = nullptr;
    QTimer* m_timer = nullptr;
    std::optional<std::size_t> m_a, m_b;
    std::size_t m_first = 0, m_last = 0; ///< slider range
    QToolButton* m_wholeRun = nullptr;
    StepAxis m_axis;
    std::uint64_t m_t0 = 0; ///< time axis: the first step's time, ns
    std::uint64_t m_unitNs = 1000; ///< time axis: ns per slider unit
};

} // namespace cmascope::views
