// SPDX-License-Identifier: GPL-2.0-or-later
// The free-text filter of the event log: QString::contains (case-insensitive) semantics, with byte-level
// fast paths for ASCII text.
#pragma once

#include <QString>

#include <algorithm>
#include <string>
#include <string_view>

namespace cmascope::views {

/// Free text as the old proxy matched it (QString::contains, case-insensitive), with a byte-level fast path
/// for ASCII text.
class TextMatcher
{
public:
    explicit TextMatcher(const QString& text);

    bool matches(const QString& s) const { return s.contains(m_text, Qt::CaseInsensitive); }
    bool matches(std::string_view utf8) const;
    /// For text we format ourselves (digits, lower-case hex, '.', '/', "pfn"): plain ASCII.
    bool matchesFormatted(std::string_view ascii) const
    {
        return m_foldedAscii && ascii.find(m_folded) != std::string_view::npos;
    }
    /// False when the text cannot occur in a string made only of @p alphabet (a cheap pre-check).
    bool possibleIn(std::string_view alphabet) const
    {
        return m_foldedAscii && std::all_of(m_folded.begin(), m_folded.end(), [&](char c) {
            return alphabet.find(c) != std::string_view::npos;
        });
    }

private:
    bool asciiContains(std::string_view hay) const;

    QString m_text;
    std::string m_folded; ///< case-folded text, when it is ASCII
    bool m_foldedAscii = false;
    bool m_ascii = false;
};

} // namespace cmascope::views
