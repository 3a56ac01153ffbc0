// SPDX-License-Identifier: GPL-2.0-or-later
// Test support: Hans Verkuil's memory-type form read onto a small board (docs/cma2010.md#hans-verkuils-memory-types).
#pragma once

#include <cmascope/config/configio.h>

#include <QtGlobal>

namespace cmascope::test {

/// Hans's form @p text read onto a board with one 1 GiB bank at 0x40000000; aborts the test on an import error.
inline Platform verkuilBoard(const char* text)
{
    Platform base;
    base.name = "board";
    base.banks.push_back({ "ram", 0x40000000, 1 * GiB, 0 });
    ImportOptions options;
    options.base = &base;
    const auto r = importVerkuil(text, options);
    if (!r.ok())
        qFatal("%s", r.errorText().c_str());
    return r.project->platform;
}

} // namespace cmascope::test
