#include "storage/postgres/postgres_transaction.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <optional>
#include <string>

#include "storage/postgres/postgres_errors.hpp"

namespace roost::storage::postgres {

namespace {

// Type OIDs from pg_type.h; they are fixed for the built-in types.
constexpr pqxx::oid bool_oid = 16;
constexpr pqxx::oid bytea_oid = 17;
constexpr pqxx::oid int8_oid = 20;
constexpr pqxx::oid int2_oid = 21;
constexpr pqxx::oid int4_oid = 23;
constexpr pqxx::oid oid_oid = 26;
constexpr pqxx::oid float4_oid = 700;
constexpr pqxx::oid float8_oid = 701;
constexpr pqxx::oid numeric_oid = 1700;

constexpr char hex_digits[] = "0123456789abcdef";
// A double needs at most 24 characters in its shortest round-trip form.
constexpr std::size_t double_text_size_max = 32;

std::string bytea_hex(const Blob& blob) {
  std::string text = "\\x";
  text.reserve(2 + 2 * blob.bytes.size());
  for (const std::uint8_t byte : blob.bytes) {
    text += hex_digits[byte >> 4];
    text += hex_digits[byte & 0x0f];
  }
  return text;
}

std::string double_text(double real) {
  char buffer[double_text_size_max];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, real).ptr;
  return std::string(buffer, end);
}

std::optional<std::string> parameter_text(const Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&value)) return double_text(*real);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* blob = std::get_if<Blob>(&value)) return bytea_hex(*blob);
  return std::nullopt;
}

template <class Number>
std::optional<Number> parse_number(std::string_view text) {
  Number number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// numeric (e.g. SUM of a bigint column) comes back as a number where it fits, as SQLite
// returns it, so portable SQL needs no casts.
Value numeric_value(std::string_view text) {
  if (auto integer = parse_number<std::int64_t>(text)) return *integer;
  if (auto real = parse_number<double>(text)) return *real;
  return std::string(text);
}

Value field_value(const pqxx::field& field, pqxx::oid type) {
  if (field.is_null()) return nullptr;
  const std::string_view text(field.c_str(), field.size());
  switch (type) {
    case int2_oid:
    case int4_oid:
    case int8_oid:
    case oid_oid: return field.as<std::int64_t>();
    case float4_oid:
    case float8_oid: return parse_number<double>(text).value_or(0.0);
    case numeric_oid: return numeric_value(text);
    case bool_oid: return std::int64_t{text == "t" ? 1 : 0};
    case bytea_oid: {
      const pqxx::binarystring bytes(field);
      return Blob{{bytes.data(), bytes.data() + bytes.size()}};
    }
    default: return std::string(text);
  }
}

QueryResult convert(const pqxx::result& native) {
  QueryResult result;
  const auto column_count = native.columns();
  std::vector<pqxx::oid> types;
  for (pqxx::row::size_type column = 0; column < column_count; ++column) {
    result.columns.emplace_back(native.column_name(column));
    types.push_back(native.column_type(column));
  }
  result.rows.reserve(native.size());
  for (const auto& native_row : native) {
    std::vector<Value> values;
    values.reserve(column_count);
    for (pqxx::row::size_type column = 0; column < column_count; ++column) {
      values.push_back(field_value(native_row[column], types[column]));
    }
    result.rows.emplace_back(std::move(values));
  }
  result.affected_rows = static_cast<std::int64_t>(native.affected_rows());
  return result;
}

}  // namespace

core::Result<QueryResult> PostgresTransaction::run_query(std::string_view sql,
                                                         const std::vector<Value>& params) {
  auto text_ok = check_text_parameters(params);
  if (!text_ok.ok()) return std::move(text_ok).error();
  std::vector<std::optional<std::string>> texts;
  texts.reserve(params.size());
  for (const Value& value : params) texts.push_back(parameter_text(value));
  // libpqxx takes a runtime-sized parameter list as a sequence of one type: C strings,
  // with a null pointer for SQL NULL.
  std::vector<const char*> pointers;
  pointers.reserve(texts.size());
  for (const auto& text : texts) pointers.push_back(text ? text->c_str() : nullptr);
  try {
    return convert(
        transaction_.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(pointers)));
  } catch (const std::exception&) {
    auto failure = current_exception_failure();
    connection_lost_ = connection_lost_ || failure.connection_lost;
    rerunnable_ = rerunnable_ || failure.rerunnable;
    return failure.error;
  }
}

core::Result<void> PostgresTransaction::run_script(std::string_view sql) {
  try {
    transaction_.exec(std::string(sql));
    return core::success();
  } catch (const std::exception&) {
    auto failure = current_exception_failure();
    connection_lost_ = connection_lost_ || failure.connection_lost;
    rerunnable_ = rerunnable_ || failure.rerunnable;
    return failure.error;
  }
}

}  // namespace roost::storage::postgres
