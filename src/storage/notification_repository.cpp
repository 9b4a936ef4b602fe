#include "storage/notification_repository.hpp"

namespace roost::storage {

core::Result<std::int64_t> append_notification(Transaction& transaction,
                                               const NotificationDraft& draft) {
  Value org = nullptr;
  if (draft.org) org = draft.org->value;
  auto row = transaction.query_one(
      "INSERT INTO notifications (user_id, org_id, kind, payload, created_at_ms) "
      "VALUES ($1, $2, $3, $4, $5) RETURNING id",
      {draft.user.value, org, draft.kind, draft.payload_json, draft.created_at_ms});
  if (!row) return std::move(row).error();
  if (!row->has_value()) {
    return core::make_error(core::ErrorCode::internal, "INSERT ... RETURNING returned no row");
  }
  return (*row)->integer(0);
}

}  // namespace roost::storage
