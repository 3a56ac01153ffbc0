// SPDX-License-Identifier: GPL-2.0-or-later
// The message bar above the map for a trace whose recording began late (docs/late-start.md): what was
// detected, how many pages were inferred, how many placements are predicted, and the ways to do better
// (seed from a debugfs snapshot, check against snapshots). Persistent while that trace is shown.
#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace cmascope {
struct ReplayResult;
struct SnapshotCheckResult;
} // namespace cmascope

namespace cmascope::views {

class Document;

class TraceBanner : public QFrame
{
    Q_OBJECT
public:
    explicit TraceBanner(QWidget* parent = nullptr);
    /// Follows @p doc: shown while its project is a replay with a late start (Document::replay()).
    void setDocument(Document* doc);
    /// Shows the verdict of @p replay (hidden when it has no late start or is null).
    void showReplay(const ReplayResult* replay);
    /// Adds the outcome of a check against snapshots (shown even without a late start).
    void showSnapshotCheck(const SnapshotCheckResult& check);

    QString text() const; ///< the message as shown (tests)
    QPushButton* seedButton() const { return m_seed; }
    QPushButton* checkButton() const { return m_check; }

Q_SIGNALS:
    void seedRequested(); ///< "Seed from debugfs snapshot…"
    void checkRequested(); ///< "Check snapshots…"

private:
    QLabel* m_icon = nullptr;
    QLabel* m_text = nullptr;
    QLabel* m_checkText = nullptr;
    QPushButton* m_seed = nullptr;
    QPushButton* m_check = nullptr;
};

} // namespace cmascope::views
