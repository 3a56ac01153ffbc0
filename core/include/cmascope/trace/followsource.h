// SPDX-License-Identifier: GPL-2.0-or-later
// The sources a live replay follows (docs/following.md): a regular file being appended to (tail -f), a FIFO,
// standard input ("-"), or a command run with /bin/sh -c whose standard output is read. Reads wait at
// most a given time, so a caller can stop (a signal, a button) between reads. POSIX; no Qt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

namespace cmascope {

struct FollowSourceSpec
{
    enum Kind : std::uint8_t { Path, Command };
    Kind kind = Path;
    std::string text; ///< the path ("-" = standard input) or the command line
    /// A regular file ends after this many seconds without new bytes (0: only when stopped).
    double idleSeconds = 0;
};

class FollowSource
{
public:
    enum class Read : std::uint8_t {
        Data, ///< bytes were appended to the buffer
        Wait, ///< nothing yet (the time ran out, or a signal came)
        End, ///< the input is over (endNote() says why)
        Failed, ///< a read error (error())
    };

    /// Opens @p spec (for a command: starts it); the error names the path or the command.
    static std::variant<std::unique_ptr<FollowSource>, std::string> open(const FollowSourceSpec& spec);
    virtual ~FollowSource() = default;
    FollowSource(const FollowSource&) = delete;
    FollowSource& operator=(const FollowSource&) = delete;

    /// Appends what is there (at most 1 MiB) to @p buffer, waiting at most @p timeoutMs for it.
    virtual Read read(std::string& buffer, int timeoutMs) = 0;
    /// Stops the input (a command is sent SIGTERM, then reaped). Safe to call more than once.
    virtual void stop() { }
    /// Why the input ended: "end of input", "command exited with status 1", "no new bytes for 5 s", ...
    const std::string& endNote() const { return m_endNote; }
    const std::string& error() const { return m_error; }

protected:
    FollowSource() = default;
    std::string m_endNote;
    std::string m_error;
};

} // namespace cmascope
