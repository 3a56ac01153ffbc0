// SPDX-License-Identifier: GPL-2.0-or-later
// Which kernel's CMA rules a trace was written under (6.1 / 6.12 / 6.15+ / 6.18+), decided from the trace's
// own evidence (its lines, its boot log, its event format files) or given by the user, never guessed silently
// (docs/kernel-cma.md, "Kernel semantics"). Standard C++20, no global state.
#pragma once

#include <cmascope/trace/bootlog.h>
#include <cmascope/trace/events.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope {

/// The CMA rules of a kernel generation, in order (later generations compare greater).
enum class KernelSemantics : std::uint8_t {
    Unknown, ///< the evidence does not tell (or contradicts itself)
    K6_1, ///< single-range areas; cma_alloc_finish without errorno (kernels before 6.7, and the one-shot cma_alloc)
    K6_12, ///< single-range areas; errorno; no room = -ENOMEM (-12); failed pfn = the last window tried or -1
    K6_15, ///< multi-range areas, available_count; any failure to find room = -EBUSY (-16); failed pfn = 0
    K6_18, ///< as 6.15, and cma_alloc_start carries request_count, available_count and total_count
};
/// "6.1", "6.12", "6.15+", "6.18+" or "unknown".
std::string_view kernelSemanticsName(KernelSemantics s) noexcept;
/// The generation of kernel release @p major.@p minor (6.16 -> 6.15+, 5.15 -> 6.1, ...).
KernelSemantics semanticsOfRelease(unsigned major, unsigned minor) noexcept;
/// Reads a user's choice: "6.1", "6.12", "6.15", "6.15+", "6.18", "6.18+" or any release "X.Y[.Z...]";
/// nullopt when it is none of them.
std::optional<KernelSemantics> parseKernelSemantics(std::string_view text);
/// True on kernels whose failures to find room return -EBUSY (6.15 and later).
inline bool busyMeansNoRoom(KernelSemantics s) noexcept
{
    return s >= KernelSemantics::K6_15;
}

/// The release a boot log names ("Linux version 6.12.117+deb12-arm64 (...)"), with its line.
struct KernelRelease
{
    unsigned major = 0, minor = 0;
    std::string release; ///< "6.12.117+deb12-arm64"
    std::uint32_t line = 0; ///< 1-based
};
/// The first "Linux version X.Y..." line of a boot log; nullopt when there is none.
std::optional<KernelRelease> bootLogKernelRelease(std::string_view dmesg);

/// The semantics a replay uses and why.
struct KernelSemanticsChoice
{
    KernelSemantics semantics = KernelSemantics::Unknown;
    std::string source; ///< "user", "boot log", "trace" (its lines or event format files) or "none"
    std::string reason; ///< one sentence naming the evidence (line numbers, the option)
};

/// Gathers the evidence while a trace is read, then decides. Line evidence narrows the generations the trace
/// can come from; a boot log release or event format files name them; the user's choice overrides all (a
/// contradiction is said in the reason).
class KernelEvidence
{
public:
    /// One trace event (any type; only CMA allocation events carry evidence).
    void observe(const TraceEvent& e);
    /// The boot log: its release line and its multi-range reservation lines.
    void observeBootLog(const std::optional<KernelRelease>& release, const std::vector<BootLogArea>& areas);
    /// The text of the kernel's events/cma/*/format files (as the captures' cma-event-formats.txt holds them).
    void observeEventFormats(std::string_view formats);
    /// The semantics to use: @p user when given, else the boot log's release, else the event formats and lines.
    KernelSemanticsChoice decide(std::optional<KernelSemantics> user) const;

private:
    /// The trace says the kernel is at least / at most @p s; @p why names the evidence (the first one is kept).
    void atLeast(KernelSemantics s, std::string why);
    void atMost(KernelSemantics s, std::string why);
    KernelSemanticsChoice fromBounds() const;
    KernelSemantics m_min = KernelSemantics::K6_1, m_max = KernelSemantics::K6_18;
    std::string m_minWhy, m_maxWhy;
    std::optional<KernelRelease> m_release;
    std::string m_releaseWhy;
};

} // namespace cmascope
