#include "domain/csv.hpp"

#include <cstddef>
#include <optional>

#include "core/utf8.hpp"

namespace roost::domain {
namespace {

constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

core::Error csv_error(std::string message, int line, int column) {
  core::Error error =
      core::make_error(core::ErrorCode::invalid_request, "the CSV cannot be read: " + message +
                                                             " at line " + std::to_string(line) +
                                                             ", column " + std::to_string(column));
  error.details.push_back({"csv", std::move(message), line, column});
  return error;
}

// Walks the text one code point at a time, keeping the line and column.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool done() const { return index_ >= text_.size(); }
  char peek() const { return text_[index_]; }
  std::optional<char> peek_next() const {
    if (index_ + 1 >= text_.size()) return std::nullopt;
    return text_[index_ + 1];
  }
  int line() const { return line_; }
  int column() const { return column_; }

  // Appends the code point under the cursor to `out` and moves past it; a line break
  // (CRLF, LF or CR) is appended as it is and starts the next line.
  void take(std::string* out) {
    char c = text_[index_];
    if (c == '\r' || c == '\n') {
      std::size_t length = (c == '\r' && peek_next() == '\n') ? 2 : 1;
      if (out) out->append(text_.substr(index_, length));
      index_ += length;
      ++line_;
      column_ = 1;
      return;
    }
    std::size_t length = core::utf8_sequence_length(text_, index_);
    if (out) out->append(text_.substr(index_, length));
    index_ += length;
    ++column_;
  }

 private:
  std::string_view text_;
  std::size_t index_ = 0;
  int line_ = 1;
  int column_ = 1;
};

bool at_line_break(const Cursor& cursor) {
  return !cursor.done() && (cursor.peek() == '\r' || cursor.peek() == '\n');
}

// Checks the whole text first, so that the reader below may assume valid sequences.
core::Result<void> check_utf8(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t index = 0;
  while (index < text.size()) {
    std::size_t length = core::utf8_sequence_length(text, index);
    if (length == 0) return csv_error("invalid UTF-8", line, column);
    char c = text[index];
    if (c == '\n' || (c == '\r' && (index + 1 >= text.size() || text[index + 1] != '\n'))) {
      ++line;
      column = 1;
    } else if (c != '\r') {
      ++column;
    }
    index += length;
  }
  return core::success();
}

}  // namespace

core::Result<std::vector<CsvRecord>> read_csv(std::string_view text) {
  if (text.starts_with(byte_order_mark)) text.remove_prefix(byte_order_mark.size());
  if (auto valid = check_utf8(text); !valid) return std::move(valid).error();

  std::vector<CsvRecord> records;
  Cursor cursor(text);
  while (!cursor.done()) {
    if (at_line_break(cursor)) {  // an empty line is not a record
      cursor.take(nullptr);
      continue;
    }
    CsvRecord record;
    record.line = cursor.line();
    while (true) {
      CsvField field;
      field.line = cursor.line();
      field.column = cursor.column();
      if (!cursor.done() && cursor.peek() == '"') {
        cursor.take(nullptr);
        while (true) {
          if (cursor.done()) {
            return csv_error("a quoted field is not closed (its quote opens here)", field.line,
                             field.column);
          }
          if (cursor.peek() == '"') {
            if (cursor.peek_next() == '"') {
              cursor.take(nullptr);
              cursor.take(&field.value);
              continue;
            }
            cursor.take(nullptr);
            break;
          }
          cursor.take(&field.value);
        }
        if (!cursor.done() && cursor.peek() != ',' && !at_line_break(cursor)) {
          return csv_error("a closing quote must be followed by a comma or a line break",
                           cursor.line(), cursor.column());
        }
      } else {
        while (!cursor.done() && cursor.peek() != ',' && !at_line_break(cursor)) {
          if (cursor.peek() == '"') {
            return csv_error(
                "a quote inside an unquoted field (quote the whole field and double the quote)",
                cursor.line(), cursor.column());
          }
          cursor.take(&field.value);
        }
      }
      record.fields.push_back(std::move(field));
      if (!cursor.done() && cursor.peek() == ',') {
        cursor.take(nullptr);
        continue;
      }
      break;  // a line break or the end of the text ends the record
    }
    if (!cursor.done()) cursor.take(nullptr);  // the line break
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace roost::domain
