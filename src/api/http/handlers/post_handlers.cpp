#include "api/http/handlers/post_handlers.hpp"

#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/limits.hpp"
#include "core/tokens.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view posts_path = "/api/v1/orgs/{org_id}/posts";
constexpr std::string_view post_path = "/api/v1/orgs/{org_id}/posts/{post_id}";
constexpr std::string_view submit_path = "/api/v1/orgs/{org_id}/posts/{post_id}/submit";
constexpr std::string_view approve_path =
    "/api/v1/orgs/{org_id}/posts/{post_id}/targets/{profile_id}/approve";
constexpr std::string_view reject_path =
    "/api/v1/orgs/{org_id}/posts/{post_id}/targets/{profile_id}/reject";
constexpr std::string_view schedule_path = "/api/v1/orgs/{org_id}/posts/{post_id}/schedule";
constexpr std::string_view cancel_path = "/api/v1/orgs/{org_id}/posts/{post_id}/cancel";

constexpr std::string_view kind_names =
    "post, reply, quote, repost, like, follow, unfollow or delete";

// Reads the fields of a post's request body, collecting every problem with its place.
class PostFields {
 public:
  explicit PostFields(const nlohmann::json& body) : body_(body) {
    if (!body_.is_object()) problem("", "the body must be a JSON object");
  }

  const nlohmann::json* find(std::string_view name) const {
    if (!body_.is_object()) return nullptr;
    auto found = body_.find(name);
    if (found == body_.end() || found->is_null()) return nullptr;
    return &*found;
  }

  std::optional<std::string> string(const nlohmann::json* value, const std::string& field) {
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
      problem(field, "must be a string");
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  std::optional<std::int64_t> id(const nlohmann::json* value, const std::string& field) {
    if (value == nullptr) {
      problem(field, "is required");
      return std::nullopt;
    }
    if (!value->is_number_integer() || value->get<std::int64_t>() <= 0) {
      problem(field, "must be a positive integer id");
      return std::nullopt;
    }
    return value->get<std::int64_t>();
  }

  std::optional<storage::RecordRef> record(const nlohmann::json* value, const std::string& field) {
    if (value == nullptr) return std::nullopt;
    if (!value->is_object()) {
      problem(field, "must be an object {uri, cid}");
      return std::nullopt;
    }
    storage::RecordRef ref;
    auto uri = string(value->contains("uri") ? &value->at("uri") : nullptr, field + ".uri");
    if (!uri) {
      if (!value->contains("uri")) problem(field + ".uri", "is required");
      return std::nullopt;
    }
    ref.uri = *uri;
    ref.cid =
        string(value->contains("cid") ? &value->at("cid") : nullptr, field + ".cid").value_or("");
    return ref;
  }

  std::vector<core::ProfileId> profile_ids(std::string_view name) {
    std::vector<core::ProfileId> ids;
    const auto* list = find(name);
    if (list == nullptr) return ids;
    if (!list->is_array()) {
      problem(std::string(name), "must be an array of profile ids");
      return ids;
    }
    for (std::size_t index = 0; index < list->size(); ++index) {
      auto value = id(&(*list)[index], std::string(name) + "[" + std::to_string(index) + "]");
      if (value) ids.push_back(core::ProfileId{*value});
    }
    return ids;
  }

  services::PostTiming timing(bool required) {
    services::PostTiming result;
    const auto* when = find("when");
    if (when == nullptr) {
      if (required) problem("when", "is required: {mode: now | schedule | draft}");
      return result;
    }
    if (!when->is_object()) {
      problem("when", "must be an object {mode, local_time, time_zone}");
      return result;
    }
    auto mode = string(when->contains("mode") ? &when->at("mode") : nullptr, "when.mode");
    if (!mode) {
      problem("when.mode", "is required: now, schedule or draft");
    } else if (*mode == "now") {
      result.mode = services::PublishMode::now;
    } else if (*mode == "schedule") {
      result.mode = services::PublishMode::schedule;
    } else if (*mode == "draft") {
      result.mode = services::PublishMode::draft;
    } else {
      problem("when.mode", "must be now, schedule or draft");
    }
    result.local_time =
        string(when->contains("local_time") ? &when->at("local_time") : nullptr, "when.local_time")
            .value_or("");
    result.time_zone =
        string(when->contains("time_zone") ? &when->at("time_zone") : nullptr, "when.time_zone")
            .value_or("");
    return result;
  }

  bool boolean(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr) return false;
    if (!value->is_boolean()) {
      problem(std::string(name), "must be true or false");
      return false;
    }
    return value->get<bool>();
  }

  void problem(std::string field, std::string message) {
    problems_.details.push_back({std::move(field), std::move(message), 0, 0});
  }

  std::optional<core::Error> error() const {
    if (problems_.details.empty()) return std::nullopt;
    return problems_;
  }

 private:
  const nlohmann::json& body_;
  core::Error problems_ = core::make_error(core::ErrorCode::invalid_request,
                                           "the request body has missing or invalid fields");
};

// A create or draft request: {kind, text, targets: [{profile_id, text}], langs,
// images: [{data (base64), alt}], reply: {root, parent}, subject, when, confirm_profiles,
// allow_duplicate}.
core::Result<services::ComposeRequest> parse_compose(const nlohmann::json& body,
                                                     bool timing_required) {
  PostFields fields(body);
  services::ComposeRequest request;
  if (auto kind = fields.string(fields.find("kind"), "kind")) {
    request.kind = storage::parse_post_kind(*kind);
    if (!request.kind) fields.problem("kind", "must be " + std::string(kind_names));
  }
  request.text = fields.string(fields.find("text"), "text").value_or("");
  const auto* targets = fields.find("targets");
  if (targets == nullptr || !targets->is_array()) {
    fields.problem("targets", "must be an array of {profile_id, text}");
  } else {
    for (std::size_t index = 0; index < targets->size(); ++index) {
      const auto& item = (*targets)[index];
      const std::string place = "targets[" + std::to_string(index) + "]";
      if (!item.is_object()) {
        fields.problem(place, "must be an object {profile_id, text}");
        continue;
      }
      auto profile = fields.id(item.contains("profile_id") ? &item.at("profile_id") : nullptr,
                               place + ".profile_id");
      auto text = fields.string(
          item.contains("text") && !item.at("text").is_null() ? &item.at("text") : nullptr,
          place + ".text");
      if (profile) request.targets.push_back({core::ProfileId{*profile}, std::move(text)});
    }
  }
  if (const auto* langs = fields.find("langs")) {
    if (!langs->is_array()) {
      fields.problem("langs", "must be an array of language tags");
    } else {
      for (std::size_t index = 0; index < langs->size(); ++index) {
        auto lang = fields.string(&(*langs)[index], "langs[" + std::to_string(index) + "]");
        if (lang) request.langs.push_back(std::move(*lang));
      }
    }
  }
  if (const auto* images = fields.find("images")) {
    request.images.emplace();
    if (!images->is_array()) {
      fields.problem("images", "must be an array of {data, alt}");
    } else {
      for (std::size_t index = 0; index < images->size(); ++index) {
        const auto& item = (*images)[index];
        const std::string place = "images[" + std::to_string(index) + "]";
        if (!item.is_object()) {
          fields.problem(place, "must be an object {data, alt}");
          continue;
        }
        auto data =
            fields.string(item.contains("data") ? &item.at("data") : nullptr, place + ".data");
        auto alt = fields.string(item.contains("alt") ? &item.at("alt") : nullptr, place + ".alt");
        if (!data) {
          if (!item.contains("data")) fields.problem(place + ".data", "is required (base64)");
          continue;
        }
        auto bytes = core::base64_decode(*data, core::Base64::standard);
        if (!bytes) {
          fields.problem(place + ".data", "is not standard base64");
          continue;
        }
        request.images->push_back({std::move(*bytes), alt.value_or("")});
      }
    }
  }
  if (const auto* reply = fields.find("reply")) {
    if (!reply->is_object()) {
      fields.problem("reply", "must be an object {root, parent}");
    } else {
      request.reply_root =
          fields.record(reply->contains("root") ? &reply->at("root") : nullptr, "reply.root");
      request.reply_parent =
          fields.record(reply->contains("parent") ? &reply->at("parent") : nullptr, "reply.parent");
      if (!reply->contains("root")) fields.problem("reply.root", "is required");
      if (!reply->contains("parent")) fields.problem("reply.parent", "is required");
    }
  }
  request.subject = fields.record(fields.find("subject"), "subject");
  request.timing = fields.timing(timing_required);
  if (!timing_required && fields.find("when") == nullptr) {
    request.timing.mode = services::PublishMode::draft;
  }
  request.confirm_profiles = fields.profile_ids("confirm_profiles");
  request.allow_duplicate = fields.boolean("allow_duplicate");
  if (auto error = fields.error()) return *error;
  return request;
}

nlohmann::json record_json(const std::optional<storage::RecordRef>& ref) {
  if (!ref) return nullptr;
  return {{"uri", ref->uri}, {"cid", ref->cid}};
}

nlohmann::json post_json(const services::PostView& view) {
  const auto& post = view.post;
  nlohmann::json targets = nlohmann::json::array();
  for (std::size_t index = 0; index < post.targets.size(); ++index) {
    const auto& target = post.targets[index];
    nlohmann::json approval = nullptr;
    if (target.approval) {
      nlohmann::json approver = nullptr;
      if (target.approval->approver) approver = target.approval->approver->value;
      approval = {{"decision", storage::approval_decision_name(target.approval->decision)},
                  {"approver_user_id", approver},
                  {"comment", target.approval->comment},
                  {"decided_at", core::format_utc_ms(target.approval->decided_at_ms)}};
    }
    nlohmann::json published = nullptr;
    if (!target.published.uri.empty()) {
      published = {{"uri", target.published.uri}, {"cid", target.published.cid}};
    }
    nlohmann::json text = nullptr;
    if (target.text_override) text = *target.text_override;
    targets.push_back({{"profile_id", target.profile.value},
                       {"handle", index < view.target_handles.size() ? view.target_handles[index]
                                                                     : std::string{}},
                       {"text", text},
                       {"state", storage::target_state_name(target.state)},
                       {"approval", approval},
                       {"published", published},
                       {"published_at", optional_time(target.published_at_ms)},
                       {"last_error", target.last_error}});
  }
  nlohmann::json images = nlohmann::json::array();
  for (const auto& image : post.images) {
    images.push_back({{"position", image.position},
                      {"mime_type", image.mime_type},
                      {"alt", image.alt_text},
                      {"width", image.width},
                      {"height", image.height},
                      {"byte_count", image.byte_count}});
  }
  nlohmann::json schedule = nullptr;
  if (post.schedule.at_ms || !post.schedule.time_zone.empty()) {
    schedule = {{"at", optional_time(post.schedule.at_ms)},
                {"time_zone", post.schedule.time_zone},
                {"local_time", post.schedule.local_time},
                {"wall_time", view.wall_time},
                {"wall_time_rule", post.schedule.wall_time_rule}};
  }
  nlohmann::json reply = nullptr;
  if (post.reply_root || post.reply_parent) {
    reply = {{"root", record_json(post.reply_root)}, {"parent", record_json(post.reply_parent)}};
  }
  nlohmann::json author = nullptr;
  if (post.author) author = post.author->value;
  nlohmann::json duplicates = nlohmann::json::array();
  for (const auto& other : view.duplicates) {
    duplicates.push_back({{"post_id", other.post.value},
                          {"state", storage::post_state_name(other.state)},
                          {"at", core::format_utc_ms(other.calendar_at_ms)}});
  }
  return {{"id", post.id.value},
          {"org_id", post.org.value},
          {"author_user_id", author},
          {"kind", storage::post_kind_name(post.kind)},
          {"state", storage::post_state_name(post.state)},
          {"text", post.text},
          {"langs", post.langs},
          {"reply", reply},
          {"subject", record_json(post.subject)},
          {"schedule", schedule},
          {"targets", std::move(targets)},
          {"images", std::move(images)},
          {"duplicates", std::move(duplicates)},
          {"created_at", core::format_utc_ms(post.created_at_ms)},
          {"updated_at", core::format_utc_ms(post.updated_at_ms)}};
}

struct PostPath {
  core::OrgId org;
  core::PostId post;
};

core::Result<PostPath> post_path_of(const Request& request) {
  auto org = org_id_of(request);
  if (!org) return not_found("no such organization");
  auto post = path_id<core::PostId>(request, "post_id");
  if (!post) return not_found("no such post");
  return PostPath{*org, *post};
}

// The Idempotency-Key header with the hash of the parsed body (keys sorted: the same
// request however its fields are ordered), or nullopt without the header.
core::Result<std::optional<storage::IdempotencyKey>> idempotency_of(const Request& request) {
  auto header = request.header("idempotency-key");
  if (!header) return std::optional<storage::IdempotencyKey>{};
  if (header->empty() || header->size() > core::limits::idempotency_key_bytes_max) {
    return invalid_field(
        "Idempotency-Key",
        "must be 1 to " + std::to_string(core::limits::idempotency_key_bytes_max) + " bytes");
  }
  return std::optional<storage::IdempotencyKey>(
      storage::IdempotencyKey{std::string(*header), core::hash_token(request.json.dump())});
}

}  // namespace

void PostHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  RouteOptions compose = signed_in_json;
  compose.body_bytes_max = core::limits::post_request_bytes_max;
  router.add(
      Method::post, std::string(posts_path), [this](Request r) { return create(std::move(r)); },
      compose);
  router.add(
      Method::get, std::string(post_path), [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::patch, std::string(post_path), [this](Request r) { return update(std::move(r)); },
      compose);
  router.add(
      Method::post, std::string(submit_path), [this](Request r) { return submit(std::move(r)); },
      signed_in_json);
  router.add(
      Method::post, std::string(approve_path), [this](Request r) { return approve(std::move(r)); },
      signed_in_json);
  router.add(
      Method::post, std::string(reject_path), [this](Request r) { return reject(std::move(r)); },
      signed_in_json);
  router.add(
      Method::post, std::string(schedule_path),
      [this](Request r) { return schedule(std::move(r)); }, signed_in_json);
  router.add(
      Method::post, std::string(cancel_path), [this](Request r) { return cancel(std::move(r)); },
      signed_in);
}

Awaitable<Response> PostHandlers::create(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto compose = parse_compose(request.json, true);
  if (!compose) co_return error_response(compose.error());
  auto idempotency = idempotency_of(request);
  if (!idempotency) co_return error_response(idempotency.error());
  compose->idempotency = std::move(*idempotency);
  auto work = [this, caller = caller_of(request), org = *org, compose = std::move(*compose)] {
    return posts_.create(caller, org, compose);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  auto body = post_json(*view);
  body["replayed"] = view->replayed;
  co_return json_response(view->replayed ? 200 : 201, body);
}

Awaitable<Response> PostHandlers::get(Request request) {
  auto path = post_path_of(request);
  if (!path) co_return error_response(path.error());
  auto work = [this, caller = caller_of(request), path = *path] {
    return posts_.get(caller, path.org, path.post);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  co_return json_response(200, post_json(*view));
}

Awaitable<Response> PostHandlers::update(Request request) {
  auto path = post_path_of(request);
  if (!path) co_return error_response(path.error());
  auto compose = parse_compose(request.json, false);
  if (!compose) co_return error_response(compose.error());
  auto work = [this, caller = caller_of(request), path = *path, compose = std::move(*compose)] {
    return posts_.update_draft(caller, path.org, path.post, compose);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  co_return json_response(200, post_json(*view));
}

Awaitable<Response> PostHandlers::submit(Request request) {
  auto path = post_path_of(request);
  if (!path) co_return error_response(path.error());
  PostFields fields(request.json);
  auto confirmed = fields.profile_ids("confirm_profiles");
  if (auto error = fields.error()) co_return error_response(*error);
  auto work = [this, caller = caller_of(request), path = *path, confirmed = std::move(confirmed)] {
    return posts_.submit(caller, path.org, path.post, confirmed);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  co_return json_response(200, post_json(*view));
}

Awaitable<Response> PostHandlers::approve(Request request) {
  return decide(std::move(request), storage::ApprovalDecision::approved);
}

Awaitable<Response> PostHandlers::reject(Request request) {
  return decide(std::move(request), storage::ApprovalDecision::rejected);
}

Awaitable<Response> PostHandlers::decide(Request request, storage::ApprovalDecision decision) {
  auto path = post_path_of(request);
  if (!path) co_return error_response(path.error());
  auto profile = path_id<core::ProfileId>(request, "profile_id");
  if (!profile) co_return error_response(not_found("no such profile"));
  PostFields fields(request.json);
  auto comment = fields.string(fields.find("comment"), "comment").value_or("");
  if (auto error = fields.error()) co_return error_response(*error);
  auto work = [this, caller = caller_of(request), path = *path, profile = *profile, decision,
               comment = std::move(comment)] {
    return posts_.decide(caller, path.org, path.post, profile, decision, comment);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  co_return json_response(200, post_json(*view));
}

Awaitable<Response> PostHandlers::schedule(Request request) {
  auto path = post_path_of(request);
  if (!path) co_return error_response(path.error());
  PostFields fields(request.json);
  services::ScheduleRequest when;
  when.timing = fields.timing(true);
  when.confirm_profiles = fields.profile_ids("confirm_profiles");
  if (auto error = fields.error()) co_return error_response(*error);
  auto work = [this, caller = caller_of(request), path = *path, when = std::move(when)] {
    return posts_.schedule(caller, path.org, path.post, when);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  co_return json_response(200, post_json(*view));
}

Awaitable<Response> PostHandlers::cancel(Request request) {
  auto path = post_path_of(request);
  if (!path) co_return error_response(path.error());
  auto work = [this, caller = caller_of(request), path = *path] {
    return posts_.cancel(caller, path.org, path.post);
  };
  auto view = co_await blocking_.run(std::move(work));
  if (!view) co_return error_response(view.error());
  co_return json_response(200, post_json(*view));
}

}  // namespace roost::api::http
