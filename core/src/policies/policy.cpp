// SPDX-License-Identifier: GPL-2.0-or-later
// Names, identifiers and the factory of the built-in allocation policies.
#include <cmascope/policies/bestfit2010.h>
#include <cmascope/policies/buddy.h>
#include <cmascope/policies/firstfit.h>
#include <cmascope/policies/kernelbitmap.h>
#include <cmascope/policies/nextfit.h>
#include <cmascope/policies/policy.h>
#include <cmascope/policies/tlsf.h>
#include <cmascope/policies/worstfit.h>

namespace cmascope {

std::optional<std::string> checkGeometry(const RegionGeometry& g)
{
    if (g.pages == 0)
        return std::string("the region has no pages");
    if (g.pages >= kMaxPolicyPages || g.basePfn >= kMaxPolicyPages)
        return std::string("the region is beyond 2^48 pages");
    return std::nullopt;
}

// refusalName() and refusalVerdict() look alike but map to different words; each switch lists every value so
// the compiler flags one added to the enum.
std::string_view refusalName(Refusal r) noexcept
{
    switch (r) {
    case Refusal::None:
        return "none";
    case Refusal::ZeroSize:
        return "zero-size";
    case Refusal::TooLarge:
        return "too-large";
    case Refusal::NotEnoughFree:
        return "not-enough-free";
    case Refusal::Fragmented:
        return "fragmented";
    case Refusal::Busy:
        return "busy";
    case Refusal::Unsupported:
        return "unsupported";
    case Refusal::NotReserved:
        return "not-reserved";
    case Refusal::Alignment:
        return "alignment";
    case Refusal::InvalidArgument:
        return "invalid-argument";
    case Refusal::NoSuchCall:
        return "no-such-call";
    }
    return "unknown";
}

std::string_view refusalVerdict(Refusal r) noexcept
{
    switch (r) {
    case Refusal::None:
        return "fits";
    case Refusal::ZeroSize:
        return "zero bytes asked";
    case Refusal::TooLarge:
        return "larger than the region";
    case Refusal::NotEnoughFree:
        return "not enough memory";
    case Refusal::Fragmented:
        return "fragmented";
    case Refusal::Busy:
        return "busy: pinned pages";
    case Refusal::Unsupported:
        return "the policy cannot serve it";
    case Refusal::NotReserved:
        return "not reserved at boot";
    case Refusal::Alignment:
        return "no aligned window in the region";
    case Refusal::InvalidArgument:
        return "invalid argument (-EINVAL)";
    case Refusal::NoSuchCall:
        return "no such call in this kernel";
    }
    return "unknown";
}

std::string_view policyId(PolicyKind k) noexcept
{
    switch (k) {
    case PolicyKind::Kernel:
        return "kernel";
    case PolicyKind::BestFit2010:
        return "bf";
    case PolicyKind::FirstFit:
        return "first-fit";
    case PolicyKind::NextFit:
        return "next-fit";
    case PolicyKind::WorstFit:
        return "worst-fit";
    case PolicyKind::Buddy:
        return "buddy";
    case PolicyKind::Tlsf:
        return "tlsf";
    }
    return "unknown";
}

std::string_view policyDisplayName(PolicyKind k) noexcept
{
    switch (k) {
    case PolicyKind::Kernel:
        return "Kernel bitmap (mm/cma.c)";
    case PolicyKind::BestFit2010:
        return "Best fit, 2010 CMA proposal (bf)";
    case PolicyKind::FirstFit:
        return "First fit (address-ordered)";
    case PolicyKind::NextFit:
        return "Next fit (roving pointer)";
    case PolicyKind::WorstFit:
        return "Worst fit (largest hole)";
    case PolicyKind::Buddy:
        return "Binary buddy";
    case PolicyKind::Tlsf:
        return "TLSF (two-level segregated fit)";
    }
    return "Unknown policy";
}

std::optional<PolicyKind> policyFromId(std::string_view id) noexcept
{
    for (const PolicyKind k : allPolicies()) {
        if (policyId(k) == id)
            return k;
    }
    return std::nullopt;
}

const std::vector<PolicyKind>& allPolicies()
{
    static const std::vector<PolicyKind> kinds = { PolicyKind::Kernel, PolicyKind::BestFit2010, PolicyKind::FirstFit,
        PolicyKind::NextFit, PolicyKind::WorstFit, PolicyKind::Buddy, PolicyKind::Tlsf };
    return kinds;
}

std::unique_ptr<AllocationPolicy> makePolicy(PolicyKind k, const PolicyParams& params)
{
    switch (k) {
    case PolicyKind::Kernel:
        return std::make_unique<KernelBitmapPolicy>(params);
    case PolicyKind::BestFit2010:
        return std::make_unique<BestFit2010Policy>();
    case PolicyKind::FirstFit:
        return std::make_unique<FirstFitPolicy>();
    case PolicyKind::NextFit:
        return std::make_unique<NextFitPolicy>();
    case PolicyKind::WorstFit:
        return std::make_unique<WorstFitPolicy>();
    case PolicyKind::Buddy:
        return std::make_unique<BuddyPolicy>();
    case PolicyKind::Tlsf:
        return std::make_unique<TlsfPolicy>(params);
    }
    return nullptr;
}

} // namespace cmascope
