// SPDX-License-Identifier: GPL-2.0-or-later
#include "follow/followsession.h"

#include <QFileInfo>
#include <QTimer>

#include <chrono>

namespace cmascope::views {

namespace {
/// How long one read waits at most: the reader notices stop() within this time.
constexpr int kReadWaitMs = 100;
/// The reader stops reading while this much text waits for the GUI thread: memory stays bounded, and a FIFO's or
/// a command's writer waits in turn.
constexpr std::size_t kMaxPending = 16u << 20;
} // namespace

FollowSession::FollowSession(FollowSourceSpec spec, const ReplayInputs& inputs, QObject* parent)
    : QObject(parent)
    , m_spec(std::move(spec))
{
    FollowOptions options;
    options.sourceName = m_spec.text;
    m_replay = std::make_shared<FollowReplay>(inputs, ReplayOptions {}, std::move(options));
}

FollowSession::~FollowSession()
{
    m_stop = true;
    if (m_reader.joinable())
        m_reader.join();
}

QString FollowSession::sourceName() const
{
    const QString text = QString::fromStdString(m_spec.text);
    return m_spec.kind == FollowSourceSpec::Command || text == QStringLiteral("-") ? text : QFileInfo(text).fileName();
}

std::optional<QString> FollowSession::start()
{
    if (!m_replay->error().empty())
        return QString::fromStdString(m_replay->error());
    auto opened = FollowSource::open(m_spec);
    if (auto* err = std::get_if<std::string>(&opened))
        return QString::fromStdString(*err);
    m_source = std::move(std::get<std::unique_ptr<FollowSource>>(opened));
    m_reader = std::thread([this] { readLoop(); });
    m_timer = new QTimer(this);
    m_timer->setInterval(kBatchMs);
    connect(m_timer, &QTimer::timeout, this, &FollowSession::pushBatch);
    m_timer->start();
    return std::nullopt;
}

void FollowSession::stop()
{
    m_stop = true;
}

/// The reader thread: reads until the input ends or fails, or stop() is asked (then the source is stopped here,
/// on the thread that reads it).
void FollowSession::readLoop()
{
    std::string buffer;
    std::string note;
    while (!m_stop) {
        if (std::unique_lock lock(m_mutex); m_pending.size() >= kMaxPending) {
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        buffer.clear();
        const FollowSource::Read got = m_source->read(buffer, kReadWaitMs);
        if (got == FollowSource::Read::Data) {
            const std::lock_guard lock(m_mutex);
            m_pending += buffer;
            continue;
        }
        if (got == FollowSource::Read::End) {
            note = m_source->endNote();
            break;
        }
        if (got == FollowSource::Read::Failed) {
            note = m_source->error();
            break;
        }
    }
    if (m_stop) {
        m_source->stop();
        note = "stopped";
    }
    const std::lock_guard lock(m_mutex);
    m_ended = true;
    m_readerNote = note;
}

/// The timer: everything read since the last tick goes into the live replay as one batch.
void FollowSession::pushBatch()
{
    if (m_finished)
        return;
    std::string batch;
    bool ended = false;
    std::string note;
    {
        const std::lock_guard lock(m_mutex);
        batch.swap(m_pending);
        ended = m_ended;
        note = m_readerNote;
    }
    if (!batch.empty()) {
        ++m_batches;
        const bool more = m_replay->push(batch);
        const FollowProgress progress = m_replay->progress();
        m_lines = progress.lines;
        m_events = progress.events;
        Q_EMIT batchPushed(progress);
        if (!more) {
            m_stop = true;
            finish(QString::fromStdString(!m_replay->error().empty() ? m_replay->error()
                    : m_replay->live().stoppedAtMarker               ? std::string("the stop marker")
                                                                     : std::string("the replay cannot go on")));
            return;
        }
    }
    if (ended)
        finish(QString::fromStdString(note));
}

void FollowSession::finish(const QString& why)
{
    m_finished = true;
    m_timer->stop();
    if (m_reader.joinable())
        m_reader.join(); // it ends within one read's wait (m_stop, or it had already ended)
    m_endNote = why;
    m_result = m_replay->finish();
    Q_EMIT finished();
}

} // namespace cmascope::views
