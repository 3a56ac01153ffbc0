// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers shared by the config_*.cpp import/export modules (not installed).
#pragma once

#include <cmascope/config/configio.h>
#include <cmascope/util/units.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmascope::configio {

/// One `name=value` word of a kernel command line (kernel/params.c next_arg(): words split at blanks outside
/// double quotes; quotes around the value or the whole word are removed).
struct KernelParam
{
    std::string name;
    std::string value;
    bool hasValue = false;
    std::size_t valueOffset = 0; ///< index of the value's first character in the whole text
};
std::vector<KernelParam> splitKernelCmdline(std::string_view text);

/// Collects diagnostics for one import.
class Messages
{
public:
    explicit Messages(ImportResult& result)
        : m_result(result)
    { }
    void error(std::string path, std::string item, std::string message, std::string check = "syntax");
    void warning(std::string path, std::string item, std::string message, std::string check = "syntax");
    void info(std::string path, std::string item, std::string message, std::string check = "note");
    bool hasErrors() const;

private:
    ImportResult& m_result;
};

/// The base platform of an import (options.base or an empty one), its regions (and rules) removed unless kept.
Platform startPlatform(const ImportOptions& options, bool keepRules = false, bool keepRegions = false);
/// The opening of an import that builds on the base platform: sets result.source and returns startPlatform()
/// with @p mode, named @p defaultName when the base has no name.
Platform beginImport(ImportResult& result, const ImportOptions& options, MapMode mode, std::string_view defaultName);
/// Moves @p platform into result.project when no error was recorded.
void finish(ImportResult& result, Platform platform);
/// finish(), and when every error is the kernel's own ("kernel-rejects"), @p platform (what the kernel keeps)
/// into result.kernelKept instead.
void finishAsKernel(ImportResult& result, Platform platform);
std::string sourceName(const ImportOptions& options);
/// @p placed as declared: what placement split is joined again (undoRangeSplits()). Exports write this.
Platform declaredOf(const Platform& placed);

/// "cma= column 7": @p offset is 0-based into the whole input.
std::string column(std::string_view param, std::size_t offset);

} // namespace cmascope::configio
