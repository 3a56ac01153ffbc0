// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/jobtracker.h"

#include <QCoreApplication>
#include <QEventLoop>

namespace cmascope::views {

QString detail::exceptionText(const std::exception& e)
{
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return QCoreApplication::translate("cmascope::views::JobTracker", "out of memory");
    return QString::fromLocal8Bit(e.what());
}

JobTracker::JobTracker(QObject* context)
    : QObject(context)
{ }

JobTracker::~JobTracker()
{
    for (auto* w : m_live)
        w->cancel();
    for (auto* w : m_live)
        w->waitForFinished();
}

void JobTracker::forget(QFutureWatcherBase* watcher)
{
    m_live.erase(std::remove(m_live.begin(), m_live.end(), watcher), m_live.end());
}

void JobTracker::watch(QFutureWatcherBase* watcher, quint64 id, bool wasRunning)
{
    m_watcher = watcher;
    m_live.push_back(watcher);
    connect(watcher, &QFutureWatcherBase::progressRangeChanged, this, [this, watcher](int, int maximum) {
        if (watcher == m_watcher)
            Q_EMIT progressChanged(0, maximum);
    });
    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, watcher](int value) {
        if (watcher == m_watcher)
            Q_EMIT progressChanged(value, watcher->progressMaximum());
    });
    Q_EMIT started(id);
    if (!wasRunning)
        Q_EMIT runningChanged(true);
}

void JobTracker::abandon()
{
    if (!m_watcher)
        return;
    // Its finished() still deletes it; the id check drops its result.
    m_watcher->cancel();
    m_watcher = nullptr;
}

void JobTracker::cancel()
{
    if (m_watcher)
        m_watcher->cancel();
}

void JobTracker::discard()
{
    if (!m_watcher)
        return;
    abandon();
    Q_EMIT runningChanged(false);
}

void JobTracker::waitForIdle()
{
    // The event loop keeps running (the window paints, Cancel works) until the job's handler has run; a
    // handler may start the next job, which is waited for too.
    while (m_watcher) {
        QEventLoop loop;
        connect(this, &JobTracker::finished, &loop, &QEventLoop::quit);
        connect(this, &JobTracker::runningChanged, &loop, [&loop](bool running) {
            if (!running)
                loop.quit();
        });
        loop.exec();
    }
}

} // namespace cmascope::views
