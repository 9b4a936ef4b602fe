#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/incoming_post.hpp"
#include "domain/stream_query.hpp"
#include "networks/identity.hpp"
#include "services/live_events.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"
#include "storage/stream_repository.hpp"
#include "storage/team_repository.hpp"

// A team's shared streams (PRODUCT.md §5, ADR 0024): saved searches, their items and each
// user's columns. Team admins of the team and the organization's owners and admins manage
// them; every member of the team reads them; anyone else gets not_found. Blocking
// (database): call through the blocking executor.
namespace roost::services {

struct StreamView {
  core::StreamId id;
  core::TeamId team;
  std::string name;
  domain::StreamQuery query;
  std::string query_text;  // the canonical search-box form
  bool active = true;
  std::int64_t retention_items = 0;
  std::optional<core::UserId> created_by;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // The query's handles and the DIDs they resolved to when it was saved (ADR 0032).
  std::map<std::string, std::string> resolved_dids;
};

// A stream's search, as the search-box text or as structured fields (exactly one).
struct StreamSearch {
  std::optional<std::string> text;
  std::optional<domain::StreamQuery> fields;
};

struct StreamInput {
  std::string name;
  StreamSearch search;
  bool active = true;
  std::optional<std::int64_t> retention_items;  // default core::limits::stream_retention_default
};

struct StreamEdit {
  std::optional<std::string> name;
  StreamSearch search;  // both empty: the query stays
  std::optional<bool> active;
  std::optional<std::int64_t> retention_items;
};

struct StreamItemsPage {
  std::vector<storage::StreamItemRecord> items;  // newest first
  std::optional<std::string> next_cursor;        // empty: no older items
};

struct ColumnView {
  StreamView stream;
  std::int64_t position = 0;
  std::int64_t width = 1;
};

struct ColumnInput {
  core::StreamId stream;
  std::int64_t width = 1;
};

// An active stream as the matcher compiles it, with the team its items are announced to.
struct ActiveStream {
  core::StreamId id;
  core::TeamId team;
  domain::StreamQuery query;
};

// Saving a query resolves its handles through `identities` (ADR 0032): a from: handle that
// names no account is invalid_request naming it, a resolver that does not answer is
// unavailable, and either saves nothing. Without a resolver, from: handles are unavailable.
class Streams {
 public:
  Streams(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
          storage::StreamRepository& streams, const core::Clock& clock,
          networks::IdentityResolver* identities = nullptr)
      : organizations_(organizations),
        teams_(teams),
        streams_(streams),
        clock_(clock),
        identities_(identities) {}

  core::Result<StreamView> create(const Caller& caller, core::OrgId org, core::TeamId team,
                                  const StreamInput& input);
  // The team's streams by name.
  core::Result<std::vector<StreamView>> list(const Caller& caller, core::OrgId org,
                                             core::TeamId team);
  core::Result<StreamView> get(const Caller& caller, core::OrgId org, core::StreamId stream);
  core::Result<StreamView> update(const Caller& caller, core::OrgId org, core::StreamId stream,
                                  const StreamEdit& edit);
  core::Result<void> remove(const Caller& caller, core::OrgId org, core::StreamId stream);
  // Newest first; `cursor` is a page's next_cursor. limit 0 means the default page.
  core::Result<StreamItemsPage> items(const Caller& caller, core::OrgId org, core::StreamId stream,
                                      const std::string& cursor, std::size_t limit);

  // The caller's columns in the organization, in order, without the streams they can no
  // longer see.
  core::Result<std::vector<ColumnView>> columns(const Caller& caller, core::OrgId org);
  // Replaces the arrangement: the order given, each width 1..3, only streams the caller sees.
  core::Result<std::vector<ColumnView>> set_columns(const Caller& caller, core::OrgId org,
                                                    std::span<const ColumnInput> columns);

  // For the ingest side (no caller: the process itself): every active stream, and the number
  // that moves when that set changes (storage triggers, any process).
  core::Result<std::vector<ActiveStream>> active_streams();
  core::Result<std::int64_t> revision();

 private:
  core::Result<authz::Resource> authorize_team(const Caller& caller, core::OrgId org,
                                               core::TeamId team, authz::Action action);
  // The stream of `org` the caller may act on with `action`; not_found otherwise.
  core::Result<storage::StreamRecord> authorize_stream(const Caller& caller, core::OrgId org,
                                                       core::StreamId stream, authz::Action action);
  storage::AuditEvent audit(const Caller& caller, std::string action,
                            std::string details_json) const;
  // The JSON object {"handle": "did"} to store beside the query (blocking: network).
  core::Result<std::string> resolve_handles(const domain::StreamQuery& query);

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::StreamRepository& streams_;
  const core::Clock& clock_;
  networks::IdentityResolver* identities_;
};

// A stream that matched a post, and the team its item is announced to.
struct StreamMatch {
  core::StreamId stream;
  core::TeamId team;
  const domain::IncomingPost* post = nullptr;
};

// The ingest entry point: stores matches as stream items (idempotently: a post handed over
// again adds nothing) and announces each new item as a "stream.item" live event to the
// stream's team ("team:<id>"). Replays announce nothing.
class StreamItemRecorder {
 public:
  StreamItemRecorder(storage::StreamRepository& streams, LiveEvents& events,
                     const core::Clock& clock)
      : streams_(streams), events_(events), clock_(clock) {}

  // Returns the number of items newly stored.
  core::Result<std::size_t> record_matches(std::span<const StreamMatch> matches);

 private:
  storage::StreamRepository& streams_;
  LiveEvents& events_;
  const core::Clock& clock_;
};

// The JSON of an item, as the API and the live event show it.
nlohmann::json stream_item_json(const storage::StreamItemRecord& item);

}  // namespace roost::services
