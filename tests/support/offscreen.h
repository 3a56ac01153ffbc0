// SPDX-License-Identifier: GPL-2.0-or-later
// Test support for programs that paint widgets without a display (the GUI benchmarks).
#pragma once

#include <QtGlobal>

#include <cstdlib>

namespace cmascope::test {

/// Selects Qt's offscreen platform unless QT_QPA_PLATFORM names one. Call before the application exists.
inline void preferOffscreenPlatform()
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

/// The benchmark's size: the first argument as a number, or @p fallback.
inline int sizeArgument(int argc, char** argv, int fallback)
{
    return argc > 1 ? std::atoi(argv[1]) : fallback;
}

} // namespace cmascope::test
