// SPDX-License-Identifier: GPL-2.0-or-later
#include "lesson/predictpanel.h"

#include "common/document.h"
#include "lesson/narrationhtml.h"
#include "map/memorymapwidget.h"

#include <cmascope/plan/placement.h>
#include <cmascope/plan/whatif.h>
#include <cmascope/sim/narration.h>
#include <cmascope/util/units.h>

#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPalette>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <stdexcept>

namespace cmascope::views {

namespace {

QString fromStd(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

/// On a worker thread: @p scenario on @p platform (placed), run to its end.
PredictRun runPolicy(const Platform& platform, Scenario scenario, const Progress& progress)
{
    PredictRun out;
    auto created = Simulation::create(platform, std::move(scenario));
    if (auto* err = std::get_if<std::string>(&created)) {
        out.error = QString::fromStdString(*err);
        return out;
    }
    auto sim = std::make_shared<Simulation>(std::move(std::get<Simulation>(created)));
    if (sim->run(progress))
        out.sim = std::move(sim);
    return out;
}

/// The verdict's colour, readable on light and dark palettes.
QString verdictColour(bool right)
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    if (right)
        return dark ? QStringLiteral("#a5d6a7") : QStringLiteral("#2e7d32");
    return dark ? QStringLiteral("#ef9a9a") : QStringLiteral("#c62828");
}

/// The index in @p content of platform region @p r of @p sim, or -1 (not drawn: size 0 or unplaced).
int regionIndexIn(const MapContent& content, const Simulation& sim, std::uint16_t r)
{
    if (r >= sim.platform().regions.size())
        return -1;
    const QString name = QString::fromStdString(sim.platform().regions[r].name);
    for (int i = 0; i < content.regions.size(); ++i)
        if (content.regions[i].name == name)
            return i;
    return -1;
}

/// @p content with the guess @p guess marked (an address guess), one page wide.
void markGuess(MapContent& content, const Simulation& sim, const std::optional<PredictionGuess>& guess)
{
    if (!guess || guess->kind != PredictionGuess::Kind::Address)
        return;
    const Region& r = sim.platform().regions.at(guess->region);
    content.pick = MapRange { guess->address, r.pageSize, regionIndexIn(content, sim, guess->region) };
}

} // namespace

PredictPanel::PredictPanel(Document* doc, QWidget* parent)
    : QWidget(parent)
    , m_doc(doc)
    , m_jobs(new JobTracker(this))
{
    // Large, readable text: a class reads it from the back of the room.
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    setFont(big);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(createControls());
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    m_skipped = new QLabel(this);
    m_skipped->setWordWrap(true);
    m_skipped->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_skipped);
    m_questionLabel = new QLabel(this);
    m_questionLabel->setWordWrap(true);
    m_questionLabel->setTextFormat(Qt::RichText);
    QFont question = big;
    question.setPointSizeF(big.pointSizeF() * 1.2);
    m_questionLabel->setFont(question);
    layout->addWidget(m_questionLabel);
    m_map = new MemoryMapWidget(this);
    m_map->setPickMode(true);
    m_map->setMinimumHeight(140);
    m_map->setInteractionHint(tr("Click: the chunk will land here (your guess)"));
    layout->addWidget(m_map, 3);
    layout->addWidget(createAnswerRow());
    m_result = new QTextBrowser(this);
    m_result->setMinimumHeight(100);
    layout->addWidget(m_result, 2);
    connect(m_map, &MemoryMapWidget::addressPicked, this, [this](int ri, quint64 address) {
        if (const auto r = platformRegion(ri))
            guessAddress(*r, address);
    });
    connectDocument();
    reset();
}

PredictPanel::~PredictPanel() = default;

QWidget* PredictPanel::createControls()
{
    auto* row = new QWidget(this);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    m_policy = new QComboBox(row);
    m_policy->addItem(tr("The project's policies"), -1);
    for (const PolicyKind k : allPolicies())
        m_policy->addItem(tr("%1 on every region").arg(fromStd(policyDisplayName(k))), int(k));
    m_policy->setToolTip(tr("Predict under the project's own policies, or one policy for every region"));
    m_policy->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_policy->setMinimumContentsLength(12);
    m_restart = new QPushButton(tr("Start Over"), row);
    m_restart->setToolTip(tr("Back to the first request, with a new score"));
    h->addWidget(new QLabel(tr("Policy:"), row));
    h->addWidget(m_policy, 1);
    h->addWidget(m_restart);
    connect(m_policy, &QComboBox::currentIndexChanged, this, [this] { reset(); });
    connect(m_restart, &QPushButton::clicked, this, &PredictPanel::restart);
    return row;
}

QWidget* PredictPanel::createAnswerRow()
{
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    m_guessLabel = new QLabel(box);
    m_guessLabel->setWordWrap(true);
    v->addWidget(m_guessLabel);
    auto* h = new QHBoxLayout;
    m_noFit = new QPushButton(tr("It Will Not Fit"), box);
    m_noFit->setToolTip(tr("Predict that no region will place this request"));
    m_reveal = new QPushButton(tr("Reveal"), box);
    m_reveal->setToolTip(tr("Apply the step: where it landed, the verdict and the narration"));
    m_next = new QPushButton(tr("Next Question"), box);
    m_next->setToolTip(tr("The next request (the steps before it are applied)"));
    h->addWidget(m_noFit);
    h->addWidget(m_reveal);
    h->addWidget(m_next);
    h->addStretch();
    v->addLayout(h);
    m_scoreLabel = new QLabel(box);
    m_scoreLabel->setWordWrap(true);
    QFont bold = font();
    bold.setBold(true);
    m_scoreLabel->setFont(bold);
    v->addWidget(m_scoreLabel);
    connect(m_noFit, &QPushButton::clicked, this, &PredictPanel::guessWillNotFit);
    connect(m_reveal, &QPushButton::clicked, this, &PredictPanel::reveal);
    connect(m_next, &QPushButton::clicked, this, &PredictPanel::nextQuestion);
    return box;
}

void PredictPanel::connectDocument()
{
    // A rerun (an edit, another scenario, a new project) replaces the run the questions came from.
    connect(m_doc, &Document::runAboutToStart, this, [this] {
        clear();
        m_error = tr("The scenario is running.");
        showNote();
        updateControls();
    });
    connect(m_doc, &Document::runFinished, this, &PredictPanel::reset);
}

std::optional<PolicyKind> PredictPanel::policy() const
{
    const int k = m_policy->currentData().toInt();
    return k < 0 ? std::nullopt : std::optional<PolicyKind>(PolicyKind(k));
}

void PredictPanel::setPolicy(std::optional<PolicyKind> policy)
{
    const int index = m_policy->findData(policy ? int(*policy) : -1);
    if (index == m_policy->currentIndex())
        reset();
    else
        m_policy->setCurrentIndex(index); // resets
}

bool PredictPanel::isRunning() const
{
    return m_jobs->isRunning();
}

void PredictPanel::waitForRun()
{
    m_jobs->waitForIdle();
}

bool PredictPanel::followsDocument() const
{
    return !policy() && m_sim && m_sim == m_doc->sharedSimulation();
}

void PredictPanel::clear()
{
    m_jobs->discard();
    m_map->setContent(MapContent {}); // its chunk tooltips read the old run
    m_sim.reset();
    m_error.clear();
    m_question.reset();
    m_guess.reset();
    m_judgement.reset();
    m_score = {};
    m_freshMap = true;
    m_result->clear();
    m_skipped->clear();
    m_questionLabel->clear();
    m_guessLabel->clear();
}

void PredictPanel::reset()
{
    clear();
    const std::shared_ptr<const Simulation> base = m_doc->sharedSimulation();
    if (!base) {
        adopt(nullptr,
            m_doc->isRunning() ? tr("The scenario is still running.")
                               : tr("There is no run to ask about. %1").arg(m_doc->runError()));
        return;
    }
    if (!policy()) {
        adopt(base, {});
        return;
    }
    PlatformVariant variant;
    variant.policy = *policy();
    auto applied = applyVariant(m_doc->project().platform, variant);
    if (auto* err = std::get_if<std::string>(&applied)) {
        adopt(nullptr, tr("This policy cannot run the project: %1").arg(QString::fromStdString(*err)));
        return;
    }
    Platform pf = std::move(std::get<Platform>(applied));
    if (const PlacementResult placed = placeRegions(pf); !placed.ok()) {
        adopt(nullptr, tr("With this policy the regions cannot be placed."));
        return;
    }
    m_jobs->start([pf = std::move(pf), scenario = base->scenario()](
                      const Progress& progress) { return runPolicy(pf, scenario, progress); },
        [this](JobResult<PredictRun> result) {
            if (result.ok())
                adopt(result.value->sim, result.value->error);
            else
                adopt(nullptr, result.failed() ? result.error : tr("Cancelled."));
        });
    showNote();
    updateControls();
}

void PredictPanel::adopt(std::shared_ptr<const Simulation> sim, const QString& error)
{
    m_sim = std::move(sim);
    m_error = error;
    if (m_sim)
        ask(0);
    showNote();
    updateControls();
}

void PredictPanel::restart()
{
    if (!m_sim)
        return;
    m_score = {};
    m_freshMap = true;
    ask(0);
    if (m_question && followsDocument())
        m_doc->setPosition(*m_question);
}

void PredictPanel::ask(std::size_t fromStep)
{
    m_guess.reset();
    m_judgement.reset();
    m_result->clear();
    m_guessLabel->clear();
    m_question = nextPredictable(*m_sim, fromStep);
    const std::size_t until = m_question.value_or(m_sim->stepCount());
    const QString skipped = fromStd(skippedStepsText(*m_sim, fromStep, until));
    m_skipped->setText(skipped);
    m_skipped->setVisible(!skipped.isEmpty());
    if (!m_question && !nextPredictable(*m_sim, 0)) {
        m_questionLabel->setText(
            tr("This scenario has no request a policy places: nothing to predict. (A kernel "
               "trace's placements are recorded, not chosen; its what-if is in the What-if pane.)"));
    } else if (!m_question) {
        m_questionLabel->setText(tr("No more requests: the run ends after step %1. Final score: %2.")
                                     .arg(m_sim->stepCount() ? m_sim->stepCount() - 1 : 0)
                                     .arg(fromStd(m_score.text())));
    } else {
        const StepNarration n = narrate(*m_sim, *m_question);
        const Step& step = m_sim->scenario().steps[*m_question];
        const std::string label(step.label ? m_sim->scenario().symbols.name(step.label) : std::string_view());
        QString text = tr("<b>Step %1:</b> %2").arg(*m_question).arg(fromStd(n.headline).toHtmlEscaped());
        if (!label.empty())
            text += QStringLiteral(" <i>(%1)</i>").arg(fromStd(label).toHtmlEscaped());
        for (const auto& line : n.lines) // the map rule is no spoiler: it says which regions are tried, in order
            if (line.rfind("Map:", 0) == 0)
                text += QStringLiteral("<br><small>%1</small>").arg(fromStd(line).toHtmlEscaped());
        m_questionLabel->setText(text);
        m_guessLabel->setText(
            tr("Where will it land? Click the map, or press \u201cIt Will Not Fit\u201d; then \u201cReveal\u201d."));
    }
    showBefore();
    updateControls();
    Q_EMIT questionAsked();
}

bool PredictPanel::guessAddress(std::uint16_t platformRegion, quint64 address)
{
    if (!m_sim || !m_question || m_judgement || platformRegion >= m_sim->platform().regions.size())
        return false;
    m_guess = PredictionGuess::at(platformRegion, address);
    m_guessLabel->setText(tr("Your guess: %1 (click elsewhere to change it).").arg(guessText()));
    showBefore();
    updateControls();
    return true;
}

bool PredictPanel::guessWillNotFit()
{
    if (!m_sim || !m_question || m_judgement)
        return false;
    m_guess = PredictionGuess::willNotFit();
    m_guessLabel->setText(tr("Your guess: it will not fit."));
    showBefore();
    updateControls();
    return true;
}

bool PredictPanel::reveal()
{
    if (!m_sim || !m_question || !m_guess || m_judgement)
        return false;
    try {
        m_judgement = judgePrediction(*m_sim, *m_question, *m_guess);
    } catch (const std::exception& e) {
        m_error = QString::fromUtf8(e.what());
        showNote();
        return false;
    }
    m_score.add(*m_judgement);
    m_guessLabel->setText(m_guess->kind == PredictionGuess::Kind::Address ? tr("Your guess: %1.").arg(guessText())
                                                                          : tr("Your guess: it will not fit."));
    const QString verdict = QStringLiteral("<p style=\"font-size:large\"><b><span style=\"color:%1\">%2</span></b></p>")
                                .arg(verdictColour(m_judgement->right()), fromStd(m_judgement->reason).toHtmlEscaped());
    m_result->setHtml(verdict + narrationHtml(narrate(*m_sim, *m_question)));
    showAfter();
    if (followsDocument())
        m_doc->setCurrentStep(*m_question);
    updateControls();
    Q_EMIT revealed();
    return true;
}

bool PredictPanel::nextQuestion()
{
    if (!m_sim || !m_question)
        return false;
    ask(*m_question + 1);
    if (m_question && followsDocument())
        m_doc->setPosition(*m_question); // the state before it, as the pane shows
    return m_question.has_value();
}

QString PredictPanel::guessText() const
{
    if (!m_sim || !m_guess || m_guess->kind != PredictionGuess::Kind::Address)
        return {};
    return tr("%1 in %2")
        .arg(fromStd(hexText(m_guess->address)),
            QString::fromStdString(m_sim->platform().regions[m_guess->region].name));
}

int PredictPanel::mapRegion(std::uint16_t r) const
{
    return m_sim ? regionIndexIn(m_map->content(), *m_sim, r) : -1;
}

std::optional<std::uint16_t> PredictPanel::platformRegion(int contentIndex) const
{
    const auto& shown = m_map->content().regions;
    if (!m_sim || contentIndex < 0 || contentIndex >= shown.size())
        return std::nullopt;
    const auto& regions = m_sim->platform().regions;
    for (std::size_t i = 0; i < regions.size(); ++i)
        if (QString::fromStdString(regions[i].name) == shown[contentIndex].name)
            return std::uint16_t(i);
    return std::nullopt;
}

void PredictPanel::showBefore()
{
    if (!m_sim)
        return;
    MapContent content = MapContent::fromSimulation(*m_sim, m_sim->stateAt(m_question.value_or(m_sim->stepCount())));
    // Before the step nothing has failed yet: no ghost of the step before.
    content.ghost.reset();
    content.largestHole.reset();
    content.ghostText.clear();
    markGuess(content, *m_sim, m_guess);
    const bool fresh = m_freshMap;
    m_freshMap = false;
    if (fresh) {
        m_map->setContent(std::move(content));
        m_map->zoomToRegions();
    } else {
        m_map->updateContent(std::move(content));
    }
    m_map->setSelectedChunk(kNoChunk);
}

void PredictPanel::showAfter()
{
    MapContent content = MapContent::fromSimulation(*m_sim, m_sim->stateAt(*m_question + 1));
    markGuess(content, *m_sim, m_guess);
    m_map->updateContent(std::move(content));
    const StepRecord& rec = m_sim->records()[*m_question];
    m_map->setSelectedChunk(rec.outcome == Outcome::Allocated ? rec.chunk : kNoChunk);
}

void PredictPanel::showNote()
{
    QString note;
    if (policy())
        note = tr("This pane runs %1 on every region; the main views show the project's own policies.")
                   .arg(m_policy->currentText().section(tr(" on every region"), 0, 0));
    else
        note = tr("The project's own policies: revealing moves every view to the step.");
    if (m_jobs->isRunning())
        note += QLatin1Char(' ') + tr("Running…");
    if (!m_error.isEmpty())
        note += QStringLiteral("<br><b>%1</b>").arg(m_error.toHtmlEscaped());
    m_note->setText(note);
}

void PredictPanel::updateControls()
{
    const bool open = m_sim && m_question && !m_judgement;
    m_noFit->setEnabled(open);
    m_reveal->setEnabled(open && m_guess.has_value());
    m_next->setEnabled(m_sim && m_question);
    m_restart->setEnabled(m_sim != nullptr);
    m_scoreLabel->setText(tr("Score: %1").arg(fromStd(m_score.text())));
}

QString PredictPanel::questionText() const
{
    return m_questionLabel->text();
}

QString PredictPanel::noteText() const
{
    return m_note->text();
}

QString PredictPanel::scoreText() const
{
    return m_scoreLabel->text();
}

QString PredictPanel::resultText() const
{
    return m_result->toPlainText();
}

} // namespace cmascope::views
