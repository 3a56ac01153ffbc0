// SPDX-License-Identifier: GPL-2.0-or-later
// A scenario: the sequence of steps a simulation runs (allocate, free, phase markers, pin, reset).
// Steps are compact (32 bytes) and refer to names through a symbol table, so a generated
// million-step run costs little memory.
#pragma once

#include <cmascope/model/lesson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cmascope {

/// Interns strings; ids are dense and stable for the table's lifetime. Id 0 is the empty string.
class SymbolTable
{
public:
    SymbolTable();
    std::uint32_t intern(std::string_view s);
    std::string_view name(std::uint32_t id) const { return m_names.at(id); }
    std::size_t size() const noexcept { return m_names.size(); }
    /// Returns the id of @p s, or UINT32_MAX when it was never interned.
    std::uint32_t find(std::string_view s) const;

private:
    std::vector<std::string> m_names;
    std::unordered_map<std::string, std::uint32_t> m_ids;
};

enum class StepType : std::uint8_t {
    Allocate, ///< device/kind asks for `size` bytes aligned to 2^alignLog2 bytes, remembered as `label`
    Free, ///< free the chunk remembered as `label`
    Phase, ///< a phase marker ("HD decode", "video conference"); `label` is the text
    Pin, ///< pages [offset, offset + size) of region `region` become pinned/unmovable (busy)
    Unpin, ///< ... become movable again
    Reset, ///< free everything and unpin everything
    Place, ///< allocate exactly pages [offset, offset + size) of `region` (a placement recorded in a trace)
    Release, ///< give back pages [offset, offset + size) of `region` (cma_release; may be part of a chunk)
    /// A request the kernel refused (recorded in a trace): `size` pages at page order `alignLog2` in `region`
    /// by `device`. Changes nothing, but is recorded as a failure and can be diagnosed.
    Refused,
    /// The 2010 cma_alloc_from_region() (v2 on): `device`'s driver asks region `region` by its handle for `size`
    /// bytes, no map involved; `offset` holds the alignment in bytes as the driver passed it (0 = none; not a
    /// power of two = -EINVAL), `alignLog2` its log2 when it is one. Freed with Free (docs/cma2010.md#private-regions).
    AllocateFromRegion,
};

std::string_view stepTypeName(StepType t) noexcept;

inline constexpr std::uint8_t kDefaultAlign = 0xFF;

struct Step
{
    StepType type = StepType::Allocate;
    std::uint8_t alignLog2 = kDefaultAlign; ///< Allocate: log2 of the alignment in bytes; kDefaultAlign = none asked
    std::uint16_t region = 0; ///< Pin/Unpin/Place/Release/Refused/AllocateFromRegion: region index
    std::uint32_t device = 0; ///< symbol id
    std::uint32_t kind = 0; ///< symbol id (0 = no kind / NULL)
    std::uint32_t label = 0; ///< symbol id: chunk label (Allocate/Free) or phase text (Phase)
    std::uint64_t size = 0; ///< Allocate/AllocateFromRegion: bytes; Pin/Unpin/Place/Release: pages
    std::uint64_t offset = 0; ///< Pin/Unpin/Place/Release: first page relative to the region start;
                              ///< AllocateFromRegion: the alignment asked, in bytes
};
static_assert(sizeof(Step) <= 32, "Step must stay compact");

struct Scenario
{
    std::string name;
    std::string description;
    SymbolTable symbols;
    std::vector<Step> steps;
    /// Optional, parallel to `steps`: when each step happened, in ns (kernel traces). Empty = no times.
    std::vector<std::uint64_t> timesNs;
    /// Optional: the lesson a teacher wrote for this scenario (docs/lessons.md); shownLesson() falls back to the
    /// description.
    std::optional<Lesson> lesson;

    Step& allocate(std::string_view device, std::string_view kind, std::uint64_t bytes, std::string_view label,
        std::uint64_t alignmentBytes = 0);
    Step& free(std::string_view label);
    Step& phase(std::string_view text);
    Step& pin(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages);
    Step& unpin(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages);
    Step& reset();
    Step& place(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages, std::string_view device,
        std::string_view label = {});
    /// @p device: who released (a trace's task), empty = nobody named.
    Step& release(std::uint16_t region, std::uint64_t offsetPages, std::uint64_t pages, std::string_view device = {});
    /// cma_alloc_from_region(): any @p bytes (0 included) and any @p alignmentBytes are kept as given, so that a
    /// run can show the kernel's -EINVAL for them.
    Step& allocateFromRegion(std::uint16_t region, std::string_view device, std::uint64_t bytes,
        std::string_view label = {}, std::uint64_t alignmentBytes = 0);
    Step& refused(std::uint16_t region, std::uint64_t pages, unsigned alignOrder, std::string_view device,
        std::string_view label = {});
};

} // namespace cmascope
