#pragma once

#include <functional>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/notifications.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"

namespace roost::services {

// When a composed post is to go out.
enum class PublishMode {
  now,       // as soon as it may (at once, or at the last approval)
  schedule,  // at local_time in time_zone
  draft,     // kept; local_time and time_zone, when given, are what it is planned for
};

struct PostTiming {
  PublishMode mode = PublishMode::now;
  std::string local_time;  // "2026-03-29T02:30" (schedule; optional for a draft)
  std::string time_zone;   // IANA, "Europe/Paris"
};

// An uploaded image: its bytes (decoded) and its description. The type is sniffed.
struct ImageUpload {
  std::string bytes;
  std::string alt;
};

// One profile the post goes to, with its own text when it differs from the post's.
struct PostTargetRequest {
  core::ProfileId profile;
  std::optional<std::string> text;
};

// What a composer sends: create, and update_draft (whose `timing` must be a draft and whose
// images, when absent, stay as they were).
struct ComposeRequest {
  // Derived when absent: reply with `reply_*`, quote with `subject`, else post.
  std::optional<storage::PostKind> kind;
  std::string text;
  std::vector<PostTargetRequest> targets;
  std::vector<std::string> langs;
  std::optional<std::vector<ImageUpload>> images;
  std::optional<storage::RecordRef> reply_root;
  std::optional<storage::RecordRef> reply_parent;
  // Quoted, reposted, liked or deleted (an at:// URI with its CID), followed (a DID in
  // uri), or unfollowed (the follow record's at:// URI).
  std::optional<storage::RecordRef> subject;
  PostTiming timing;
  // The profiles the author confirms publishing as (those with requires_confirmation).
  std::vector<core::ProfileId> confirm_profiles;
  // Go ahead although the same text goes to the same profile within a day.
  bool allow_duplicate = false;
  // The Idempotency-Key header and the hash of the request it came with.
  std::optional<storage::IdempotencyKey> idempotency;
};

// A post as the API shows it: the record, the handle of each target (same order), and for
// a scheduled instant the wall time it resolved to in its zone (with its offset), which
// together with schedule.wall_time_rule tells the author what DST did to it.
struct PostView {
  storage::PostRecord post;
  std::vector<std::string> target_handles;
  std::string wall_time;
  bool replayed = false;  // create only: the Idempotency-Key's earlier answer
  // create only: other posts with the same text to the same profile that the author
  // chose to go ahead of (allow_duplicate).
  std::vector<storage::SameTextPost> duplicates;
};

// A rescheduling: the new time, and the confirmations it needs.
struct ScheduleRequest {
  PostTiming timing;  // now or schedule
  std::vector<core::ProfileId> confirm_profiles;
};

// Composing, approving, scheduling and cancelling posts (PRODUCT.md §4, ADR 0015). The
// author's level on each target profile decides what happens to a post that is to go out:
// publisher on every target, it is scheduled at once; limited on some, it waits for a
// publisher of each of those (the targets where the author is a publisher are approved by
// the author); viewer, 403; a profile the author cannot see or of another organization,
// 404. Reposts, likes, follows, unfollows and deletions need publisher. Blocking (database):
// call through the blocking executor.
class Posts {
 public:
  Posts(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
        storage::ProfileRepository& profiles, storage::PostRepository& posts,
        Notifications& notifications, const core::Clock& clock)
      : organizations_(organizations),
        teams_(teams),
        profiles_(profiles),
        posts_(posts),
        notifications_(notifications),
        clock_(clock) {}

  // invalid_request with one detail per problem (Bluesky's rules per target, "targets[1].text"
  // for a target's own text); confirmation_required naming the handles of targets that need
  // a confirmation the request lacks; duplicate_post naming the other posts, unless
  // allow_duplicate; conflict when the Idempotency-Key was used for another request.
  core::Result<PostView> create(const Caller& caller, core::OrgId org,
                                const ComposeRequest& request);
  // The author, owners and admins, and whoever may view one of its profiles.
  core::Result<PostView> get(const Caller& caller, core::OrgId org, core::PostId post);
  // The author rewrites a draft (or a rejected or expired post, which becomes a draft).
  core::Result<PostView> update_draft(const Caller& caller, core::OrgId org, core::PostId post,
                                      const ComposeRequest& request);
  // The author sends a draft (rejected, expired) to approval; the targets the author
  // publishes to are approved by them at once.
  core::Result<PostView> submit(const Caller& caller, core::OrgId org, core::PostId post,
                                const std::vector<core::ProfileId>& confirm_profiles);
  // Creating or submitting a post that then waits for approval tells the publishers of each
  // undecided target's profile, through the teams that grant it, in-app.
  // A publisher of `profile` approves or rejects the post's target there. The author is
  // told in-app (post.approved, post.rejected or post.expired).
  core::Result<PostView> decide(const Caller& caller, core::OrgId org, core::PostId post,
                                core::ProfileId profile, storage::ApprovalDecision decision,
                                const std::string& comment);
  // Schedules a draft, approved or expired post, or moves a scheduled one: a publisher of
  // every target.
  core::Result<PostView> schedule(const Caller& caller, core::OrgId org, core::PostId post,
                                  const ScheduleRequest& request);
  // The author, or a publisher of every target.
  core::Result<PostView> cancel(const Caller& caller, core::OrgId org, core::PostId post);

  // Called after a post became scheduled (created so, submitted by a publisher, approved,
  // moved): serve wakes the publish dispatchers with it, so that "publish now" does not
  // wait for their next poll (ADR 0030). Set once, before requests are served.
  void on_scheduled(std::function<void()> listener) { on_scheduled_ = std::move(listener); }

 private:
  struct TargetAccess {
    storage::ProfileRecord profile;
    domain::ProfileLevel level = domain::ProfileLevel::viewer;
  };
  // The profile, if the caller may see it (else not_found) and has `action` on it (else
  // permission_denied).
  core::Result<TargetAccess> target_access(const Caller& caller, core::OrgId org,
                                           core::ProfileId profile, authz::Action action);
  core::Result<PostView> view_of(storage::PostRecord post);
  core::Result<storage::PostRecord> load(core::OrgId org, core::PostId post);
  storage::AuditEvent audit(const Caller& caller) const;
  void tell_author(const storage::PostRecord& post, const Caller& caller, std::string kind,
                   core::ProfileId profile, const std::string& comment);

  // Tells the publishers (by their teams) of each target still undecided that the post
  // awaits their approval (post.approval_requested).
  void tell_approvers(const storage::PostRecord& post, const Caller& caller);
  void announce_if_scheduled(const storage::PostRecord& post) const;

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::ProfileRepository& profiles_;
  storage::PostRepository& posts_;
  Notifications& notifications_;
  const core::Clock& clock_;
  std::function<void()> on_scheduled_;
};

}  // namespace roost::services
