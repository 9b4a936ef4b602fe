#pragma once

#include "storage/guarded_transaction.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace roost::storage::sqlite {

class SqliteTransaction final : public GuardedTransaction {
 public:
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(connection) {}
  Backend backend() const override { return Backend::sqlite; }

 protected:
  core::Result<QueryResult> run_query(std::string_view sql,
                                      const std::vector<Value>& params) override {
    return connection_.query(sql, params);
  }
  core::Result<void> run_script(std::string_view sql) override {
    return connection_.execute_script(sql);
  }

 private:
  SqliteConnection& connection_;
};

}  // namespace roost::storage::sqlite
