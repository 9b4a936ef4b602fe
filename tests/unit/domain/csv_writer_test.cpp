// The RFC 4180 writer: quoting, CRLF records, the formula guard, and a round trip through
// the project's own reader.
#include "domain/csv_writer.hpp"

#include <random>

#include <gtest/gtest.h>

#include "domain/csv.hpp"

namespace roost::domain {
namespace {

std::string cell(std::string_view value) {
  std::string out;
  append_csv_cell(out, value);
  return out;
}

TEST(CsvWriter, PlainCellsAreWrittenAsTheyAre) {
  EXPECT_EQ(cell(""), "");
  EXPECT_EQ(cell("hello"), "hello");
  EXPECT_EQ(cell("caf\xC3\xA9 \xF0\x9F\x90\xA6"), "caf\xC3\xA9 \xF0\x9F\x90\xA6");
  EXPECT_EQ(cell("at://did:plc:x/app.bsky.feed.post/3k"), "at://did:plc:x/app.bsky.feed.post/3k");
}

TEST(CsvWriter, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(cell("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvWriter, CellsThatStartLikeAFormulaGetAnApostrophe) {
  EXPECT_EQ(cell("=1+2"), "'=1+2");
  EXPECT_EQ(cell("+33 1 23"), "'+33 1 23");
  EXPECT_EQ(cell("-5"), "'-5");
  EXPECT_EQ(cell("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(cell("\tx"), "'\tx");
  // Quoted and guarded: the apostrophe goes inside the quotes, where a reader keeps it.
  EXPECT_EQ(cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(cell("\rx"), "\"'\rx\"");
  // Only the first character counts.
  EXPECT_EQ(cell("a=b"), "a=b");
  EXPECT_EQ(cell(" =b"), " =b");
}

TEST(CsvWriter, RowsAreCommaSeparatedAndEndInCrlf) {
  std::string out;
  append_csv_row(out, {"id", "text", ""});
  append_csv_row(out, std::vector<std::string>{"1", "a,b", "=x"});
  EXPECT_EQ(out, "id,text,\r\n1,\"a,b\",'=x\r\n");
}

TEST(CsvWriter, TheReaderGetsBackWhatWasWritten) {
  std::mt19937 random(20261204);
  const std::vector<std::string> pieces = {"a", "b", " ", ",", "\"", "\r", "\n", ";", "\xC3\xA9"};
  std::vector<std::vector<std::string>> rows;
  std::string out;
  for (int row = 0; row < 200; ++row) {
    std::vector<std::string> cells;
    for (int column = 0; column < 4; ++column) {
      std::string value = "v";  // never empty, never guarded: compared as written
      const int length = static_cast<int>(random() % 8);
      for (int index = 0; index < length; ++index) {
        value += pieces[random() % pieces.size()];
      }
      cells.push_back(value);
    }
    append_csv_row(out, cells);
    rows.push_back(std::move(cells));
  }
  auto read = read_csv(out);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), rows.size());
  for (std::size_t row = 0; row < rows.size(); ++row) {
    ASSERT_EQ((*read)[row].fields.size(), rows[row].size());
    for (std::size_t column = 0; column < rows[row].size(); ++column) {
      EXPECT_EQ((*read)[row].fields[column].value, rows[row][column]);
    }
  }
}

}  // namespace
}  // namespace roost::domain
