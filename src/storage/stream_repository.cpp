#include "storage/stream_repository.hpp"

#include <set>

#include "core/limits.hpp"
#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view stream_columns_sql =
    "id, org_id, team_id, name, query, active, retention_items, created_by_user_id, "
    "created_at_ms, updated_at_ms, resolved_dids";

StreamRecord to_stream(const Row& row) {
  StreamRecord record{core::StreamId{row.integer(0)},
                      core::OrgId{row.integer(1)},
                      core::TeamId{row.integer(2)},
                      row.text(3),
                      row.text(4),
                      row.integer(5) != 0,
                      row.integer(6),
                      std::nullopt,
                      row.integer(8),
                      row.integer(9)};
  if (auto user = row.optional_integer(7)) record.created_by = core::UserId{*user};
  record.resolved_dids = row.text(10);
  return record;
}

constexpr std::string_view item_columns_sql =
    "id, stream_id, post_uri, post_cid, author_did, text, created_at, received_at_ms";

// The same and the author's handle from the cache (ADR 0032), NULL while unknown.
constexpr std::string_view item_with_handle_columns_sql =
    "id, stream_id, post_uri, post_cid, author_did, text, created_at, received_at_ms, "
    "(SELECT handle FROM author_handles WHERE author_handles.did = stream_items.author_did)";

StreamItemRecord to_item(const Row& row) {
  return StreamItemRecord{row.integer(0), core::StreamId{row.integer(1)},
                          row.text(2),    row.text(3),
                          row.text(4),    row.text(5),
                          row.text(6),    row.integer(7)};
}

StreamItemRecord to_item_with_handle(const Row& row) {
  StreamItemRecord item = to_item(row);
  item.author_handle = row.optional_text(8);
  return item;
}

core::Error no_such_stream() {
  return core::make_error(core::ErrorCode::not_found, "no such stream");
}

core::Error taken_name() {
  return core::make_error(core::ErrorCode::conflict, "the team already has a stream of that name");
}

core::Result<bool> name_taken(Transaction& transaction, core::TeamId team, const std::string& name,
                              core::StreamId except) {
  auto row =
      transaction.query_one("SELECT id FROM streams WHERE team_id = $1 AND name = $2 AND id <> $3",
                            {team.value, name, except.value});
  if (!row) return std::move(row).error();
  return row->has_value();
}

core::Result<StreamRecord> select_stream(Transaction& transaction, core::StreamId id) {
  auto row = transaction.query_one(
      "SELECT " + std::string(stream_columns_sql) + " FROM streams WHERE id = $1", {id.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return no_such_stream();
  return to_stream(**row);
}

// Keeps the stream's newest `retention` items.
core::Result<void> trim(Transaction& transaction, core::StreamId stream) {
  auto trimmed = transaction.execute(
      "DELETE FROM stream_items WHERE stream_id = $1 AND id < ("
      "SELECT MIN(id) FROM (SELECT id FROM stream_items WHERE stream_id = $1 "
      "ORDER BY id DESC LIMIT (SELECT retention_items FROM streams WHERE id = $1)) newest)",
      {stream.value});
  if (!trimmed) return std::move(trimmed).error();
  return core::success();
}

}  // namespace

core::Result<StreamRecord> StreamRepository::create(const StreamDraft& draft, AuditEvent audit) {
  StreamRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto team = transaction.query_one("SELECT org_id FROM teams WHERE id = $1", {draft.team.value});
    if (!team) return core::Result<void>(std::move(team).error());
    if (!team->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such team"));
    }
    const core::OrgId org{(*team)->integer(0)};
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto taken = name_taken(transaction, draft.team, draft.name, core::StreamId{});
    if (!taken) return core::Result<void>(std::move(taken).error());
    if (*taken) return core::Result<void>(taken_name());
    auto count = transaction.query_one("SELECT COUNT(*) FROM streams WHERE team_id = $1",
                                       {draft.team.value});
    if (!count) return core::Result<void>(std::move(count).error());
    if (static_cast<std::size_t>((*count)->integer(0)) >= core::limits::streams_per_team_max) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict, "the team already has " +
                                         std::to_string(core::limits::streams_per_team_max) +
                                         " streams, the most a team may have"));
    }
    auto row = transaction.query_one(
        "INSERT INTO streams (org_id, team_id, name, query, active, retention_items, "
        "created_by_user_id, created_at_ms, updated_at_ms, resolved_dids) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8, $8, $9) RETURNING " +
            std::string(stream_columns_sql),
        {org.value, draft.team.value, draft.name, draft.query, std::int64_t{draft.active ? 1 : 0},
         draft.retention_items, draft.created_by.value, draft.now_ms, draft.resolved_dids});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
    }
    created = to_stream(**row);
    audit.org = org;
    if (audit.target.empty()) audit.target = "stream:" + std::to_string(created.id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<std::optional<StreamRecord>> StreamRepository::find(core::StreamId id) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + std::string(stream_columns_sql) + " FROM streams WHERE id = $1",
                        {id.value}, to_stream);
}

core::Result<std::vector<StreamRecord>> StreamRepository::list_for_team(core::TeamId team,
                                                                        std::size_t limit) {
  return query_all(database_,
                   "SELECT " + std::string(stream_columns_sql) +
                       " FROM streams WHERE team_id = $1 ORDER BY name, id LIMIT $2",
                   {team.value, static_cast<std::int64_t>(limit)}, to_stream);
}

core::Result<std::vector<StreamRecord>> StreamRepository::list_active(std::size_t limit) {
  return query_all(database_,
                   "SELECT " + std::string(stream_columns_sql) +
                       " FROM streams WHERE active = 1 ORDER BY id LIMIT $1",
                   {static_cast<std::int64_t>(limit)}, to_stream);
}

core::Result<StreamRecord> StreamRepository::update(core::StreamId id, const StreamChange& change,
                                                    AuditEvent audit) {
  StreamRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = select_stream(transaction, id);
    if (!current) return core::Result<void>(std::move(current).error());
    if (auto locked = lock_organization(transaction, current->org); !locked) return locked;
    if (change.name) {
      auto taken = name_taken(transaction, current->team, *change.name, id);
      if (!taken) return core::Result<void>(std::move(taken).error());
      if (*taken) return core::Result<void>(taken_name());
    }
    auto row = transaction.query_one(
        "UPDATE streams SET name = $2, query = $3, active = $4, retention_items = $5, "
        "updated_at_ms = $6, resolved_dids = $7 WHERE id = $1 RETURNING " +
            std::string(stream_columns_sql),
        {id.value, change.name.value_or(current->name), change.query.value_or(current->query),
         std::int64_t{change.active.value_or(current->active) ? 1 : 0},
         change.retention_items.value_or(current->retention_items), change.now_ms,
         change.resolved_dids.value_or(current->resolved_dids)});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::Result<void>(no_such_stream());
    updated = to_stream(**row);
    if (change.retention_items) {
      if (auto trimmed = trim(transaction, id); !trimmed) return trimmed;
    }
    audit.org = current->org;
    if (audit.target.empty()) audit.target = "stream:" + std::to_string(id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<void> StreamRepository::remove(core::StreamId id, AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = select_stream(transaction, id);
    if (!current) return core::Result<void>(std::move(current).error());
    if (auto locked = lock_organization(transaction, current->org); !locked) return locked;
    auto removed = transaction.execute("DELETE FROM streams WHERE id = $1", {id.value});
    if (!removed) return core::Result<void>(std::move(removed).error());
    audit.org = current->org;
    if (audit.target.empty()) audit.target = "stream:" + std::to_string(id.value);
    return append_audit_event(transaction, audit);
  });
}

core::Result<std::int64_t> StreamRepository::revision() {
  auto found = query_optional(database_, TransactionMode::read_only,
                              "SELECT revision FROM stream_set_revision WHERE id = 1", {},
                              [](const Row& row) { return row.integer(0); });
  if (!found) return std::move(found).error();
  return found->value_or(0);
}

core::Result<std::vector<StreamItemRecord>> StreamRepository::insert_items(
    std::span<const StreamItemDraft> items) {
  std::vector<StreamItemRecord> inserted;
  if (items.empty()) return inserted;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    std::set<std::int64_t> streams;
    for (const auto& item : items) {
      // The WHERE clause also keeps SQLite from reading ON CONFLICT as a join constraint.
      auto rows = transaction.query(
          "INSERT INTO stream_items (stream_id, post_uri, post_cid, author_did, text, "
          "created_at, received_at_ms) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS ("
          "SELECT 1 FROM streams WHERE id = $1 AND active = 1) "
          "ON CONFLICT (stream_id, post_uri) DO NOTHING RETURNING " +
              std::string(item_columns_sql),
          {item.stream.value, item.post_uri, item.post_cid, item.author_did, item.text,
           item.created_at, item.received_at_ms});
      if (!rows) return core::Result<void>(std::move(rows).error());
      for (const auto& row : rows->rows) {
        inserted.push_back(to_item(row));
        streams.insert(item.stream.value);
      }
    }
    // The handles already known, for the live events (one indexed read per new item).
    for (auto& record : inserted) {
      auto handle = transaction.query_one(
          "SELECT handle FROM author_handles WHERE did = $1 AND handle IS NOT NULL",
          {record.author_did});
      if (!handle) return core::Result<void>(std::move(handle).error());
      if (handle->has_value()) record.author_handle = (*handle)->text(0);
    }
    for (std::int64_t stream : streams) {
      if (auto trimmed = trim(transaction, core::StreamId{stream}); !trimmed) return trimmed;
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return inserted;
}

core::Result<std::vector<StreamItemRecord>> StreamRepository::list_items(
    core::StreamId stream, std::optional<std::int64_t> before_id, std::size_t limit) {
  return query_all(database_,
                   "SELECT " + std::string(item_with_handle_columns_sql) +
                       " FROM stream_items WHERE stream_id = $1 AND id < $2 "
                       "ORDER BY id DESC LIMIT $3",
                   {stream.value, before_id.value_or(INT64_MAX), static_cast<std::int64_t>(limit)},
                   to_item_with_handle);
}

core::Result<std::vector<StreamColumnRecord>> StreamRepository::list_columns(core::UserId user,
                                                                             core::OrgId org) {
  return query_all(
      database_,
      "SELECT stream_id, position, width FROM stream_columns "
      "WHERE user_id = $1 AND org_id = $2 ORDER BY position, stream_id",
      {user.value, org.value}, [](const Row& row) {
        return StreamColumnRecord{core::StreamId{row.integer(0)}, row.integer(1), row.integer(2)};
      });
}

core::Result<void> StreamRepository::replace_columns(core::UserId user, core::OrgId org,
                                                     std::span<const StreamColumnRecord> columns) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto cleared = transaction.execute(
        "DELETE FROM stream_columns WHERE user_id = $1 AND org_id = $2", {user.value, org.value});
    if (!cleared) return core::Result<void>(std::move(cleared).error());
    for (const auto& column : columns) {
      auto added = transaction.execute(
          "INSERT INTO stream_columns (user_id, org_id, stream_id, position, width) "
          "VALUES ($1, $2, $3, $4, $5)",
          {user.value, org.value, column.stream.value, column.position, column.width});
      if (!added) return core::Result<void>(std::move(added).error());
    }
    return core::success();
  });
}

}  // namespace roost::storage
