// SPDX-License-Identifier: GPL-2.0-or-later
// Validation checks of the 2010 map rules: unknown regions and kinds, patterns that never match or are shadowed.
#include "internal.h"

#include <cmascope/model/maplang.h>

#include <algorithm>
#include <set>

namespace cmascope::validationchecks {

void checkMapUnknownRegion(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.regions.size(); ++j) {
            const std::string& name = rule.regions[j];
            if (name.empty()) {
                continue; // checkRuleRegionLists
            }
            if (name != "*" && !c.p.findRegion(name)) {
                add(out, Severity::Error, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "' names unknown region "
                        + quote(name) + " (the kernel skips it at allocation time)");
            } else if (name == "*" && hasTypeSemantics(c.map.dialect)) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule)
                        + "': '*' as a region list is a v3 feature; v4 and v6 look up a region named '*'");
            } else if (name == "*" && c.map.dialect == MapDialect::V3 && j > 0) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule)
                        + "': v3 reads '*' only as the first entry of a region list (where it replaces the whole "
                          "list); here it names no region");
            }
        }
    }
}

void checkMapPrivateRegion(const Ctx& c, Out& out)
{
    if (c.p.mapMode != MapMode::Map2010) {
        return;
    }
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.regions.size(); ++j) {
            const Region* r = c.p.findRegion(rule.regions[j]);
            if (r && r->privateHandle) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("regions", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "' names " + quote(r->name)
                        + ", a 2010 private region: it was registered without a name, so the kernel never finds it "
                          "by name (only cma_alloc_from_region() reaches it)");
            }
        }
    }
}

namespace {

// -- map pattern analysis (shadowing) --

/// One wildcard part ("vid*", "baz?", "a") as the set of strings it matches.
struct Wild
{
    std::string prefix; ///< characters before the trailing '*' ('?' = any character)
    bool star = false; ///< ends with '*': matches any continuation
    bool dead = false; ///< a '*' before the end: matches nothing (the kernel walk stops at '*')
};

Wild wild(std::string_view s)
{
    Wild w;
    const auto star = s.find('*');
    if (star == std::string_view::npos) {
        w.prefix = std::string(s);
    } else {
        w.prefix = std::string(s.substr(0, star));
        w.star = true;
        w.dead = star + 1 != s.size();
    }
    return w;
}

/// Every string matched by @p b is matched by @p a.
bool covers(const Wild& a, const Wild& b)
{
    if (b.dead) {
        return true;
    }
    if (a.dead) {
        return false;
    }
    if (a.star ? b.prefix.size() < a.prefix.size() : (b.star || b.prefix.size() != a.prefix.size())) {
        return false;
    }
    for (std::size_t i = 0; i < a.prefix.size(); ++i) {
        if (a.prefix[i] != '?' && (a.prefix[i] != b.prefix[i])) {
            return false;
        }
    }
    return true;
}

bool matchesOnlyEmpty(const Wild& w)
{
    return !w.dead && !w.star && w.prefix.empty();
}
bool matchesEmpty(const Wild& w)
{
    return !w.dead && w.prefix.empty();
}
bool matchesAll(const Wild& w)
{
    return !w.dead && w.star && w.prefix.empty();
}

struct Shape
{
    bool reuse = false; ///< "/kind": the device part is the previous pattern's
    Wild dev;
    bool hasKind = false;
    std::string kind; ///< raw kind part
    bool empty = false;
};

Shape shape(std::string_view p)
{
    Shape s;
    s.empty = p.empty();
    s.reuse = !p.empty() && p[0] == '/';
    const auto slash = p.find('/');
    s.dev = wild(slash == std::string_view::npos ? p : p.substr(0, slash));
    if (slash != std::string_view::npos) {
        s.hasKind = true;
        s.kind = std::string(p.substr(slash + 1));
    }
    return s;
}

/// Every request matched by pattern @p b (wherever it is) is matched by the independent pattern @p a.
bool shadows(const Shape& a, const Shape& b, MapDialect d)
{
    if (a.reuse || a.empty || a.dev.dead) {
        return false;
    }
    if (b.reuse ? !matchesAll(a.dev) : !covers(a.dev, b.dev)) {
        return false;
    }
    if (hasTypeSemantics(d)) {
        if (!a.hasKind) {
            return true;
        }
        return b.hasKind && b.kind == a.kind;
    }
    if (!b.hasKind) { // b matches only the empty kind
        return !a.hasKind || matchesEmpty(wild(a.kind));
    }
    const Wild bk = wild(b.kind);
    if (!a.hasKind) {
        return matchesOnlyEmpty(bk) || bk.dead;
    }
    return covers(wild(a.kind), bk);
}

/// Why a pattern can never match on its own, or empty.
std::string deadReason(const Shape& s, MapDialect d)
{
    if (s.empty) {
        return "is empty and never matches";
    }
    if (!s.reuse && s.dev.dead) {
        return "has '*' before the end of its device part and never matches (the kernel walk stops at '*')";
    }
    if (!hasTypeSemantics(d) && s.hasKind && wild(s.kind).dead) {
        return "has '*' before the end of its kind part and never matches";
    }
    return {};
}

} // namespace

void checkDeadPatterns(const Ctx& c, Out& out)
{
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.patterns.size(); ++j) {
            const std::string why = deadReason(shape(rule.patterns[j]), c.map.dialect);
            if (!why.empty()) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': pattern '" + rule.patterns[j]
                        + "' " + why);
            }
        }
    }
}

void checkKindWithoutDevice(const Ctx& c, Out& out)
{
    // name_matched starts at 0: a leading "/kind" can only match after some pattern with a device part.
    bool seenDevicePattern = false;
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.patterns.size(); ++j) {
            const std::string& pat = rule.patterns[j];
            const bool reuse = !pat.empty() && pat[0] == '/';
            if (reuse && !seenDevicePattern) {
                add(out, Severity::Warning, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': pattern '" + pat
                        + "' has no device part and no device pattern precedes it; it can never match");
            } else if (reuse && j == 0) {
                const MapRule& prev = c.p.rules[i - 1];
                add(out, Severity::Info, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': pattern '" + pat
                        + "' reuses the device match of pattern '" + prev.patterns.back() + "' of rule #"
                        + std::to_string(i));
            }
            if (!reuse) {
                seenDevicePattern = true;
            }
        }
    }
}

void checkShadowedRules(const Ctx& c, Out& out)
{
    if (c.map.dialect == MapDialect::V3) {
        return; // v3's walk is tried request by request instead (checkV3Reach)
    }
    const auto& rules = c.p.rules;
    for (std::size_t j = 1; j < rules.size(); ++j) {
        std::vector<std::string> reasons;
        std::size_t live = 0;
        for (std::size_t k = 0; k < rules[j].patterns.size(); ++k) {
            const Shape b = shape(rules[j].patterns[k]);
            if (!deadReason(b, c.map.dialect).empty()) {
                continue;
            }
            std::string by;
            for (std::size_t i = 0; i < j && by.empty(); ++i) {
                for (const std::string& pa : rules[i].patterns) {
                    if (shadows(shape(pa), b, c.map.dialect)) {
                        by = "rule #" + std::to_string(i + 1) + " pattern '" + pa + "'";
                        break;
                    }
                }
            }
            if (by.empty()) {
                ++live;
            } else {
                reasons.push_back("'" + rules[j].patterns[k] + "' is shadowed by " + by);
                if (rules[j].patterns.size() > 1) {
                    add(out, Severity::Info, idx("rules", j) + "." + idx("patterns", k), formatRule(rules[j]),
                        "map rule #" + std::to_string(j + 1) + " '" + formatRule(rules[j]) + "': pattern '"
                            + rules[j].patterns[k] + "' is shadowed by " + by
                            + ", which matches every request it matches first");
                }
            }
        }
        if (live == 0 && !reasons.empty()) {
            std::string msg =
                "map rule #" + std::to_string(j + 1) + " '" + formatRule(rules[j]) + "' can never match: ";
            for (std::size_t r = 0; r < reasons.size(); ++r) {
                msg += (r ? "; " : "") + reasons[r];
            }
            add(out, Severity::Warning, idx("rules", j), formatRule(rules[j]), msg);
        }
    }
}

void checkMapKinds(const Ctx& c, Out& out)
{
    if (c.p.kinds.empty()) {
        return;
    }
    for (std::size_t i = 0; i < c.p.rules.size(); ++i) {
        const MapRule& rule = c.p.rules[i];
        for (std::size_t j = 0; j < rule.patterns.size(); ++j) {
            const Shape s = shape(rule.patterns[j]);
            const bool literal = hasTypeSemantics(c.map.dialect) || s.kind.find_first_of("*?") == std::string::npos;
            if (!s.hasKind || s.kind.empty() || !literal) {
                continue;
            }
            const bool known =
                std::any_of(c.p.kinds.begin(), c.p.kinds.end(), [&](const Kind& k) { return k.name == s.kind; })
                || (hasTypeSemantics(c.map.dialect) && s.kind == "common");
            if (!known) {
                add(out, Severity::Info, idx("rules", i) + "." + idx("patterns", j), formatRule(rule),
                    "map rule #" + std::to_string(i + 1) + " '" + formatRule(rule) + "': kind " + quote(s.kind)
                        + " of pattern '" + rule.patterns[j] + "' is not a declared kind"
                        + (hasTypeSemantics(c.map.dialect) && s.kind.find_first_of("*?") != std::string::npos
                                ? " (" + std::string(mapDialectId(c.map.dialect)) + " compares types literally)"
                                : ""));
            }
        }
    }
}

} // namespace cmascope::validationchecks
