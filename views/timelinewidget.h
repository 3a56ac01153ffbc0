// SPDX-License-Identifier: GPL-2.0-or-later
// Stepping through a run: first/back/play/forward/last, speed, a slider over all steps, previous/next
// failure, jump to a phase marker, and A/B markers with the difference in used/free/largest free.
#pragma once

#include <QWidget>

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

    bool isPlaying() const;
    std::optional<std::size_t> markerA() const { return m_a; }
    std::optional<std::size_t> markerB() const { return m_b; }
    /// The A/B difference line shown to the user (empty without both markers).
    QString abText() const;

public Q_SLOTS:
    void stepForward();
    void stepBack();
    void goFirst();
    void goLast();
    void togglePlay();
    void nextFailure();
    void previousFailure();
    void setMarkerA();
    void setMarkerB();
    void clearMarkers();

private:
    void rebuild();
    void sync();
    void onTick();

    Document* m_doc;
    QToolButton* m_play = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_position = nullptr;
    QComboBox* m_speed = nullptr;
    QComboBox* m_phases = nullptr;
    QLabel* m_ab = nullptr;
    QTimer* m_timer = nullptr;
    std::optional<std::size_t> m_a, m_b;
};

} // namespace cmascope::views
