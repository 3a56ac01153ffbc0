// SPDX-License-Identifier: GPL-2.0-or-later
// The one way the GUI runs work off its thread (docs/architecture.md, "Threads and ownership").
//
// Every background job of the app — the document's run, the charts' series, the would-fit search, the
// what-if comparison, opening, saving, importing, replaying and exporting — goes through a JobTracker:
// - the work is a function of the core's Progress (progress.h) returning a value: it reports (done, total)
//   and stops when the Progress returns false; it owns what it reads (copies, shared_ptr<const ...>), so
//   nothing the GUI thread does later can pull data from under it and nothing has to wait for it;
// - each job has an id; starting a job cancels the one still running, whose result is then stale and
//   dropped (its handler never runs);
// - the handler runs on the GUI thread, and only while the tracker's context object lives (the tracker
//   is its child);
// - it gets a JobResult: the value, or cancelled, or the text of the exception the work threw.
#pragma once

#include <cmascope/util/progress.h>

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace cmascope::views {

/// How a job ended, as its handler sees it.
template <typename T> struct JobResult
{
    quint64 id = 0;
    std::optional<T> value; ///< what the work returned (not set when cancelled or failed)
    QString error; ///< the text of the exception the work threw
    bool ok() const { return value.has_value(); }
    bool failed() const { return !error.isEmpty(); }
    bool cancelled() const { return !value && error.isEmpty(); }
};

namespace detail {
/// What a worker hands back: the value or the exception's text.
template <typename T> struct JobOutcome
{
    std::optional<T> value;
    QString error;
};
/// The Progress a job's work gets: (done, total) become the promise's progress in thousandths (a total
/// of 0 means "busy, no measure"), and a cancelled promise makes it return false.
template <typename T> Progress promiseProgress(QPromise<T>& promise)
{
    return [&promise, range = -1](std::uint64_t done, std::uint64_t total) mutable {
        const int wanted = total ? 1000 : 0;
        if (wanted != range) {
            promise.setProgressRange(0, wanted);
            range = wanted;
        }
        if (total)
            promise.setProgressValue(int(double(std::min(done, total)) / double(total) * 1000.0));
        return !promise.isCanceled();
    };
}
QString exceptionText(const std::exception& e);
} // namespace detail

class JobTracker : public QObject
{
    Q_OBJECT
public:
    /// Handlers run on @p context's thread while it lives; the tracker is its child.
    explicit JobTracker(QObject* context);
    /// Cancels every job still running and waits for its work to return (it owns its data; this only keeps
    /// workers from outliving the window).
    ~JobTracker() override;

    bool isRunning() const { return m_watcher != nullptr; }
    /// The id of the job started last (0 before the first).
    quint64 currentId() const { return m_id; }

    /// Runs @p work (callable as work(const Progress&), returning a value) on a worker thread, then
    /// @p handler(JobResult<value type>) on the context's thread. A job still running is cancelled first and
    /// its result dropped. Returns the new job's id.
    template <typename Work, typename Handler> quint64 start(Work work, Handler handler);

    /// Asks the running job to stop; its handler runs with cancelled().
    void cancel();
    /// Cancels the running job and drops it: its handler never runs (its answer no longer applies).
    void discard();
    /// Returns once no job runs and the last handler has run, processing events meanwhile (tests, headless
    /// rendering, a window that waits for its file job).
    void waitForIdle();

Q_SIGNALS:
    void started(quint64 id);
    /// Progress of the running job; @p total 0 means busy without a measure.
    void progressChanged(int done, int total);
    /// After the job's handler ran (whether it succeeded, was cancelled or failed). Not for stale jobs.
    void finished(quint64 id);
    void runningChanged(bool running);

private:
    /// Cancels the running job (if any) and forgets it: its end is never reported.
    void abandon();
    void watch(QFutureWatcherBase* watcher, quint64 id, bool wasRunning);
    /// A job's work has returned: nothing to wait for at destruction.
    void forget(QFutureWatcherBase* watcher);

    QFutureWatcherBase* m_watcher = nullptr; ///< the running job's, null when idle
    std::vector<QFutureWatcherBase*> m_live; ///< every job whose work has not returned (abandoned ones too)
    quint64 m_id = 0;
};

template <typename Work, typename Handler> quint64 JobTracker::start(Work work, Handler handler)
{
    using T = std::decay_t<std::invoke_result_t<Work&, const Progress&>>;
    const bool wasRunning = isRunning();
    abandon();
    const quint64 id = ++m_id;
    auto* watcher = new QFutureWatcher<detail::JobOutcome<T>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id, handler = std::move(handler)]() mutable {
        watcher->deleteLater();
        forget(watcher);
        if (id != m_id || watcher != m_watcher)
            return; // stale: a newer job replaced it
        m_watcher = nullptr;
        JobResult<T> result;
        result.id = id;
        if (!watcher->future().isCanceled() && watcher->future().resultCount() > 0) {
            detail::JobOutcome<T> outcome = watcher->future().takeResult();
            result.value = std::move(outcome.value);
            result.error = std::move(outcome.error);
        }
        Q_EMIT runningChanged(false);
        handler(std::move(result));
        Q_EMIT finished(id);
    });
    watch(watcher, id, wasRunning);
    watcher->setFuture(QtConcurrent::run([work = std::move(work)](QPromise<detail::JobOutcome<T>>& promise) mutable {
        detail::JobOutcome<T> outcome;
        try {
            outcome.value.emplace(work(detail::promiseProgress(promise)));
        } catch (const std::exception& e) {
            outcome.error = detail::exceptionText(e);
        } catch (...) {
            outcome.error = QStringLiteral("unknown error");
        }
        if (!promise.isCanceled())
            promise.addResult(std::move(outcome));
    }));
    return id;
}

} // namespace cmascope::views
