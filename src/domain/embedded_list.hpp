#pragma once

#include <string_view>
#include <unordered_set>

// Lists compiled into the binary by embed_text_list.cmake: one entry per line.
namespace roost::domain {

// The non-empty lines of `text`, as views into it: `text` must outlive the set (the embedded
// lists live for the whole process).
std::unordered_set<std::string_view> embedded_list_lines(std::string_view text);

}  // namespace roost::domain
