#include "storage/post_lifecycle.hpp"

#include <algorithm>
#include <map>

#include "core/clock.hpp"
#include "storage/profile_visibility.hpp"
#include "storage/repository_support.hpp"

namespace roost::storage::post_lifecycle {
namespace {

std::vector<std::string> split_langs(const std::string& joined) {
  std::vector<std::string> langs;
  std::size_t start = 0;
  while (start < joined.size()) {
    auto comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    if (comma > start) langs.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return langs;
}

std::optional<RecordRef> to_ref(const Row& row, std::size_t uri, std::size_t cid) {
  auto uri_text = row.optional_text(uri);
  if (!uri_text) return std::nullopt;
  return RecordRef{*uri_text, row.optional_text(cid).value_or("")};
}

TargetRecord to_target(const Row& row) {
  // Columns: see target_columns.
  TargetRecord target;
  target.profile = core::ProfileId{row.integer(1)};
  target.text_override = row.optional_text(2);
  target.text_hash = row.text(3);
  target.state = parse_target_state(row.text(4)).value_or(TargetState::pending);
  if (auto decision = row.optional_text(5)) {
    TargetApproval approval;
    approval.decision = parse_approval_decision(*decision).value_or(ApprovalDecision::rejected);
    if (auto approver = row.optional_integer(6)) approval.approver = core::UserId{*approver};
    approval.comment = row.text(7);
    approval.decided_at_ms = row.optional_integer(8).value_or(0);
    target.approval = std::move(approval);
  }
  target.published = RecordRef{row.text(9), row.text(10)};
  target.published_at_ms = row.optional_integer(11);
  target.last_error = row.text(12);
  return target;
}

constexpr std::string_view target_columns =
    "t.post_id, t.profile_id, t.text_override, t.text_hash, t.state, t.decision, "
    "t.approver_user_id, t.approval_comment, t.decided_at_ms, t.published_uri, "
    "t.published_cid, t.published_at_ms, t.last_error";

ImageRecord to_image(const Row& row) {
  return ImageRecord{row.integer(1), row.text(2),    row.text(3),
                     row.integer(4), row.integer(5), row.integer(6)};
}

core::Result<void> set_post_state(Transaction& transaction, core::PostId post, PostState state,
                                  std::int64_t now_ms) {
  auto changed =
      transaction.execute("UPDATE posts SET state = $2, updated_at_ms = $3 WHERE id = $1",
                          {post.value, std::string(post_state_name(state)), now_ms});
  if (!changed) return std::move(changed).error();
  return core::success();
}

}  // namespace

const std::string post_columns =
    "p.id, p.org_id, p.author_user_id, p.kind, p.state, p.base_text, p.langs, "
    "p.reply_root_uri, p.reply_root_cid, p.reply_parent_uri, p.reply_parent_cid, "
    "p.subject_uri, p.subject_cid, p.scheduled_at_ms, p.time_zone, p.local_time, "
    "p.wall_time_rule, p.calendar_at_ms, p.created_at_ms, p.updated_at_ms";

PostRecord to_post(const Row& row) {
  PostRecord post;
  post.id = core::PostId{row.integer(0)};
  post.org = core::OrgId{row.integer(1)};
  if (auto author = row.optional_integer(2)) post.author = core::UserId{*author};
  post.kind = parse_post_kind(row.text(3)).value_or(PostKind::post);
  post.state = parse_post_state(row.text(4)).value_or(PostState::draft);
  post.text = row.text(5);
  post.langs = split_langs(row.text(6));
  post.reply_root = to_ref(row, 7, 8);
  post.reply_parent = to_ref(row, 9, 10);
  post.subject = to_ref(row, 11, 12);
  post.schedule.at_ms = row.optional_integer(13);
  post.schedule.time_zone = row.text(14);
  post.schedule.local_time = row.text(15);
  post.schedule.wall_time_rule = row.text(16);
  post.calendar_at_ms = row.integer(17);
  post.created_at_ms = row.integer(18);
  post.updated_at_ms = row.integer(19);
  return post;
}

core::Result<void> attach_details(Transaction& transaction, std::vector<PostRecord>& posts,
                                  std::optional<core::UserId> visible_to) {
  if (posts.empty()) return core::success();
  std::vector<Value> params;
  std::map<std::int64_t, PostRecord*> by_id;
  for (auto& post : posts) {
    params.emplace_back(post.id.value);
    by_id[post.id.value] = &post;
  }
  const std::string ids = placeholder_list(1, params.size());
  std::string target_sql = "SELECT " + std::string(target_columns) +
                           " FROM post_targets t WHERE t.post_id IN (" + ids + ")";
  auto target_params = params;
  if (visible_to) {
    target_params.emplace_back(visible_to->value);
    target_sql += " AND t.profile_id IN (SELECT v.profile_id FROM (" +
                  granted_profiles_sql(placeholder(target_params.size())) + ") v)";
  }
  target_sql += " ORDER BY t.post_id, t.profile_id";
  auto targets = transaction.query(target_sql, target_params);
  if (!targets) return std::move(targets).error();
  for (const auto& row : targets->rows) {
    by_id.at(row.integer(0))->targets.push_back(to_target(row));
  }
  auto images = transaction.query(
      "SELECT post_id, position, mime_type, alt_text, width, height, length(bytes) "
      "FROM post_images WHERE post_id IN (" +
          ids + ") ORDER BY post_id, position",
      params);
  if (!images) return std::move(images).error();
  for (const auto& row : images->rows) by_id.at(row.integer(0))->images.push_back(to_image(row));
  return core::success();
}

core::Result<std::optional<PostRecord>> load(Transaction& transaction, core::OrgId org,
                                             core::PostId post) {
  auto row = transaction.query_one(
      "SELECT " + post_columns + " FROM posts p WHERE p.id = $1 AND p.org_id = $2",
      {post.value, org.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<PostRecord>{};
  std::vector<PostRecord> posts{to_post(**row)};
  if (auto attached = attach_details(transaction, posts, std::nullopt); !attached) {
    return std::move(attached).error();
  }
  return std::optional<PostRecord>{std::move(posts.front())};
}

core::Result<void> queue_jobs(Transaction& transaction, core::PostId post, std::int64_t due_at_ms,
                              std::int64_t now_us) {
  auto queued = transaction.execute(
      "INSERT INTO publish_jobs (org_id, post_id, profile_id, state, due_at_ms, "
      "next_attempt_at_ms, created_at_us, updated_at_ms) "
      "SELECT p.org_id, t.post_id, t.profile_id, 'queued', $2, $2, $3, $4 "
      "FROM post_targets t JOIN posts p ON p.id = t.post_id "
      "WHERE t.post_id = $1 AND t.state = 'pending'",
      {post.value, due_at_ms, now_us, core::us_to_ms(now_us)});
  if (!queued) return std::move(queued).error();
  return core::success();
}

core::Result<std::optional<PostState>> lock_post(Transaction& transaction, core::PostId post) {
  // An UPDATE locks the row on PostgreSQL (SQLite has one writer anyway), with one statement
  // for both backends where SELECT … FOR UPDATE is PostgreSQL's only.
  auto locked = transaction.query_one(
      "UPDATE posts SET updated_at_ms = updated_at_ms WHERE id = $1 RETURNING state", {post.value});
  if (!locked) return std::move(locked).error();
  if (!locked->has_value()) return std::optional<PostState>{};
  return std::optional<PostState>{parse_post_state((*locked)->text(0)).value_or(PostState::draft)};
}

core::Result<PostState> settle(Transaction& transaction, core::PostId post, std::int64_t now_ms) {
  // The row lock (the callers hold it already; see the header): then the targets read below
  // include every other transaction's outcome that committed before it.
  auto locked = lock_post(transaction, post);
  if (!locked) return std::move(locked).error();
  if (!locked->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no such post");
  }
  const auto current = **locked;
  if (current != PostState::scheduled && current != PostState::publishing) return current;
  auto states = transaction.query(
      "SELECT state, COUNT(*) FROM post_targets WHERE post_id = $1 GROUP BY state", {post.value});
  if (!states) return std::move(states).error();
  std::int64_t published = 0;
  std::int64_t failed = 0;
  for (const auto& row : states->rows) {
    auto state = parse_target_state(row.text(0)).value_or(TargetState::pending);
    if (state == TargetState::pending || state == TargetState::publishing) return current;
    if (state == TargetState::published) published = row.integer(1);
    if (state == TargetState::failed) failed = row.integer(1);
  }
  std::int64_t total = 0;
  for (const auto& row : states->rows) total += row.integer(1);
  PostState final_state = PostState::cancelled;
  if (total > 0 && published == total) final_state = PostState::published;
  if (failed > 0) final_state = PostState::failed;
  if (auto set = set_post_state(transaction, post, final_state, now_ms); !set) {
    return std::move(set).error();
  }
  return final_state;
}

core::Result<PostState> conclude_approval(Transaction& transaction, core::PostId post,
                                          std::int64_t now_us) {
  const std::int64_t now_ms = core::us_to_ms(now_us);
  auto row =
      transaction.query_one("SELECT state, scheduled_at_ms FROM posts WHERE id = $1", {post.value});
  if (!row) return std::move(row).error();
  if (!row->has_value()) return core::make_error(core::ErrorCode::not_found, "no such post");
  const auto current = parse_post_state((*row)->text(0)).value_or(PostState::draft);
  if (current != PostState::pending_approval) return current;
  const auto scheduled_at_ms = (*row)->optional_integer(1);
  auto decisions =
      transaction.query("SELECT decision FROM post_targets WHERE post_id = $1", {post.value});
  if (!decisions) return std::move(decisions).error();
  if (decisions->rows.empty()) return current;
  bool undecided = false;
  for (const auto& target : decisions->rows) {
    auto decision = target.optional_text(0);
    if (!decision) {
      undecided = true;
      continue;
    }
    if (*decision == approval_decision_name(ApprovalDecision::rejected)) {
      if (auto set = set_post_state(transaction, post, PostState::rejected, now_ms); !set) {
        return std::move(set).error();
      }
      return PostState::rejected;
    }
  }
  if (undecided) return current;
  if (scheduled_at_ms && *scheduled_at_ms < now_ms) {
    if (auto set = set_post_state(transaction, post, PostState::expired, now_ms); !set) {
      return std::move(set).error();
    }
    return PostState::expired;
  }
  const std::int64_t due_at_ms = scheduled_at_ms.value_or(now_ms);
  auto scheduled = transaction.execute(
      "UPDATE posts SET state = 'scheduled', scheduled_at_ms = $2, calendar_at_ms = $2, "
      "updated_at_ms = $3 WHERE id = $1",
      {post.value, due_at_ms, now_ms});
  if (!scheduled) return std::move(scheduled).error();
  if (auto queued = queue_jobs(transaction, post, due_at_ms, now_us); !queued) {
    return std::move(queued).error();
  }
  return PostState::scheduled;
}

}  // namespace roost::storage::post_lifecycle
