#include "storage/guarded_transaction.hpp"

#include <string>

namespace roost::storage {

core::Result<QueryResult> GuardedTransaction::query(std::string_view sql,
                                                    const std::vector<Value>& params) {
  if (failure_) return spent_error();
  auto result = run_query(sql, params);
  if (!result.ok()) failure_ = result.error();
  return result;
}

core::Result<void> GuardedTransaction::execute_script(std::string_view sql) {
  if (failure_) return spent_error();
  auto result = run_script(sql);
  if (!result.ok()) failure_ = result.error();
  return result;
}

core::Error GuardedTransaction::spent_error() const {
  return core::make_error(failure_->code,
                          "the transaction already failed (" + failure_->message + ")");
}

core::Result<void> run_transaction(GuardedTransaction& transaction, const TransactionWork& work,
                                   const TransactionControl& control) {
  core::Result<void> outcome;
  try {
    outcome = work(transaction);
  } catch (...) {
    control.rollback();
    throw;
  }
  if (!outcome.ok()) {
    control.rollback();
    return outcome;
  }
  if (transaction.failure()) {
    control.rollback();
    return *transaction.failure();
  }
  auto committed = control.commit();
  if (!committed.ok()) control.rollback();
  return committed;
}

core::Result<void> check_text_parameters(const std::vector<Value>& params) {
  for (std::size_t index = 0; index < params.size(); ++index) {
    const auto* text = std::get_if<std::string>(&params[index]);
    if (text != nullptr && text->find('\0') != std::string::npos) {
      return core::make_error(core::ErrorCode::database_error,
                              "parameter $" + std::to_string(index + 1) +
                                  " is text containing a NUL byte: bind binary data as a Blob");
    }
  }
  return core::success();
}

}  // namespace roost::storage
