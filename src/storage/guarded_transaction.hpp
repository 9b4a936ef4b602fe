#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// The part of a transaction both backends share: once a statement fails, the transaction
// is spent. PostgreSQL refuses every later statement of an aborted transaction, and SQLite
// would happily go on; making SQLite refuse too means code tested on one backend behaves
// the same on the other, and a swallowed error can never be committed.
class GuardedTransaction : public Transaction {
 public:
  core::Result<QueryResult> query(std::string_view sql, const std::vector<Value>& params) final;
  core::Result<void> execute_script(std::string_view sql) final;

  // The first error a statement of this transaction returned, if any.
  const std::optional<core::Error>& failure() const { return failure_; }

 protected:
  virtual core::Result<QueryResult> run_query(std::string_view sql,
                                              const std::vector<Value>& params) = 0;
  virtual core::Result<void> run_script(std::string_view sql) = 0;

 private:
  core::Error spent_error() const;

  std::optional<core::Error> failure_;
};

struct TransactionControl {
  std::function<core::Result<void>()> commit;
  std::function<void()> rollback;  // best effort: it runs on paths that already failed
};

// Runs `work` on an open transaction and ends it: commits on success; rolls back when the
// work returns an error, when a statement failed (even if the work ignored it), or when
// the work throws (the exception is rethrown after the rollback).
core::Result<void> run_transaction(GuardedTransaction& transaction, const TransactionWork& work,
                                   const TransactionControl& control);

// Text values travel as C strings to PostgreSQL, which cannot store NUL in text either:
// both backends refuse such a parameter instead of silently truncating it.
core::Result<void> check_text_parameters(const std::vector<Value>& params);

}  // namespace roost::storage
