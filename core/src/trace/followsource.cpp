// SPDX-License-Identifier: GPL-2.0-or-later
// The followed sources (docs/following.md): a regular file read on as it grows, a pipe-like descriptor
// (FIFO, standard input, a command's output) read until its writers close it.
#include <cmascope/trace/followsource.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace cmascope {

namespace {

constexpr std::size_t kReadChunk = 1u << 20;

/// "5", "0.25": seconds as the user wrote them (at most 3 decimals).
std::string secondsText(double seconds)
{
    std::string text = std::to_string(seconds); // "0.250000"
    text.erase(std::min(text.find('.') + 4, text.size()));
    while (text.back() == '0')
        text.pop_back();
    if (text.back() == '.')
        text.pop_back();
    return text;
}

/// Reads what @p fd has (after poll() said so) into @p buffer; Data, End (0 bytes) or Failed.
FollowSource::Read readSome(int fd, std::string& buffer, std::string& error)
{
    const std::size_t old = buffer.size();
    buffer.resize(old + kReadChunk);
    const ssize_t n = ::read(fd, buffer.data() + old, kReadChunk);
    buffer.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
    if (n > 0)
        return FollowSource::Read::Data;
    if (n == 0)
        return FollowSource::Read::End;
    if (errno == EINTR || errno == EAGAIN)
        return FollowSource::Read::Wait;
    error = std::strerror(errno);
    return FollowSource::Read::Failed;
}

/// A FIFO, standard input or a command's output: poll(), then read; the end is when every writer closed it.
class PipeSource : public FollowSource
{
public:
    PipeSource(int fd, bool owned, std::string name)
        : m_fd(fd)
        , m_owned(owned)
        , m_name(std::move(name))
    { }
    ~PipeSource() override
    {
        if (m_owned && m_fd >= 0)
            ::close(m_fd);
    }

    Read read(std::string& buffer, int timeoutMs) override
    {
        if (m_fd < 0)
            return Read::End;
        pollfd p { m_fd, POLLIN, 0 };
        const int ready = ::poll(&p, 1, timeoutMs);
        if (ready < 0 && errno != EINTR) {
            m_error = m_name + ": " + std::strerror(errno);
            return Read::Failed;
        }
        if (ready <= 0)
            return Read::Wait;
        const Read r = readSome(m_fd, buffer, m_error);
        if (r == Read::Failed)
            m_error = m_name + ": " + m_error;
        if (r == Read::End)
            ended();
        return r;
    }

protected:
    /// The writers closed the input.
    virtual void ended() { m_endNote = "end of input"; }
    int m_fd;
    bool m_owned;
    std::string m_name;
};

/// A command run with /bin/sh -c in a process group of its own; its standard output is the input.
class CommandSource final : public PipeSource
{
public:
    CommandSource(int fd, pid_t pid, bool ownGroup, std::string command)
        : PipeSource(fd, true, "command '" + command + "'")
        , m_pid(pid)
        , m_ownGroup(ownGroup)
    { }
    ~CommandSource() override { stop(); }

    void stop() override
    {
        if (m_pid <= 0)
            return;
        ::kill(m_ownGroup ? -m_pid : m_pid, SIGTERM); // in its own group: the shell and what it started
        reap();
        if (m_endNote.empty())
            m_endNote = "stopped; " + m_name + " terminated";
    }

private:
    void ended() override
    {
        reap();
        if (m_endNote.empty())
            m_endNote = "end of input";
    }
    void reap()
    {
        int status = 0;
        if (m_pid <= 0 || ::waitpid(m_pid, &status, 0) != m_pid) {
            m_pid = -1;
            return;
        }
        m_pid = -1;
        if (WIFEXITED(status))
            m_endNote = m_name + " exited with status " + std::to_string(WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            m_endNote = m_name + " ended by signal " + std::to_string(WTERMSIG(status));
    }
    pid_t m_pid;
    bool m_ownGroup;
};

/// A regular file, read on as it grows (tail -f); it ends when stopped, after idleSeconds without new
/// bytes, or when it shrinks (truncated or replaced).
class FileSource final : public FollowSource
{
public:
    FileSource(int fd, std::string name, double idleSeconds)
        : m_fd(fd)
        , m_name(std::move(name))
        , m_idle(idleSeconds)
        , m_lastData(std::chrono::steady_clock::now())
    { }
    ~FileSource() override { ::close(m_fd); }

    Read read(std::string& buffer, int timeoutMs) override
    {
        const Read r = readSome(m_fd, buffer, m_error);
        if (r == Read::Failed)
            m_error = m_name + ": " + m_error;
        if (r == Read::Data)
            m_lastData = std::chrono::steady_clock::now();
        if (r != Read::End)
            return r;
        struct stat st
        { };
        const off_t at = ::lseek(m_fd, 0, SEEK_CUR);
        if (::fstat(m_fd, &st) == 0 && at >= 0 && st.st_size < at) {
            m_endNote = m_name + " was truncated while followed";
            return Read::End;
        }
        const auto now = std::chrono::steady_clock::now();
        if (m_idle > 0 && std::chrono::duration<double>(now - m_lastData).count() >= m_idle) {
            m_endNote = "no new bytes for " + secondsText(m_idle) + " s";
            return Read::End;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeoutMs, 50)));
        return Read::Wait;
    }

private:
    int m_fd;
    std::string m_name;
    double m_idle;
    std::chrono::steady_clock::time_point m_lastData;
};

/// Starts /bin/sh -c @p command with its standard output into a pipe; the error names the command.
std::variant<std::unique_ptr<FollowSource>, std::string> startCommand(const std::string& command)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return "command '" + command + "': cannot make a pipe: " + std::strerror(errno);
    const char* argv[] = { "sh", "-c", command.c_str(), nullptr };
    // On a terminal the command stays in the terminal's process group: it may prompt (ssh's password) and
    // Ctrl-C reaches it as it reaches us. Elsewhere (the app, a script) it gets a group of its own, which
    // stop() ends whole.
    const bool ownGroup = ::isatty(STDIN_FILENO) == 0;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return "command '" + command + "': cannot start: " + std::strerror(errno);
    }
    if (pid == 0) { // the child: only async-signal-safe calls
        if (ownGroup)
            ::setpgid(0, 0);
        ::dup2(fds[1], STDOUT_FILENO);
        ::execv("/bin/sh", const_cast<char* const*>(argv));
        ::_exit(127);
    }
    if (ownGroup)
        ::setpgid(pid, pid); // also here: no race with stop()
    ::close(fds[1]);
    return std::make_unique<CommandSource>(fds[0], pid, ownGroup, command);
}

} // namespace

std::variant<std::unique_ptr<FollowSource>, std::string> FollowSource::open(const FollowSourceSpec& spec)
{
    if (spec.kind == FollowSourceSpec::Command)
        return startCommand(spec.text);
    if (spec.text == "-")
        return std::make_unique<PipeSource>(STDIN_FILENO, false, "standard input");
    // O_NONBLOCK: a FIFO opens without a writer; poll() then waits for one (docs/following.md).
    const int fd = ::open(spec.text.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return spec.text + ": cannot open: " + std::strerror(errno);
    struct stat st
    { };
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        ::close(fd);
        return spec.text + ": is a directory";
    }
    if (S_ISREG(st.st_mode)) {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        return std::make_unique<FileSource>(fd, spec.text, spec.idleSeconds);
    }
    return std::make_unique<PipeSource>(fd, true, spec.text);
}

} // namespace cmascope
