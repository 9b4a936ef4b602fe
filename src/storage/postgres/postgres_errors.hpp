#pragma once

#include "core/error.hpp"

namespace roost::storage::postgres {

struct EngineFailure {
  core::Error error;
  bool connection_lost = false;  // the connection cannot be used again
  // A deadlock (40P01) or serialization failure (40001): the server rolled the transaction
  // back whole, so running its work again from the start is safe (ADR 0030).
  bool rerunnable = false;
};

// Call only inside a catch block: turns the libpqxx (or standard) exception in flight into
// an Error. Unique and foreign-key violations are conflicts; a lost connection, a server
// shutting down or refusing connections is unavailable, and so is a deadlock (40P01) or a
// serialization failure (40001) — retryable, as SQLite's busy is; the rest is a database
// error.
EngineFailure current_exception_failure();

}  // namespace roost::storage::postgres
