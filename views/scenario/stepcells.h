// SPDX-License-Identifier: GPL-2.0-or-later
// The cells of the scenario pane's step table (docs/scenario-text.md, "The step table"): what each column of a
// step shows, how it is edited and checked, and the steps a user adds. Pure functions of a scenario and the
// platform its region steps name, so the model formats one cell at a time and tests can call them directly.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/model/scenario.h>

#include <QString>
#include <QStringList>

#include <cstddef>
#include <optional>

namespace cmascope::views::stepcells {

enum Column {
    StepColumn, ///< the step's number, from 0 as in the event log
    TypeColumn, ///< alloc, alloc_from_region, free, phase, pin, unpin, reset (place, release, refused: recorded)
    LabelColumn, ///< alloc/free: the chunk's label; phase: its text (early: it names the step in a narrow pane)
    DeviceColumn,
    KindColumn,
    SizeColumn, ///< bytes; region steps: whole pages of the region
    AlignColumn, ///< alloc: a power of two, empty = none asked; alloc_from_region: any value (-EINVAL if not pow2)
    RegionColumn, ///< pin/unpin, alloc_from_region: the region
    OffsetColumn, ///< pin/unpin: bytes from the region's start, whole pages
    OutcomeColumn, ///< from the run: not a step field
    ColumnCount
};

/// The text form's keyword of @p type ("alloc", "free", "pin", ...).
QString typeText(StepType type);
/// The type a keyword names (also "allocate"), or nullopt.
std::optional<StepType> typeFromText(const QString& text);
/// The types a user can add and choose: alloc, alloc_from_region, free, phase, pin, unpin, reset.
QStringList editableTypeNames();
/// Place, release and refused steps are recorded by a kernel trace: shown, never edited.
bool isRecordedType(StepType type);
/// Whether @p column is a field of a step of @p type that a user can edit.
bool isEditable(StepType type, int column);

/// A cell's text as shown ("6 MiB", "128 KiB", "s3c-mfc5"); empty for fields the step has not. Not Outcome.
QString displayText(const Scenario& scenario, const Platform& platform, std::size_t row, int column);
/// A cell's text in an editor: sizes in the kernel's memparse() syntax ("6M"), names as they are.
QString editText(const Scenario& scenario, const Platform& platform, std::size_t row, int column);
/// The values a cell's editor offers (types, the platform's devices, kinds and regions, labels allocated
/// before a free); @p freeText says whether other text may be typed too. Empty: a plain text cell.
QStringList choices(const Scenario& scenario, const Platform& platform, std::size_t row, int column, bool* freeText);
/// An example of valid input, or empty.
QString placeholder(int column);

/// Sets @p column of step @p row of @p scenario from @p text. Returns why the text was refused (the step is
/// then unchanged), or an empty string.
QString assign(Scenario& scenario, const Platform& platform, std::size_t row, int column, const QString& text);

/// A new step of @p type to go at index @p row of @p scenario, filled in from the steps before it: an alloc
/// like the last one with a fresh label, an alloc_from_region like the last one (else in the first 2010 private
/// region), a free of the label the step before allocated (else of the last label allocated and not yet freed),
/// a pin of the first page of the first region, an unpin of the range the last pin pinned.
Step freshStep(Scenario& scenario, const Platform& platform, std::size_t row, StepType type);
/// Step @p row turned into a step of @p type, keeping what both have (a label, a region range).
Step convertStep(Scenario& scenario, const Platform& platform, std::size_t row, StepType type);

/// The page size of region @p region of @p platform (the platform's when it has no such region).
std::uint64_t regionPageSize(const Platform& platform, std::uint16_t region);

} // namespace cmascope::views::stepcells
