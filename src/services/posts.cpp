#include "services/posts.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/tokens.hpp"
#include "domain/bluesky_post.hpp"
#include "domain/language_tag.hpp"
#include "domain/zoned_time.hpp"

namespace roost::services {
namespace {

using storage::PostKind;
using storage::PostState;

constexpr std::string_view profile_kind = "profile";

std::string target_field(std::size_t index) { return "targets[" + std::to_string(index) + "]"; }

// One problem of a request, added to the invalid_request that lists them all.
void add_problem(core::Error& error, std::string field, std::string message) {
  error.details.push_back({std::move(field), std::move(message), 0, 0});
}

core::Error invalid_post() {
  return core::make_error(core::ErrorCode::invalid_request, "the post is not valid");
}

// The hash that identifies a text (a target's, for the duplicate warning) or a request (for
// the Idempotency-Key): BLAKE2b-256, the same function as token hashes.
std::string text_hash(std::string_view text) { return core::hash_token(text); }

bool has_text(PostKind kind) {
  return kind == PostKind::post || kind == PostKind::reply || kind == PostKind::quote;
}

// The wall time of `schedule` in its zone, for the author: "2026-03-29T03:30:00+02:00".
std::string wall_time_of(const storage::PostSchedule& schedule) {
  if (!schedule.at_ms) return {};
  if (schedule.time_zone.empty()) return core::format_utc_ms(*schedule.at_ms);
  auto formatted = domain::format_in_zone(*schedule.at_ms, schedule.time_zone);
  return formatted ? *formatted : core::format_utc_ms(*schedule.at_ms);
}

// `timing` as stored: the instant its wall time names in its zone, by ADR 0013's rule.
// `future_after_ms`: the instant must come after it (a post to go out), else any.
core::Result<storage::PostSchedule> resolve_timing(const PostTiming& timing,
                                                   std::optional<std::int64_t> future_after_ms) {
  storage::PostSchedule schedule;
  const bool given = !timing.local_time.empty() || !timing.time_zone.empty();
  if (timing.mode == PublishMode::now) return schedule;
  if (timing.mode == PublishMode::draft && !given) return schedule;
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid time");
  if (timing.local_time.empty()) add_problem(problems, "when.local_time", "is required");
  if (timing.time_zone.empty()) add_problem(problems, "when.time_zone", "is required");
  if (!problems.details.empty()) return problems;
  auto zone = domain::check_time_zone(timing.time_zone);
  if (!zone) {
    add_problem(problems, "when.time_zone", "is not an IANA time zone such as Europe/Paris");
  }
  auto local = domain::parse_local_date_time(timing.local_time);
  if (!local) {
    add_problem(problems, "when.local_time", "must be YYYY-MM-DDTHH:MM[:SS], a real date");
  }
  if (!problems.details.empty()) return problems;
  auto resolved = domain::resolve_wall_time(*local, timing.time_zone);
  if (!resolved) return std::move(resolved).error();
  if (future_after_ms && resolved->instant_unix_ms <= *future_after_ms) {
    add_problem(problems, "when.local_time",
                "is in the past (" + resolved->wall_time + "); choose a later time");
    return problems;
  }
  schedule.at_ms = resolved->instant_unix_ms;
  schedule.time_zone = timing.time_zone;
  schedule.local_time = timing.local_time;
  schedule.wall_time_rule = std::string(domain::wall_time_rule_name(resolved->rule));
  return schedule;
}

// The kind the request names, or the one its references imply.
PostKind kind_of(const ComposeRequest& request) {
  if (request.kind) return *request.kind;
  if (request.reply_root || request.reply_parent) return PostKind::reply;
  if (request.subject) return PostKind::quote;
  return PostKind::post;
}

bool is_at_uri(const std::string& uri, std::string_view collection) {
  if (!uri.starts_with("at://")) return false;
  return collection.empty() || uri.find("/" + std::string(collection) + "/") != std::string::npos;
}

// What an action (repost, like, follow, unfollow, delete) needs: a subject of the right
// shape, and none of a post's content.
void check_action(PostKind kind, const ComposeRequest& request, core::Error& problems) {
  const std::string name(storage::post_kind_name(kind));
  if (!request.text.empty()) add_problem(problems, "text", "a " + name + " has no text");
  for (std::size_t index = 0; index < request.targets.size(); ++index) {
    if (request.targets[index].text) {
      add_problem(problems, target_field(index) + ".text", "a " + name + " has no text");
    }
  }
  if (request.images && !request.images->empty()) {
    add_problem(problems, "images", "a " + name + " has no images");
  }
  if (request.reply_root || request.reply_parent) {
    add_problem(problems, "reply", "a " + name + " is not a reply");
  }
  if (!request.subject) {
    add_problem(problems, "subject", "a " + name + " needs the record (or account) it is about");
    return;
  }
  const auto& subject = *request.subject;
  switch (kind) {
    case PostKind::repost:
    case PostKind::like: {
      // The same strong-reference rule as a quote's.
      domain::BlueskyPostDraft probe;
      probe.quote = domain::BlueskyStrongRef{subject.uri, subject.cid};
      for (const auto& problem : domain::find_bluesky_post_problems(probe)) {
        if (problem.field == "quote") add_problem(problems, "subject", problem.message);
      }
      break;
    }
    case PostKind::follow:
      if (!subject.uri.starts_with("did:")) {
        add_problem(problems, "subject.uri", "must be the DID of the account to follow");
      }
      break;
    case PostKind::unfollow:
      if (!is_at_uri(subject.uri, "app.bsky.graph.follow")) {
        add_problem(problems, "subject.uri", "must be the at:// URI of the follow record");
      }
      break;
    case PostKind::delete_record:
      if (!is_at_uri(subject.uri, "")) {
        add_problem(problems, "subject.uri", "must be the at:// URI of the record to delete");
      }
      break;
    case PostKind::post:
    case PostKind::reply:
    case PostKind::quote: break;
  }
}

// A post, reply or quote against Bluesky's rules: the shared parts once, each target's own
// text under its own field, named with its handle.
void check_content(PostKind kind, const ComposeRequest& request,
                   const std::vector<domain::BlueskyImage>& images,
                   const std::vector<storage::ProfileRecord>& profiles, core::Error& problems) {
  if (kind == PostKind::post && (request.reply_root || request.reply_parent || request.subject)) {
    add_problem(problems, "kind", "a post with a reply or a quoted record is a reply or a quote");
  }
  if (kind == PostKind::reply && !(request.reply_root && request.reply_parent)) {
    add_problem(problems, "reply", "a reply needs its root and parent");
  }
  if (kind == PostKind::quote && !request.subject) {
    add_problem(problems, "subject", "a quote needs the post it quotes");
  }
  domain::BlueskyPostDraft draft;
  draft.text = request.text;
  draft.langs = request.langs;
  draft.images = images;
  if (request.reply_root && request.reply_parent) {
    draft.reply = domain::BlueskyReplyRef{{request.reply_root->uri, request.reply_root->cid},
                                          {request.reply_parent->uri, request.reply_parent->cid}};
  }
  if (request.subject)
    draft.quote = domain::BlueskyStrongRef{request.subject->uri, request.subject->cid};
  const bool base_text_used =
      std::any_of(request.targets.begin(), request.targets.end(),
                  [](const PostTargetRequest& target) { return !target.text.has_value(); });
  for (auto& problem : domain::find_bluesky_post_problems(draft)) {
    const bool about_text = problem.field == "text";
    if (about_text && !base_text_used) continue;
    std::string message =
        std::string(domain::post_problem_code_name(problem.code)) + ": " + problem.message;
    if (problem.field == "quote") problem.field = "subject";
    add_problem(problems, problem.field, std::move(message));
  }
  for (std::size_t index = 0; index < request.targets.size(); ++index) {
    const auto& target = request.targets[index];
    if (!target.text) continue;
    domain::BlueskyPostDraft own = draft;
    own.text = *target.text;
    for (const auto& problem : domain::find_bluesky_post_problems(own)) {
      if (problem.field != "text") continue;
      add_problem(problems, target_field(index) + ".text",
                  std::string(domain::post_problem_code_name(problem.code)) + ": @" +
                      profiles[index].handle + ": " + problem.message);
    }
  }
}

core::Error missing_confirmation(const std::vector<std::string>& handles) {
  std::string listed;
  for (const auto& handle : handles) {
    if (!listed.empty()) listed += ", ";
    listed += "@" + handle;
  }
  core::Error error = core::make_error(
      core::ErrorCode::confirmation_required,
      "confirm publishing as " + listed + ": name each of them in confirm_profiles");
  for (const auto& handle : handles) add_problem(error, "confirm_profiles", handle);
  return error;
}

// confirmation_required when a profile that asks for it is not named in `confirmed`.
core::Result<void> check_confirmations(const std::vector<storage::ProfileRecord>& profiles,
                                       const std::vector<core::ProfileId>& confirmed) {
  std::vector<std::string> missing;
  for (const auto& profile : profiles) {
    if (!profile.requires_confirmation) continue;
    if (std::find(confirmed.begin(), confirmed.end(), profile.id) == confirmed.end()) {
      missing.push_back(profile.handle);
    }
  }
  if (missing.empty()) return core::success();
  return missing_confirmation(missing);
}

std::string text_for(const ComposeRequest& request, std::size_t index) {
  return request.targets[index].text.value_or(request.text);
}

// The uploads sniffed and measured (domain::describe_bluesky_image); one that is not an
// image is a problem of `problems`, named by its place.
std::vector<domain::BlueskyImage> described_images(const std::vector<ImageUpload>& uploads,
                                                   core::Error& problems) {
  std::vector<domain::BlueskyImage> images;
  for (std::size_t index = 0; index < uploads.size(); ++index) {
    auto described = domain::describe_bluesky_image(uploads[index].bytes, uploads[index].alt);
    if (!described) {
      add_problem(problems, "images[" + std::to_string(index) + "]",
                  "image_type_unsupported: " + described.error().message);
      continue;
    }
    images.push_back(std::move(*described));
  }
  return images;
}

// The request's language tags in their normal form (each was checked already; one that did
// not normalize is kept as sent and refused by that check).
std::vector<std::string> normalized_langs(const std::vector<std::string>& langs) {
  std::vector<std::string> out;
  for (const auto& lang : langs) {
    auto normalized = domain::normalize_language_tag(lang);
    out.push_back(normalized ? *normalized : lang);
  }
  return out;
}

// What storage keeps of each target: its profile, its own text, and the hash of the text it
// will publish (the duplicate check's key).
std::vector<storage::NewTarget> new_targets(const ComposeRequest& request) {
  std::vector<storage::NewTarget> out;
  for (std::size_t index = 0; index < request.targets.size(); ++index) {
    out.push_back({request.targets[index].profile, request.targets[index].text,
                   text_hash(text_for(request, index))});
  }
  return out;
}

std::vector<storage::NewImage> new_images(const std::vector<domain::BlueskyImage>& images) {
  std::vector<storage::NewImage> out;
  for (const auto& image : images) {
    out.push_back({std::vector<std::uint8_t>(image.bytes.begin(), image.bytes.end()),
                   image.mime_type, image.alt, image.width, image.height});
  }
  return out;
}

core::Result<void> check_target_list(const std::vector<PostTargetRequest>& targets) {
  if (targets.empty()) {
    core::Error error = invalid_post();
    add_problem(error, "targets", "name at least one profile");
    return error;
  }
  if (targets.size() > core::limits::post_targets_max) {
    core::Error error = invalid_post();
    add_problem(error, "targets",
                "at most " + std::to_string(core::limits::post_targets_max) + " profiles");
    return error;
  }
  std::set<std::int64_t> seen;
  for (std::size_t index = 0; index < targets.size(); ++index) {
    if (!seen.insert(targets[index].profile.value).second) {
      core::Error error = invalid_post();
      add_problem(error, target_field(index) + ".profile_id", "names a profile twice");
      return error;
    }
  }
  return core::success();
}

}  // namespace

storage::AuditEvent Posts::audit(const Caller& caller) const {
  return caller_audit(caller, clock_.now_ms());
}

core::Result<Posts::TargetAccess> Posts::target_access(const Caller& caller, core::OrgId org,
                                                       core::ProfileId profile,
                                                       authz::Action action) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return std::move(resource).error();
  resource->kind = profile_kind;
  std::optional<storage::ProfileRecord> record;
  // Only a member of the organization gets the profile read: an outsider learns nothing.
  if (resource->actor_membership && resource->actor_membership->org == org) {
    auto found = profiles_.find(profile);
    if (!found) return std::move(found).error();
    if (found->has_value()) {
      auto level = profiles_.level_of(profile, caller.user());
      if (!level) return std::move(level).error();
      resource->profile = authz::ProfileTarget{profile, (*found)->org, *level};
      record = std::move(**found);
    }
  }
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  if (!record) return core::make_error(core::ErrorCode::not_found, "no such profile");
  auto level = authz::effective_level(caller.actor, *resource);
  return TargetAccess{std::move(*record), level.value_or(domain::ProfileLevel::viewer)};
}

core::Result<storage::PostRecord> Posts::load(core::OrgId org, core::PostId post) {
  auto found = posts_.find(org, post);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return core::make_error(core::ErrorCode::not_found, "no such post");
  return std::move(**found);
}

void Posts::announce_if_scheduled(const storage::PostRecord& post) const {
  if (on_scheduled_ && post.state == PostState::scheduled) on_scheduled_();
}

core::Result<PostView> Posts::view_of(storage::PostRecord post) {
  PostView view;
  for (const auto& target : post.targets) {
    auto profile = profiles_.find(target.profile);
    if (!profile) return std::move(profile).error();
    view.target_handles.push_back(profile->has_value() ? (*profile)->handle : std::string{});
  }
  view.wall_time = wall_time_of(post.schedule);
  view.post = std::move(post);
  return view;
}

void Posts::tell_author(const storage::PostRecord& post, const Caller& caller, std::string kind,
                        core::ProfileId profile, const std::string& comment) {
  if (!post.author || *post.author == caller.user()) return;
  nlohmann::json payload{{"post_id", post.id.value},
                         {"profile_id", profile.value},
                         {"comment", comment},
                         {"state", storage::post_state_name(post.state)},
                         {"by_user_id", caller.user().value}};
  // The decision is committed; a notice that cannot be written must not undo it.
  (void)notifications_.notify(*post.author, post.org, std::move(kind), payload.dump());
}

void Posts::tell_approvers(const storage::PostRecord& post, const Caller& caller) {
  if (post.state != PostState::pending_approval) return;
  std::set<std::int64_t> told;
  for (const auto& target : post.targets) {
    if (target.approval) continue;
    auto grants = profiles_.grants_of_profile(target.profile);
    if (!grants) continue;  // the post is saved; a notice that cannot be sent must not undo it
    for (const auto& grant : *grants) {
      if (grant.level < domain::ProfileLevel::publisher) continue;
      auto members = teams_.list_members(grant.team, core::limits::approvers_notified_per_team_max);
      if (!members) continue;
      for (const auto& member : *members) {
        if (member.user == caller.user() || !told.insert(member.user.value).second) continue;
        nlohmann::json payload{{"post_id", post.id.value},
                               {"profile_id", target.profile.value},
                               {"by_user_id", caller.user().value}};
        (void)notifications_.notify(member.user, post.org, "post.approval_requested",
                                    payload.dump());
      }
    }
  }
}

core::Result<PostView> Posts::create(const Caller& caller, core::OrgId org,
                                     const ComposeRequest& request) {
  // A member who left gets no replay of what they posted here.
  auto organization = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!organization) return std::move(organization).error();
  if (request.idempotency) {
    // Answered before any check: the first request's post must not count as a duplicate
    // of its own replay.
    auto earlier = posts_.find_by_idempotency_key(org, caller.user(), *request.idempotency);
    if (!earlier) return std::move(earlier).error();
    if (earlier->has_value()) {
      auto view = view_of(std::move((*earlier)->post));
      if (!view) return view;
      view->replayed = true;
      return view;
    }
  }
  if (auto listed = check_target_list(request.targets); !listed) return std::move(listed).error();
  const PostKind kind = kind_of(request);
  const auto action = has_text(kind) ? authz::Action::compose_post : authz::Action::publish_post;
  std::vector<storage::ProfileRecord> profiles;
  bool publisher_everywhere = true;
  std::vector<bool> publishes;
  for (const auto& target : request.targets) {
    auto access = target_access(caller, org, target.profile, action);
    if (!access) return std::move(access).error();
    const bool publisher = access->level >= domain::ProfileLevel::publisher;
    publishes.push_back(publisher);
    publisher_everywhere = publisher_everywhere && publisher;
    profiles.push_back(std::move(access->profile));
  }

  core::Error problems = invalid_post();
  std::vector<domain::BlueskyImage> images;
  if (request.images) images = described_images(*request.images, problems);
  if (has_text(kind)) {
    check_content(kind, request, images, profiles, problems);
  } else {
    check_action(kind, request, problems);
  }
  const std::int64_t now_ms = clock_.now_ms();
  const bool draft = request.timing.mode == PublishMode::draft;
  auto schedule =
      resolve_timing(request.timing, draft ? std::nullopt : std::optional<std::int64_t>(now_ms));
  if (!schedule) {
    for (auto& detail : schedule.error().details) problems.details.push_back(std::move(detail));
    if (schedule.error().details.empty()) {
      add_problem(problems, "when", schedule.error().message);
    }
  }
  if (!problems.details.empty()) return problems;

  if (!draft) {
    if (auto confirmed = check_confirmations(profiles, request.confirm_profiles); !confirmed) {
      return std::move(confirmed).error();
    }
  }

  storage::NewPost post;
  post.org = org;
  post.author = caller.user();
  post.kind = kind;
  post.state = draft                  ? PostState::draft
               : publisher_everywhere ? PostState::scheduled
                                      : PostState::pending_approval;
  post.text = request.text;
  post.langs = normalized_langs(request.langs);
  post.reply_root = request.reply_root;
  post.reply_parent = request.reply_parent;
  post.subject = request.subject;
  post.schedule = std::move(*schedule);
  post.targets = new_targets(request);
  post.images = new_images(images);
  post.idempotency = request.idempotency;

  // The same text to the same profile within the window either side of when it goes out.
  std::vector<storage::SameTextPost> duplicates;
  if (!draft && has_text(kind)) {
    const std::int64_t at_ms = post.schedule.at_ms.value_or(now_ms);
    const std::int64_t window_ms = core::limits::duplicate_text_window.count();
    core::Error warning =
        core::make_error(core::ErrorCode::duplicate_post,
                         "the same text goes to the same profile within 24 hours; send "
                         "allow_duplicate to post it anyway");
    for (std::size_t index = 0; index < post.targets.size(); ++index) {
      auto same = posts_.find_same_text(post.targets[index].profile, post.targets[index].text_hash,
                                        at_ms - window_ms, at_ms + window_ms, std::nullopt);
      if (!same) return std::move(same).error();
      for (const auto& other : *same) {
        add_problem(warning, target_field(index),
                    "@" + profiles[index].handle + ": post " + std::to_string(other.post.value) +
                        " (" + std::string(storage::post_state_name(other.state)) + ", " +
                        core::format_utc_ms(other.calendar_at_ms) + ")");
        duplicates.push_back(other);
      }
    }
    if (!duplicates.empty() && !request.allow_duplicate) return warning;
  }

  auto created = posts_.create(post, clock_.now_us(), audit(caller));
  if (!created) return std::move(created).error();
  storage::PostRecord record = std::move(created->post);
  if (!created->replayed && record.state == PostState::pending_approval) {
    // The author publishes to these profiles: their own approval is theirs to give.
    for (std::size_t index = 0; index < request.targets.size(); ++index) {
      if (!publishes[index]) continue;
      auto decided = posts_.decide(org, record.id, request.targets[index].profile,
                                   storage::ApprovalDecision::approved, caller.user(),
                                   "approved by its author, a publisher of this profile",
                                   clock_.now_us(), audit(caller));
      if (!decided) return std::move(decided).error();
      record = std::move(*decided);
    }
  }
  if (!created->replayed) {
    tell_approvers(record, caller);
    announce_if_scheduled(record);
  }
  auto view = view_of(std::move(record));
  if (!view) return view;
  view->replayed = created->replayed;
  view->duplicates = std::move(duplicates);
  return view;
}

core::Result<PostView> Posts::get(const Caller& caller, core::OrgId org, core::PostId post) {
  auto organization = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!organization) return std::move(organization).error();
  auto record = load(org, post);
  if (!record) return std::move(record).error();
  bool visible = record->author && *record->author == caller.user();
  for (const auto& target : record->targets) {
    if (visible) break;
    visible = target_access(caller, org, target.profile, authz::Action::view_profile).ok();
  }
  if (!visible) return core::make_error(core::ErrorCode::not_found, "no such post");
  return view_of(std::move(*record));
}

core::Result<PostView> Posts::update_draft(const Caller& caller, core::OrgId org, core::PostId post,
                                           const ComposeRequest& request) {
  auto current = get(caller, org, post);
  if (!current) return current;
  if (!current->post.author || *current->post.author != caller.user()) {
    return core::make_error(core::ErrorCode::permission_denied,
                            "missing permission: only the author edits a draft");
  }
  if (request.timing.mode != PublishMode::draft) {
    core::Error error = invalid_post();
    add_problem(error, "when.mode", "a draft stays a draft: schedule or submit it");
    return error;
  }
  if (auto listed = check_target_list(request.targets); !listed) return std::move(listed).error();
  const PostKind kind = current->post.kind;
  std::vector<storage::ProfileRecord> profiles;
  for (const auto& target : request.targets) {
    auto access =
        target_access(caller, org, target.profile,
                      has_text(kind) ? authz::Action::compose_post : authz::Action::publish_post);
    if (!access) return std::move(access).error();
    profiles.push_back(std::move(access->profile));
  }
  core::Error problems = invalid_post();
  std::vector<domain::BlueskyImage> images;
  if (request.images) {
    images = described_images(*request.images, problems);
  } else {
    // The images stay: they count for the rules (a post of images only has no text).
    for (const auto& image : current->post.images) {
      auto bytes = posts_.image_bytes(org, post, image.position);
      if (!bytes) return std::move(bytes).error();
      domain::BlueskyImage kept;
      if (bytes->has_value()) kept.bytes.assign((*bytes)->bytes.begin(), (*bytes)->bytes.end());
      kept.mime_type = image.mime_type;
      kept.alt = image.alt_text;
      kept.width = static_cast<int>(image.width);
      kept.height = static_cast<int>(image.height);
      images.push_back(std::move(kept));
    }
  }
  ComposeRequest checked = request;
  checked.kind = kind;
  if (has_text(kind)) {
    check_content(kind, checked, images, profiles, problems);
  } else {
    check_action(kind, checked, problems);
  }
  auto schedule = resolve_timing(request.timing, std::nullopt);
  if (!schedule) {
    for (auto& detail : schedule.error().details) problems.details.push_back(std::move(detail));
  }
  if (!problems.details.empty()) return problems;

  storage::DraftChange change;
  change.text = request.text;
  change.langs = normalized_langs(request.langs);
  change.reply_root = request.reply_root;
  change.reply_parent = request.reply_parent;
  change.subject = request.subject;
  change.schedule = std::move(*schedule);
  change.targets = new_targets(request);
  if (request.images) change.images = new_images(images);
  auto updated = posts_.update_draft(org, post, change, clock_.now_us(), audit(caller));
  if (!updated) return std::move(updated).error();
  return view_of(std::move(*updated));
}

core::Result<PostView> Posts::submit(const Caller& caller, core::OrgId org, core::PostId post,
                                     const std::vector<core::ProfileId>& confirm_profiles) {
  auto current = get(caller, org, post);
  if (!current) return current;
  if (!current->post.author || *current->post.author != caller.user()) {
    return core::make_error(core::ErrorCode::permission_denied,
                            "missing permission: only the author submits a post for approval");
  }
  std::vector<storage::ProfileRecord> profiles;
  std::vector<bool> publishes;
  const auto action =
      has_text(current->post.kind) ? authz::Action::compose_post : authz::Action::publish_post;
  for (const auto& target : current->post.targets) {
    auto access = target_access(caller, org, target.profile, action);
    if (!access) return std::move(access).error();
    publishes.push_back(access->level >= domain::ProfileLevel::publisher);
    profiles.push_back(std::move(access->profile));
  }
  if (auto confirmed = check_confirmations(profiles, confirm_profiles); !confirmed) {
    return std::move(confirmed).error();
  }
  auto submitted = posts_.submit_for_approval(org, post, clock_.now_us(), audit(caller));
  if (!submitted) return std::move(submitted).error();
  storage::PostRecord record = std::move(*submitted);
  for (std::size_t index = 0; index < profiles.size(); ++index) {
    if (!publishes[index] || record.state != PostState::pending_approval) continue;
    auto decided = posts_.decide(
        org, post, profiles[index].id, storage::ApprovalDecision::approved, caller.user(),
        "approved by its author, a publisher of this profile", clock_.now_us(), audit(caller));
    if (!decided) return std::move(decided).error();
    record = std::move(*decided);
  }
  tell_approvers(record, caller);
  announce_if_scheduled(record);
  return view_of(std::move(record));
}

core::Result<PostView> Posts::decide(const Caller& caller, core::OrgId org, core::PostId post,
                                     core::ProfileId profile, storage::ApprovalDecision decision,
                                     const std::string& comment) {
  if (comment.size() > core::limits::approval_comment_bytes_max) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid comment");
    add_problem(error, "comment",
                "at most " + std::to_string(core::limits::approval_comment_bytes_max) + " bytes");
    return error;
  }
  auto access = target_access(caller, org, profile, authz::Action::approve_post);
  if (!access) return std::move(access).error();
  auto decided = posts_.decide(org, post, profile, decision, caller.user(), comment,
                               clock_.now_us(), audit(caller));
  if (!decided) return std::move(decided).error();
  std::string kind = decision == storage::ApprovalDecision::rejected ? "post.rejected"
                     : decided->state == PostState::expired          ? "post.expired"
                                                                     : "post.approved";
  tell_author(*decided, caller, std::move(kind), profile, comment);
  announce_if_scheduled(*decided);
  return view_of(std::move(*decided));
}

core::Result<PostView> Posts::schedule(const Caller& caller, core::OrgId org, core::PostId post,
                                       const ScheduleRequest& request) {
  auto current = get(caller, org, post);
  if (!current) return current;
  std::vector<storage::ProfileRecord> profiles;
  for (const auto& target : current->post.targets) {
    auto access = target_access(caller, org, target.profile, authz::Action::publish_post);
    if (!access) return std::move(access).error();
    profiles.push_back(std::move(access->profile));
  }
  if (request.timing.mode == PublishMode::draft) {
    core::Error error = invalid_post();
    add_problem(error, "when.mode", "must be now or schedule");
    return error;
  }
  auto when = resolve_timing(request.timing, clock_.now_ms());
  if (!when) return std::move(when).error();
  if (auto confirmed = check_confirmations(profiles, request.confirm_profiles); !confirmed) {
    return std::move(confirmed).error();
  }
  auto scheduled = posts_.schedule(org, post, *when, clock_.now_us(), audit(caller));
  if (!scheduled) return std::move(scheduled).error();
  announce_if_scheduled(*scheduled);
  return view_of(std::move(*scheduled));
}

core::Result<PostView> Posts::cancel(const Caller& caller, core::OrgId org, core::PostId post) {
  auto current = get(caller, org, post);
  if (!current) return current;
  const bool author = current->post.author && *current->post.author == caller.user();
  if (!author) {
    for (const auto& target : current->post.targets) {
      auto access = target_access(caller, org, target.profile, authz::Action::publish_post);
      if (!access) return std::move(access).error();
    }
  }
  auto cancelled = posts_.cancel(org, post, clock_.now_us(), audit(caller));
  if (!cancelled) return std::move(cancelled).error();
  return view_of(std::move(*cancelled));
}

}  // namespace roost::services
