#include "api/http/handlers/stream_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/handlers/org_path.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view team_streams_path = "/api/v1/orgs/{org_id}/teams/{team_id}/streams";
constexpr std::string_view stream_path = "/api/v1/orgs/{org_id}/streams/{stream_id}";
constexpr std::string_view stream_items_path = "/api/v1/orgs/{org_id}/streams/{stream_id}/items";
constexpr std::string_view columns_path = "/api/v1/orgs/{org_id}/columns";

nlohmann::json search_json(const domain::StreamQuery& query) {
  return {{"keywords", query.keywords},
          {"phrases", query.phrases},
          {"hashtags", query.hashtags},
          {"mentions", query.mentions},
          {"authors", query.authors},
          {"excluded_words", query.excluded_words},
          {"excluded_phrases", query.excluded_phrases},
          {"languages", query.languages}};
}

nlohmann::json stream_json(const services::StreamView& stream) {
  return {{"id", stream.id.value},
          {"team_id", stream.team.value},
          {"name", stream.name},
          {"query", stream.query_text},
          {"search", search_json(stream.query)},
          {"active", stream.active},
          {"retention_items", stream.retention_items},
          {"created_by",
           stream.created_by ? nlohmann::json(stream.created_by->value) : nlohmann::json()},
          {"created_at", core::format_utc_ms(stream.created_at_ms)},
          {"updated_at", core::format_utc_ms(stream.updated_at_ms)},
          {"resolved_dids", stream.resolved_dids}};
}

nlohmann::json column_json(const services::ColumnView& column) {
  return {{"position", column.position},
          {"width", column.width},
          {"stream", stream_json(column.stream)}};
}

// The fields of a stream body beyond what JsonFields reads: a boolean, and the structured
// search (arrays of strings), each problem collected with the others.
class StreamBody {
 public:
  explicit StreamBody(const nlohmann::json& body) : body_(body), fields_(body) {}

  JsonFields& fields() { return fields_; }

  std::optional<bool> optional_boolean(std::string_view name) {
    const auto* value = find(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_boolean()) {
      problem(std::string(name), "must be true or false");
      return std::nullopt;
    }
    return value->get<bool>();
  }

  services::StreamSearch search() {
    services::StreamSearch search;
    search.text = fields_.optional_string("query");
    const auto* fields = find("search");
    if (fields == nullptr) return search;
    if (!fields->is_object()) {
      problem("search", "must be an object of string arrays (keywords, phrases, ...)");
      return search;
    }
    domain::StreamQuery query;
    read_list(*fields, "keywords", query.keywords);
    read_list(*fields, "phrases", query.phrases);
    read_list(*fields, "hashtags", query.hashtags);
    read_list(*fields, "mentions", query.mentions);
    read_list(*fields, "authors", query.authors);
    read_list(*fields, "excluded_words", query.excluded_words);
    read_list(*fields, "excluded_phrases", query.excluded_phrases);
    read_list(*fields, "languages", query.languages);
    search.fields = std::move(query);
    return search;
  }

  std::optional<core::Error> error() const {
    auto error = fields_.error();
    if (problems_.empty()) return error;
    if (!error) error = core::make_error(core::ErrorCode::invalid_request, "invalid fields");
    error->details.insert(error->details.end(), problems_.begin(), problems_.end());
    return error;
  }

 private:
  const nlohmann::json* find(std::string_view name) const {
    if (!body_.is_object()) return nullptr;
    auto found = body_.find(std::string(name));
    if (found == body_.end() || found->is_null()) return nullptr;
    return &*found;
  }

  void read_list(const nlohmann::json& object, const std::string& name,
                 std::vector<std::string>& out) {
    auto found = object.find(name);
    if (found == object.end() || found->is_null()) return;
    const std::string field = "search." + name;
    if (!found->is_array() || found->size() > core::limits::stream_query_terms_max) {
      problem(field, "must be an array of at most " +
                         std::to_string(core::limits::stream_query_terms_max) + " strings");
      return;
    }
    for (const auto& item : *found) {
      if (!item.is_string()) {
        problem(field, "must hold strings only");
        return;
      }
      out.push_back(item.get<std::string>());
    }
  }

  void problem(std::string field, std::string message) {
    problems_.push_back({std::move(field), std::move(message), 0, 0});
  }

  const nlohmann::json& body_;
  JsonFields fields_;
  std::vector<core::ErrorDetail> problems_;
};

// ?limit= as a page size, or the error naming it.
core::Result<std::size_t> page_limit(const Request& request) {
  auto text = request.query_parameter("limit");
  if (!text) return std::size_t{0};
  auto value = parse_id(*text);
  if (!value || *value > static_cast<std::int64_t>(core::limits::stream_items_page_max)) {
    return invalid_field("limit",
                         "must be 1 to " + std::to_string(core::limits::stream_items_page_max));
  }
  return static_cast<std::size_t>(*value);
}

}  // namespace

void StreamHandlers::register_routes(Router& router) {
  RouteOptions signed_in = route_options(AuthRequirement::required);
  RouteOptions signed_in_json = route_options(AuthRequirement::required, BodyKind::json);
  router.add(
      Method::post, std::string(team_streams_path),
      [this](Request r) { return create(std::move(r)); }, signed_in_json);
  router.add(
      Method::get, std::string(team_streams_path), [this](Request r) { return list(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(stream_path), [this](Request r) { return get(std::move(r)); },
      signed_in);
  router.add(
      Method::patch, std::string(stream_path), [this](Request r) { return update(std::move(r)); },
      signed_in_json);
  router.add(
      Method::delete_, std::string(stream_path), [this](Request r) { return remove(std::move(r)); },
      signed_in);
  router.add(
      Method::get, std::string(stream_items_path),
      [this](Request r) { return items(std::move(r)); }, signed_in);
  router.add(
      Method::get, std::string(columns_path), [this](Request r) { return columns(std::move(r)); },
      signed_in);
  router.add(
      Method::put, std::string(columns_path),
      [this](Request r) { return set_columns(std::move(r)); }, signed_in_json);
}

Awaitable<Response> StreamHandlers::create(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  StreamBody body(request.json);
  services::StreamInput input;
  input.name = body.fields().required_string("name");
  input.search = body.search();
  input.active = body.optional_boolean("active").value_or(true);
  input.retention_items = body.fields().optional_integer("retention_items");
  if (auto problems = body.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, team = *team, input] {
    return streams_.create(caller, org, team, input);
  };
  auto created = co_await blocking_.run(std::move(work));
  if (!created) co_return error_response(created.error());
  auto response = json_response(201, stream_json(*created));
  response.headers.push_back({"location", "/api/v1/orgs/" + std::to_string(org->value) +
                                              "/streams/" + std::to_string(created->id.value)});
  co_return response;
}

Awaitable<Response> StreamHandlers::list(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto team = path_id<core::TeamId>(request, "team_id");
  if (!team) co_return error_response(not_found("no such team"));
  auto work = [this, caller = caller_of(request), org = *org, team = *team] {
    return streams_.list(caller, org, team);
  };
  auto listed = co_await blocking_.run(std::move(work));
  if (!listed) co_return error_response(listed.error());
  nlohmann::json streams = nlohmann::json::array();
  for (const auto& stream : *listed) streams.push_back(stream_json(stream));
  nlohmann::json body = nlohmann::json::object();
  body["streams"] = std::move(streams);
  co_return json_response(200, body);
}

Awaitable<Response> StreamHandlers::get(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto stream = path_id<core::StreamId>(request, "stream_id");
  if (!stream) co_return error_response(not_found("no such stream"));
  auto work = [this, caller = caller_of(request), org = *org, stream = *stream] {
    return streams_.get(caller, org, stream);
  };
  auto found = co_await blocking_.run(std::move(work));
  if (!found) co_return error_response(found.error());
  co_return json_response(200, stream_json(*found));
}

Awaitable<Response> StreamHandlers::update(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto stream = path_id<core::StreamId>(request, "stream_id");
  if (!stream) co_return error_response(not_found("no such stream"));
  StreamBody body(request.json);
  services::StreamEdit edit;
  edit.name = body.fields().optional_string("name");
  edit.search = body.search();
  edit.active = body.optional_boolean("active");
  edit.retention_items = body.fields().optional_integer("retention_items");
  if (auto problems = body.error()) co_return error_response(*problems);
  auto work = [this, caller = caller_of(request), org = *org, stream = *stream, edit] {
    return streams_.update(caller, org, stream, edit);
  };
  auto updated = co_await blocking_.run(std::move(work));
  if (!updated) co_return error_response(updated.error());
  co_return json_response(200, stream_json(*updated));
}

Awaitable<Response> StreamHandlers::remove(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto stream = path_id<core::StreamId>(request, "stream_id");
  if (!stream) co_return error_response(not_found("no such stream"));
  auto work = [this, caller = caller_of(request), org = *org, stream = *stream] {
    return streams_.remove(caller, org, stream);
  };
  auto done = co_await blocking_.run(std::move(work));
  if (!done) co_return error_response(done.error());
  co_return no_content();
}

Awaitable<Response> StreamHandlers::items(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto stream = path_id<core::StreamId>(request, "stream_id");
  if (!stream) co_return error_response(not_found("no such stream"));
  auto limit = page_limit(request);
  if (!limit) co_return error_response(limit.error());
  auto work = [this, caller = caller_of(request), org = *org, stream = *stream,
               cursor = request.query_parameter("cursor").value_or(""),
               limit = *limit] { return streams_.items(caller, org, stream, cursor, limit); };
  auto page = co_await blocking_.run(std::move(work));
  if (!page) co_return error_response(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page->items) items.push_back(services::stream_item_json(item));
  nlohmann::json body = nlohmann::json::object();
  body["items"] = std::move(items);
  body["next_cursor"] = page->next_cursor ? nlohmann::json(*page->next_cursor) : nlohmann::json();
  co_return json_response(200, body);
}

Awaitable<Response> StreamHandlers::columns(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  auto work = [this, caller = caller_of(request), org = *org] {
    return streams_.columns(caller, org);
  };
  auto listed = co_await blocking_.run(std::move(work));
  if (!listed) co_return error_response(listed.error());
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& column : *listed) columns.push_back(column_json(column));
  nlohmann::json body = nlohmann::json::object();
  body["columns"] = std::move(columns);
  co_return json_response(200, body);
}

Awaitable<Response> StreamHandlers::set_columns(Request request) {
  auto org = org_id_of(request);
  if (!org) co_return error_response(not_found("no such organization"));
  const auto& body = request.json;
  std::vector<services::ColumnInput> columns;
  const auto found = body.is_object() ? body.find("columns") : body.end();
  if (!body.is_object() || found == body.end() || !found->is_array()) {
    co_return error_response(
        invalid_field("columns", "is required: an array of {stream_id, width}"));
  }
  if (found->size() > core::limits::columns_per_user_max) {
    co_return error_response(invalid_field(
        "columns", "holds more than " + std::to_string(core::limits::columns_per_user_max)));
  }
  for (std::size_t index = 0; index < found->size(); ++index) {
    const auto& item = (*found)[index];
    JsonFields fields(item);
    const auto stream = fields.required_integer("stream_id");
    const auto width = fields.required_integer("width");
    if (auto problems = fields.error()) {
      for (auto& detail : problems->details) {
        detail.field = "columns[" + std::to_string(index) + "]." + detail.field;
      }
      co_return error_response(*problems);
    }
    columns.push_back({core::StreamId{stream}, width});
  }
  auto work = [this, caller = caller_of(request), org = *org, columns] {
    return streams_.set_columns(caller, org, columns);
  };
  auto listed = co_await blocking_.run(std::move(work));
  if (!listed) co_return error_response(listed.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& column : *listed) out.push_back(column_json(column));
  nlohmann::json response = nlohmann::json::object();
  response["columns"] = std::move(out);
  co_return json_response(200, response);
}

}  // namespace roost::api::http
