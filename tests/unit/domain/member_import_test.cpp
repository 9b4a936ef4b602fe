// The rules of a bulk member import: the header, each row's values, and the errors of the
// whole file, every one with its line and column.
#include "domain/member_import.hpp"

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

constexpr std::size_t rows_max = 500;

std::vector<ImportRow> rows_of(std::string_view csv) {
  auto rows = read_member_import(csv, rows_max);
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  return rows.ok() ? *rows : std::vector<ImportRow>{};
}

core::Error error_of(std::string_view csv) {
  auto rows = read_member_import(csv, rows_max);
  EXPECT_FALSE(rows.ok());
  return rows.ok() ? core::Error{} : rows.error();
}

TEST(MemberImport, ReadsEveryColumnWithAnyHeaderCaseAndOrder) {
  auto rows = rows_of(
      " Teams ,EMAIL,full_name,job_title,organization_role\r\n"
      "\"Web; Apps ;;Web\",Ada@Example.COM,Ada Lovelace,Analyst,Admin\r\n"
      ",grace@example.com,,,\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].problems.empty());
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(rows[0].email, "Ada@example.com");
  EXPECT_EQ(rows[0].email_key, "ada@example.com");
  EXPECT_EQ(rows[0].full_name, "Ada Lovelace");
  EXPECT_EQ(rows[0].job_title, "Analyst");
  EXPECT_EQ(rows[0].role, OrgRole::admin);
  EXPECT_EQ(rows[0].teams, (std::vector<std::string>{"Web", "Apps"}));
  EXPECT_EQ(rows[1].role, OrgRole::member);  // empty: member
  EXPECT_TRUE(rows[1].teams.empty());
}

TEST(MemberImport, OnlyTheEmailColumnIsRequired) {
  auto rows = rows_of("email\nada@example.com\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].problems.empty());
}

TEST(MemberImport, ReportsEachBadRowWithLineAndColumn) {
  auto rows = rows_of(
      "email,organization_role,teams\n"
      "not-an-address,member,\n"
      "ada@example.com,owner,\n"
      "grace@example.com,boss,\n"
      "ADA@example.com,,\n"
      "linus@example.com,member\n"
      "ken@example.com,member,\"x\x01y\"\n");
  ASSERT_EQ(rows.size(), 6u);
  auto only = [](const ImportRow& row) {
    EXPECT_EQ(row.problems.size(), 1u) << row.line;
    return row.problems.empty() ? core::ErrorDetail{} : row.problems[0];
  };
  auto bad_email = only(rows[0]);
  EXPECT_EQ(bad_email.field, "email");
  EXPECT_EQ(bad_email.line, 2);
  EXPECT_EQ(bad_email.column, 1);
  auto owner = only(rows[1]);
  EXPECT_EQ(owner.field, "organization_role");
  EXPECT_EQ(owner.column, 17);
  EXPECT_NE(owner.message.find("owner cannot be imported"), std::string::npos);
  EXPECT_EQ(only(rows[2]).message, "must be member or admin");
  auto repeated = only(rows[3]);
  EXPECT_EQ(repeated.message, "repeats the address of line 3");
  EXPECT_EQ(repeated.line, 5);
  auto short_row = only(rows[4]);
  EXPECT_EQ(short_row.field, "csv");
  EXPECT_EQ(short_row.message, "has 2 fields; the header has 3");
  auto bad_team = only(rows[5]);
  EXPECT_EQ(bad_team.field, "teams");
  EXPECT_EQ(bad_team.column, 24);
}

TEST(MemberImport, RefusesAFileWithoutAnEmailColumn) {
  auto error = error_of("full_name,teams\nAda,Web\n");
  EXPECT_EQ(error.code, core::ErrorCode::invalid_request);
  EXPECT_EQ(error.message, "the header has no email column");
  ASSERT_EQ(error.details.size(), 1u);
  EXPECT_EQ(error.details[0].line, 1);
}

TEST(MemberImport, RefusesUnknownAndRepeatedColumns) {
  auto unknown = error_of("email,emial\n");
  ASSERT_EQ(unknown.details.size(), 1u);
  EXPECT_EQ(unknown.details[0].column, 7);
  EXPECT_NE(unknown.message.find("unknown column \"emial\""), std::string::npos);
  auto repeated = error_of("email,Email\na@example.com,b@example.com\n");
  EXPECT_NE(repeated.message.find("appears twice"), std::string::npos);
}

TEST(MemberImport, RefusesMoreThanTheMaximumOfRows) {
  std::string csv = "email\n";
  for (int i = 0; i < 501; ++i) csv += "user" + std::to_string(i) + "@example.com\n";
  auto error = error_of(csv);
  EXPECT_EQ(error.message, "the file has 501 rows; at most 500 can be imported at once");
  ASSERT_EQ(error.details.size(), 1u);
  EXPECT_EQ(error.details[0].line, 502);  // the first row past the maximum
  csv.resize(csv.rfind("user500"));
  EXPECT_EQ(rows_of(csv).size(), 500u);
}

TEST(MemberImport, RefusesBadUtf8EmptyFilesAndHeaderOnlyFiles) {
  auto bad = error_of("email\n\xFF@example.com\n");
  ASSERT_EQ(bad.details.size(), 1u);
  EXPECT_EQ(bad.details[0].line, 2);
  EXPECT_EQ(bad.details[0].column, 1);
  EXPECT_NE(bad.message.find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(error_of("").message.find("empty"), std::string::npos);
  EXPECT_NE(error_of("\xEF\xBB\xBF"
                     "email\r\n")
                .message.find("no rows"),
            std::string::npos);
}

}  // namespace
}  // namespace roost::domain
