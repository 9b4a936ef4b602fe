#include "domain/csv_writer.hpp"

namespace roost::domain {
namespace {

bool starts_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: return false;
  }
}

template <class Cells>
void append_cells(std::string& out, const Cells& cells) {
  bool first = true;
  for (const auto& cell : cells) {
    if (!first) out.push_back(',');
    first = false;
    append_csv_cell(out, cell);
  }
  out += "\r\n";
}

}  // namespace

void append_csv_cell(std::string& out, std::string_view cell) {
  const bool guarded = starts_like_formula(cell);
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    if (guarded) out.push_back('\'');
    out.append(cell);
    return;
  }
  out.push_back('"');
  if (guarded) out.push_back('\'');
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_row(std::string& out, std::initializer_list<std::string_view> cells) {
  append_cells(out, cells);
}

void append_csv_row(std::string& out, const std::vector<std::string>& cells) {
  append_cells(out, cells);
}

}  // namespace roost::domain
