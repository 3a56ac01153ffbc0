// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/scenario.h>

#include <bit>
#include <limits>
#include <stdexcept>

namespace cmascope {

SymbolTable::SymbolTable()
{
    m_names.emplace_back();
    m_ids.emplace(std::string(), 0);
}

std::uint32_t SymbolTable::intern(std::string_view s)
{
    if (const auto it = m_ids.find(std::string(s)); it != m_ids.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(m_names.size());
    m_names.emplace_back(s);
    m_ids.emplace(std::string(s), id);
    return id;
}

std::uint32_t SymbolTable::find(std::string_view s) const
{
    const auto it = m_ids.find(std::string(s));
    return it == m_ids.end() ? std::numeric_limits<std::uint32_t>::max() : it->second;
}

std::string_view stepTypeName(StepType t) noexcept
{
    switch (t) {
    case StepType::Allocate:
        return "allocate";
    case StepType::Free:
        return "free";
    case StepType::Phase:
        return "phase";
    case StepType::Pin:
        return "pin";
    case StepType::Unpin:
        return "unpin";
    case StepType::Reset:
        return "reset";
    case StepType::Place:
        return "place";
    case StepType::Release:
        return "release";
    case StepType::Refused:
        return "refused";
    case StepType::AllocateFromRegion:
        return "alloc_from_region";
    }
    return "?";
}

Step& Scenario::allocate(std::string_view device, std::string_view kind, std::uint64_t bytes, std::string_view label,
    std::uint64_t alignmentBytes)
{
    if (alignmentBytes != 0 && !std::has_single_bit(alignmentBytes))
        throw std::invalid_argument("alignment must be a power of two");
    Step s;
    s.type = StepType::Allocate;
    s.device = symbols.intern(device);
    s.kind = symbols.intern(kind);
    s.label = symbols.intern(label);
    s.size = bytes;
    s.alignLog2 = alignmentBytes ? static_cast<std::uint8_t>(std::countr_zero(alignmentBytes)) : kDefaultAlign;
    return steps.emplace_back(s);
}

Step& Scenario::free(std::string_view label)
{
    Step s;
    s.type = StepType::Free;
    s.label = symbols.intern(label);
    return steps.emplace_back(s);
}

Step& Scenario::phase(std::string_view text)
{
    Step s;
    s.type = StepType::Phase;
    s.label = symbols.intern(text);
    return steps.emplace_back(s);
}

Step& Scenario::pin(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages)
{
    Step s;
    s.type = StepType::Pin;
    s.region = region;
    s.offset = offsetPages;
    s.size = pages;
    return steps.emplace_back(s);
}

Step& Scenario::unpin(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages)
{
    Step& s = pin(region, offsetPages, pages);
    s.type = StepType::Unpin;
    return s;
}

Step& Scenario::reset()
{
    Step s;
    s.type = StepType::Reset;
    return steps.emplace_back(s);
}

Step& Scenario::place(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages, std::string_view device,
    std::string_view label)
{
    Step s;
    s.type = StepType::Place;
    s.region = region;
    s.offset = offsetPages;
    s.size = pages;
    s.device = symbols.intern(device);
    s.label = symbols.intern(label);
    return steps.emplace_back(s);
}

Step& Scenario::refused(
    std::uint16_t region, std::uint64_t pages, unsigned alignOrder, std::string_view device, std::string_view label)
{
    Step s;
    s.type = StepType::Refused;
    s.region = region;
    s.size = pages;
    s.alignLog2 = static_cast<std::uint8_t>(alignOrder < 63u ? alignOrder : 63u);
    s.device = symbols.intern(device);
    s.label = symbols.intern(label);
    return steps.emplace_back(s);
}

Step& Scenario::allocateFromRegion(std::uint16_t region, std::string_view device, std::uint64_t bytes,
    std::string_view label, std::uint64_t alignmentBytes)
{
    Step s;
    s.type = StepType::AllocateFromRegion;
    s.region = region;
    s.device = symbols.intern(device);
    s.label = symbols.intern(label);
    s.size = bytes;
    s.offset = alignmentBytes;
    s.alignLog2 = std::has_single_bit(alignmentBytes) ? static_cast<std::uint8_t>(std::countr_zero(alignmentBytes))
                                                      : kDefaultAlign;
    return steps.emplace_back(s);
}

Step& Scenario::release(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages, std::string_view device)
{
    Step& s = pin(region, offsetPages, pages);
    s.type = StepType::Release;
    if (!device.empty())
        s.device = symbols.intern(device);
    return s;
}

} // namespace cmascope
