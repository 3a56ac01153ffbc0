// SPDX-License-Identifier: GPL-2.0-or-later
#include "eventlog/textmatcher.h"

#include <QByteArray>

namespace cmascope::views {

namespace {

bool isAscii(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char asciiLower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

} // namespace

TextMatcher::TextMatcher(const QString& text)
    : m_text(text)
{
    const QString folded = text.toCaseFolded();
    const QByteArray utf8 = folded.toUtf8();
    m_foldedAscii = isAscii(std::string_view(utf8.constData(), std::size_t(utf8.size())));
    if (m_foldedAscii)
        m_folded.assign(utf8.constData(), std::size_t(utf8.size()));
    const QByteArray raw = text.toUtf8();
    m_ascii = isAscii(std::string_view(raw.constData(), std::size_t(raw.size())));
}

bool TextMatcher::matches(std::string_view utf8) const
{
    if (m_ascii && isAscii(utf8))
        return asciiContains(utf8);
    return matches(QString::fromUtf8(utf8.data(), qsizetype(utf8.size())));
}

bool TextMatcher::asciiContains(std::string_view hay) const
{
    const std::string_view needle = m_folded;
    if (needle.size() > hay.size())
        return false;
    for (std::size_t i = 0, last = hay.size() - needle.size(); i <= last; ++i) {
        std::size_t j = 0;
        while (j < needle.size() && asciiLower(hay[i + j]) == needle[j])
            ++j;
        if (j == needle.size())
            return true;
    }
    return false;
}

} // namespace cmascope::views
