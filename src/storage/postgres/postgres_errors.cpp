#include "storage/postgres/postgres_errors.hpp"

#include <pqxx/except>

#include <exception>
#include <string>
#include <string_view>

namespace roost::storage::postgres {

namespace {

constexpr std::string_view unique_violation = "23505";
constexpr std::string_view foreign_key_violation = "23503";
constexpr std::string_view connection_exception_class = "08";
constexpr std::string_view too_many_connections = "53300";
constexpr std::string_view operator_intervention_class = "57P";  // shutdown, cannot connect now

// libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...");
// a log line should not.
std::string one_line(std::string_view text) {
  std::string line;
  bool pending_space = false;
  for (const char character : text) {
    if (character == '\n' || character == '\r' || character == '\t') {
      pending_space = !line.empty();
      continue;
    }
    if (pending_space && character != ' ') line += ' ';
    pending_space = false;
    line += character;
  }
  return line;
}

core::ErrorCode code_for_sqlstate(std::string_view sqlstate) {
  if (sqlstate == unique_violation || sqlstate == foreign_key_violation) {
    return core::ErrorCode::conflict;
  }
  if (sqlstate.starts_with(connection_exception_class) || sqlstate == too_many_connections ||
      sqlstate.starts_with(operator_intervention_class)) {
    return core::ErrorCode::unavailable;
  }
  return core::ErrorCode::database_error;
}

EngineFailure failure(core::ErrorCode code, std::string_view message, bool connection_lost) {
  return {core::make_error(code, "postgres: " + one_line(message)), connection_lost};
}

}  // namespace

EngineFailure current_exception_failure() {
  try {
    throw;
  } catch (const pqxx::broken_connection& error) {
    return failure(core::ErrorCode::unavailable, error.what(), true);
  } catch (const pqxx::in_doubt_error& error) {
    // The connection died during COMMIT: whether it committed is unknown.
    return failure(core::ErrorCode::unavailable, error.what(), true);
  } catch (const pqxx::sql_error& error) {
    const core::ErrorCode code = code_for_sqlstate(error.sqlstate());
    return failure(code, error.what(), code == core::ErrorCode::unavailable);
  } catch (const std::exception& error) {
    return failure(core::ErrorCode::database_error, error.what(), false);
  }
}

}  // namespace roost::storage::postgres
