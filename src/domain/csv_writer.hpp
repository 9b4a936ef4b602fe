#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

// An RFC 4180 CSV writer, the counterpart of csv.hpp's reader: pure, no I/O. Exports are
// opened in spreadsheets, which run a cell that starts like a formula (CSV injection), so
// every cell starting with '=', '+', '-', '@', a tab or a carriage return is written with a
// leading apostrophe: the spreadsheet shows it as text, and a person still reads the value.
namespace roost::domain {

// One cell appended to `out`: quoted (with "" for a quote) when it holds a comma, a quote,
// a CR or an LF; guarded against formulas as above.
void append_csv_cell(std::string& out, std::string_view cell);
// One record: the cells separated by commas, ended by CRLF.
void append_csv_row(std::string& out, std::initializer_list<std::string_view> cells);
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace roost::domain
