// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/tracecells.h"

#include <cmascope/util/units.h>

#include <algorithm>
#include <charconv>

namespace cmascope::views::tracecells {

namespace {

/// Appends to a buffer, never past its end.
class Writer
{
public:
    explicit Writer(Buffer& buf)
        : m_begin(buf)
        , m_pos(buf)
        , m_end(buf + sizeof(Buffer))
    { }
    Writer& text(std::string_view s)
    {
        const std::size_t n = std::min<std::size_t>(s.size(), std::size_t(m_end - m_pos));
        m_pos = std::copy_n(s.data(), n, m_pos);
        return *this;
    }
    Writer& number(std::int64_t v)
    {
        m_pos = std::to_chars(m_pos, m_end, v).ptr;
        return *this;
    }
    /// @p v with at least @p width digits (leading zeros).
    Writer& padded(std::uint64_t v, int width)
    {
        char digits[24];
        char* end = std::to_chars(digits, digits + sizeof digits, v).ptr;
        for (std::ptrdiff_t pad = width - (end - digits); pad > 0; --pad)
            text("0");
        return text(std::string_view(digits, std::size_t(end - digits)));
    }
    std::string_view view() const { return std::string_view(m_begin, std::size_t(m_pos - m_begin)); }

private:
    char* m_begin;
    char* m_pos;
    char* m_end;
};

/// The errno names a CMA allocation reports (docs/kernel-cma.md, docs/event-log.md).
std::string_view errnoName(int errorno)
{
    switch (-errorno) {
    case 4:
        return "EINTR";
    case 11:
        return "EAGAIN";
    case 12:
        return "ENOMEM";
    case 16:
        return "EBUSY";
    case 22:
        return "EINVAL";
    case 28:
        return "ENOSPC";
    default:
        return {};
    }
}

} // namespace

std::string_view time(Buffer& buf, std::uint64_t ns)
{
    // The kernel rounds to the nearest microsecond before splitting off the seconds, and trace-cmd does too
    // (docs/event-log.md): the text traces carry exactly these digits.
    const std::uint64_t us = ns / 1000u + (ns % 1000u >= 500u ? 1u : 0u);
    Writer w(buf);
    w.number(std::int64_t(us / 1000000u)).text(".").padded(us % 1000000u, 6);
    return w.view();
}

std::string_view latency(Buffer& buf, const ReplayRequest& q)
{
    Writer w(buf);
    if (!q.hasLatency())
        return w.view();
    const std::uint64_t us = (q.latencyNs() + 500u) / 1000u;
    w.number(std::int64_t(us / 1000u)).text(".").padded(us % 1000u, 3).text(" ms");
    return w.view();
}

std::string_view errnoText(Buffer& buf, int errorno)
{
    Writer w(buf);
    if (errorno == 0)
        return w.view();
    w.number(errorno);
    if (const std::string_view name = errnoName(errorno); !name.empty())
        w.text(" ").text(name);
    return w.view();
}

std::string_view cpu(Buffer& buf, const ReplayRequest& q)
{
    Writer w(buf);
    if (q.cpu >= 0)
        w.number(q.cpu);
    return w.view();
}

std::string_view retries(Buffer& buf, const ReplayRequest& q)
{
    Writer w(buf);
    if (q.busyRetries)
        w.number(q.busyRetries);
    return w.view();
}

std::string_view outcome(Buffer& buf, const ReplayRequest& q)
{
    Writer w(buf);
    if (!q.complete)
        return w.text("incomplete").view();
    if (q.succeeded) {
        w.text("allocated");
        if (q.busyRetries)
            w.text(" after ").number(q.busyRetries).text(q.busyRetries == 1 ? " busy retry" : " busy retries");
        return w.view();
    }
    w.text("failed");
    if (const std::string_view cause = failureCauseName(q.cause); !cause.empty())
        w.text(": ").text(cause);
    return w.view();
}

std::string_view alignment(Buffer& buf, unsigned order, std::uint64_t pageSize)
{
    Writer w(buf);
    w.text("order ").number(order);
    if (order < 64 && pageSize && (pageSize << order) >> order == pageSize)
        w.text(" (").text(sizeText(pageSize << order)).text(")");
    return w.view();
}

std::uint64_t outcomeKey(const ReplayRequest& q)
{
    return (std::uint64_t(q.complete) << 50) | (std::uint64_t(q.succeeded) << 49) | (std::uint64_t(q.cause) << 40)
        | (q.succeeded ? q.busyRetries : 0u);
}

} // namespace cmascope::views::tracecells
