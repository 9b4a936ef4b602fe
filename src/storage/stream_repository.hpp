#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

// Shared streams, their items and each user's columns (ADR 0024). Every change of a stream
// writes its audit event in the same transaction and locks the organization's row first,
// as team changes do.
namespace roost::storage {

struct StreamRecord {
  core::StreamId id;
  core::OrgId org;
  core::TeamId team;
  std::string name;
  std::string query;  // the canonical search-box form
  bool active = true;
  std::int64_t retention_items = 0;
  std::optional<core::UserId> created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // The JSON object {"<handle>": "<did>"} of the query's handles as resolved when it was
  // saved (ADR 0032); "{}" when it has none.
  std::string resolved_dids = "{}";
};

struct StreamDraft {
  core::TeamId team;
  std::string name;
  std::string query;
  bool active = true;
  std::int64_t retention_items = 0;
  core::UserId created_by;
  std::int64_t now_ms = 0;
  std::string resolved_dids = "{}";  // as StreamRecord::resolved_dids
};

// What an edit changes; an empty field stays as it is.
struct StreamChange {
  std::optional<std::string> name;
  std::optional<std::string> query;
  std::optional<std::string> resolved_dids;  // set with query
  std::optional<bool> active;
  std::optional<std::int64_t> retention_items;
  std::int64_t now_ms = 0;
};

struct StreamItemDraft {
  core::StreamId stream;
  std::string post_uri;
  std::string post_cid;
  std::string author_did;
  std::string text;
  std::string created_at;
  std::int64_t received_at_ms = 0;
};

struct StreamItemRecord {
  std::int64_t id = 0;
  core::StreamId stream;
  std::string post_uri;
  std::string post_cid;
  std::string author_did;
  std::string text;
  std::string created_at;
  std::int64_t received_at_ms = 0;
  // From the cache of authors' handles (ADR 0032); nullopt while not known.
  std::optional<std::string> author_handle;
};

struct StreamColumnRecord {
  core::StreamId stream;
  std::int64_t position = 0;
  std::int64_t width = 1;
};

class StreamRepository {
 public:
  explicit StreamRepository(Database& database) : database_(database) {}

  // not_found when the team is gone; conflict when the team has a stream of that name or
  // already core::limits::streams_per_team_max streams.
  core::Result<StreamRecord> create(const StreamDraft& draft, AuditEvent audit);
  core::Result<std::optional<StreamRecord>> find(core::StreamId id);
  // The team's streams by name then id, at most `limit`.
  core::Result<std::vector<StreamRecord>> list_for_team(core::TeamId team, std::size_t limit);
  // Every active stream of every organization, by id: what the matcher compiles.
  core::Result<std::vector<StreamRecord>> list_active(std::size_t limit);
  // not_found when the stream is gone; conflict for a name taken in its team.
  core::Result<StreamRecord> update(core::StreamId id, const StreamChange& change,
                                    AuditEvent audit);
  core::Result<void> remove(core::StreamId id, AuditEvent audit);
  // Changes whenever a stream is created, deleted, paused, resumed or its query edited
  // (triggers, so that cascades count): the matcher's cue to recompile.
  core::Result<std::int64_t> revision();

  // Stores the items in one transaction; returns those newly inserted. An item of a stream
  // that is gone or paused, or one already stored (the same post again), is skipped. Each
  // stream that got items is then trimmed to its retention.
  core::Result<std::vector<StreamItemRecord>> insert_items(std::span<const StreamItemDraft> items);
  // The stream's items newest first, older than `before_id` when given, at most `limit`.
  core::Result<std::vector<StreamItemRecord>> list_items(core::StreamId stream,
                                                         std::optional<std::int64_t> before_id,
                                                         std::size_t limit);

  // The user's columns in the organization by position.
  core::Result<std::vector<StreamColumnRecord>> list_columns(core::UserId user, core::OrgId org);
  // Replaces the user's columns in the organization with `columns` (positions as given).
  core::Result<void> replace_columns(core::UserId user, core::OrgId org,
                                     std::span<const StreamColumnRecord> columns);

 private:
  Database& database_;
};

}  // namespace roost::storage
