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
// A transaction the server rolled back to break a lock cycle or a serialization conflict:
// nothing was written, and the same work may succeed again, as after SQLite's busy.
constexpr std::string_view serialization_failure = "40001";
constexpr std::string_view deadlock_detected = "40P01";

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

bool connection_failure(std::string_view sqlstate) {
  return sqlstate.starts_with(connection_exception_class) || sqlstate == too_many_connections ||
         sqlstate.starts_with(operator_intervention_class);
}

core::ErrorCode code_for_sqlstate(std::string_view sqlstate) {
  if (sqlstate == unique_violation || sqlstate == foreign_key_violation) {
    return core::ErrorCode::conflict;
  }
  if (connection_failure(sqlstate) || sqlstate == serialization_failure ||
      sqlstate == deadlock_detected) {
    return core::ErrorCode::unavailable;
  }
  return core::ErrorCode::database_error;
}

EngineFailure failure(core::ErrorCode code, std::string_view message, bool connection_lost,
                      bool rerunnable = false) {
  return {core::make_error(code, "postgres: " + one_line(message)), connection_lost, rerunnable};
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
  } catch (const pqxx::deadlock_detected& error) {
    // libpqxx 6 throws these as transaction_rollback, not sql_error (no SQLSTATE to read).
    return failure(core::ErrorCode::unavailable, error.what(), false, true);
  } catch (const pqxx::serialization_failure& error) {
    return failure(core::ErrorCode::unavailable, error.what(), false, true);
  } catch (const pqxx::sql_error& error) {
    // A deadlock or serialization failure ends the transaction, not the connection.
    return failure(
        code_for_sqlstate(error.sqlstate()), error.what(), connection_failure(error.sqlstate()),
        error.sqlstate() == serialization_failure || error.sqlstate() == deadlock_detected);
  } catch (const std::exception& error) {
    return failure(core::ErrorCode::database_error, error.what(), false);
  }
}

}  // namespace roost::storage::postgres
