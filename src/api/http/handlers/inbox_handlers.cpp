#include "api/http/handlers/inbox_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view inbox_path = "/api/v1/orgs/{org_id}/inbox";
constexpr std::string_view item_path = "/api/v1/orgs/{org_id}/inbox/{item_id}";
constexpr std::string_view notes_path = "/api/v1/orgs/{org_id}/inbox/{item_id}/notes";
constexpr std::string_view reply_path = "/api/v1/orgs/{org_id}/inbox/{item_id}/reply";
constexpr std::string_view rules_path = "/api/v1/orgs/{org_id}/inbox-rules";
constexpr std::string_view rule_path = "/api/v1/orgs/{org_id}/inbox-rules/{rule_id}";

nlohmann::json item_json(const storage::InboxItemRecord& item) {
  return nlohmann::json::parse(services::inbox_item_json(item));
}

nlohmann::json note_json(const storage::InboxNoteRecord& note) {
  return {{"id", note.id},
          {"item_id", note.item.value},
          {"author_user_id", note.author ? nlohmann::json(note.author->value) : nullptr},
          {"author_name", note.author_name},
          {"body", note.body},
          {"created_at", core::format_utc_ms(note.created_at_ms)}};
}

nlohmann::json rule_json(const storage::InboxRuleRecord& record) {
  const auto& rule = record.rule;
  return {{"id", rule.id.value},
          {"position", record.position},
          {"name", rule.name},
          {"keywords", rule.when.keywords},
          {"regex", rule.when.regex},
          {"author", rule.when.author},
          // The DID the author resolved to when saved; null while a handle is not resolved.
          {"author_did",
           rule.when.author_did.empty() ? nlohmann::json() : nlohmann::json(rule.when.author_did)},
          {"profile_id", rule.when.profile ? nlohmann::json(rule.when.profile->value) : nullptr},
          {"assign_team_id", rule.then.team ? nlohmann::json(rule.then.team->value) : nullptr},
          {"tags", rule.then.tags},
          {"priority", rule.then.priority
                           ? nlohmann::json(domain::inbox_priority_name(*rule.then.priority))
                           : nullptr},
          {"created_at", core::format_utc_ms(record.created_at_ms)},
          {"updated_at", core::format_utc_ms(record.updated_at_ms)}};
}

// Reads the fields of a PATCH or rule body that JsonFields does not: lists of strings, ids
// that may be null (clear), enums. Collects every problem.
class BodyFields {
 public:
  explicit BodyFields(const nlohmann::json& body) : body_(body) {
    if (!body_.is_object()) problem("", "the body must be a JSON object");
  }
  bool has(std::string_view name) const { return body_.is_object() && body_.contains(name); }
  const nlohmann::json* find(std::string_view name) const {
    if (!has(name)) return nullptr;
    return &body_.at(name);
  }
  // Absent: nullopt. null: an empty inner optional. A positive integer: the id.
  template <class Id>
  std::optional<std::optional<Id>> nullable_id(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (value->is_null()) return std::optional<Id>{};
    if (!value->is_number_integer() || value->get<std::int64_t>() <= 0) {
      problem(std::string(name), "must be a positive integer id or null");
      return std::nullopt;
    }
    return std::optional<Id>(Id{value->get<std::int64_t>()});
  }
  std::optional<std::vector<std::string>> strings(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_array()) {
      problem(std::string(name), "must be an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> values;
    for (const auto& entry : *value) {
      if (!entry.is_string()) {
        problem(std::string(name), "must be an array of strings");
        return std::nullopt;
      }
      values.push_back(entry.get<std::string>());
    }
    return values;
  }
  std::optional<std::string> string(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_string()) {
      problem(std::string(name), "must be a string");
      return std::nullopt;
    }
    return value->get<std::string>();
  }
  std::optional<std::int64_t> integer(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_number_integer()) {
      problem(std::string(name), "must be an integer");
      return std::nullopt;
    }
    return value->get<std::int64_t>();
  }
  template <class Enum, class Parse>
  std::optional<Enum> named(std::string_view name, Parse parse, std::string_view choices) {
    auto text = string(name);
    if (!text) return std::nullopt;
    auto parsed = parse(*text);
    if (!parsed) problem(std::string(name), "must be " + std::string(choices));
    return parsed;
  }
  void problem(std::string field, std::string message) {
    problems_.push_back({std::move(field), std::move(message), 0, 0});
  }
  std::optional<core::Error> error() const {
    if (problems_.empty()) return std::nullopt;
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid request body");
    error.details = problems_;
    return error;
  }

 private:
  const nlohmann::json& body_;
  std::vector<core::ErrorDetail> problems_;
};

constexpr std::string_view status_choices = "open, pending or resolved";
constexpr std::string_view priority_choices = "low, normal, high or urgent";

services::InboxRuleRequest parse_rule(BodyFields& fields) {
  services::InboxRuleRequest request;
  auto& rule = request.rule;
  if (auto name = fields.string("name")) {
    rule.name = *name;
  } else if (!fields.has("name")) {
    fields.problem("name", "is required");
  }
  rule.when.keywords = fields.strings("keywords").value_or(std::vector<std::string>{});
  rule.when.regex = fields.string("regex").value_or("");
  rule.when.author = fields.string("author").value_or("");
  if (auto profile = fields.nullable_id<core::ProfileId>("profile_id"))
    rule.when.profile = *profile;
  if (auto team = fields.nullable_id<core::TeamId>("assign_team_id")) rule.then.team = *team;
  rule.then.tags = fields.strings("tags").value_or(std::vector<std::string>{});
  rule.then.priority = fields.named<domain::InboxPriority>("priority", domain::parse_inbox_priority,
                                                           priority_choices);
  request.position = fields.integer("position");
  return request;
}

template <class Id>
std::optional<Id> query_id(const Request& request, std::string_view name, bool& bad) {
  auto text = request.query_parameter(name);
  if (!text || text->empty()) return std::nullopt;
  auto id = parse_id(*text);
  if (!id) {
    bad = true;
    return std::nullopt;
  }
  return Id{*id};
}

}  // namespace

void InboxHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  router.add(
      Method::get, std::string(inbox_path), [this](Request r) { return list(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(item_path), [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::patch, std::string(item_path), [this](Request r) { return update(std::move(r)); },
      signed_in_json);
  router.add(
      Method::post, std::string(notes_path), [this](Request r) { return add_note(std::move(r)); },
      signed_in_json);
  router.add(
      Method::get, std::string(notes_path), [this](Request r) { return list_notes(std::move(r)); },
      signed_in);
  router.add(
      Method::post, std::string(reply_path), [this](Request r) { return reply(std::move(r)); },
      signed_in_json);
  router.add(
      Method::get, std::string(rules_path), [this](Request r) { return list_rules(std::move(r)); },
      signed_in);
  router.add(
      Method::post, std::string(rules_path),
      [this](Request r) { return create_rule(std::move(r)); }, signed_in_json);
  router.add(
      Method::put, std::string(rule_path), [this](Request r) { return update_rule(std::move(r)); },
      signed_in_json);
  router.add(
      Method::delete_, std::string(rule_path),
      [this](Request r) { return delete_rule(std::move(r)); }, signed_in);
}

Awaitable<Response> InboxHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  services::InboxListRequest query;
  bool bad_id = false;
  query.profile = query_id<core::ProfileId>(request, "profile", bad_id);
  query.team = query_id<core::TeamId>(request, "team", bad_id);
  query.before = query_id<core::InboxItemId>(request, "cursor", bad_id);
  if (auto assignee = request.query_parameter("assignee"); assignee && *assignee == "none") {
    query.unassigned = true;
  } else {
    query.assignee = query_id<core::UserId>(request, "assignee", bad_id);
  }
  if (bad_id) {
    co_return error_response(
        invalid_field("query", "profile, team, assignee and cursor must be positive ids"));
  }
  if (auto status = request.query_parameter("status"); status && !status->empty()) {
    query.status = domain::parse_inbox_status(*status);
    if (!query.status)
      co_return error_response(invalid_field("status", "must be open, pending or resolved"));
  }
  if (auto kind = request.query_parameter("kind"); kind && !kind->empty()) {
    query.kind = domain::parse_inbox_kind(*kind);
    if (!query.kind)
      co_return error_response(invalid_field("kind", "must be mention, reply or quote"));
  }
  if (auto tag = request.query_parameter("tag"); tag && !tag->empty()) {
    auto normalized = domain::normalize_tag(*tag, "tag");
    if (!normalized) co_return error_response(normalized.error());
    query.tag = *normalized;
  }
  if (auto limit = request.query_parameter("limit"); limit && !limit->empty()) {
    auto parsed = parse_id(*limit);
    if (!parsed) co_return error_response(invalid_field("limit", "must be a positive integer"));
    query.limit = static_cast<std::size_t>(*parsed);
  }
  auto work = [this, caller = caller_of(request), org = *org, query] {
    return inbox_.list(caller, org, query);
  };
  auto page = co_await blocking_.run(std::move(work));
  if (!page) co_return error_response(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page->items) items.push_back(item_json(item));
  nlohmann::json body = nlohmann::json::object();
  body["items"] = std::move(items);
  body["next_cursor"] = page->next_before ? nlohmann::json(page->next_before->value) : nullptr;
  co_return json_response(200, body);
}

Awaitable<Response> InboxHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto item = path_id<core::InboxItemId>(request, "item_id");
  if (!item) co_return error_response(not_found("no such inbox item"));
  auto work = [this, caller = caller_of(request), org = *org, item = *item] {
    return inbox_.get(caller, org, item);
  };
  auto found = co_await blocking_.run(std::move(work));
  if (!found) co_return error_response(found.error());
  co_return json_response(200, item_json(*found));
}

Awaitable<Response> InboxHandlers::update(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto item = path_id<core::InboxItemId>(request, "item_id");
  if (!item) co_return error_response(not_found("no such inbox item"));
  BodyFields fields(request.json);
  services::InboxItemUpdate change;
  change.status =
      fields.named<domain::InboxStatus>("status", domain::parse_inbox_status, status_choices);
  change.priority = fields.named<domain::InboxPriority>("priority", domain::parse_inbox_priority,
                                                        priority_choices);
  change.team = fields.nullable_id<core::TeamId>("team_id");
  change.assignee = fields.nullable_id<core::UserId>("assignee_user_id");
  change.tags = fields.strings("tags");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, item = *item, change] {
    return inbox_.update(caller, org, item, change);
  };
  auto updated = co_await blocking_.run(std::move(work));
  if (!updated) co_return error_response(updated.error());
  co_return json_response(200, item_json(*updated));
}

Awaitable<Response> InboxHandlers::add_note(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto item = path_id<core::InboxItemId>(request, "item_id");
  if (!item) co_return error_response(not_found("no such inbox item"));
  JsonFields fields(request.json);
  auto body = fields.required_string("body");
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, item = *item, body] {
    return inbox_.add_note(caller, org, item, body);
  };
  auto note = co_await blocking_.run(std::move(work));
  if (!note) co_return error_response(note.error());
  co_return json_response(201, note_json(*note));
}

Awaitable<Response> InboxHandlers::list_notes(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto item = path_id<core::InboxItemId>(request, "item_id");
  if (!item) co_return error_response(not_found("no such inbox item"));
  auto work = [this, caller = caller_of(request), org = *org, item = *item] {
    return inbox_.list_notes(caller, org, item);
  };
  auto notes = co_await blocking_.run(std::move(work));
  if (!notes) co_return error_response(notes.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& note : *notes) list.push_back(note_json(note));
  nlohmann::json body = nlohmann::json::object();
  body["notes"] = std::move(list);
  co_return json_response(200, body);
}

Awaitable<Response> InboxHandlers::reply(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto item = path_id<core::InboxItemId>(request, "item_id");
  if (!item) co_return error_response(not_found("no such inbox item"));
  BodyFields fields(request.json);
  services::InboxReplyRequest reply;
  reply.text = fields.string("text");
  if (auto chosen = fields.nullable_id<core::TemplateId>("template_id"); chosen && *chosen) {
    reply.template_id = **chosen;
  }
  if (auto confirmed = fields.find("confirm_profiles"); confirmed && !confirmed->is_null()) {
    if (!confirmed->is_array()) {
      fields.problem("confirm_profiles", "must be an array of profile ids");
    } else {
      for (const auto& id : *confirmed) {
        if (!id.is_number_integer() || id.get<std::int64_t>() <= 0) {
          fields.problem("confirm_profiles", "must be an array of profile ids");
          break;
        }
        reply.confirm_profiles.push_back(core::ProfileId{id.get<std::int64_t>()});
      }
    }
  }
  if (auto duplicate = fields.find("allow_duplicate"); duplicate && !duplicate->is_null()) {
    if (!duplicate->is_boolean()) {
      fields.problem("allow_duplicate", "must be true or false");
    } else {
      reply.allow_duplicate = duplicate->get<bool>();
    }
  }
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, item = *item, reply] {
    return inbox_.reply(caller, org, item, reply);
  };
  auto replied = co_await blocking_.run(std::move(work));
  if (!replied) co_return error_response(replied.error());
  nlohmann::json body = nlohmann::json::object();
  body["item"] = item_json(replied->item);
  body["post"] = {{"id", replied->post.post.id.value},
                  {"state", storage::post_state_name(replied->post.post.state)},
                  {"kind", storage::post_kind_name(replied->post.post.kind)},
                  {"text", replied->post.post.text}};
  co_return json_response(201, body);
}

Awaitable<Response> InboxHandlers::list_rules(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] {
    return inbox_.list_rules(caller, org);
  };
  auto rules = co_await blocking_.run(std::move(work));
  if (!rules) co_return error_response(rules.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& rule : *rules) list.push_back(rule_json(rule));
  nlohmann::json body = nlohmann::json::object();
  body["rules"] = std::move(list);
  co_return json_response(200, body);
}

Awaitable<Response> InboxHandlers::create_rule(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  BodyFields fields(request.json);
  auto rule = parse_rule(fields);
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, rule] {
    return inbox_.create_rule(caller, org, rule);
  };
  auto created = co_await blocking_.run(std::move(work));
  if (!created) co_return error_response(created.error());
  co_return json_response(201, rule_json(*created));
}

Awaitable<Response> InboxHandlers::update_rule(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = path_id<core::InboxRuleId>(request, "rule_id");
  if (!id) co_return error_response(not_found("no such routing rule"));
  BodyFields fields(request.json);
  auto rule = parse_rule(fields);
  rule.rule.id = *id;
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, rule] {
    return inbox_.update_rule(caller, org, rule);
  };
  auto updated = co_await blocking_.run(std::move(work));
  if (!updated) co_return error_response(updated.error());
  co_return json_response(200, rule_json(*updated));
}

Awaitable<Response> InboxHandlers::delete_rule(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto id = path_id<core::InboxRuleId>(request, "rule_id");
  if (!id) co_return error_response(not_found("no such routing rule"));
  auto work = [this, caller = caller_of(request), org = *org, id = *id] {
    return inbox_.delete_rule(caller, org, id);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

}  // namespace roost::api::http
