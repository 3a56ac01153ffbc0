// SPDX-License-Identifier: GPL-2.0-or-later
// Explains one allocation request: which map rule matched, which regions were tried in which order,
// and for each why it refused (needed, free, largest aligned hole, pinned pages, extfrag verdict).
// For a failed request it can also find what would have fit (another policy, a larger first region),
// re-running the history off the GUI thread (wouldfit.h).
#pragma once

#include <cmascope/plan/wouldfit.h>

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;
class QTextBrowser;

namespace cmascope {
struct ReplayResult;
struct PageOwnerDump;
} // namespace cmascope

namespace cmascope::views {

class Document;
class JobTracker;

class FailureInspector : public QWidget
{
    Q_OBJECT
public:
    explicit FailureInspector(Document* document, QWidget* parent = nullptr);
    ~FailureInspector() override;

    /// Shows the explanation of step @p step (an allocation request).
    void inspect(std::size_t step);
    std::optional<std::size_t> inspectedStep() const { return m_step; }
    /// The text shown, as plain text (tests, copy).
    QString plainText() const;

    /// Starts the "what would have fit" search for the inspected failed request (what the button does).
    /// Returns false when there is nothing to search (no failed request inspected).
    bool findWhatWouldHaveFit();
    /// Stops the running search; "Cancelled" is shown.
    void cancelWhatWouldHaveFit();
    bool isSearching() const { return m_fitRunning; }
    /// The last answer shown, for the inspected request (null: none yet, or discarded).
    const WouldFitResult* wouldFitResult() const { return m_fitResult ? &*m_fitResult : nullptr; }
    /// Failed requests with at most this many steps before them are searched as soon as they are inspected
    /// (0 = only with the button). Default 5000.
    void setAutoSearchLimit(std::size_t steps) { m_autoSearchSteps = steps; }

    /// A page_owner dump (read from @p origin): a kernel request's busy windows then show who holds their pages
    /// (docs/evidence-imports.md). Null removes it.
    void setPageOwner(std::shared_ptr<const PageOwnerDump> dump, const QString& origin);
    bool hasPageOwner() const { return m_pageOwner != nullptr; }

Q_SIGNALS:
    /// A search ended (answered or cancelled) and its outcome is shown.
    void wouldFitFinished();

private:
    void followPosition();
    void inspectTraceRequest(const ReplayResult& replay, std::size_t step);
    void discardWouldFit();
    void render();
    void updateFitControls();
    QString wouldFitHtml() const;

    Document* m_doc;
    QTextBrowser* m_view = nullptr;
    QPushButton* m_fitButton = nullptr;
    QPushButton* m_fitCancel = nullptr;
    QProgressBar* m_fitProgress = nullptr;
    std::optional<std::size_t> m_step;
    bool m_stepFailed = false; ///< the inspected step is a failed request
    QString m_html; ///< the explanation; the what-would-have-fit section follows it
    JobTracker* m_fitJobs = nullptr; ///< the would-fit search
    bool m_fitRunning = false;
    bool m_fitCancelled = false;
    QString m_fitError; ///< the search threw: its text
    std::optional<WouldFitResult> m_fitResult;
    std::size_t m_autoSearchSteps = 5000;
    std::shared_ptr<const PageOwnerDump> m_pageOwner;
    QString m_pageOwnerOrigin;
};

} // namespace cmascope::views
