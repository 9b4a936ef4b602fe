#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// An RFC 4180 CSV reader: pure, no I/O. It takes UTF-8 with or without a byte order mark,
// CRLF or LF line endings (a lone CR ends a line too), quoted fields with "" for a quote
// and line breaks inside quotes. Lines and columns are 1-based; columns count Unicode code
// points of the physical line, so that an error points where an editor shows the cursor.
namespace roost::domain {

struct CsvField {
  std::string value;
  int line = 0;    // where the field starts
  int column = 0;  // where the field starts (its opening quote, if quoted)
};

struct CsvRecord {
  int line = 0;  // the line the record starts on
  std::vector<CsvField> fields;
};

// The records in order. Empty lines are skipped (they are not records of one empty field);
// a line break at the end of the input ends the last record, it does not start another.
// ErrorCode::invalid_request, with one detail naming line and column, for: invalid UTF-8,
// an unterminated quoted field, a quote inside an unquoted field, and a character other
// than a comma or a line break after a closing quote.
core::Result<std::vector<CsvRecord>> read_csv(std::string_view text);

}  // namespace roost::domain
