#include "domain/member_import.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "domain/csv.hpp"
#include "domain/email_address.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

enum class Column { email, full_name, job_title, organization_role, teams };

constexpr std::array<std::pair<std::string_view, Column>, 5> column_names{{
    {"email", Column::email},
    {"full_name", Column::full_name},
    {"job_title", Column::job_title},
    {"organization_role", Column::organization_role},
    {"teams", Column::teams},
}};

core::Error file_error(std::string message, std::string field, int line, int column) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, message);
  error.details.push_back({std::move(field), std::move(message), line, column});
  return error;
}

// Free text of a row (full name, job title): trimmed, at most `length_max` characters, no
// control characters.
std::optional<std::string> check_text(std::string_view value, std::size_t length_max,
                                      std::string* problem) {
  auto trimmed = trim(value);
  auto length = count_code_points(trimmed);
  if (length && *length > length_max) {
    *problem = fmt::format("must be at most {} characters", length_max);
    return std::nullopt;
  }
  if (has_control_characters(trimmed)) {
    *problem = "must not contain control characters or line breaks";
    return std::nullopt;
  }
  return std::string(trimmed);
}

void read_role(const CsvField& field, ImportRow& row) {
  auto name = core::ascii_lower(trim(field.value));
  if (name.empty() || name == "member") {
    row.role = OrgRole::member;
  } else if (name == "admin") {
    row.role = OrgRole::admin;
  } else if (name == "owner") {
    row.problems.push_back(
        {"organization_role",
         "owner cannot be imported: ownership is handed over by an owner (transfer)", row.line,
         field.column});
  } else {
    row.problems.push_back(
        {"organization_role", "must be member or admin", row.line, field.column});
  }
}

void read_teams(const CsvField& field, ImportRow& row) {
  std::string_view rest = field.value;
  while (true) {
    auto end = rest.find(';');
    auto name = trim(rest.substr(0, end));
    if (!name.empty()) {
      auto normalized = normalize_org_name(name, "teams");
      if (!normalized) {
        std::string message = normalized.error().details.empty()
                                  ? normalized.error().message
                                  : normalized.error().details.front().message;
        row.problems.push_back(
            {"teams", "team \"" + std::string(name) + "\" " + message, row.line, field.column});
      } else if (std::find(row.teams.begin(), row.teams.end(), *normalized) == row.teams.end()) {
        row.teams.push_back(*normalized);
      }
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
}

}  // namespace

core::Result<std::vector<ImportRow>> read_member_import(std::string_view csv,
                                                        std::size_t rows_max) {
  auto records = read_csv(csv);
  if (!records) return std::move(records).error();
  if (records->empty()) {
    return file_error("the file is empty: it needs a header line naming an email column", "csv", 1,
                      1);
  }
  const CsvRecord& header = records->front();
  std::map<Column, std::size_t> index_of;
  for (std::size_t index = 0; index < header.fields.size(); ++index) {
    const CsvField& field = header.fields[index];
    auto name = core::ascii_lower(trim(field.value));
    auto known = std::find_if(column_names.begin(), column_names.end(),
                              [&](const auto& entry) { return entry.first == name; });
    if (known == column_names.end()) {
      return file_error("unknown column \"" + std::string(trim(field.value)) +
                            "\"; the columns are email, full_name, job_title, "
                            "organization_role and teams",
                        "header", field.line, field.column);
    }
    if (!index_of.emplace(known->second, index).second) {
      return file_error("the column \"" + name + "\" appears twice", "header", field.line,
                        field.column);
    }
  }
  if (!index_of.contains(Column::email)) {
    return file_error("the header has no email column", "header", header.line, 1);
  }
  const std::size_t data_rows = records->size() - 1;
  if (data_rows == 0) return file_error("the file has no rows after its header", "csv", 2, 1);
  if (data_rows > rows_max) {
    return file_error(fmt::format("the file has {} rows; at most {} can be imported at once",
                                  data_rows, rows_max),
                      "csv", (*records)[rows_max + 1].line, 1);
  }

  std::vector<ImportRow> rows;
  rows.reserve(data_rows);
  std::map<std::string, int> line_of_email;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& record = (*records)[r];
    ImportRow row;
    row.line = record.line;
    if (record.fields.size() != header.fields.size()) {
      int column = record.fields.size() > header.fields.size()
                       ? record.fields[header.fields.size()].column
                       : record.fields.back().column;
      row.problems.push_back({"csv",
                              fmt::format("has {} fields; the header has {}", record.fields.size(),
                                          header.fields.size()),
                              row.line, column});
      rows.push_back(std::move(row));
      continue;
    }
    auto field_of = [&](Column column) -> const CsvField* {
      auto found = index_of.find(column);
      return found == index_of.end() ? nullptr : &record.fields[found->second];
    };
    const CsvField* email = field_of(Column::email);
    row.email_column = email->column;
    auto parsed = EmailAddress::parse(email->value);
    if (!parsed) {
      row.problems.push_back(
          {"email", parsed.error().details.front().message, row.line, email->column});
    } else {
      row.email = parsed->value();
      row.email_key = parsed->lookup_key();
      auto [earlier, inserted] = line_of_email.emplace(row.email_key, row.line);
      if (!inserted) {
        row.problems.push_back({"email",
                                "repeats the address of line " + std::to_string(earlier->second),
                                row.line, email->column});
      }
    }
    std::string problem;
    if (const CsvField* field = field_of(Column::full_name)) {
      if (auto text = check_text(field->value, full_name_length_max, &problem)) {
        row.full_name = *text;
      } else {
        row.problems.push_back({"full_name", problem, row.line, field->column});
      }
    }
    if (const CsvField* field = field_of(Column::job_title)) {
      if (auto text = check_text(field->value, job_title_length_max, &problem)) {
        row.job_title = *text;
      } else {
        row.problems.push_back({"job_title", problem, row.line, field->column});
      }
    }
    if (const CsvField* field = field_of(Column::organization_role)) read_role(*field, row);
    if (const CsvField* field = field_of(Column::teams)) read_teams(*field, row);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace roost::domain
