#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/result.hpp"
#include "domain/organization.hpp"

// The rules of a bulk member import (PRODUCT.md §1): a CSV with a header line naming the
// columns email (required), full_name, job_title, organization_role and teams (names
// separated by ';'). Header names are matched case-insensitively after trimming; an
// unknown or repeated column is an error of the whole file (a typo such as "emial" must
// not silently drop a column). The owner role cannot be imported: ownership is handed
// over with a transfer by an owner, never granted in bulk by an admin.
namespace roost::domain {

inline constexpr std::size_t job_title_length_max = 100;
inline constexpr std::size_t full_name_length_max = 100;

// One data row, validated as far as the file alone allows. `problems` name their line and
// column; the database checks (already a member, already invited) add theirs later.
struct ImportRow {
  int line = 0;
  int email_column = 0;
  std::string email;      // as stored
  std::string email_key;  // lower case, to find an account or an invitation
  std::string full_name;
  std::string job_title;
  OrgRole role = OrgRole::member;
  std::vector<std::string> teams;  // valid team names, each once, in file order
  std::vector<core::ErrorDetail> problems;
};

// The rows of the file in order, or ErrorCode::invalid_request for a file that cannot be
// imported at all (unreadable CSV or UTF-8, no header, no email column, an unknown or
// repeated column, no data rows, more than `rows_max` data rows), with details that name
// line and column.
core::Result<std::vector<ImportRow>> read_member_import(std::string_view csv, std::size_t rows_max);

}  // namespace roost::domain
