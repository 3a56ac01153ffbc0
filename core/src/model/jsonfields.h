// SPDX-License-Identifier: GPL-2.0-or-later
// Reading the fields of a project file's JSON objects with messages that name the field (projectreader.cpp).
// Not installed.
#pragma once

#include <cmascope/model/project.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmascope::projectjson {

using nlohmann::json;

/// A size or address as text: the kernel's memparse() ("64M", "0x40000000", "4096", "1G"), which must
/// consume the whole text. A trailing "iB" after the suffix ("64MiB") is accepted for readability.
std::optional<std::uint64_t> parseSizeText(std::string_view text);

/// Reads one JSON object field by field, reporting wrong types, bad values and unknown keys.
class Reader
{
public:
    explicit Reader(std::vector<LoadMessage>& messages)
        : m_messages(messages)
    { }

    void error(const std::string& path, std::string msg);
    void warning(const std::string& path, std::string msg);

    /// Warns about keys of @p obj not in @p known.
    void checkKeys(const json& obj, const std::string& path, std::initializer_list<const char*> known);

    static std::string join(const std::string& path, std::string_view key);
    static std::string index(const std::string& path, std::size_t i);

    bool isObject(const json& v, const std::string& path);

    template <typename F> void array(const json& obj, const std::string& path, const char* key, F&& each)
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            return;
        const auto p = join(path, key);
        if (!it->is_array()) {
            error(p, "must be an array");
            return;
        }
        for (std::size_t i = 0; i < it->size(); ++i)
            each((*it)[i], index(p, i));
    }

    /// Calls @p read(value, path) for the object at @p key, if present (reporting one that is not an object).
    template <typename F> void object(const json& obj, const std::string& path, const char* key, F&& read)
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            return;
        const auto p = join(path, key);
        if (isObject(*it, p))
            read(*it, p);
    }

    void string(const json& obj, const std::string& path, const char* key, std::string& out, bool required = false);
    void boolean(const json& obj, const std::string& path, const char* key, bool& out);

    template <typename Int>
    void integer(const json& obj, const std::string& path, const char* key, Int& out, long long min, long long max)
    {
        const auto it = obj.find(key);
        if (it == obj.end())
            return;
        if (!it->is_number_integer()) {
            error(join(path, key), "must be an integer");
            return;
        }
        const auto v = it->get<long long>();
        if (v < min || v > max) {
            error(join(path, key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
            return;
        }
        out = static_cast<Int>(v);
    }

    /// A string naming one of @p choices (name, value); absent, @p out keeps its value.
    template <typename E>
    void oneOf(const json& obj, const std::string& path, const char* key, E& out,
        std::initializer_list<std::pair<const char*, E>> choices)
    {
        std::string text;
        std::string names;
        for (const auto& [name, value] : choices) {
            if (out == value)
                text = name;
            names += (names.empty() ? "\"" : choices.size() > 2 ? ", \"" : " or \"") + std::string(name) + "\"";
        }
        string(obj, path, key, text);
        for (const auto& [name, value] : choices)
            if (text == name) {
                out = value;
                return;
            }
        error(join(path, key), "must be " + names + ", not \"" + text + "\"");
    }

    /// A size or address: a non-negative integer or a string such as "64M" or "0x40000000".
    bool size(const json& obj, const std::string& path, const char* key, std::uint64_t& out, bool required = false);

private:
    std::vector<LoadMessage>& m_messages;
};

/// @p text as a JSON object, or nullopt with the error in @p messages (not JSON, or not an object).
inline std::optional<json> parseDocument(std::string_view text, std::vector<LoadMessage>& messages)
{
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        messages.push_back({ LoadMessage::Severity::Error, "", std::string("not valid JSON: ") + e.what() });
        return std::nullopt;
    }
    if (!Reader(messages).isObject(doc, "(document)"))
        return std::nullopt;
    return doc;
}

/// Whether @p messages hold an error (a document is read whole or not at all).
inline bool hasError(const std::vector<LoadMessage>& messages)
{
    return std::any_of(messages.begin(), messages.end(),
        [](const LoadMessage& m) { return m.severity == LoadMessage::Severity::Error; });
}

/// Reads the file @p path whole and gives it to @p parse (text -> a result with `messages`); every message
/// gets the path in front, and a file that cannot be read is one error saying why.
template <class Result, class Parse> Result loadDocumentFile(const std::string& path, Parse parse)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        Result result;
        result.messages.push_back(
            { LoadMessage::Severity::Error, "", path + ": cannot open: " + std::strerror(errno) });
        return result;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    Result result = parse(ss.str());
    for (auto& m : result.messages)
        m.path = m.path.empty() ? path : path + ": " + m.path;
    return result;
}

} // namespace cmascope::projectjson
