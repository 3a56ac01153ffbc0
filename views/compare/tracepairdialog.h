// SPDX-License-Identifier: GPL-2.0-or-later
// File > Compare with Another Trace… (docs/time-and-latency.md, "Comparing two traces"): the trace the document
// shows (A) beside another one (B), replayed and compared in a background job (compare/tracepair.h). A tree
// holds the figures of both in total and per area (requests, failures by cause, busy retries, latency median /
// p99 / max, peak used pages) with B - A; below it the matching and the first request whose outcome differs,
// and a button that makes that request of A the current step.
#pragma once

#include <cmascope/compare/tracepair.h>

#include <QDialog>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace cmascope::views {

class Document;
class JobTracker;

class TracePairDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TracePairDialog(Document* document, QWidget* parent = nullptr);

    /// Replays @p path (with a dmesg*.txt beside it, as File > Open Trace does) and compares the document's
    /// trace with it in the background; a comparison still running is cancelled.
    void compareWith(const QString& path);
    bool isComputing() const;
    /// Returns once the comparison has finished (tests, headless use).
    void waitForResult();
    /// The comparison shown, or null (none yet, or it failed: statusText() says why).
    const TracePairResult* result() const { return m_result ? &*m_result : nullptr; }
    QTreeWidget* table() const { return m_table; }
    QString statusText() const;
    QPushButton* goButton() const { return m_go; }

public Q_SLOTS:
    /// Makes the first differing request of A the current step.
    void goToFirstDifference();

private:
    void showResult(const TracePairResult& result);

    Document* m_doc;
    JobTracker* m_jobs;
    QTreeWidget* m_table = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_go = nullptr;
    QString m_pathB;
    std::optional<TracePairResult> m_result;
};

} // namespace cmascope::views
