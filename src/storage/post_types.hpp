#pragma once

#include <optional>
#include <string_view>

// The states of posts, their targets and their publish jobs, as the database stores them
// (ADR 0015). Each name function returns the stored name; each parse function is its
// inverse and returns std::nullopt for any other text.
namespace roost::storage {

// What publishing a post does on the network.
enum class PostKind { post, reply, quote, repost, like, follow, unfollow, delete_record };

// A post's life: draft -> (pending_approval -> approved | rejected | expired) -> scheduled
// -> publishing -> published | failed; cancelled from any state before publishing. A post
// whose every approval comes is scheduled at once (approved is what its targets say), and
// expired when its time passed before the last approval.
enum class PostState {
  draft,
  pending_approval,
  approved,
  rejected,
  scheduled,
  publishing,
  published,
  failed,
  cancelled,
  expired,
};

// One target profile of a post: pending until its job is claimed.
enum class TargetState { pending, publishing, published, failed, cancelled };

// A publisher's decision on one target of a post waiting for approval.
enum class ApprovalDecision { approved, rejected };

// queued -> claimed -> sent -> done | failed, or back to queued for a retry; cancelled with
// its post. A claimed or sent job whose lease ended is claimed again.
enum class PublishJobState { queued, claimed, sent, done, failed, cancelled };

std::string_view post_kind_name(PostKind kind);
std::optional<PostKind> parse_post_kind(std::string_view name);
std::string_view post_state_name(PostState state);
std::optional<PostState> parse_post_state(std::string_view name);
std::string_view target_state_name(TargetState state);
std::optional<TargetState> parse_target_state(std::string_view name);
std::string_view approval_decision_name(ApprovalDecision decision);
std::optional<ApprovalDecision> parse_approval_decision(std::string_view name);
std::string_view publish_job_state_name(PublishJobState state);
std::optional<PublishJobState> parse_publish_job_state(std::string_view name);

}  // namespace roost::storage
