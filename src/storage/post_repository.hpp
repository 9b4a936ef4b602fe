#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "storage/post_types.hpp"

namespace roost::storage {

// A record on the network: an at:// URI and the CID of its content.
struct RecordRef {
  std::string uri;
  std::string cid;
  bool operator==(const RecordRef&) const = default;
};

// When a post is to be published. The instant is UTC; the zone, the wall time as typed
// and how a wall time skipped or repeated by a DST change was resolved are kept to show
// the author (domain/ resolves them; storage keeps them as given).
struct PostSchedule {
  std::optional<std::int64_t> at_ms;  // empty: as soon as it may be published
  std::string time_zone;              // IANA, e.g. "Europe/Paris"
  std::string local_time;             // e.g. "2026-03-29T02:30"
  std::string wall_time_rule;         // e.g. "skipped_moved_forward"
  bool operator==(const PostSchedule&) const = default;
};

// A profile a new post goes to. text_hash identifies the text as it will be published on
// this profile (the override, else the post's text); the caller computes it, and passes
// the same hash to find_same_text.
struct NewTarget {
  core::ProfileId profile;
  std::optional<std::string> text_override;
  std::string text_hash;
};

struct NewImage {
  std::vector<std::uint8_t> bytes;
  std::string mime_type;
  std::string alt_text;
  std::int64_t width = 0;
  std::int64_t height = 0;
};

// A create request's Idempotency-Key and the hash of the request's content.
struct IdempotencyKey {
  std::string key;
  std::string request_hash;
};

struct NewPost {
  core::OrgId org;
  core::UserId author;
  PostKind kind = PostKind::post;
  // draft, pending_approval or scheduled (publish now: scheduled without an instant).
  PostState state = PostState::draft;
  std::string text;
  std::vector<std::string> langs;
  std::optional<RecordRef> reply_root;
  std::optional<RecordRef> reply_parent;
  std::optional<RecordRef> subject;  // quoted, reposted, liked, followed or deleted
  PostSchedule schedule;
  std::vector<NewTarget> targets;  // at least one, at most limits::post_targets_max
  std::vector<NewImage> images;    // in order
  std::optional<IdempotencyKey> idempotency;
};

// A publisher's approval or rejection of one target.
struct TargetApproval {
  ApprovalDecision decision = ApprovalDecision::approved;
  std::optional<core::UserId> approver;  // empty once the user is deleted
  std::string comment;
  std::int64_t decided_at_ms = 0;
};

struct TargetRecord {
  core::ProfileId profile;
  std::optional<std::string> text_override;
  std::string text_hash;
  TargetState state = TargetState::pending;
  std::optional<TargetApproval> approval;  // empty while undecided (or never asked)
  RecordRef published;                     // empty until published
  std::optional<std::int64_t> published_at_ms;
  std::string last_error;
};

// An image without its bytes (image_bytes reads them).
struct ImageRecord {
  std::int64_t position = 0;
  std::string mime_type;
  std::string alt_text;
  std::int64_t width = 0;
  std::int64_t height = 0;
  std::int64_t byte_count = 0;
};

struct PostRecord {
  core::PostId id;
  core::OrgId org;
  std::optional<core::UserId> author;  // empty once the user is deleted
  PostKind kind = PostKind::post;
  PostState state = PostState::draft;
  std::string text;
  std::vector<std::string> langs;
  std::optional<RecordRef> reply_root;
  std::optional<RecordRef> reply_parent;
  std::optional<RecordRef> subject;
  PostSchedule schedule;
  std::int64_t calendar_at_ms = 0;  // the scheduled instant, else the creation
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::vector<TargetRecord> targets;  // by profile id
  std::vector<ImageRecord> images;    // by position
};

struct CreatedPost {
  PostRecord post;
  bool replayed = false;  // the Idempotency-Key was seen with the same request: nothing new
};

// What update_draft writes: the whole content (images only when given).
struct DraftChange {
  std::string text;
  std::vector<std::string> langs;
  std::optional<RecordRef> reply_root;
  std::optional<RecordRef> reply_parent;
  std::optional<RecordRef> subject;
  PostSchedule schedule;
  std::vector<NewTarget> targets;
  std::optional<std::vector<NewImage>> images;  // empty: the images stay
};

// The position after which a calendar page starts (the last post of the previous page).
struct CalendarCursor {
  std::int64_t at_ms = 0;
  core::PostId post;
  bool operator==(const CalendarCursor&) const = default;
};

// Posts of one organization whose calendar instant is in [from_ms, until_ms). Every other
// filter is optional; they combine.
struct CalendarQuery {
  core::OrgId org;
  std::int64_t from_ms = 0;
  std::int64_t until_ms = 0;
  std::vector<core::ProfileId> profiles;  // a target on one of these
  std::optional<core::TeamId> team;       // a target on a profile granted to this team
  std::vector<PostState> states;          // in one of these states
  // Only targets on profiles this user's teams are granted (what a member who is not an
  // admin sees); posts without such a target are left out. Empty: every target.
  std::optional<core::UserId> visible_to;
  std::optional<CalendarCursor> after;
  std::size_t limit = 0;  // capped at limits::calendar_page_size_max
};

struct CalendarPage {
  std::vector<PostRecord> posts;       // by calendar instant, then id
  std::optional<CalendarCursor> next;  // empty on the last page
};

// A post that sends the same text to the same profile (the duplicate warning).
struct SameTextPost {
  core::PostId post;
  std::optional<core::UserId> author;
  PostState state = PostState::draft;
  std::int64_t calendar_at_ms = 0;
};

// Posts, their targets and images, their approvals, and the publish jobs that scheduling
// writes in the same transaction (ADR 0015). Writes take now_us, the time in microseconds:
// a job keeps it as created_at_us (its record key derives from it); every other instant is
// stored in milliseconds. Each write appends its audit event (`audit`: org, action and
// target are filled in here) in its transaction. A post of another organization is
// ErrorCode::not_found; a change its state does not allow is ErrorCode::conflict.
class PostRepository {
 public:
  explicit PostRepository(Database& database) : database_(database) {}

  // Writes the post, its targets, its images and, when it is scheduled, one queued job per
  // target due at its instant (now when it has none). With an idempotency key already used
  // by the author in this organization: the same request_hash returns that post (replayed,
  // nothing written), another is ErrorCode::conflict. A target profile of another
  // organization is ErrorCode::not_found; no target, or a state other than draft,
  // pending_approval or scheduled, is ErrorCode::invalid_request. Audit: post.created.
  core::Result<CreatedPost> create(const NewPost& post, std::int64_t now_us, AuditEvent audit);
  core::Result<std::optional<PostRecord>> find(core::OrgId org, core::PostId post);
  // The post `author` created in `org` with this Idempotency-Key, and the request hash it
  // was stored with: a service answers a replay before checking the request again (the
  // first post would otherwise count as its own duplicate).
  core::Result<std::optional<CreatedPost>> find_by_idempotency_key(core::OrgId org,
                                                                   core::UserId author,
                                                                   const IdempotencyKey& key);
  core::Result<std::optional<Blob>> image_bytes(core::OrgId org, core::PostId post,
                                                std::int64_t position);
  core::Result<CalendarPage> list_calendar(const CalendarQuery& query);
  // Posts in [from_ms, until_ms) (calendar instant) with a target on `profile` of the same
  // text_hash that will be or were published: neither draft, rejected, cancelled, failed
  // nor expired. `excluding` leaves out the post being checked. By instant.
  core::Result<std::vector<SameTextPost>> find_same_text(core::ProfileId profile,
                                                         const std::string& text_hash,
                                                         std::int64_t from_ms,
                                                         std::int64_t until_ms,
                                                         std::optional<core::PostId> excluding);
  // Rewrites a draft (or a rejected or expired post, which becomes a draft again): its
  // content, schedule and targets (approvals are cleared). Audit: post.updated.
  core::Result<PostRecord> update_draft(core::OrgId org, core::PostId post,
                                        const DraftChange& change, std::int64_t now_us,
                                        AuditEvent audit);
  // A draft, rejected or expired post waits for approval of every target, cleared of any
  // earlier decision. Audit: post.submitted.
  core::Result<PostRecord> submit_for_approval(core::OrgId org, core::PostId post,
                                               std::int64_t now_us, AuditEvent audit);
  // Records `approver`'s decision on the post's target on `profile` (ErrorCode::conflict
  // once decided). A rejection makes the post rejected; the last approval makes it
  // scheduled with its jobs, or expired when its instant has passed. Audit: post.approved
  // or post.rejected, with the profile and the comment.
  core::Result<PostRecord> decide(core::OrgId org, core::PostId post, core::ProfileId profile,
                                  ApprovalDecision decision, core::UserId approver,
                                  const std::string& comment, std::int64_t now_us,
                                  AuditEvent audit);
  // Schedules a draft or expired post (one queued job per target), or moves a scheduled
  // one whose jobs are all still queued. An empty instant means now. Audit: post.scheduled.
  core::Result<PostRecord> schedule(core::OrgId org, core::PostId post, const PostSchedule& when,
                                    std::int64_t now_us, AuditEvent audit);
  // Cancels the post and its queued jobs. ErrorCode::conflict once it is published, failed
  // or cancelled, or while one of its jobs is being sent (claimed or sent). A post that was
  // publishing ends as its targets say (some may be published). Audit: post.cancelled.
  core::Result<PostRecord> cancel(core::OrgId org, core::PostId post, std::int64_t now_us,
                                  AuditEvent audit);

 private:
  Database& database_;
};

}  // namespace roost::storage
