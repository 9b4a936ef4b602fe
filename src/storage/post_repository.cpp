#include "storage/post_repository.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "storage/post_lifecycle.hpp"
#include "storage/profile_visibility.hpp"
#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

core::Error no_such_post() { return core::make_error(core::ErrorCode::not_found, "no such post"); }

core::Error wrong_state(PostState state, std::string_view action) {
  return core::make_error(core::ErrorCode::conflict, "a post that is " +
                                                         std::string(post_state_name(state)) +
                                                         " cannot be " + std::string(action));
}

bool one_of(PostState state, std::initializer_list<PostState> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

std::string join_langs(const std::vector<std::string>& langs) {
  std::string joined;
  for (const auto& lang : langs) {
    if (!joined.empty()) joined += ',';
    joined += lang;
  }
  return joined;
}

Value optional_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return *text;
}

Value ref_uri(const std::optional<RecordRef>& ref) {
  if (!ref) return nullptr;
  return ref->uri;
}

Value ref_cid(const std::optional<RecordRef>& ref) {
  if (!ref) return nullptr;
  return ref->cid;
}

Value optional_integer(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

// The content columns create and update_draft both write, from $first on, in this order:
// base_text, langs, the six ref columns, scheduled_at_ms, time_zone, local_time,
// wall_time_rule, calendar_at_ms.
constexpr std::size_t content_column_count = 13;

std::vector<Value> content_values(const std::string& text, const std::vector<std::string>& langs,
                                  const std::optional<RecordRef>& reply_root,
                                  const std::optional<RecordRef>& reply_parent,
                                  const std::optional<RecordRef>& subject,
                                  const PostSchedule& schedule, std::int64_t now_ms) {
  return {text,
          join_langs(langs),
          ref_uri(reply_root),
          ref_cid(reply_root),
          ref_uri(reply_parent),
          ref_cid(reply_parent),
          ref_uri(subject),
          ref_cid(subject),
          optional_integer(schedule.at_ms),
          schedule.time_zone,
          schedule.local_time,
          schedule.wall_time_rule,
          schedule.at_ms.value_or(now_ms)};
}

core::Result<void> check_targets(Transaction& transaction, core::OrgId org,
                                 const std::vector<NewTarget>& targets) {
  if (targets.empty()) {
    return core::make_error(core::ErrorCode::invalid_request, "a post needs at least one profile");
  }
  if (targets.size() > core::limits::post_targets_max) {
    return core::make_error(core::ErrorCode::invalid_request, "a post has too many profiles");
  }
  for (const auto& target : targets) {
    auto row = transaction.query_one("SELECT org_id FROM social_profiles WHERE id = $1",
                                     {target.profile.value});
    if (!row) return std::move(row).error();
    if (!row->has_value() || (*row)->integer(0) != org.value) {
      return core::make_error(core::ErrorCode::not_found, "no such profile in this organization: " +
                                                              std::to_string(target.profile.value));
    }
  }
  return core::success();
}

core::Result<void> insert_targets(Transaction& transaction, core::PostId post,
                                  const std::vector<NewTarget>& targets) {
  for (const auto& target : targets) {
    auto inserted = transaction.execute(
        "INSERT INTO post_targets (post_id, profile_id, text_override, text_hash, state) "
        "VALUES ($1, $2, $3, $4, 'pending')",
        {post.value, target.profile.value, optional_text(target.text_override), target.text_hash});
    if (!inserted) return std::move(inserted).error();
  }
  return core::success();
}

core::Result<void> insert_images(Transaction& transaction, core::PostId post,
                                 const std::vector<NewImage>& images) {
  for (std::size_t position = 0; position < images.size(); ++position) {
    const auto& image = images[position];
    auto inserted = transaction.execute(
        "INSERT INTO post_images (post_id, position, bytes, mime_type, alt_text, width, height) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {post.value, static_cast<std::int64_t>(position), Blob{image.bytes}, image.mime_type,
         image.alt_text, image.width, image.height});
    if (!inserted) return std::move(inserted).error();
  }
  return core::success();
}

core::Result<std::optional<PostRecord>> find_keyed_post(Transaction& transaction,
                                                        const NewPost& post,
                                                        std::string* request_hash) {
  auto row = transaction.query_one(
      "SELECT id, request_hash FROM posts WHERE org_id = $1 AND author_user_id = $2 "
      "AND idempotency_key = $3",
      {post.org.value, post.author.value, post.idempotency->key});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<PostRecord>{};
  *request_hash = (*row)->optional_text(1).value_or("");
  return post_lifecycle::load(transaction, post.org, core::PostId{(*row)->integer(0)});
}

// The replay of an earlier create with the same key, or the conflict of a reused key.
core::Result<CreatedPost> replay(PostRecord existing, const std::string& stored_hash,
                                 const IdempotencyKey& idempotency) {
  if (stored_hash != idempotency.request_hash) {
    return core::make_error(core::ErrorCode::conflict,
                            "this Idempotency-Key was used for another request");
  }
  return CreatedPost{std::move(existing), true};
}

// Loads the post of `org`, or not_found.
core::Result<PostRecord> load_existing(Transaction& transaction, core::OrgId org,
                                       core::PostId post) {
  auto loaded = post_lifecycle::load(transaction, org, post);
  if (!loaded) return std::move(loaded).error();
  if (!loaded->has_value()) return no_such_post();
  return std::move(**loaded);
}

core::Result<void> append_post_audit(Transaction& transaction, core::OrgId org, core::PostId post,
                                     AuditEvent audit, std::string_view action,
                                     const nlohmann::json& details) {
  audit.org = org;
  if (audit.action.empty()) audit.action = std::string(action);
  audit.target = "post:" + std::to_string(post.value);
  audit.details_json = details.dump();
  return append_audit_event(transaction, audit);
}

}  // namespace

core::Result<CreatedPost> PostRepository::create(const NewPost& post, std::int64_t now_us,
                                                 AuditEvent audit) {
  if (!one_of(post.state, {PostState::draft, PostState::pending_approval, PostState::scheduled})) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "a new post is a draft, pending approval or scheduled");
  }
  const std::int64_t now_ms = core::us_to_ms(now_us);
  CreatedPost created;
  auto write = [&](Transaction& transaction) -> core::Result<void> {
    if (post.idempotency) {
      std::string stored_hash;
      auto existing = find_keyed_post(transaction, post, &stored_hash);
      if (!existing) return std::move(existing).error();
      if (existing->has_value()) {
        auto replayed = replay(std::move(**existing), stored_hash, *post.idempotency);
        if (!replayed) return std::move(replayed).error();
        created = std::move(*replayed);
        return core::success();
      }
    }
    if (auto checked = check_targets(transaction, post.org, post.targets); !checked) {
      return checked;
    }
    std::vector<Value> params{post.org.value, post.author.value,
                              std::string(post_kind_name(post.kind)),
                              std::string(post_state_name(post.state))};
    auto content = content_values(post.text, post.langs, post.reply_root, post.reply_parent,
                                  post.subject, post.schedule, now_ms);
    // Publish now: scheduled without an instant is scheduled now.
    if (post.state == PostState::scheduled && !post.schedule.at_ms) content[8] = now_ms;
    params.insert(params.end(), content.begin(), content.end());
    params.emplace_back(post.idempotency ? Value{post.idempotency->key} : Value{nullptr});
    params.emplace_back(post.idempotency ? Value{post.idempotency->request_hash} : Value{nullptr});
    params.emplace_back(now_ms);
    auto row = transaction.query_one(
        "INSERT INTO posts (org_id, author_user_id, kind, state, base_text, langs, "
        "reply_root_uri, reply_root_cid, reply_parent_uri, reply_parent_cid, subject_uri, "
        "subject_cid, scheduled_at_ms, time_zone, local_time, wall_time_rule, calendar_at_ms, "
        "idempotency_key, request_hash, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) "
        "RETURNING id",
        params);
    if (!row) return std::move(row).error();
    if (!row->has_value()) return core::make_error(core::ErrorCode::internal, "no id returned");
    const core::PostId id{(*row)->integer(0)};
    if (auto targets = insert_targets(transaction, id, post.targets); !targets) return targets;
    if (auto images = insert_images(transaction, id, post.images); !images) return images;
    if (post.state == PostState::scheduled) {
      const std::int64_t due_at_ms = post.schedule.at_ms.value_or(now_ms);
      if (auto queued = post_lifecycle::queue_jobs(transaction, id, due_at_ms, now_us); !queued) {
        return queued;
      }
    }
    nlohmann::json details{{"kind", post_kind_name(post.kind)},
                           {"state", post_state_name(post.state)},
                           {"profiles", nlohmann::json::array()}};
    for (const auto& target : post.targets) details["profiles"].push_back(target.profile.value);
    if (auto appended =
            append_post_audit(transaction, post.org, id, audit, "post.created", details);
        !appended) {
      return appended;
    }
    auto loaded = load_existing(transaction, post.org, id);
    if (!loaded) return std::move(loaded).error();
    created = CreatedPost{std::move(*loaded), false};
    return core::success();
  };
  auto done = database_.transact(TransactionMode::read_write, write);
  if (!done && post.idempotency && done.error().code == core::ErrorCode::conflict) {
    // Two requests with one key at once: the second one's insert lost the race on the
    // unique key. Read what the first one made and answer as a replay would.
    auto again = database_.transact(TransactionMode::read_write, write);
    if (!again) return std::move(again).error();
    return created;
  }
  if (!done) return std::move(done).error();
  return created;
}

core::Result<std::optional<PostRecord>> PostRepository::find(core::OrgId org, core::PostId post) {
  std::optional<PostRecord> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto loaded = post_lifecycle::load(transaction, org, post);
    if (!loaded) return core::Result<void>(std::move(loaded).error());
    found = std::move(*loaded);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::optional<CreatedPost>> PostRepository::find_by_idempotency_key(
    core::OrgId org, core::UserId author, const IdempotencyKey& key) {
  std::optional<CreatedPost> found;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    NewPost probe;
    probe.org = org;
    probe.author = author;
    probe.idempotency = key;
    std::string stored_hash;
    auto existing = find_keyed_post(transaction, probe, &stored_hash);
    if (!existing) return core::Result<void>(std::move(existing).error());
    if (!existing->has_value()) return core::success();
    auto replayed = replay(std::move(**existing), stored_hash, key);
    if (!replayed) return core::Result<void>(std::move(replayed).error());
    found = std::move(*replayed);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

core::Result<std::optional<Blob>> PostRepository::image_bytes(core::OrgId org, core::PostId post,
                                                              std::int64_t position) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT i.bytes FROM post_images i JOIN posts p ON p.id = i.post_id "
                        "WHERE i.post_id = $1 AND p.org_id = $2 AND i.position = $3",
                        {post.value, org.value, position},
                        [](const Row& row) { return row.blob(0); });
}

core::Result<CalendarPage> PostRepository::list_calendar(const CalendarQuery& query) {
  const std::size_t limit =
      std::clamp<std::size_t>(query.limit, 1, core::limits::calendar_page_size_max);
  std::vector<Value> params{query.org.value, query.from_ms, query.until_ms};
  auto next_param = [&params](Value value) {
    params.push_back(std::move(value));
    return placeholder(params.size());
  };
  std::string sql = "SELECT " + post_lifecycle::post_columns +
                    " FROM posts p WHERE p.org_id = $1 AND p.calendar_at_ms >= $2 "
                    "AND p.calendar_at_ms < $3";
  if (!query.states.empty()) {
    const std::size_t first = params.size() + 1;
    for (auto state : query.states) params.emplace_back(std::string(post_state_name(state)));
    sql += " AND p.state IN (" + placeholder_list(first, query.states.size()) + ")";
  }
  if (query.after) {
    const auto at = next_param(query.after->at_ms);
    const auto id = next_param(query.after->post.value);
    sql += " AND (p.calendar_at_ms > " + at + " OR (p.calendar_at_ms = " + at + " AND p.id > " +
           id + "))";
  }
  // Each target filter narrows which targets count; a post is listed when one target passes
  // them all.
  std::string target_filter;
  if (!query.profiles.empty()) {
    const std::size_t first = params.size() + 1;
    for (auto profile : query.profiles) params.emplace_back(profile.value);
    target_filter +=
        " AND t.profile_id IN (" + placeholder_list(first, query.profiles.size()) + ")";
  }
  if (query.team) {
    target_filter +=
        " AND t.profile_id IN (SELECT tg.profile_id FROM team_profile_grants tg "
        "WHERE tg.team_id = " +
        next_param(query.team->value) + ")";
  }
  if (query.visible_to) {
    target_filter += " AND t.profile_id IN (SELECT v.profile_id FROM (" +
                     granted_profiles_sql(next_param(query.visible_to->value)) + ") v)";
  }
  sql += " AND EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id" + target_filter + ")";
  sql +=
      " ORDER BY p.calendar_at_ms, p.id LIMIT " + next_param(static_cast<std::int64_t>(limit + 1));
  CalendarPage page;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(sql, params);
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) {
      if (page.posts.size() == limit) {
        const auto& last = page.posts.back();
        page.next = CalendarCursor{last.calendar_at_ms, last.id};
        break;
      }
      page.posts.push_back(post_lifecycle::to_post(row));
    }
    return post_lifecycle::attach_details(transaction, page.posts, query.visible_to);
  });
  if (!done) return std::move(done).error();
  return page;
}

core::Result<std::vector<SameTextPost>> PostRepository::find_same_text(
    core::ProfileId profile, const std::string& text_hash, std::int64_t from_ms,
    std::int64_t until_ms, std::optional<core::PostId> excluding) {
  return query_all(database_,
                   "SELECT p.id, p.author_user_id, p.state, p.calendar_at_ms FROM post_targets t "
                   "JOIN posts p ON p.id = t.post_id WHERE t.profile_id = $1 AND t.text_hash = $2 "
                   "AND p.calendar_at_ms >= $3 AND p.calendar_at_ms < $4 AND p.id <> $5 "
                   "AND p.state NOT IN ('draft', 'rejected', 'cancelled', 'failed', 'expired') "
                   "ORDER BY p.calendar_at_ms, p.id",
                   {profile.value, text_hash, from_ms, until_ms, excluding ? excluding->value : 0},
                   [](const Row& row) {
                     SameTextPost found;
                     found.post = core::PostId{row.integer(0)};
                     if (auto author = row.optional_integer(1))
                       found.author = core::UserId{*author};
                     found.state = parse_post_state(row.text(2)).value_or(PostState::draft);
                     found.calendar_at_ms = row.integer(3);
                     return found;
                   });
}

core::Result<PostRecord> PostRepository::update_draft(core::OrgId org, core::PostId post,
                                                      const DraftChange& change,
                                                      std::int64_t now_us, AuditEvent audit) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  PostRecord updated;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = load_existing(transaction, org, post);
    if (!current) return core::Result<void>(std::move(current).error());
    if (!one_of(current->state, {PostState::draft, PostState::rejected, PostState::expired})) {
      return core::Result<void>(wrong_state(current->state, "edited"));
    }
    if (auto checked = check_targets(transaction, org, change.targets); !checked) return checked;
    auto params = content_values(change.text, change.langs, change.reply_root, change.reply_parent,
                                 change.subject, change.schedule, current->created_at_ms);
    params.insert(params.begin(), post.value);
    params.emplace_back(now_ms);
    static_assert(content_column_count == 13);
    auto written = transaction.execute(
        "UPDATE posts SET state = 'draft', base_text = $2, langs = $3, reply_root_uri = $4, "
        "reply_root_cid = $5, reply_parent_uri = $6, reply_parent_cid = $7, subject_uri = $8, "
        "subject_cid = $9, scheduled_at_ms = $10, time_zone = $11, local_time = $12, "
        "wall_time_rule = $13, calendar_at_ms = $14, updated_at_ms = $15 WHERE id = $1",
        params);
    if (!written) return core::Result<void>(std::move(written).error());
    auto cleared = transaction.execute("DELETE FROM post_targets WHERE post_id = $1", {post.value});
    if (!cleared) return core::Result<void>(std::move(cleared).error());
    if (auto targets = insert_targets(transaction, post, change.targets); !targets) return targets;
    if (change.images) {
      auto removed =
          transaction.execute("DELETE FROM post_images WHERE post_id = $1", {post.value});
      if (!removed) return core::Result<void>(std::move(removed).error());
      if (auto images = insert_images(transaction, post, *change.images); !images) return images;
    }
    if (auto appended = append_post_audit(transaction, org, post, audit, "post.updated",
                                          nlohmann::json::object());
        !appended) {
      return appended;
    }
    auto loaded = load_existing(transaction, org, post);
    if (!loaded) return core::Result<void>(std::move(loaded).error());
    updated = std::move(*loaded);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return updated;
}

core::Result<PostRecord> PostRepository::submit_for_approval(core::OrgId org, core::PostId post,
                                                             std::int64_t now_us,
                                                             AuditEvent audit) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  PostRecord submitted;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = load_existing(transaction, org, post);
    if (!current) return core::Result<void>(std::move(current).error());
    if (!one_of(current->state, {PostState::draft, PostState::rejected, PostState::expired})) {
      return core::Result<void>(wrong_state(current->state, "submitted for approval"));
    }
    // The post's row, then its targets (the lock order of post_lifecycle.hpp).
    auto moved = transaction.execute(
        "UPDATE posts SET state = 'pending_approval', updated_at_ms = $2 WHERE id = $1",
        {post.value, now_ms});
    if (!moved) return core::Result<void>(std::move(moved).error());
    auto targets = transaction.execute(
        "UPDATE post_targets SET state = 'pending', decision = NULL, approver_user_id = NULL, "
        "approval_comment = '', decided_at_ms = NULL WHERE post_id = $1",
        {post.value});
    if (!targets) return core::Result<void>(std::move(targets).error());
    if (auto appended = append_post_audit(transaction, org, post, audit, "post.submitted",
                                          nlohmann::json::object());
        !appended) {
      return appended;
    }
    auto loaded = load_existing(transaction, org, post);
    if (!loaded) return core::Result<void>(std::move(loaded).error());
    submitted = std::move(*loaded);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return submitted;
}

core::Result<PostRecord> PostRepository::decide(core::OrgId org, core::PostId post,
                                                core::ProfileId profile, ApprovalDecision decision,
                                                core::UserId approver, const std::string& comment,
                                                std::int64_t now_us, AuditEvent audit) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  PostRecord decided;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    // The post's row lock first: two publishers deciding at once are judged in turn, so
    // that the last approval sees every other.
    auto locked = transaction.query_one(
        "UPDATE posts SET updated_at_ms = $3 WHERE id = $1 AND org_id = $2 RETURNING state",
        {post.value, org.value, now_ms});
    if (!locked) return core::Result<void>(std::move(locked).error());
    if (!locked->has_value()) return core::Result<void>(no_such_post());
    const auto state = parse_post_state((*locked)->text(0)).value_or(PostState::draft);
    if (state != PostState::pending_approval) {
      return core::Result<void>(wrong_state(state, "approved or rejected"));
    }
    auto target = transaction.query_one(
        "SELECT decision FROM post_targets WHERE post_id = $1 AND profile_id = $2",
        {post.value, profile.value});
    if (!target) return core::Result<void>(std::move(target).error());
    if (!target->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::not_found, "the post does not go to this profile"));
    }
    if (!(*target)->is_null(0)) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict, "this profile's approval was already " + (*target)->text(0)));
    }
    auto recorded = transaction.execute(
        "UPDATE post_targets SET decision = $3, approver_user_id = $4, approval_comment = $5, "
        "decided_at_ms = $6 WHERE post_id = $1 AND profile_id = $2",
        {post.value, profile.value, std::string(approval_decision_name(decision)), approver.value,
         comment, now_ms});
    if (!recorded) return core::Result<void>(std::move(recorded).error());
    auto concluded = post_lifecycle::conclude_approval(transaction, post, now_us);
    if (!concluded) return core::Result<void>(std::move(concluded).error());
    const bool approved = decision == ApprovalDecision::approved;
    nlohmann::json details{{"profile_id", profile.value},
                           {"comment", comment},
                           {"post_state", post_state_name(*concluded)}};
    if (auto appended = append_post_audit(transaction, org, post, audit,
                                          approved ? "post.approved" : "post.rejected", details);
        !appended) {
      return appended;
    }
    auto loaded = load_existing(transaction, org, post);
    if (!loaded) return core::Result<void>(std::move(loaded).error());
    decided = std::move(*loaded);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return decided;
}

core::Result<PostRecord> PostRepository::schedule(core::OrgId org, core::PostId post,
                                                  const PostSchedule& when, std::int64_t now_us,
                                                  AuditEvent audit) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  const std::int64_t at_ms = when.at_ms.value_or(now_ms);
  PostRecord scheduled;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = load_existing(transaction, org, post);
    if (!current) return core::Result<void>(std::move(current).error());
    const bool moving = current->state == PostState::scheduled;
    if (!moving &&
        !one_of(current->state, {PostState::draft, PostState::approved, PostState::expired})) {
      return core::Result<void>(wrong_state(current->state, "scheduled"));
    }
    if (moving) {
      // Only jobs nobody has claimed can move; the rest are under way or done.
      auto moved = transaction.execute(
          "UPDATE publish_jobs SET due_at_ms = $2, next_attempt_at_ms = $2, updated_at_ms = $3 "
          "WHERE post_id = $1 AND state = 'queued'",
          {post.value, at_ms, now_ms});
      if (!moved) return core::Result<void>(std::move(moved).error());
      auto busy = transaction.query_one(
          "SELECT COUNT(*) FROM publish_jobs WHERE post_id = $1 AND state <> 'queued'",
          {post.value});
      if (!busy) return core::Result<void>(std::move(busy).error());
      if ((*busy)->integer(0) > 0) {
        return core::Result<void>(
            core::make_error(core::ErrorCode::conflict, "the post is already being published"));
      }
    }
    // The post's row, then its targets (the lock order of post_lifecycle.hpp).
    auto written = transaction.execute(
        "UPDATE posts SET state = 'scheduled', scheduled_at_ms = $2, time_zone = $3, "
        "local_time = $4, wall_time_rule = $5, calendar_at_ms = $2, updated_at_ms = $6 "
        "WHERE id = $1",
        {post.value, at_ms, when.time_zone, when.local_time, when.wall_time_rule, now_ms});
    if (!written) return core::Result<void>(std::move(written).error());
    if (!moving) {
      auto targets = transaction.execute(
          "UPDATE post_targets SET state = 'pending' WHERE post_id = $1", {post.value});
      if (!targets) return core::Result<void>(std::move(targets).error());
    }
    if (!moving) {
      if (auto queued = post_lifecycle::queue_jobs(transaction, post, at_ms, now_us); !queued) {
        return queued;
      }
    }
    nlohmann::json details{{"scheduled_at_ms", at_ms}, {"time_zone", when.time_zone}};
    if (auto appended = append_post_audit(transaction, org, post, audit, "post.scheduled", details);
        !appended) {
      return appended;
    }
    auto loaded = load_existing(transaction, org, post);
    if (!loaded) return core::Result<void>(std::move(loaded).error());
    scheduled = std::move(*loaded);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return scheduled;
}

core::Result<PostRecord> PostRepository::cancel(core::OrgId org, core::PostId post,
                                                std::int64_t now_us, AuditEvent audit) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  PostRecord cancelled;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto current = load_existing(transaction, org, post);
    if (!current) return core::Result<void>(std::move(current).error());
    if (one_of(current->state, {PostState::published, PostState::failed, PostState::cancelled})) {
      return core::Result<void>(wrong_state(current->state, "cancelled"));
    }
    // Jobs first (the lock order of post_lifecycle.hpp). Only a job never sent is
    // cancelled: one a dispatcher holds would race the network call, and one sent before
    // (queued again for a retry) may have its record on the network already, which a
    // cancelled post would deny. Those are left to the dispatcher to settle.
    auto jobs = transaction.execute(
        "UPDATE publish_jobs SET state = 'cancelled', updated_at_ms = $2 "
        "WHERE post_id = $1 AND state = 'queued' AND attempts = 0",
        {post.value, now_ms});
    if (!jobs) return core::Result<void>(std::move(jobs).error());
    auto busy = transaction.query_one(
        "SELECT COUNT(*) FROM publish_jobs WHERE post_id = $1 "
        "AND state IN ('queued', 'claimed', 'sent')",
        {post.value});
    if (!busy) return core::Result<void>(std::move(busy).error());
    if ((*busy)->integer(0) > 0) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict,
          "the post is being published (or was sent and its outcome is not known yet) and "
          "cannot be cancelled now"));
    }
    if (auto locked = post_lifecycle::lock_post(transaction, post); !locked) {
      return core::Result<void>(std::move(locked).error());
    }
    auto targets = transaction.execute(
        "UPDATE post_targets SET state = 'cancelled' "
        "WHERE post_id = $1 AND state IN ('pending', 'publishing')",
        {post.value});
    if (!targets) return core::Result<void>(std::move(targets).error());
    PostState final_state = PostState::cancelled;
    if (current->state == PostState::publishing) {
      auto settled = post_lifecycle::settle(transaction, post, now_ms);
      if (!settled) return core::Result<void>(std::move(settled).error());
      final_state = *settled;
    } else {
      auto moved = transaction.execute(
          "UPDATE posts SET state = 'cancelled', updated_at_ms = $2 WHERE id = $1",
          {post.value, now_ms});
      if (!moved) return core::Result<void>(std::move(moved).error());
    }
    nlohmann::json details{{"from", post_state_name(current->state)},
                           {"to", post_state_name(final_state)}};
    if (auto appended = append_post_audit(transaction, org, post, audit, "post.cancelled", details);
        !appended) {
      return appended;
    }
    auto loaded = load_existing(transaction, org, post);
    if (!loaded) return core::Result<void>(std::move(loaded).error());
    cancelled = std::move(*loaded);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return cancelled;
}

}  // namespace roost::storage
