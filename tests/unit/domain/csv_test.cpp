// The RFC 4180 reader: quoting, line endings, the byte order mark, and every malformed
// input it refuses, each with its line and column.
#include "domain/csv.hpp"

#include <random>

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

std::vector<std::vector<std::string>> values(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> out;
  for (const auto& record : records) {
    std::vector<std::string> fields;
    for (const auto& field : record.fields) fields.push_back(field.value);
    out.push_back(std::move(fields));
  }
  return out;
}

using Table = std::vector<std::vector<std::string>>;

void expect_error(std::string_view text, int line, int column, std::string_view says) {
  auto read = read_csv(text);
  ASSERT_FALSE(read.ok()) << text;
  EXPECT_EQ(read.error().code, core::ErrorCode::invalid_request);
  ASSERT_EQ(read.error().details.size(), 1u);
  EXPECT_EQ(read.error().details[0].line, line) << text;
  EXPECT_EQ(read.error().details[0].column, column) << text;
  EXPECT_NE(read.error().details[0].message.find(says), std::string::npos)
      << read.error().details[0].message;
}

TEST(Csv, ReadsPlainRecordsWithLfOrCrlf) {
  for (std::string_view text : {"a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\n1,2", "a,b\r1,2\r"}) {
    auto read = read_csv(text);
    ASSERT_TRUE(read.ok()) << text;
    EXPECT_EQ(values(*read), (Table{{"a", "b"}, {"1", "2"}})) << text;
    EXPECT_EQ((*read)[1].line, 2);
  }
}

TEST(Csv, SkipsTheByteOrderMarkAndEmptyLines) {
  auto read = read_csv("\xEF\xBB\xBFname\n\n\r\nada\n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(values(*read), (Table{{"name"}, {"ada"}}));
  EXPECT_EQ((*read)[0].fields[0].column, 1);  // the mark is not a column
  EXPECT_EQ((*read)[1].line, 4);
}

TEST(Csv, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto read = read_csv("a,\"b, c\",\"say \"\"hi\"\"\"\n\"two\nlines\",,\"\"\nlast,x,y\n");
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(values(*read),
            (Table{{"a", "b, c", "say \"hi\""}, {"two\nlines", "", ""}, {"last", "x", "y"}}));
  EXPECT_EQ((*read)[2].line, 4);  // the line break inside quotes counted
  EXPECT_EQ((*read)[0].fields[1].column, 3);
}

TEST(Csv, EmptyFieldsAreKept) {
  auto read = read_csv(",,\n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(values(*read), (Table{{"", "", ""}}));
}

TEST(Csv, ColumnsCountCodePoints) {
  auto read = read_csv("é,ü\n");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ((*read)[0].fields[1].column, 3);
  EXPECT_EQ((*read)[0].fields[1].value, "ü");
}

TEST(Csv, EmptyInputHasNoRecords) {
  auto read = read_csv("");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
  auto only_mark = read_csv("\xEF\xBB\xBF");
  ASSERT_TRUE(only_mark.ok());
  EXPECT_TRUE(only_mark->empty());
}

TEST(Csv, RefusesAnUnterminatedQuoteAtItsOpening) {
  expect_error("a,b\n1,\"open\n2,3\n", 2, 3, "not closed");
  expect_error("\"", 1, 1, "not closed");
}

TEST(Csv, RefusesAStrayQuoteInAnUnquotedField) {
  expect_error("a,b\nab\"c,d\n", 2, 3, "quote inside an unquoted field");
}

TEST(Csv, RefusesTextAfterAClosingQuote) {
  expect_error("\"a\"b,c\n", 1, 4, "closing quote");
  expect_error("x\n\"a\" ,c\n", 2, 4, "closing quote");
}

TEST(Csv, RefusesInvalidUtf8WithItsPosition) {
  expect_error("a,b\nok,\xFF\n", 2, 4, "invalid UTF-8");
  expect_error("\xC0\xAF", 1, 1, "invalid UTF-8");        // overlong
  expect_error("ab\xED\xA0\x80", 1, 3, "invalid UTF-8");  // a surrogate
  expect_error("é\r\n\xE2\x82", 2, 1, "invalid UTF-8");   // truncated at the end
}

// Whatever the bytes, the reader answers (records or an error with a position): it never
// crashes, loops or reads out of bounds (run under the sanitizers in CI).
TEST(Csv, AnswersForArbitraryBytes) {
  std::mt19937 random(20261123);
  const std::string alphabet = "ab,\"\r\n\xC3\xA9\xFF ";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) text.push_back(alphabet[random() % alphabet.size()]);
    auto read = read_csv(text);
    if (!read.ok()) {
      ASSERT_EQ(read.error().details.size(), 1u);
      EXPECT_GE(read.error().details[0].line, 1);
      EXPECT_GE(read.error().details[0].column, 1);
    }
  }
}

}  // namespace
}  // namespace roost::domain
