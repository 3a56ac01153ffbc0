// SPDX-License-Identifier: GPL-2.0-or-later
#include "jsonfields.h"

#include <cmascope/util/memparse.h>

#include <algorithm>

namespace cmascope::projectjson {

std::optional<std::uint64_t> parseSizeText(std::string_view text)
{
    const auto r = memparse(text);
    if (!r.ok())
        return std::nullopt;
    std::string_view rest = text.substr(r.end);
    if (rest == "iB" && r.end > 0 && std::string_view("KMGTPEkmgtpe").find(text[r.end - 1]) != std::string_view::npos)
        rest = {};
    if (!rest.empty())
        return std::nullopt;
    return r.value;
}

void Reader::error(const std::string& path, std::string msg)
{
    m_messages.push_back({ LoadMessage::Severity::Error, path, std::move(msg) });
}

void Reader::warning(const std::string& path, std::string msg)
{
    m_messages.push_back({ LoadMessage::Severity::Warning, path, std::move(msg) });
}

void Reader::checkKeys(const json& obj, const std::string& path, std::initializer_list<const char*> known)
{
    for (const auto& item : obj.items()) {
        // Not a structured binding: a lambda capturing one needs Clang 16, and the fuzzers build with Clang.
        const std::string& key = item.key();
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
            warning(join(path, key), "unknown key, ignored");
    }
}

std::string Reader::join(const std::string& path, std::string_view key)
{
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Reader::index(const std::string& path, std::size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

bool Reader::isObject(const json& v, const std::string& path)
{
    if (v.is_object())
        return true;
    error(path, "must be an object");
    return false;
}

void Reader::string(const json& obj, const std::string& path, const char* key, std::string& out, bool required)
{
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (required)
            error(join(path, key), "is required");
        return;
    }
    if (!it->is_string()) {
        error(join(path, key), "must be a string");
        return;
    }
    out = it->get<std::string>();
    if (required && out.empty())
        error(join(path, key), "must not be empty");
}

void Reader::boolean(const json& obj, const std::string& path, const char* key, bool& out)
{
    const auto it = obj.find(key);
    if (it == obj.end())
        return;
    if (!it->is_boolean()) {
        error(join(path, key), "must be true or false");
        return;
    }
    out = it->get<bool>();
}

bool Reader::size(const json& obj, const std::string& path, const char* key, std::uint64_t& out, bool required)
{
    const auto it = obj.find(key);
    const auto p = join(path, key);
    if (it == obj.end()) {
        if (required)
            error(p, "is required");
        return false;
    }
    if (it->is_number_unsigned()) {
        out = it->get<std::uint64_t>();
        return true;
    }
    if (it->is_number_integer()) {
        error(p, "must not be negative");
        return false;
    }
    if (it->is_string()) {
        if (const auto v = parseSizeText(it->get<std::string>())) {
            out = *v;
            return true;
        }
        const std::string text = it->get<std::string>();
        if (memparse(text).overflow)
            error(p, "'" + text + "' does not fit in 64 bits (the largest size is 16 EiB - 1 byte)");
        else
            error(p, "'" + text + "' is not a size (examples: 4096, 0x1000, 64M, 1G)");
        return false;
    }
    error(p, "must be a size: a number or a string such as \"64M\"");
    return false;
}

} // namespace cmascope::projectjson
