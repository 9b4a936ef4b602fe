#pragma once

#include "storage/guarded_transaction.hpp"

namespace pqxx {
class transaction_base;
}

namespace roost::storage::postgres {

// Runs statements on an open libpqxx transaction; $N placeholders are sent to the server
// as they are, every parameter in text format (a Blob as bytea's hex text).
class PostgresTransaction final : public GuardedTransaction {
 public:
  explicit PostgresTransaction(pqxx::transaction_base& transaction) : transaction_(transaction) {}
  Backend backend() const override { return Backend::postgres; }
  bool connection_lost() const { return connection_lost_; }
  // A statement failed with a deadlock or a serialization failure (EngineFailure::rerunnable).
  bool rerunnable() const { return rerunnable_; }

 protected:
  core::Result<QueryResult> run_query(std::string_view sql,
                                      const std::vector<Value>& params) override;
  core::Result<void> run_script(std::string_view sql) override;

 private:
  pqxx::transaction_base& transaction_;
  bool connection_lost_ = false;
  bool rerunnable_ = false;
};

}  // namespace roost::storage::postgres
