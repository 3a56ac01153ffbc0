// SPDX-License-Identifier: GPL-2.0-or-later
// Kernel semantics from a trace's evidence (docs/kernel-cma.md, "Kernel semantics").
#include <cmascope/trace/kernelsemantics.h>

#include <charconv>

namespace cmascope {

namespace {

/// Leading decimal digits of @p s as a number (advancing @p s past them); nullopt when there are none.
std::optional<unsigned> takeNumber(std::string_view& s)
{
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p == s.data())
        return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return v;
}

/// "X.Y" at the start of @p s (anything may follow); nullopt when it is not there.
std::optional<std::pair<unsigned, unsigned>> releaseNumbers(std::string_view s)
{
    const auto major = takeNumber(s);
    if (!major || s.empty() || s.front() != '.')
        return std::nullopt;
    s.remove_prefix(1);
    const auto minor = takeNumber(s);
    if (!minor)
        return std::nullopt;
    return std::pair { *major, *minor };
}

/// The format file section of event @p name in @p formats (from its "name: " line to the next one).
std::string_view formatSection(std::string_view formats, std::string_view name)
{
    const std::string key = "name: " + std::string(name) + "\n";
    const auto at = formats.find(key);
    if (at == std::string_view::npos)
        return {};
    const auto next = formats.find("\nname: ", at + key.size());
    return formats.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at);
}

} // namespace

std::string_view kernelSemanticsName(KernelSemantics s) noexcept
{
    switch (s) {
    case KernelSemantics::Unknown:
        return "unknown";
    case KernelSemantics::K6_1:
        return "6.1";
    case KernelSemantics::K6_12:
        return "6.12";
    case KernelSemantics::K6_15:
        return "6.15+";
    case KernelSemantics::K6_18:
        return "6.18+";
    }
    return "unknown";
}

KernelSemantics semanticsOfRelease(unsigned major, unsigned minor) noexcept
{
    if (major < 6 || (major == 6 && minor < 7))
        return KernelSemantics::K6_1;
    if (major == 6 && minor < 15)
        return KernelSemantics::K6_12;
    if (major == 6 && minor < 18)
        return KernelSemantics::K6_15;
    return KernelSemantics::K6_18;
}

std::optional<KernelSemantics> parseKernelSemantics(std::string_view text)
{
    if (!text.empty() && text.back() == '+')
        text.remove_suffix(1);
    std::string_view rest = text;
    const auto major = takeNumber(rest);
    if (!major || rest.empty() || rest.front() != '.')
        return std::nullopt;
    rest.remove_prefix(1);
    const auto minor = takeNumber(rest);
    if (!minor)
        return std::nullopt;
    // a full release may follow: ".117+deb12-arm64"
    if (!rest.empty() && rest.front() != '.' && rest.front() != '-' && rest.front() != '+')
        return std::nullopt;
    return semanticsOfRelease(*major, *minor);
}

std::optional<KernelRelease> bootLogKernelRelease(std::string_view dmesg)
{
    static constexpr std::string_view kKey = "Linux version ";
    std::uint32_t line = 1;
    std::size_t pos = 0;
    while (pos < dmesg.size()) {
        const auto nl = dmesg.find('\n', pos);
        const std::string_view text = dmesg.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        if (const auto at = text.find(kKey); at != std::string_view::npos) {
            std::string_view release = text.substr(at + kKey.size());
            release = release.substr(0, release.find(' '));
            if (const auto numbers = releaseNumbers(release))
                return KernelRelease { numbers->first, numbers->second, std::string(release), line };
        }
        if (nl == std::string_view::npos)
            break;
        pos = nl + 1;
        ++line;
    }
    return std::nullopt;
}

void KernelEvidence::atLeast(KernelSemantics s, std::string why)
{
    if (s > m_min || (s == m_min && m_minWhy.empty())) {
        m_min = s;
        m_minWhy = std::move(why);
    }
}

void KernelEvidence::atMost(KernelSemantics s, std::string why)
{
    if (s < m_max || (s == m_max && m_maxWhy.empty())) {
        m_max = s;
        m_maxWhy = std::move(why);
    }
}

void KernelEvidence::observe(const TraceEvent& e)
{
    // The checks before each call keep this cheap: the texts are built once per bound, not per event.
    const auto at = [&] { return "line " + std::to_string(e.line) + ": "; };
    switch (e.type) {
    case EventType::AllocStart:
        if (e.has(TraceEvent::HasAvailable)) {
            if (m_min < KernelSemantics::K6_18)
                atLeast(KernelSemantics::K6_18, at() + "cma_alloc_start carries available_count (6.18 and later)");
        } else if (e.has(TraceEvent::NoCount)) { // Perfetto fills `count` whenever the kernel's event has it
            if (m_min < KernelSemantics::K6_18)
                atLeast(KernelSemantics::K6_18,
                    at()
                        + "cma_alloc_start has no count in this Perfetto trace (the kernel's event has "
                          "request_count: 6.18 and later)");
        } else if (m_max > KernelSemantics::K6_15) {
            atMost(KernelSemantics::K6_15, at() + "cma_alloc_start without available_count (before 6.18)");
        }
        break;
    case EventType::AllocFinish:
        if (!e.hasErrno()) {
            if (m_max > KernelSemantics::K6_1)
                atMost(KernelSemantics::K6_1, at() + "cma_alloc_finish without errorno (before 6.7)");
            break;
        }
        if (m_min < KernelSemantics::K6_12)
            atLeast(KernelSemantics::K6_12, at() + "cma_alloc_finish carries errorno (6.7 and later)");
        if (e.failed() && e.pfn == 0 && m_min < KernelSemantics::K6_15)
            atLeast(KernelSemantics::K6_15, at() + "a failed cma_alloc_finish reports pfn=0x0 (6.15 and later)");
        if (e.failed() && e.pfn == ~std::uint64_t { 0 } && m_max > KernelSemantics::K6_12)
            atMost(KernelSemantics::K6_12,
                at() + "a failed cma_alloc_finish reports pfn=0xffffffffffffffff (before 6.15)");
        break;
    case EventType::LegacyAlloc:
        if (m_max > KernelSemantics::K6_1)
            atMost(KernelSemantics::K6_1, at() + "the one-shot cma_alloc event (before cma_alloc_start/finish)");
        break;
    case EventType::BusyRetry:
    case EventType::Release:
    case EventType::Marker:
        break;
    }
}

void KernelEvidence::observeBootLog(const std::optional<KernelRelease>& release, const std::vector<BootLogArea>& areas)
{
    if (release) {
        m_release = release;
        m_releaseWhy = "boot log line " + std::to_string(release->line) + ": Linux version " + release->release;
    }
    for (const auto& a : areas)
        if (a.kind == BootLogKind::CmaReservedRanges && m_min < KernelSemantics::K6_15)
            atLeast(KernelSemantics::K6_15,
                "boot log line " + std::to_string(a.line) + ": \"" + a.text + "\" (multi-range areas, 6.15 and later)");
}

void KernelEvidence::observeEventFormats(std::string_view formats)
{
    const std::string_view start = formatSection(formats, "cma_alloc_start");
    if (start.find(" request_count;") != std::string_view::npos)
        atLeast(KernelSemantics::K6_18, "event format: cma_alloc_start has request_count (6.18 and later)");
    else if (start.find(" count;") != std::string_view::npos)
        atMost(KernelSemantics::K6_15, "event format: cma_alloc_start has count (before 6.18)");
    const std::string_view finish = formatSection(formats, "cma_alloc_finish");
    if (finish.find(" errorno;") != std::string_view::npos) {
        if (m_min < KernelSemantics::K6_12)
            atLeast(KernelSemantics::K6_12, "event format: cma_alloc_finish has errorno (6.7 and later)");
    } else if (!finish.empty()) {
        atMost(KernelSemantics::K6_1, "event format: cma_alloc_finish has no errorno (before 6.7)");
    }
}

KernelSemanticsChoice KernelEvidence::fromBounds() const
{
    if (m_min > m_max)
        return { KernelSemantics::Unknown, "trace", "the evidence contradicts itself: " + m_minWhy + "; " + m_maxWhy };
    if (m_minWhy.empty() && m_maxWhy.empty())
        return { KernelSemantics::Unknown, "none", "nothing in the trace or the boot log tells the kernel's version" };
    if (m_min >= KernelSemantics::K6_15)
        return { m_min, "trace", m_minWhy };
    if (m_max <= KernelSemantics::K6_12)
        return { m_max, "trace", m_maxWhy.empty() ? m_minWhy : m_maxWhy };
    return { KernelSemantics::Unknown, "trace",
        "the trace does not tell 6.12 from 6.15+ rules (" + (m_minWhy.empty() ? m_maxWhy : m_minWhy)
            + "; no failed allocation shows its pfn and no boot log names the release)" };
}

KernelSemanticsChoice KernelEvidence::decide(std::optional<KernelSemantics> user) const
{
    auto against = [&](KernelSemantics s) {
        std::string text;
        if (m_release && semanticsOfRelease(m_release->major, m_release->minor) != s)
            text += "; but " + m_releaseWhy;
        if (s < m_min)
            text += "; but " + m_minWhy;
        if (s > m_max)
            text += "; but " + m_maxWhy;
        return text;
    };
    if (user && *user != KernelSemantics::Unknown)
        return { *user, "user", "given as " + std::string(kernelSemanticsName(*user)) + against(*user) };
    if (m_release) {
        const KernelSemantics s = semanticsOfRelease(m_release->major, m_release->minor);
        return { s, "boot log", m_releaseWhy + against(s) };
    }
    return fromBounds();
}

} // namespace cmascope
