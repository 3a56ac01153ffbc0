// SPDX-License-Identifier: GPL-2.0-or-later
// Validation checks of what the 2010 kernels accepted but cannot serve (docs/cma2010.md#parsing-as-the-kernel-did)
// and of a v3 map read with v3's own walk (docs/cma2010.md#v3-as-its-code-behaved).
#include "internal.h"

#include <cmascope/model/maplang.h>

#include <algorithm>

namespace cmascope::validationchecks {

void checkMissingAllocator(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.regions.size(); ++i) {
        const Region& r = c.p.regions[i];
        if (r.missingAllocator.empty())
            continue;
        add(out, Severity::Warning, idx("regions", i) + ".missing_allocator", r.name,
            "region " + quote(r.name) + " asks for the allocator " + quote(r.missingAllocator)
                + ", which does not exist: the kernel reserves the region (\"no such allocator\") and every request "
                  "skips it");
    }
}

void checkRuleRegionLists(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        const std::string name = "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "'";
        if (rule.regions.empty())
            add(out, Severity::Warning, idx("rules", i) + ".regions", formatRule(rule),
                name + " has no region: the kernel accepts it, and the requests it takes fail (-ENOMEM)");
        for (std::size_t j = 0; j < rule.regions.size(); ++j) {
            if (rule.regions[j].empty())
                add(out, Severity::Warning, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    name + " has an empty region name (\",,\"): the kernel skips it");
        }
    }
}

namespace {

/// The names a wildcard part stands for: '?' as 'x', a trailing '*' as nothing and as "x"; none when a '*'
/// stands before the end (it never matches).
std::vector<std::string> namesFor(std::string_view part)
{
    const auto star = part.find('*');
    if (star != std::string_view::npos && star + 1 != part.size())
        return {};
    std::string base(part.substr(0, star));
    std::replace(base.begin(), base.end(), '?', 'x');
    if (star == std::string_view::npos)
        return { base };
    return base.empty() ? std::vector<std::string> { "x", "probe" } : std::vector<std::string> { base, base + "x" };
}

/// The (device, kind) requests pattern @p pattern names; a "/kind" pattern takes the devices of @p previous.
std::vector<std::pair<std::string, std::string>> requestsOf(
    std::string_view pattern, const std::vector<std::string>& previous, std::vector<std::string>& devices)
{
    const auto slash = pattern.find('/');
    devices = slash == 0 ? previous : namesFor(pattern.substr(0, slash));
    const std::vector<std::string> kinds =
        slash == std::string_view::npos ? std::vector<std::string> { "" } : namesFor(pattern.substr(slash + 1));
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& d : devices)
        for (const std::string& k : kinds)
            if (!d.empty())
                out.emplace_back(d, k);
    return out;
}

} // namespace

void checkV3Reach(const Ctx& c, Out& out)
{
    if (c.map.dialect != MapDialect::V3)
        return;
    // v3's walk skips patterns and rules in ways no static reading captures, so each rule is tried with the
    // requests its own patterns name, through matchMapV3() itself.
    std::vector<std::string> previous;
    for (std::size_t j = 0; j < c.p.rules.size(); ++j) {
        const MapRule& rule = c.p.rules[j];
        bool reached = false;
        std::optional<std::size_t> takenBy;
        std::string example;
        for (const std::string& pattern : rule.patterns) {
            std::vector<std::string> devices;
            for (const auto& [device, kind] : requestsOf(pattern, previous, devices)) {
                const MapMatch m = matchMapV3(c.p.rules, device, kind);
                reached = reached || m.ruleIndex == j;
                if (!reached && example.empty()) {
                    example = device + (kind.empty() ? "" : "/" + kind);
                    takenBy = m.ruleIndex;
                }
            }
            previous = devices;
        }
        if (reached || example.empty())
            continue;
        add(out, Severity::Warning, idx("rules", j), formatRule(rule),
            "map rule #" + std::to_string(j + 1) + " '" + formatRule(rule) + "': under v3's walk no request its "
                + "patterns name reaches it (" + example + " "
                + (takenBy ? "is taken by rule #" + std::to_string(*takenBy + 1) : std::string("matches no rule"))
                + ")");
    }
}

} // namespace cmascope::validationchecks
