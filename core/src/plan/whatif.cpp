// SPDX-License-Identifier: GPL-2.0-or-later
// What-if for projects: a platform variant and the comparison of two runs of one scenario.
#include <cmascope/plan/whatif.h>
#include <cmascope/util/units.h>

#include <algorithm>

namespace cmascope {

namespace { } // namespace

std::string describeVariant(const Platform& platform, const PlatformVariant& variant)
{
    std::string out = variant.region && *variant.region < platform.regions.size()
        ? platform.regions[*variant.region].name + ":"
        : std::string("every region:");
    if (variant.policy)
        out += " policy " + std::string(policyId(*variant.policy)) + ",";
    if (variant.sizeBytes)
        out += " size " + sizeText(*variant.sizeBytes) + ",";
    if (variant.orderPerBit)
        out += " order_per_bit " + std::to_string(*variant.orderPerBit) + ",";
    if (variant.alignOrder)
        out += " CONFIG_CMA_ALIGNMENT " + std::to_string(*variant.alignOrder) + ",";
    if (variant.empty())
        out += " unchanged";
    else
        out.pop_back();
    return out;
}

std::variant<Platform, std::string> applyVariant(const Platform& platform, const PlatformVariant& variant)
{
    if (variant.region && *variant.region >= platform.regions.size())
        return "region " + std::to_string(*variant.region) + ": there are only "
            + std::to_string(platform.regions.size()) + " regions";
    if (variant.orderPerBit && *variant.orderPerBit > 20)
        return "order_per_bit " + std::to_string(*variant.orderPerBit) + ": must be 0 to 20";
    if (variant.alignOrder && (*variant.alignOrder < 2 || *variant.alignOrder > 12))
        return "align " + std::to_string(*variant.alignOrder) + ": CONFIG_CMA_ALIGNMENT must be 2 to 12";
    if (variant.alignOrder && variant.region)
        return std::string("align: CONFIG_CMA_ALIGNMENT is platform-wide; it cannot be given with a region");
    Platform out = platform;
    if (variant.alignOrder)
        out.cmaAlignmentOrder = *variant.alignOrder;
    bool changed = false;
    for (std::size_t i = 0; i < out.regions.size(); ++i) {
        if (variant.region && *variant.region != i)
            continue;
        Region& r = out.regions[i];
        const bool fixedNature = r.size == 0 || r.type == RegionType::Carveout;
        if (fixedNature) {
            if (variant.region && !variant.empty())
                return "region " + r.name + ": "
                    + (r.size == 0
                            ? "a size-0 region falls back to the system allocator; it has no policy or size to change"
                            : "a carve-out has no allocator; it has no policy to change");
            continue;
        }
        if (variant.sizeBytes) {
            if (*variant.sizeBytes == 0 || *variant.sizeBytes % r.pageSize != 0)
                return "region " + r.name + ": size " + std::to_string(*variant.sizeBytes)
                    + " must be a non-zero multiple of the page size (" + std::to_string(r.pageSize) + " bytes)";
            r.size = *variant.sizeBytes;
        }
        if (variant.policy)
            r.policy = *variant.policy;
        if (variant.orderPerBit)
            r.params.orderPerBit = *variant.orderPerBit;
        if (variant.alignOrder && r.params.maxAlignOrder)
            r.params.maxAlignOrder = *variant.alignOrder;
        r.placedBase.reset();
        changed = true;
    }
    if (!changed && !variant.empty() && !variant.alignOrder)
        return std::string("no region can take the change (only size-0 regions and carve-outs)");
    return out;
}

RunComparison compareRuns(std::span<const StepRecord> before, std::span<const StepRecord> after, std::size_t regions)
{
    RunComparison c;
    c.peakUsedBefore.assign(regions, 0);
    c.peakUsedAfter.assign(regions, 0);
    const std::size_t n = std::min(before.size(), after.size());
    for (std::size_t i = 0; i < n; ++i) {
        const StepRecord& a = before[i];
        const StepRecord& b = after[i];
        if (a.region < regions)
            c.peakUsedBefore[a.region] = std::max<std::uint64_t>(c.peakUsedBefore[a.region], a.usedPages);
        if (b.region < regions)
            c.peakUsedAfter[b.region] = std::max<std::uint64_t>(c.peakUsedAfter[b.region], b.usedPages);
        const bool requestA = isServed(a.outcome) || a.outcome == Outcome::Failed;
        const bool requestB = isServed(b.outcome) || b.outcome == Outcome::Failed;
        if (!requestA || !requestB)
            continue;
        ++c.requests;
        const bool okA = isServed(a.outcome), okB = isServed(b.outcome);
        c.failedBefore += !okA;
        c.failedAfter += !okB;
        if (okA && okB) {
            c.otherRegion += a.region != b.region;
            continue;
        }
        if (okA == okB)
            continue;
        OutcomeChange ch;
        ch.step = static_cast<std::uint32_t>(i);
        ch.before = a.outcome;
        ch.after = b.outcome;
        ch.regionBefore = a.region;
        ch.regionAfter = b.region;
        ch.offsetAfter = okB ? b.offset : 0;
        ch.refusalAfter = okB ? Refusal::None : b.refusal;
        ++(okB ? c.nowSucceed : c.nowFail);
        c.changes.push_back(ch);
    }
    return c;
}

} // namespace cmascope
