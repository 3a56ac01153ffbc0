// SPDX-License-Identifier: GPL-2.0-or-later
// The main window's one way to run work that grows with the input (opening, saving, importing) off the GUI
// thread: the pattern trace replay uses. The work runs through QtConcurrent::run with a QPromise (progress,
// cancellation), the status bar's progress bar and Cancel button show while it runs, and the result comes
// back on the GUI thread. wait() lets a caller that needs the result keep the event loop (painting, Cancel)
// running until it is there.
#pragma once

#include <QEventLoop>
#include <QFutureWatcher>
#include <QLabel>
#include <QObject>
#include <QProgressBar>
#include <QPromise>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

#include <optional>
#include <utility>

namespace cmascope::app {

class BackgroundJob : public QObject
{
    Q_OBJECT
public:
    BackgroundJob(QProgressBar* progress, QToolButton* cancel, QLabel* label, QObject* parent = nullptr)
        : QObject(parent)
        , m_progress(progress)
        , m_cancel(cancel)
        , m_label(label)
    { }

    bool isBusy() const { return m_busy; }

    /// Runs @p work (callable as work(QPromise<T>&), adding one result unless cancelled) on a worker thread
    /// and then @p done(std::optional<T>) on the GUI thread: nullopt when it was cancelled. Shows @p text and
    /// the progress (a busy bar until the work sets a range). Returns false, running nothing, while another
    /// job runs.
    template <typename T, typename Work, typename Done> bool start(const QString& text, Work work, Done done)
    {
        if (m_busy)
            return false;
        m_busy = true;
        m_progress->setRange(0, 0);
        m_progress->setValue(0);
        m_progress->setVisible(true);
        m_cancel->setVisible(true);
        if (m_label)
            m_label->setText(text);
        auto* watcher = new QFutureWatcher<T>(this);
        m_watcher = watcher;
        connect(m_cancel, &QToolButton::clicked, watcher, [watcher] { watcher->cancel(); });
        connect(watcher, &QFutureWatcherBase::progressRangeChanged, m_progress, &QProgressBar::setRange);
        connect(watcher, &QFutureWatcherBase::progressValueChanged, m_progress, &QProgressBar::setValue);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)]() mutable {
            watcher->deleteLater();
            m_watcher = nullptr;
            m_busy = false;
            m_progress->setRange(0, 1000);
            m_progress->setVisible(false);
            m_cancel->setVisible(false);
            QFuture<T> future = watcher->future();
            std::optional<T> result;
            if (!future.isCanceled() && future.resultCount() > 0)
                result = future.takeResult();
            done(std::move(result));
            Q_EMIT finished();
        });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
        return true;
    }

    /// Returns when the running job (if any) has finished and its done() has run; events are processed
    /// meanwhile, so the window paints and Cancel works.
    void wait()
    {
        if (!m_busy)
            return;
        QEventLoop loop;
        connect(this, &BackgroundJob::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }

    /// Cancels the running job and blocks until its work has returned (for data it reads that is about to
    /// go away); its done() still runs later, with nullopt.
    void cancelAndWait()
    {
        if (m_watcher) {
            m_watcher->cancel();
            m_watcher->waitForFinished();
        }
    }

Q_SIGNALS:
    void finished();

private:
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    QLabel* m_label;
    QFutureWatcherBase* m_watcher = nullptr;
    bool m_busy = false;
};

} // namespace cmascope::app
