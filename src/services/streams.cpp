#include "services/streams.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/ascii.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"
#include "domain/organization.hpp"
#include "services/handle_lookup.hpp"

namespace roost::services {
namespace {

constexpr std::string_view team_kind = "team";
// Enough for every active stream of an instance: 10,000 teams' worth of the per-team limit.
constexpr std::size_t active_streams_max = 1'000'000;

core::Error invalid(std::string field, std::string message) {
  auto error = core::make_error(core::ErrorCode::invalid_request, field + " " + message);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

core::Error no_such_stream() {
  return core::make_error(core::ErrorCode::not_found, "no such stream");
}

// The search as given, checked and in canonical form. Handles stay as written; the DIDs
// they name are resolved beside them (resolve_handles, ADR 0032).
core::Result<domain::StreamQuery> checked_search(const StreamSearch& search) {
  if (search.text && search.fields) {
    return invalid("query", "and search are exclusive: send the text or the fields, not both");
  }
  return search.text
             ? domain::parse_stream_query(*search.text)
             : domain::normalize_stream_query(search.fields.value_or(domain::StreamQuery{}));
}

// {"handle": "did"} as stored in streams.resolved_dids; a value that does not read (never
// written so) resolves nothing.
std::map<std::string, std::string> parse_resolved_dids(const std::string& text) {
  std::map<std::string, std::string> resolved;
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return resolved;
  for (const auto& [handle, did] : json.items()) {
    if (did.is_string()) resolved[handle] = did.get<std::string>();
  }
  return resolved;
}

// What the matcher compiles: from: handles replaced by their DIDs (a handle that did not
// resolve stays and matches no one), and each @handle also matched as a mention facet of its
// DID (the text "@handle" still matches: a client may leave a mention unlinked).
domain::StreamQuery matchable_query(domain::StreamQuery query, const std::string& resolved_json) {
  const auto resolved = parse_resolved_dids(resolved_json);
  auto did_of = [&](const std::string& term) -> const std::string* {
    auto found = resolved.find(core::ascii_lower(term));
    return found == resolved.end() ? nullptr : &found->second;
  };
  for (auto& author : query.authors) {
    if (domain::is_did(author)) continue;
    if (const auto* did = did_of(author)) author = *did;
  }
  const std::size_t mentions = query.mentions.size();
  for (std::size_t index = 0; index < mentions; ++index) {
    if (domain::is_did(query.mentions[index])) continue;
    const auto* did = did_of(query.mentions[index]);
    if (did == nullptr) continue;
    if (std::find(query.mentions.begin(), query.mentions.end(), *did) == query.mentions.end()) {
      query.mentions.push_back(*did);
    }
  }
  return query;
}

core::Result<std::int64_t> checked_retention(std::int64_t retention) {
  if (retention < 1 || retention > core::limits::stream_retention_max) {
    return invalid("retention_items",
                   "must be 1 to " + std::to_string(core::limits::stream_retention_max));
  }
  return retention;
}

StreamView to_view(const storage::StreamRecord& record) {
  StreamView view{record.id,
                  record.team,
                  record.name,
                  {},
                  record.query,
                  record.active,
                  record.retention_items,
                  record.created_by,
                  record.created_at_ms,
                  record.updated_at_ms,
                  parse_resolved_dids(record.resolved_dids)};
  // Stored queries were checked when written; one that no longer parses (a rule tightened
  // since) shows its text and matches nothing until edited.
  if (auto parsed = domain::parse_stream_query(record.query)) view.query = std::move(*parsed);
  return view;
}

nlohmann::json stream_details(const storage::StreamRecord& record) {
  return {{"stream_id", record.id.value}, {"team_id", record.team.value},
          {"name", record.name},          {"query", record.query},
          {"active", record.active},      {"retention_items", record.retention_items}};
}

core::Result<std::int64_t> parse_cursor(const std::string& cursor) {
  std::int64_t value = 0;
  const auto* end = cursor.data() + cursor.size();
  auto [at, problem] = std::from_chars(cursor.data(), end, value);
  if (problem != std::errc() || at != end || value <= 0) {
    return invalid("cursor", "is not a cursor this API returned");
  }
  return value;
}

// Posts hold no NUL (PostgreSQL text cannot) and are kept at a bounded length.
std::string storable_text(std::string_view text) {
  std::string out(core::utf8_prefix(text, core::limits::stream_item_text_bytes_max));
  std::erase(out, '\0');
  return out;
}

}  // namespace

core::Result<std::string> Streams::resolve_handles(const domain::StreamQuery& query) {
  std::vector<std::string> authors;
  std::vector<std::string> handles;
  for (const auto& author : query.authors) {
    if (domain::is_did(author)) continue;
    authors.push_back(author);
    handles.push_back(author);
  }
  if (!authors.empty() && identities_ == nullptr) {
    return core::make_error(
        core::ErrorCode::unavailable,
        "from:" + authors.front() + " names a handle and this server resolves no handles");
  }
  if (identities_ == nullptr) return std::string("{}");
  for (const auto& mention : query.mentions) {
    if (!domain::is_did(mention)) handles.push_back(mention);
  }
  // All of them at once, within one budget (ADR 0034): a resolver that does not answer holds
  // the save for the budget, not for a timeout per handle.
  const auto answers = lookup_handles(*identities_, handles);
  nlohmann::json resolved = nlohmann::json::object();
  for (const auto& author : authors) {
    const auto& answer = answers.at(handle_key(author));
    if (!answer) {
      return unresolved_handle("query", "from:" + author, answer.error(),
                               "stream_handle_unresolved");
    }
    resolved[handle_key(author)] = *answer;
  }
  // A mention also matches as the text "@handle": its DID is a bonus, so an unknown handle
  // or a resolver that does not answer leaves the text match alone rather than refuse.
  for (const auto& [handle, answer] : answers) {
    if (answer && !resolved.contains(handle)) resolved[handle] = *answer;
  }
  return resolved.dump();
}

storage::AuditEvent Streams::audit(const Caller& caller, std::string action,
                                   std::string details_json) const {
  return storage::AuditEvent{{},
                             caller.user(),
                             std::move(action),
                             "",
                             std::move(details_json),
                             caller.request_id,
                             clock_.now_ms()};
}

core::Result<authz::Resource> Streams::authorize_team(const Caller& caller, core::OrgId org,
                                                      core::TeamId team, authz::Action action) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return resource;
  resource->kind = team_kind;
  // Only a member of the organization gets the team read: an outsider learns nothing.
  if (resource->actor_membership && resource->actor_membership->org == org) {
    auto found = teams_.find(team);
    if (!found) return std::move(found).error();
    if (found->has_value()) {
      auto role = teams_.find_role(team, caller.user());
      if (!role) return std::move(role).error();
      resource->team = authz::TeamTarget{team, (*found)->org, *role, std::nullopt};
    }
  }
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return resource;
}

core::Result<storage::StreamRecord> Streams::authorize_stream(const Caller& caller, core::OrgId org,
                                                              core::StreamId stream,
                                                              authz::Action action) {
  auto found = streams_.find(stream);
  if (!found) return std::move(found).error();
  // A stream of another organization, reached through this one's path, does not exist here.
  if (!found->has_value() || (*found)->org != org) {
    // The organization's own 404 first, so that an outsider cannot tell streams apart.
    auto seen = authorize(organizations_, caller, org, authz::Action::view_org);
    if (!seen) return std::move(seen).error();
    return no_such_stream();
  }
  auto resource = authorize_team(caller, org, (*found)->team, action);
  if (!resource) {
    if (resource.error().code == core::ErrorCode::not_found) return no_such_stream();
    return std::move(resource).error();
  }
  return std::move(**found);
}

core::Result<StreamView> Streams::create(const Caller& caller, core::OrgId org, core::TeamId team,
                                         const StreamInput& input) {
  auto resource = authorize_team(caller, org, team, authz::Action::manage_team_streams);
  if (!resource) return std::move(resource).error();
  auto name = domain::normalize_org_name(input.name, "name");
  if (!name) return std::move(name).error();
  if (!input.search.text && !input.search.fields) {
    return invalid("query", "is required (or search, its structured fields)");
  }
  auto query = checked_search(input.search);
  if (!query) return std::move(query).error();
  auto retention =
      checked_retention(input.retention_items.value_or(core::limits::stream_retention_default));
  if (!retention) return std::move(retention).error();
  const std::string text = domain::format_stream_query(*query);
  // Before anything is written: an unknown handle or a resolver down saves nothing.
  auto resolved = resolve_handles(*query);
  if (!resolved) return std::move(resolved).error();
  storage::StreamDraft draft{team,          *name,           text,     input.active, *retention,
                             caller.user(), clock_.now_ms(), *resolved};
  auto created = streams_.create(
      draft,
      audit(caller, "stream.created",
            nlohmann::json{{"team_id", team.value}, {"name", *name}, {"query", text}}.dump()));
  if (!created) return std::move(created).error();
  return to_view(*created);
}

core::Result<std::vector<StreamView>> Streams::list(const Caller& caller, core::OrgId org,
                                                    core::TeamId team) {
  auto resource = authorize_team(caller, org, team, authz::Action::view_team_streams);
  if (!resource) return std::move(resource).error();
  auto listed = streams_.list_for_team(team, core::limits::streams_listed_max);
  if (!listed) return std::move(listed).error();
  std::vector<StreamView> views;
  views.reserve(listed->size());
  for (const auto& record : *listed) views.push_back(to_view(record));
  return views;
}

core::Result<StreamView> Streams::get(const Caller& caller, core::OrgId org,
                                      core::StreamId stream) {
  auto record = authorize_stream(caller, org, stream, authz::Action::view_team_streams);
  if (!record) return std::move(record).error();
  return to_view(*record);
}

core::Result<StreamView> Streams::update(const Caller& caller, core::OrgId org,
                                         core::StreamId stream, const StreamEdit& edit) {
  auto record = authorize_stream(caller, org, stream, authz::Action::manage_team_streams);
  if (!record) return std::move(record).error();
  storage::StreamChange change;
  change.now_ms = clock_.now_ms();
  if (edit.name) {
    auto name = domain::normalize_org_name(*edit.name, "name");
    if (!name) return std::move(name).error();
    change.name = std::move(*name);
  }
  if (edit.search.text || edit.search.fields) {
    auto query = checked_search(edit.search);
    if (!query) return std::move(query).error();
    change.query = domain::format_stream_query(*query);
    // Resolved again even for the same text: a handle may name another account by now.
    auto resolved = resolve_handles(*query);
    if (!resolved) return std::move(resolved).error();
    change.resolved_dids = std::move(*resolved);
  }
  if (edit.retention_items) {
    auto retention = checked_retention(*edit.retention_items);
    if (!retention) return std::move(retention).error();
    change.retention_items = *retention;
  }
  change.active = edit.active;
  auto details = stream_details(*record);
  details["changes"] =
      nlohmann::json{{"name", change.name.value_or(record->name)},
                     {"query", change.query.value_or(record->query)},
                     {"active", change.active.value_or(record->active)},
                     {"retention_items", change.retention_items.value_or(record->retention_items)}};
  auto updated = streams_.update(stream, change, audit(caller, "stream.updated", details.dump()));
  if (!updated) return std::move(updated).error();
  return to_view(*updated);
}

core::Result<void> Streams::remove(const Caller& caller, core::OrgId org, core::StreamId stream) {
  auto record = authorize_stream(caller, org, stream, authz::Action::manage_team_streams);
  if (!record) return std::move(record).error();
  return streams_.remove(stream, audit(caller, "stream.deleted", stream_details(*record).dump()));
}

core::Result<StreamItemsPage> Streams::items(const Caller& caller, core::OrgId org,
                                             core::StreamId stream, const std::string& cursor,
                                             std::size_t limit) {
  if (limit > core::limits::stream_items_page_max) {
    return invalid("limit", "must be 1 to " + std::to_string(core::limits::stream_items_page_max));
  }
  if (limit == 0) limit = core::limits::stream_items_page_default;
  std::optional<std::int64_t> before;
  if (!cursor.empty()) {
    auto parsed = parse_cursor(cursor);
    if (!parsed) return std::move(parsed).error();
    before = *parsed;
  }
  auto record = authorize_stream(caller, org, stream, authz::Action::view_team_streams);
  if (!record) return std::move(record).error();
  auto listed = streams_.list_items(stream, before, limit + 1);
  if (!listed) return std::move(listed).error();
  StreamItemsPage page;
  if (listed->size() > limit) {
    listed->resize(limit);
    page.next_cursor = std::to_string(listed->back().id);
  }
  page.items = std::move(*listed);
  return page;
}

core::Result<std::vector<ColumnView>> Streams::columns(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!resource) return std::move(resource).error();
  auto stored = streams_.list_columns(caller.user(), org);
  if (!stored) return std::move(stored).error();
  std::vector<ColumnView> views;
  for (const auto& column : *stored) {
    auto record = authorize_stream(caller, org, column.stream, authz::Action::view_team_streams);
    if (!record) {
      if (record.error().code == core::ErrorCode::not_found) continue;  // left the team
      return std::move(record).error();
    }
    views.push_back({to_view(*record), static_cast<std::int64_t>(views.size()), column.width});
  }
  return views;
}

core::Result<std::vector<ColumnView>> Streams::set_columns(const Caller& caller, core::OrgId org,
                                                           std::span<const ColumnInput> columns) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!resource) return std::move(resource).error();
  if (columns.size() > core::limits::columns_per_user_max) {
    return invalid("columns",
                   "holds more than " + std::to_string(core::limits::columns_per_user_max));
  }
  std::set<std::int64_t> seen;
  std::vector<storage::StreamColumnRecord> records;
  for (std::size_t index = 0; index < columns.size(); ++index) {
    const auto& column = columns[index];
    const std::string field = "columns[" + std::to_string(index) + "]";
    if (column.width < core::limits::column_width_min ||
        column.width > core::limits::column_width_max) {
      return invalid(field + ".width", "must be " + std::to_string(core::limits::column_width_min) +
                                           " to " + std::to_string(core::limits::column_width_max));
    }
    if (!seen.insert(column.stream.value).second) {
      return invalid(field + ".stream_id", "is already a column");
    }
    auto record = authorize_stream(caller, org, column.stream, authz::Action::view_team_streams);
    if (!record) {
      if (record.error().code == core::ErrorCode::not_found) {
        return invalid(field + ".stream_id", "is not a stream you can see");
      }
      return std::move(record).error();
    }
    records.push_back({column.stream, static_cast<std::int64_t>(index), column.width});
  }
  if (auto replaced = streams_.replace_columns(caller.user(), org, records); !replaced) {
    return std::move(replaced).error();
  }
  return this->columns(caller, org);
}

core::Result<std::vector<ActiveStream>> Streams::active_streams() {
  auto listed = streams_.list_active(active_streams_max);
  if (!listed) return std::move(listed).error();
  std::vector<ActiveStream> active;
  active.reserve(listed->size());
  for (const auto& record : *listed) {
    auto query = domain::parse_stream_query(record.query);
    if (!query) continue;  // see to_view: matches nothing until edited
    active.push_back(
        {record.id, record.team, matchable_query(std::move(*query), record.resolved_dids)});
  }
  return active;
}

core::Result<std::int64_t> Streams::revision() { return streams_.revision(); }

nlohmann::json stream_item_json(const storage::StreamItemRecord& item) {
  return {{"id", item.id},
          {"stream_id", item.stream.value},
          {"uri", item.post_uri},
          {"cid", item.post_cid},
          {"author_did", item.author_did},
          {"author_handle", item.author_handle ? nlohmann::json(*item.author_handle) : nullptr},
          {"text", item.text},
          {"created_at", item.created_at},
          {"received_at", core::format_utc_ms(item.received_at_ms)}};
}

core::Result<std::size_t> StreamItemRecorder::record_matches(std::span<const StreamMatch> matches) {
  std::vector<storage::StreamItemDraft> drafts;
  std::map<std::int64_t, core::TeamId> teams;
  drafts.reserve(matches.size());
  const std::int64_t now_ms = clock_.now_ms();
  for (const auto& match : matches) {
    const auto& post = *match.post;
    drafts.push_back({match.stream, storable_text(post.uri), storable_text(post.cid),
                      storable_text(post.author_did), storable_text(post.text),
                      storable_text(post.created_at), now_ms});
    teams[match.stream.value] = match.team;
  }
  auto inserted = streams_.insert_items(drafts);
  if (!inserted) return std::move(inserted).error();
  // Announced after the commit: a client that fetches the page on this event finds the item.
  for (const auto& item : *inserted) {
    nlohmann::json payload = stream_item_json(item);
    events_.publish({"stream.item", "team:" + std::to_string(teams[item.stream.value].value),
                     payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  }
  return inserted->size();
}

}  // namespace roost::services
