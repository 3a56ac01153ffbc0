// SPDX-License-Identifier: GPL-2.0-or-later
// The compare pane: the open project's scenario (or a kernel trace's recorded requests) run under several
// variants at once, off the GUI thread; one table row per variant (failures, peak use, largest free,
// fragmentation, first differing step) and the maps of every run side by side at the document's current
// step (docs/compare.md#the-pane). Activating a row moves every view to its first differing step.
#pragma once

#include "common/jobtracker.h"

#include <cmascope/compare/compare.h>
#include <cmascope/replay/replay.h>

#include <QStringList>
#include <QWidget>

#include <memory>
#include <string>
#include <variant>

class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace cmascope::views {

class CompareMaps;
class CompareModel;
class Document;

class ComparePanel : public QWidget
{
    Q_OBJECT
public:
    explicit ComparePanel(Document* doc, QWidget* parent = nullptr);
    ~ComparePanel() override;

    /// The replay the open document came from (trace mode: the what-if spec syntax), or null for a project.
    void setReplay(std::shared_ptr<const ReplayResult> replay);

    /// Adds @p spec to the variants when it is valid for the open project or trace; otherwise shows why
    /// (specError()) and returns false.
    bool addVariant(const QString& spec);
    void removeVariant(int index);
    QStringList variants() const;
    /// Why the spec typed in the field cannot be used; empty when it can (or the field is empty).
    QString specError() const { return m_specErrorText; }
    QLineEdit* specEdit() const { return m_spec; }

    /// Runs the base and every variant. False (and shows why) when there is nothing to compare.
    bool run();
    /// "Compare Policies" (docs/compare.md#policies-side-by-side): the variants become the textbook policies
    /// (first, next, best and worst fit, buddy) for every region, and they run; the maps then step together,
    /// each saying how its policy placed the current step. False when none applies (shown why).
    bool comparePolicies();
    /// The variants comparePolicies() sets, in the order shown.
    static QStringList policyVariants();
    void cancel();
    bool isRunning() const;
    /// Blocks until a running comparison has finished and its result is shown (tests).
    void waitForRun();

    CompareModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    CompareMaps* maps() const { return m_maps; }
    QString summaryText() const;

Q_SIGNALS:
    /// A comparison finished (or failed) and is shown.
    void finished();

private:
    QWidget* createSpecControls();
    QWidget* createRunControls();
    QTableView* createTable();
    void connectDocument();
    /// The error of @p spec for the open project or trace, empty when it parses.
    QString validate(const QString& spec) const;
    void onSpecEdited();
    void onFinished(JobResult<std::variant<Comparison, std::string>> result);
    void fitTable();
    void showError(const QString& error);
    void invalidate();
    void updateButtons();

    Document* m_doc;
    std::shared_ptr<const ReplayResult> m_replay;
    JobTracker* m_jobs = nullptr;
    QLineEdit* m_spec = nullptr;
    QPushButton* m_add = nullptr;
    QLabel* m_specError = nullptr;
    QString m_specErrorText;
    QListWidget* m_variants = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_policies = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    CompareModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    CompareMaps* m_maps = nullptr;
    QSplitter* m_rightSplit = nullptr; ///< the table above the maps
    quint64 m_generation = 0; ///< bumped when the document changes: older results are dropped
    quint64 m_runGeneration = 0;
};

} // namespace cmascope::views
