// SPDX-License-Identifier: GPL-2.0-or-later
// How a long core operation reports how far it is and learns that it should stop.
#pragma once

#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>

namespace cmascope {

/// Progress and cancellation for one long operation (a replay, a what-if, a search). The caller gives a
/// function that receives (done, total) now and then and returns false to ask the operation to stop; an
/// empty Progress never stops anything. The operation calls it at least every few milliseconds of work and
/// says in its result that it was cancelled. Core code never blocks on it: a GUI worker makes it read a flag
/// (or its QPromise's isCanceled()) and post the figures, the CLI prints them.
class Progress
{
public:
    using Report = std::function<bool(std::uint64_t done, std::uint64_t total)>;

    Progress() = default;
    /// Any callable bool(done, total), a lambda included, is a Progress.
    template <typename F>
    requires std::is_invocable_r_v<bool, F&, std::uint64_t, std::uint64_t> Progress(
        F report) // NOLINT(google-explicit-constructor)
        : m_report(std::move(report))
    { }

    /// Someone listens (an empty Progress can be skipped where computing the figures costs something).
    explicit operator bool() const noexcept { return static_cast<bool>(m_report); }
    /// Reports (done, total); false when the operation must stop.
    bool operator()(std::uint64_t done, std::uint64_t total) const { return !m_report || m_report(done, total); }

private:
    Report m_report;
};

} // namespace cmascope
