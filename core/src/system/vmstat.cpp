// SPDX-License-Identifier: GPL-2.0-or-later
// /proc/vmstat (docs/evidence-imports.md, "/proc/vmstat").
#include "textlines.h"

#include <cmascope/system/vmstat.h>

namespace cmascope {

using namespace systeminternal;

VmstatParse parseVmstat(std::string_view text, std::string_view fileName)
{
    VmstatParse out;
    VmstatCma v;
    const auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto words = splitWords(lines[i]);
        if (words.empty())
            continue;
        if (words.size() != 2) {
            out.error =
                lineError(fileName, i + 1, "expected \"name value\", got \"" + std::string(trim(lines[i])) + '"');
            return out;
        }
        const auto value = parseDecimal(words[1]);
        if (!value) {
            out.error = lineError(
                fileName, i + 1, std::string(words[0]) + ": \"" + std::string(words[1]) + "\" is not a decimal count");
            return out;
        }
        if (words[0].find("cma") == std::string_view::npos)
            continue;
        v.lines.emplace_back(std::string(words[0]), *value);
        if (words[0] == "cma_alloc_success")
            v.allocSuccess = value;
        else if (words[0] == "cma_alloc_fail")
            v.allocFail = value;
        else if (words[0] == "nr_free_cma")
            v.freeCma = value;
    }
    if (!v.any()) {
        out.error = std::string(fileName)
            + ": no cma_alloc_success, cma_alloc_fail or nr_free_cma line "
              "(not /proc/vmstat, or a kernel without CONFIG_CMA)";
        return out;
    }
    out.vmstat = std::move(v);
    return out;
}

} // namespace cmascope
