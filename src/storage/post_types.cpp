#include "storage/post_types.hpp"

#include <array>
#include <utility>

namespace roost::storage {
namespace {

// Each table lists every enumerator once, in declaration order: the index is the value.
constexpr std::array<std::string_view, 8> post_kind_names{"post", "reply",  "quote",    "repost",
                                                          "like", "follow", "unfollow", "delete"};
constexpr std::array<std::string_view, 10> post_state_names{
    "draft",      "pending_approval", "approved", "rejected",  "scheduled",
    "publishing", "published",        "failed",   "cancelled", "expired"};
constexpr std::array<std::string_view, 5> target_state_names{"pending", "publishing", "published",
                                                             "failed", "cancelled"};
constexpr std::array<std::string_view, 2> approval_decision_names{"approved", "rejected"};
constexpr std::array<std::string_view, 6> publish_job_state_names{"queued", "claimed", "sent",
                                                                  "done",   "failed",  "cancelled"};

template <class Enum, std::size_t count>
std::string_view name_of(const std::array<std::string_view, count>& names, Enum value) {
  return names.at(static_cast<std::size_t>(value));
}

template <class Enum, std::size_t count>
std::optional<Enum> parse(const std::array<std::string_view, count>& names, std::string_view name) {
  for (std::size_t index = 0; index < count; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

}  // namespace

std::string_view post_kind_name(PostKind kind) { return name_of(post_kind_names, kind); }
std::optional<PostKind> parse_post_kind(std::string_view name) {
  return parse<PostKind>(post_kind_names, name);
}
std::string_view post_state_name(PostState state) { return name_of(post_state_names, state); }
std::optional<PostState> parse_post_state(std::string_view name) {
  return parse<PostState>(post_state_names, name);
}
std::string_view target_state_name(TargetState state) { return name_of(target_state_names, state); }
std::optional<TargetState> parse_target_state(std::string_view name) {
  return parse<TargetState>(target_state_names, name);
}
std::string_view approval_decision_name(ApprovalDecision decision) {
  return name_of(approval_decision_names, decision);
}
std::optional<ApprovalDecision> parse_approval_decision(std::string_view name) {
  return parse<ApprovalDecision>(approval_decision_names, name);
}
std::string_view publish_job_state_name(PublishJobState state) {
  return name_of(publish_job_state_names, state);
}
std::optional<PublishJobState> parse_publish_job_state(std::string_view name) {
  return parse<PublishJobState>(publish_job_state_names, name);
}

}  // namespace roost::storage
