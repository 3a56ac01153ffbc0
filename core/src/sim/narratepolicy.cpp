// SPDX-License-Identifier: GPL-2.0-or-later
// Step narration, the policy's part: which free hole the region's policy took and why, said from the facts the
// simulator has (the holes before the step, where the chunk landed) and the rule each policy implements
// (docs/teaching.md#narration, docs/kernel-cma.md, docs/cma2010.md#the-bf-best-fit-allocator).
#include "internal.h"
#include "narrationparts.h"

#include <cmascope/policies/buddy.h>
#include <cmascope/policies/kernelbitmap.h>
#include <cmascope/policies/nextfit.h>
#include <cmascope/policies/tlsf.h>
#include <cmascope/util/units.h>

#include <algorithm>

namespace cmascope::narration {

namespace {

std::string pagesText(const Region& region, std::uint64_t pages)
{
    return sizeText(pages * region.pageSize);
}

/// "8 MiB at 0x4e200000": the hole holding the placement.
std::string holeText(const PlacementFacts& f)
{
    const auto [start, size] = holeAt(f.before, f.offset);
    return pagesText(f.region, size) + " at " + addressText(f.region, start);
}

/// Free holes below the chosen one (lower addresses) that the scan passed over.
std::size_t holesBelow(const PlacementFacts& f)
{
    const auto [start, size] = holeAt(f.before, f.offset);
    (void)size;
    const auto& runs = f.before.occupancy.runs();
    return static_cast<std::size_t>(std::distance(runs.begin(), runs.lower_bound(start)));
}

std::string busyText(const PlacementFacts& f)
{
    if (f.busyRetries == 0)
        return {};
    return "; " + std::to_string(f.busyRetries) + " fitting window" + (f.busyRetries == 1 ? " was" : "s were")
        + " skipped because it held pinned pages";
}

std::string firstFitText(const PlacementFacts& f)
{
    const std::size_t below = holesBelow(f);
    return "scanning from the region's start, the lowest hole that fits is " + holeText(f)
        + (below ? " (the " + holesText(below) + " below it " + (below == 1 ? "is" : "are")
                    + " too small or hold no window at that alignment)"
                 : std::string(", the first hole"));
}

std::string nextFitText(const PlacementFacts& f)
{
    const auto* nf = dynamic_cast<const NextFitPolicy*>(f.before.policy.get());
    const std::uint64_t rover = nf ? nf->rover() : 0;
    const auto [start, size] = holeAt(f.before, f.offset);
    const bool wrapped = start + size <= rover;
    return "the search starts where the last one stopped, at " + addressText(f.region, rover)
        + ", and takes the first hole from there that fits: " + holeText(f)
        + (wrapped ? " (after wrapping around to the region's start)" : "");
}

std::string bestFitText(const PlacementFacts& f)
{
    const auto [start, size] = holeAt(f.before, f.offset);
    std::size_t sameSize = 0;
    for (const auto& [o, len] : f.before.occupancy.runs())
        sameSize += len == size ? 1 : 0;
    std::string text = "the smallest hole that fits is " + holeText(f);
    if (sameSize > 1)
        text += " (" + std::to_string(sameSize) + " holes of that size: the 2010 tree tries the newest first)";
    if (f.offset != start && f.offset + f.pages == start + size)
        text += "; the chunk slides to the end of the hole so one hole remains";
    else if (f.offset == start)
        text += "; the chunk goes at the hole's start";
    else
        text += "; the chunk goes at the hole's first aligned page, the end would break the alignment";
    return text;
}

std::string worstFitText(const PlacementFacts& f)
{
    return "the largest hole that holds it aligned is " + holeText(f)
        + " (ties: the lowest address); the chunk goes at its first aligned page";
}

std::string tlsfText(const PlacementFacts& f)
{
    const auto* tlsf = dynamic_cast<const TlsfPolicy*>(f.before.policy.get());
    const std::uint64_t need = f.requestPages + (std::uint64_t { 1 } << f.alignOrder) - 1;
    const std::uint64_t cls = tlsf ? tlsf->roundUpToClass(need) : need;
    return "good fit: " + std::to_string(need) + " pages (the request plus alignment slack) round up to the size "
        + "class of " + std::to_string(cls) + " pages, and the newest block of the first non-empty list at or above "
        + "it is the hole " + holeText(f) + "; the chunk goes at its first aligned page";
}

std::string buddyText(const PlacementFacts& f)
{
    const unsigned order = siminternal::orderFor(f.requestPages);
    const auto* buddy = dynamic_cast<const BuddyPolicy*>(f.before.policy.get());
    std::string text = std::to_string(f.requestPages) + " pages round up to an order-" + std::to_string(order)
        + " block (" + std::to_string(std::uint64_t { 1 } << order) + " pages)";
    if (!buddy)
        return text;
    // The free block the placement was split from: the one of the lowest order >= the request's holding it.
    unsigned from = order;
    std::uint64_t block = 0;
    for (; from <= buddy->maxOrder(); ++from) {
        block = f.offset & ~((std::uint64_t { 1 } << from) - 1);
        if (buddy->freeBlocks(from).count(block) != 0)
            break;
    }
    if (from > buddy->maxOrder())
        return text;
    text += "; the smallest free order that serves it is " + std::to_string(from) + ", the block at "
        + addressText(f.region, block);
    if (from > order)
        text += ", split " + std::to_string(from - order) + (from - order == 1 ? " time" : " times") + " down to order "
            + std::to_string(order);
    else
        text += ", taken whole";
    return text;
}

std::string kernelText(const PlacementFacts& f)
{
    const auto* kb = dynamic_cast<const KernelBitmapPolicy*>(f.before.policy.get());
    const unsigned opb = kb ? kb->orderPerBit() : 0;
    unsigned align = f.alignOrder;
    if (kb && kb->params().maxAlignOrder)
        align = std::min(align, *kb->params().maxAlignOrder);
    std::string text = "bitmap_find_next_zero_area_off() scans the bitmap from the region's start for the first "
                       "free window of "
        + std::to_string((f.requestPages + (std::uint64_t { 1 } << opb) - 1) >> opb) + " bits (one bit per "
        + (opb ? std::to_string(std::uint64_t { 1 } << opb) + " pages" : std::string("page")) + ") aligned to "
        + std::to_string(std::uint64_t { 1 } << align) + (align ? " pages" : " page") + ", in the hole " + holeText(f);
    if (f.busyRetries)
        text += "; alloc_contig_range() found " + std::to_string(f.busyRetries) + " earlier window"
            + (f.busyRetries == 1 ? "" : "s") + " busy (pinned pages) and the search retried "
            + std::to_string(f.busyRetries) + (f.busyRetries == 1 ? " time" : " times") + " at bit + mask + 1";
    return text;
}

} // namespace

std::string choiceText(const PlacementFacts& f)
{
    const std::string name = f.region.name;
    switch (f.region.policy) {
    case PolicyKind::Kernel:
        return name + " (kernel bitmap): " + kernelText(f) + ".";
    case PolicyKind::BestFit2010:
        return name + " (best fit, 2010): " + bestFitText(f) + busyText(f) + ".";
    case PolicyKind::FirstFit:
        return name + " (first fit): " + firstFitText(f) + busyText(f) + ".";
    case PolicyKind::NextFit:
        return name + " (next fit): " + nextFitText(f) + busyText(f) + ".";
    case PolicyKind::WorstFit:
        return name + " (worst fit): " + worstFitText(f) + busyText(f) + ".";
    case PolicyKind::Buddy:
        return name + " (buddy): " + buddyText(f) + busyText(f) + ".";
    case PolicyKind::Tlsf:
        return name + " (TLSF): " + tlsfText(f) + busyText(f) + ".";
    }
    return name + ": placed in the hole " + holeText(f) + ".";
}

std::string placedText(const PlacementFacts& f)
{
    const auto [start, size] = holeAt(f.before, f.offset);
    const std::uint64_t before = f.offset - start;
    const std::uint64_t after = start + size - std::min(start + size, f.offset + f.pages);
    std::string text = "Placed at " + addressText(f.region, f.offset) + " (" + pagesText(f.region, f.pages) + ")";
    if (before == 0 && after == 0)
        return text + "; it fills the hole exactly.";
    text += ";";
    if (before)
        text += " " + pagesText(f.region, before) + " stays free before it";
    if (before && after)
        text += " and";
    if (after)
        text += " " + pagesText(f.region, after) + " stays free after it";
    return text + ".";
}

} // namespace cmascope::narration
