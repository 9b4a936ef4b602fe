#include "storage/inbox_repository.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "storage/profile_visibility.hpp"
#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view item_columns =
    "id, org_id, profile_id, post_uri, post_cid, kind, author_did, author_handle, text, "
    "post_created_at, received_at_ms, reply_root_uri, reply_root_cid, reply_parent_uri, "
    "reply_parent_cid, status, team_id, assignee_user_id, priority, routed_by_rule_id, "
    "reply_post_id, updated_at_ms";

// The same for reads: the author's handle from the cache of handles (ADR 0032) when it
// knows one, else the one stored with the item ('' when neither knows).
constexpr std::string_view item_read_columns =
    "id, org_id, profile_id, post_uri, post_cid, kind, author_did, "
    "COALESCE((SELECT handle FROM author_handles WHERE author_handles.did = "
    "inbox_items.author_did), author_handle), text, "
    "post_created_at, received_at_ms, reply_root_uri, reply_root_cid, reply_parent_uri, "
    "reply_parent_cid, status, team_id, assignee_user_id, priority, routed_by_rule_id, "
    "reply_post_id, updated_at_ms";

constexpr std::string_view rule_columns =
    "id, org_id, position, name, keywords, regex, author, profile_id, assign_team_id, tags, "
    "priority, created_at_ms, updated_at_ms, author_did";

std::optional<RecordRef> ref_of(const Row& row, std::size_t uri, std::size_t cid) {
  if (row.text(uri).empty()) return std::nullopt;
  return RecordRef{row.text(uri), row.text(cid)};
}

template <class Id>
std::optional<Id> optional_id(const Row& row, std::size_t index) {
  auto value = row.optional_integer(index);
  if (!value) return std::nullopt;
  return Id{*value};
}

template <class Id>
Value id_value(const std::optional<Id>& id) {
  if (!id) return nullptr;
  return id->value;
}

// The schema's CHECK constraints allow only these names.
InboxItemRecord to_item(const Row& row) {
  InboxItemRecord item;
  item.id = core::InboxItemId{row.integer(0)};
  item.org = core::OrgId{row.integer(1)};
  item.profile = core::ProfileId{row.integer(2)};
  item.post = RecordRef{row.text(3), row.text(4)};
  item.kind = domain::parse_inbox_kind(row.text(5)).value_or(domain::InboxKind::mention);
  item.author_did = row.text(6);
  item.author_handle = row.text(7);
  item.text = row.text(8);
  item.post_created_at = row.text(9);
  item.received_at_ms = row.integer(10);
  item.reply_root = ref_of(row, 11, 12);
  item.reply_parent = ref_of(row, 13, 14);
  item.status = domain::parse_inbox_status(row.text(15)).value_or(domain::InboxStatus::open);
  item.team = optional_id<core::TeamId>(row, 16);
  item.assignee = optional_id<core::UserId>(row, 17);
  item.priority =
      domain::parse_inbox_priority(row.text(18)).value_or(domain::InboxPriority::normal);
  item.routed_by_rule = optional_id<core::InboxRuleId>(row, 19);
  item.reply_post = optional_id<core::PostId>(row, 20);
  item.updated_at_ms = row.integer(21);
  return item;
}

std::vector<std::string> json_strings(const std::string& text) {
  std::vector<std::string> values;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return values;
  for (const auto& value : parsed) {
    if (value.is_string()) values.push_back(value.get<std::string>());
  }
  return values;
}

std::string json_text(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump();
}

InboxRuleRecord to_rule(const Row& row) {
  InboxRuleRecord record;
  record.rule.id = core::InboxRuleId{row.integer(0)};
  record.org = core::OrgId{row.integer(1)};
  record.position = row.integer(2);
  record.rule.name = row.text(3);
  record.rule.when.keywords = json_strings(row.text(4));
  record.rule.when.regex = row.text(5);
  record.rule.when.author = row.text(6);
  record.rule.when.profile = optional_id<core::ProfileId>(row, 7);
  record.rule.then.team = optional_id<core::TeamId>(row, 8);
  record.rule.then.tags = json_strings(row.text(9));
  if (auto priority = row.optional_text(10)) {
    record.rule.then.priority = domain::parse_inbox_priority(*priority);
  }
  record.created_at_ms = row.integer(11);
  record.updated_at_ms = row.integer(12);
  record.rule.when.author_did = row.text(13);
  return record;
}

core::Error no_such_item() {
  return core::make_error(core::ErrorCode::not_found, "no such inbox item");
}
core::Error no_such_rule() {
  return core::make_error(core::ErrorCode::not_found, "no such routing rule");
}

std::string ref_uri(const std::optional<RecordRef>& ref) { return ref ? ref->uri : ""; }
std::string ref_cid(const std::optional<RecordRef>& ref) { return ref ? ref->cid : ""; }

// Fills in the tags of `items` with one query.
core::Result<void> load_tags(Transaction& transaction, std::vector<InboxItemRecord>& items) {
  if (items.empty()) return core::success();
  std::vector<Value> params;
  for (const auto& item : items) params.emplace_back(item.id.value);
  auto rows = transaction.query("SELECT item_id, tag FROM inbox_item_tags WHERE item_id IN (" +
                                    placeholder_list(1, params.size()) + ") ORDER BY tag",
                                params);
  if (!rows) return std::move(rows).error();
  std::map<std::int64_t, std::vector<std::string>> tags;
  for (const auto& row : rows->rows) tags[row.integer(0)].push_back(row.text(1));
  for (auto& item : items) item.tags = std::move(tags[item.id.value]);
  return core::success();
}

core::Result<std::optional<InboxItemRecord>> find_item(Transaction& transaction, core::OrgId org,
                                                       core::InboxItemId id) {
  auto row = transaction.query_one("SELECT " + std::string(item_read_columns) +
                                       " FROM inbox_items WHERE org_id = $1 AND id = $2",
                                   {org.value, id.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<InboxItemRecord>{};
  std::vector<InboxItemRecord> items{to_item(**row)};
  if (auto tagged = load_tags(transaction, items); !tagged) return std::move(tagged).error();
  return std::optional<InboxItemRecord>(std::move(items.front()));
}

core::Result<void> write_tags(Transaction& transaction, core::InboxItemId item,
                              const std::vector<std::string>& tags) {
  auto cleared =
      transaction.execute("DELETE FROM inbox_item_tags WHERE item_id = $1", {item.value});
  if (!cleared) return std::move(cleared).error();
  for (const auto& tag : tags) {
    auto added = transaction.execute(
        "INSERT INTO inbox_item_tags (item_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        {item.value, tag});
    if (!added) return std::move(added).error();
  }
  return core::success();
}

core::Result<std::int64_t> count_open(Transaction& transaction, core::OrgId org, core::UserId user,
                                      core::InboxItemId except) {
  auto row = transaction.query_one(
      "SELECT COUNT(*) FROM inbox_items WHERE org_id = $1 AND assignee_user_id = $2 AND "
      "status IN ('open', 'pending') AND id <> $3",
      {org.value, user.value, except.value});
  if (!row) return std::move(row).error();
  return row->has_value() ? (*row)->integer(0) : 0;
}

core::Result<std::int64_t> rule_count(Transaction& transaction, core::OrgId org) {
  auto row =
      transaction.query_one("SELECT COUNT(*) FROM inbox_rules WHERE org_id = $1", {org.value});
  if (!row) return std::move(row).error();
  return row->has_value() ? (*row)->integer(0) : 0;
}

core::Result<std::optional<InboxRuleRecord>> find_rule_in(Transaction& transaction, core::OrgId org,
                                                          core::InboxRuleId id) {
  auto row = transaction.query_one(
      "SELECT " + std::string(rule_columns) + " FROM inbox_rules WHERE org_id = $1 AND id = $2",
      {org.value, id.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<InboxRuleRecord>{};
  return std::optional<InboxRuleRecord>(to_rule(**row));
}

// Makes room at `position` (1-based): the rules from there on move down one.
core::Result<void> open_position(Transaction& transaction, core::OrgId org, std::int64_t position) {
  auto moved = transaction.execute(
      "UPDATE inbox_rules SET position = position + 1 WHERE org_id = $1 AND position >= $2",
      {org.value, position});
  if (!moved) return std::move(moved).error();
  return core::success();
}

// Closes the gap a rule left at `position`: the rules after it move up one.
core::Result<void> close_position(Transaction& transaction, core::OrgId org,
                                  std::int64_t position) {
  auto moved = transaction.execute(
      "UPDATE inbox_rules SET position = position - 1 WHERE org_id = $1 AND position > $2",
      {org.value, position});
  if (!moved) return std::move(moved).error();
  return core::success();
}

std::vector<Value> rule_values(const domain::RoutingRule& rule) {
  Value priority = nullptr;
  if (rule.then.priority) priority = std::string(domain::inbox_priority_name(*rule.then.priority));
  return {rule.name,
          json_text(rule.when.keywords),
          rule.when.regex,
          rule.when.author,
          id_value(rule.when.profile),
          id_value(rule.then.team),
          json_text(rule.then.tags),
          priority,
          rule.when.author_did};
}

std::string rule_details(const domain::RoutingRule& rule, std::int64_t position) {
  return nlohmann::json{{"name", rule.name}, {"position", position}}.dump();
}

}  // namespace

core::Result<std::vector<InboxProfile>> InboxRepository::profiles_by_did(
    const std::vector<std::string>& dids) {
  std::vector<InboxProfile> profiles;
  if (dids.empty()) return profiles;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    for (std::size_t first = 0; first < dids.size();
         first += core::limits::inbox_did_lookup_chunk) {
      const std::size_t count = std::min(core::limits::inbox_did_lookup_chunk, dids.size() - first);
      std::vector<Value> params;
      for (std::size_t index = first; index < first + count; ++index)
        params.emplace_back(dids[index]);
      auto rows = transaction.query(
          "SELECT id, org_id, external_id, handle, display_name, owner_user_id FROM "
          "social_profiles WHERE network = 'bluesky' AND external_id IN (" +
              placeholder_list(1, count) + ")",
          params);
      if (!rows) return core::Result<void>(std::move(rows).error());
      for (const auto& row : rows->rows) {
        profiles.push_back({core::ProfileId{row.integer(0)}, core::OrgId{row.integer(1)},
                            row.text(2), row.text(3), row.text(4),
                            optional_id<core::UserId>(row, 5)});
      }
    }
    return core::success();
  });
  if (!done) return std::move(done).error();
  return profiles;
}

core::Result<std::optional<InboxItemRecord>> InboxRepository::insert(
    const NewInboxItem& item, std::int64_t now_ms, const InboxNoticeMaker& notices) {
  std::optional<InboxItemRecord> inserted;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto row = transaction.query_one(
        "INSERT INTO inbox_items (org_id, profile_id, post_uri, post_cid, kind, author_did, "
        "author_handle, text, post_created_at, received_at_ms, reply_root_uri, reply_root_cid, "
        "reply_parent_uri, reply_parent_cid, status, team_id, assignee_user_id, priority, "
        "routed_by_rule_id, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, 'open', $15, $16, $17, $18, $10) "
        "ON CONFLICT (org_id, profile_id, post_uri) DO NOTHING RETURNING " +
            std::string(item_columns),
        {item.org.value, item.profile.value, item.post.uri, item.post.cid,
         std::string(domain::inbox_kind_name(item.kind)), item.author_did, item.author_handle,
         item.text, item.post_created_at, now_ms, ref_uri(item.reply_root),
         ref_cid(item.reply_root), ref_uri(item.reply_parent), ref_cid(item.reply_parent),
         id_value(item.team), id_value(item.assignee),
         std::string(domain::inbox_priority_name(item.priority)), id_value(item.routed_by_rule)});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::success();  // already there: nothing new
    InboxItemRecord record = to_item(**row);
    if (record.author_handle.empty()) {
      auto cached = transaction.query_one(
          "SELECT handle FROM author_handles WHERE did = $1 AND handle IS NOT NULL",
          {record.author_did});
      if (!cached) return core::Result<void>(std::move(cached).error());
      if (cached->has_value()) record.author_handle = (*cached)->text(0);
    }
    if (auto tagged = write_tags(transaction, record.id, item.tags); !tagged) return tagged;
    record.tags = item.tags;
    std::sort(record.tags.begin(), record.tags.end());
    if (notices) {
      for (const auto& notice : notices(record)) {
        auto added = append_notification(transaction, notice.in_app);
        if (!added) return core::Result<void>(std::move(added).error());
        if (notice.mail) {
          auto queued = enqueue_mail(transaction, *notice.mail);
          if (!queued) return core::Result<void>(std::move(queued).error());
        }
      }
    }
    inserted = std::move(record);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return inserted;
}

core::Result<std::optional<InboxItemRecord>> InboxRepository::find(core::OrgId org,
                                                                   core::InboxItemId id) {
  std::optional<InboxItemRecord> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto item = find_item(transaction, org, id);
    if (!item) return core::Result<void>(std::move(item).error());
    found = std::move(*item);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::vector<InboxItemRecord>> InboxRepository::list(core::OrgId org,
                                                                 const InboxQuery& query) {
  std::string sql =
      "SELECT " + std::string(item_read_columns) + " FROM inbox_items WHERE org_id = $1";
  std::vector<Value> params{org.value};
  auto bind = [&params](Value value) {
    params.push_back(std::move(value));
    return placeholder(params.size());
  };
  if (query.visible_to) {
    const std::string user = bind(query.visible_to->value);
    sql += " AND profile_id IN (SELECT visible.profile_id FROM (" + granted_profiles_sql(user) +
           ") visible)";
  }
  if (query.status)
    sql += " AND status = " + bind(std::string(domain::inbox_status_name(*query.status)));
  if (query.profile) sql += " AND profile_id = " + bind(query.profile->value);
  if (query.team) sql += " AND team_id = " + bind(query.team->value);
  if (query.assignee) sql += " AND assignee_user_id = " + bind(query.assignee->value);
  if (query.unassigned) sql += " AND assignee_user_id IS NULL";
  if (query.kind) sql += " AND kind = " + bind(std::string(domain::inbox_kind_name(*query.kind)));
  if (query.tag) {
    sql += " AND id IN (SELECT item_id FROM inbox_item_tags WHERE tag = " + bind(*query.tag) + ")";
  }
  if (query.before) sql += " AND id < " + bind(query.before->value);
  sql += " ORDER BY id DESC LIMIT " + bind(static_cast<std::int64_t>(query.limit));
  std::vector<InboxItemRecord> items;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(sql, params);
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) items.push_back(to_item(row));
    return load_tags(transaction, items);
  });
  if (!done) return std::move(done).error();
  return items;
}

core::Result<std::int64_t> InboxRepository::open_items_of(core::OrgId org, core::UserId user) {
  std::int64_t count = 0;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto counted = count_open(transaction, org, user, core::InboxItemId{});
    if (!counted) return core::Result<void>(std::move(counted).error());
    count = *counted;
    return core::success();
  });
  if (!done) return std::move(done).error();
  return count;
}

core::Result<InboxItemRecord> InboxRepository::update(core::OrgId org, core::InboxItemId id,
                                                      const InboxItemChange& change,
                                                      std::int64_t now_ms, AuditEvent audit) {
  InboxItemRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    // Assignments of one organization serialize, so that two of them cannot both take a
    // member's last free place.
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto found = find_item(transaction, org, id);
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_item());
    InboxItemRecord item = std::move(**found);
    nlohmann::json details = nlohmann::json::object();
    if (change.assignee && *change.assignee != item.assignee) {
      if (*change.assignee && change.assignee_open_items_max > 0) {
        auto held = count_open(transaction, org, **change.assignee, id);
        if (!held) return core::Result<void>(std::move(held).error());
        if (*held >= change.assignee_open_items_max) {
          return core::Result<void>(
              core::make_error(core::ErrorCode::conflict,
                               "this member already has " + std::to_string(*held) +
                                   " open or pending items, the most one member may hold"));
        }
      }
      item.assignee = *change.assignee;
      details["assignee_user_id"] = item.assignee ? nlohmann::json(item.assignee->value) : nullptr;
    }
    if (change.team && *change.team != item.team) {
      item.team = *change.team;
      details["team_id"] = item.team ? nlohmann::json(item.team->value) : nullptr;
    }
    if (change.status && *change.status != item.status) {
      item.status = *change.status;
      details["status"] = domain::inbox_status_name(item.status);
    }
    if (change.priority && *change.priority != item.priority) {
      item.priority = *change.priority;
      details["priority"] = domain::inbox_priority_name(item.priority);
    }
    if (change.tags) {
      auto tags = *change.tags;
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      if (tags != item.tags) {
        if (auto written = write_tags(transaction, id, tags); !written) return written;
        item.tags = tags;
        details["tags"] = tags;
      }
    }
    if (details.empty()) {
      updated = std::move(item);
      return core::success();  // nothing changed: no audit event either
    }
    item.updated_at_ms = now_ms;
    auto written = transaction.execute(
        "UPDATE inbox_items SET status = $1, team_id = $2, assignee_user_id = $3, priority = $4, "
        "updated_at_ms = $5 WHERE id = $6",
        {std::string(domain::inbox_status_name(item.status)), id_value(item.team),
         id_value(item.assignee), std::string(domain::inbox_priority_name(item.priority)), now_ms,
         id.value});
    if (!written) return core::Result<void>(std::move(written).error());
    audit.org = org;
    audit.action = "inbox.item_updated";
    audit.target = "inbox_item:" + std::to_string(id.value);
    audit.details_json = details.dump();
    updated = std::move(item);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<InboxItemRecord> InboxRepository::set_reply_post(core::OrgId org, core::InboxItemId id,
                                                              core::PostId post,
                                                              std::int64_t now_ms,
                                                              AuditEvent audit) {
  InboxItemRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto written = transaction.execute(
        "UPDATE inbox_items SET reply_post_id = $1, updated_at_ms = $2 WHERE org_id = $3 AND "
        "id = $4",
        {post.value, now_ms, org.value, id.value});
    if (!written) return core::Result<void>(std::move(written).error());
    if (*written == 0) return core::Result<void>(no_such_item());
    auto found = find_item(transaction, org, id);
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_item());
    updated = std::move(**found);
    audit.org = org;
    audit.action = "inbox.replied";
    audit.target = "inbox_item:" + std::to_string(id.value);
    audit.details_json = nlohmann::json{{"post_id", post.value}}.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<InboxNoteRecord> InboxRepository::add_note(core::OrgId org, core::InboxItemId item,
                                                        core::UserId author,
                                                        const std::string& body,
                                                        std::int64_t now_ms, AuditEvent audit) {
  InboxNoteRecord note;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto found = transaction.query_one("SELECT id FROM inbox_items WHERE org_id = $1 AND id = $2",
                                       {org.value, item.value});
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_item());
    auto row = transaction.query_one(
        "INSERT INTO inbox_notes (item_id, author_user_id, body, created_at_ms) VALUES ($1, $2, "
        "$3, $4) RETURNING id",
        {item.value, author.value, body, now_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::internal, "no note id"));
    }
    auto name =
        transaction.query_one("SELECT display_name FROM users WHERE id = $1", {author.value});
    if (!name) return core::Result<void>(std::move(name).error());
    note = InboxNoteRecord{
        (*row)->integer(0), item, author, name->has_value() ? (*name)->text(0) : "", body, now_ms};
    audit.org = org;
    audit.action = "inbox.note_added";
    audit.target = "inbox_item:" + std::to_string(item.value);
    audit.details_json = nlohmann::json{{"note_id", note.id}}.dump();
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return note;
}

core::Result<std::vector<InboxNoteRecord>> InboxRepository::list_notes(core::InboxItemId item,
                                                                       std::size_t limit) {
  return query_all(database_,
                   "SELECT n.id, n.item_id, n.author_user_id, COALESCE(u.display_name, ''), "
                   "n.body, n.created_at_ms FROM inbox_notes n LEFT JOIN users u ON u.id = "
                   "n.author_user_id WHERE n.item_id = $1 ORDER BY n.id LIMIT $2",
                   {item.value, static_cast<std::int64_t>(limit)}, [](const Row& row) {
                     return InboxNoteRecord{row.integer(0),
                                            core::InboxItemId{row.integer(1)},
                                            optional_id<core::UserId>(row, 2),
                                            row.text(3),
                                            row.text(4),
                                            row.integer(5)};
                   });
}

core::Result<std::vector<InboxRuleRecord>> InboxRepository::list_rules(core::OrgId org) {
  return query_all(database_,
                   "SELECT " + std::string(rule_columns) +
                       " FROM inbox_rules WHERE org_id = $1 ORDER BY position, id",
                   {org.value}, to_rule);
}

core::Result<std::optional<InboxRuleRecord>> InboxRepository::find_rule(core::OrgId org,
                                                                        core::InboxRuleId id) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(rule_columns) + " FROM inbox_rules WHERE org_id = $1 AND id = $2",
      {org.value, id.value}, to_rule);
}

core::Result<InboxRuleRecord> InboxRepository::create_rule(core::OrgId org,
                                                           const domain::RoutingRule& rule,
                                                           std::optional<std::int64_t> position,
                                                           std::int64_t now_ms, AuditEvent audit) {
  InboxRuleRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto count = rule_count(transaction, org);
    if (!count) return core::Result<void>(std::move(count).error());
    if (*count >= static_cast<std::int64_t>(core::limits::inbox_rules_per_org_max)) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict,
          "the organization has " + std::to_string(*count) + " routing rules, the most it may"));
    }
    const std::int64_t at = std::clamp<std::int64_t>(position.value_or(*count + 1), 1, *count + 1);
    if (auto opened = open_position(transaction, org, at); !opened) return opened;
    auto values = rule_values(rule);
    std::vector<Value> params{org.value, at};
    params.insert(params.end(), values.begin(), values.end());
    params.emplace_back(now_ms);
    auto row = transaction.query_one(
        "INSERT INTO inbox_rules (org_id, position, name, keywords, regex, author, profile_id, "
        "assign_team_id, tags, priority, author_did, created_at_ms, updated_at_ms) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING " +
            std::string(rule_columns),
        params);
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(core::make_error(core::ErrorCode::internal, "no rule id"));
    }
    created = to_rule(**row);
    audit.org = org;
    audit.action = "inbox.rule_created";
    audit.target = "inbox_rule:" + std::to_string(created.rule.id.value);
    audit.details_json = rule_details(created.rule, at);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<InboxRuleRecord> InboxRepository::update_rule(core::OrgId org,
                                                           const domain::RoutingRule& rule,
                                                           std::optional<std::int64_t> position,
                                                           std::int64_t now_ms, AuditEvent audit) {
  InboxRuleRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto found = find_rule_in(transaction, org, rule.id);
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_rule());
    std::int64_t at = (*found)->position;
    if (position) {
      auto count = rule_count(transaction, org);
      if (!count) return core::Result<void>(std::move(count).error());
      if (auto closed = close_position(transaction, org, at); !closed) return closed;
      at = std::clamp<std::int64_t>(*position, 1, *count);
      if (auto opened = open_position(transaction, org, at); !opened) return opened;
    }
    auto values = rule_values(rule);
    std::vector<Value> params(values.begin(), values.end());
    params.emplace_back(at);
    params.emplace_back(now_ms);
    params.emplace_back(rule.id.value);
    auto row = transaction.query_one(
        "UPDATE inbox_rules SET name = $1, keywords = $2, regex = $3, author = $4, profile_id = "
        "$5, assign_team_id = $6, tags = $7, priority = $8, author_did = $9, position = $10, "
        "updated_at_ms = $11 WHERE id = $12 RETURNING " +
            std::string(rule_columns),
        params);
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::Result<void>(no_such_rule());
    updated = to_rule(**row);
    audit.org = org;
    audit.action = "inbox.rule_updated";
    audit.target = "inbox_rule:" + std::to_string(rule.id.value);
    audit.details_json = rule_details(updated.rule, at);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<std::vector<InboxRuleRecord>> InboxRepository::rules_awaiting_author(
    std::int64_t after_id, std::size_t limit) {
  return query_all(database_,
                   "SELECT " + std::string(rule_columns) +
                       " FROM inbox_rules WHERE author <> '' AND author_did = '' AND id > $1 "
                       "ORDER BY id LIMIT $2",
                   {after_id, static_cast<std::int64_t>(limit)}, to_rule);
}

core::Result<bool> InboxRepository::set_rule_author_did(core::InboxRuleId id,
                                                        const std::string& author,
                                                        const std::string& did) {
  auto changed = execute_statement(
      database_,
      "UPDATE inbox_rules SET author_did = $1 WHERE id = $2 AND author = $3 AND author_did = ''",
      {did, id.value, author});
  if (!changed) return std::move(changed).error();
  return *changed > 0;
}

core::Result<void> InboxRepository::delete_rule(core::OrgId org, core::InboxRuleId id,
                                                AuditEvent audit) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_organization(transaction, org); !locked) return locked;
    auto found = find_rule_in(transaction, org, id);
    if (!found) return core::Result<void>(std::move(found).error());
    if (!found->has_value()) return core::Result<void>(no_such_rule());
    auto deleted = transaction.execute("DELETE FROM inbox_rules WHERE id = $1", {id.value});
    if (!deleted) return core::Result<void>(std::move(deleted).error());
    if (auto closed = close_position(transaction, org, (*found)->position); !closed) return closed;
    audit.org = org;
    audit.action = "inbox.rule_deleted";
    audit.target = "inbox_rule:" + std::to_string(id.value);
    audit.details_json = nlohmann::json{{"name", (*found)->rule.name}}.dump();
    return append_audit_event(transaction, audit);
  });
}

}  // namespace roost::storage
