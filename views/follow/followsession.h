// SPDX-License-Identifier: GPL-2.0-or-later
// Following a live trace in the app (docs/following.md, "Following in the app"): a reader thread waits on the
// source (FollowSource::read(), never on the GUI thread) and piles the bytes up; a ~30 Hz timer on the GUI
// thread pushes what piled up into the live replay (FollowReplay) in one batch, so the GUI thread's work is
// proportional to the new text and the views are told once per batch, never once per event.
#pragma once

#include <cmascope/replay/follow.h>
#include <cmascope/trace/followsource.h>

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

class QTimer;

namespace cmascope::views {

class FollowSession : public QObject
{
    Q_OBJECT
public:
    /// Batches are pushed every this many ms (~30 per second).
    static constexpr int kBatchMs = 33;

    FollowSession(FollowSourceSpec spec, const ReplayInputs& inputs, QObject* parent = nullptr);
    ~FollowSession() override;

    /// Opens the source and starts reading; an error text (naming the path or command) when it cannot.
    std::optional<QString> start();
    /// Ends the follow as the input's end would (the source is stopped; the batch piled up is still pushed).
    void stop();

    const FollowSourceSpec& spec() const { return m_spec; }
    /// "trace.txt", "-" or the command, as the status line names what is followed.
    QString sourceName() const;
    const FollowReplay& replay() const { return *m_replay; }
    /// The live replay so far, kept alive by whoever holds it (the live document); it grows with each batch.
    std::shared_ptr<const ReplayResult> sharedLive() const { return { m_replay, &m_replay->live() }; }
    bool isRunning() const { return m_timer != nullptr && !m_finished; }
    /// Lines and events received so far (the last batch's FollowProgress).
    std::uint64_t lines() const { return m_lines; }
    std::uint64_t events() const { return m_events; }
    /// Batches pushed so far (tests: the batching).
    std::size_t batches() const { return m_batches; }
    /// Why the input ended ("end of input", "stopped", an error), once finished() was emitted.
    QString endNote() const { return m_endNote; }
    /// The replay exactly as replayTraceFile() gives it for the text received; set once finished() was emitted.
    const std::optional<ReplayFileResult>& result() const { return m_result; }

Q_SIGNALS:
    /// One batch was pushed: what it added (FollowProgress) is in replay().live().
    void batchPushed(const cmascope::FollowProgress& progress);
    /// The input ended (or failed, or the replay cannot go on); result() holds the final replay.
    void finished();

private:
    void readLoop();
    void pushBatch();
    void finish(const QString& why);

    FollowSourceSpec m_spec;
    std::shared_ptr<FollowReplay> m_replay;
    std::unique_ptr<FollowSource> m_source;
    std::thread m_reader;
    std::atomic<bool> m_stop { false };
    std::mutex m_mutex; ///< guards m_pending, m_ended, m_readerNote
    std::string m_pending; ///< bytes read, not yet pushed
    bool m_ended = false; ///< the reader is done (end of input, failure or stop)
    std::string m_readerNote;
    QTimer* m_timer = nullptr;
    bool m_finished = false;
    std::size_t m_batches = 0;
    std::uint64_t m_lines = 0, m_events = 0;
    QString m_endNote;
    std::optional<ReplayFileResult> m_result;
};

} // namespace cmascope::views
