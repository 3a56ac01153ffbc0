// SPDX-License-Identifier: GPL-2.0-or-later
// Predict, then reveal (issue 16, docs/teaching.md#predict-then-reveal): for each request of the open project's
// scenario, the pane shows the memory before the step and asks where the chunk will land (a click on its own map)
// or whether it will fit; "Reveal" applies the step, marks the guess on the map, and shows the verdict
// (cmascope/sim/prediction.h), the step's narration and the score. It runs the project's own policies, or one
// policy for every region (the what-if variant, run off the GUI thread through a JobTracker); with the project's
// own, revealing moves the document's current step so every view agrees.
#pragma once

#include "common/jobtracker.h"

#include <cmascope/policies/policy.h>
#include <cmascope/sim/prediction.h>

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace cmascope::views {

class Document;
class MemoryMapWidget;

/// What a policy run for the pane produced: the run, or why there is none.
struct PredictRun
{
    std::shared_ptr<const Simulation> sim;
    QString error;
};

class PredictPanel : public QWidget
{
    Q_OBJECT
public:
    explicit PredictPanel(Document* doc, QWidget* parent = nullptr);
    ~PredictPanel() override;

    /// The policy the questions are asked under: nullopt = the project's own (the main views' run), else that
    /// policy on every region (a run of its own). Resets the score.
    void setPolicy(std::optional<PolicyKind> policy);
    std::optional<PolicyKind> policy() const;
    /// Blocks until a policy run under way has finished and its first question is asked (tests).
    void waitForRun();
    bool isRunning() const;
    /// Starts over at the scenario's first request, with a new score.
    void restart();

    /// The request step asked about (nullopt: none, e.g. no run yet or past the last request).
    std::optional<std::size_t> questionStep() const { return m_question; }
    /// Guesses an address of region @p platformRegion (an index into the run's platform regions).
    bool guessAddress(std::uint16_t platformRegion, quint64 address);
    /// Guesses that the request will not fit ("It will not fit").
    bool guessWillNotFit();
    bool hasGuess() const { return m_guess.has_value(); }
    bool isRevealed() const { return m_judgement.has_value(); }
    /// Applies the step and judges the guess; false without a question or a guess, or when already revealed.
    bool reveal();
    /// Moves to the next request step (the steps between are applied); false when there is none.
    bool nextQuestion();

    const PredictionScore& score() const { return m_score; }
    const std::optional<PredictionJudgement>& judgement() const { return m_judgement; }
    /// The run the questions come from (the document's, or the policy's own), null while none.
    const Simulation* simulation() const { return m_sim.get(); }

    MemoryMapWidget* map() const { return m_map; }
    /// The index on map() (its content's regions) of platform region @p r, or -1 when it is not drawn.
    int mapRegion(std::uint16_t r) const;
    QPushButton* willNotFitButton() const { return m_noFit; }
    QPushButton* revealButton() const { return m_reveal; }
    QPushButton* nextButton() const { return m_next; }
    QString questionText() const;
    QString noteText() const;
    QString scoreText() const;
    /// The verdict and the narration, as plain text.
    QString resultText() const;

Q_SIGNALS:
    /// A question is asked (after a run, a restart or "Next question").
    void questionAsked();
    void revealed();

private:
    QWidget* createControls();
    QWidget* createAnswerRow();
    void connectDocument();
    /// Drops the run, the question and the score.
    void clear();
    /// A new run (or none): drops the old one and starts the project's or the policy's.
    void reset();
    void adopt(std::shared_ptr<const Simulation> sim, const QString& error);
    void ask(std::size_t fromStep);
    void showBefore();
    void showAfter();
    void updateControls();
    void showNote();
    /// The platform region drawn as map region @p contentIndex.
    std::optional<std::uint16_t> platformRegion(int contentIndex) const;
    /// "0x40800000 in b2": the address guessed and its region (empty for "it will not fit").
    QString guessText() const;
    /// Whether the questions come from the document's own run (so revealing moves every view).
    bool followsDocument() const;

    Document* m_doc;
    JobTracker* m_jobs;
    QComboBox* m_policy = nullptr;
    QPushButton* m_restart = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_skipped = nullptr;
    QLabel* m_questionLabel = nullptr;
    MemoryMapWidget* m_map = nullptr;
    QLabel* m_guessLabel = nullptr;
    QPushButton* m_noFit = nullptr;
    QPushButton* m_reveal = nullptr;
    QPushButton* m_next = nullptr;
    QLabel* m_scoreLabel = nullptr;
    QTextBrowser* m_result = nullptr;

    std::shared_ptr<const Simulation> m_sim;
    QString m_error;
    bool m_freshMap = true; ///< the next map content is a new run's: shown whole
    std::optional<std::size_t> m_question;
    std::optional<PredictionGuess> m_guess;
    std::optional<PredictionJudgement> m_judgement;
    PredictionScore m_score;
};

} // namespace cmascope::views
