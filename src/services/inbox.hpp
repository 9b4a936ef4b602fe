#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/limits.hpp"
#include "core/result.hpp"
#include "domain/incoming_post.hpp"
#include "networks/identity.hpp"
#include "services/handle_lookup.hpp"
#include "services/live_events.hpp"
#include "services/org_access.hpp"
#include "services/outbound_settings.hpp"
#include "services/posts.hpp"
#include "services/templates.hpp"
#include "storage/inbox_repository.hpp"
#include "storage/notification_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

struct InboxOptions {
  // The most items open or pending one member holds (ADR 0025).
  std::int64_t member_open_items_max = core::limits::inbox_member_open_items_max;
  // Resolves a rule's author handle when the rule is saved (ADR 0034); null: a rule may name
  // its author by DID only (a handle is unavailable).
  networks::IdentityResolver* identities = nullptr;
  // The time a save may spend resolving (services/handle_lookup).
  std::chrono::milliseconds lookup_budget = handle_lookup_budget;
};

// Which items a list shows (storage::InboxQuery without who sees what: the service sets it).
struct InboxListRequest {
  std::optional<domain::InboxStatus> status;
  std::optional<core::ProfileId> profile;
  std::optional<core::TeamId> team;
  std::optional<core::UserId> assignee;
  bool unassigned = false;
  std::optional<std::string> tag;
  std::optional<domain::InboxKind> kind;
  std::optional<core::InboxItemId> before;
  std::size_t limit = core::limits::inbox_page_size_default;
};

struct InboxPage {
  std::vector<storage::InboxItemRecord> items;
  std::optional<core::InboxItemId> next_before;  // set when there may be more
};

// A PATCH of an item: each field left empty stays as it is.
struct InboxItemUpdate {
  std::optional<domain::InboxStatus> status;
  std::optional<std::optional<core::TeamId>> team;  // a team, or none
  std::optional<std::optional<core::UserId>> assignee;
  std::optional<domain::InboxPriority> priority;
  std::optional<std::vector<std::string>> tags;
};

// A reply from the inbox: its text, or a template of the caller's team rendered for the item.
struct InboxReplyRequest {
  std::optional<std::string> text;
  std::optional<core::TemplateId> template_id;
  std::vector<core::ProfileId> confirm_profiles;
  bool allow_duplicate = false;
};

struct InboxReplyView {
  storage::InboxItemRecord item;
  PostView post;
};

// A routing rule as saved through the API: the rule, and where it goes in the order.
struct InboxRuleRequest {
  domain::RoutingRule rule;
  std::optional<std::int64_t> position;  // 1-based; absent: last (create) or where it is
};

// The team inbox (PRODUCT.md §5, ADR 0025): items made from incoming posts, routed by the
// organization's rules, worked by the members who see their profile (viewer sees; limited
// assigns, tags, resolves and annotates), answered through Posts. Blocking (database): call
// through the blocking executor (ingest from the listener's thread).
class Inbox {
 public:
  // `live` may be null: no live events until app/ wires the event hub.
  Inbox(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
        storage::ProfileRepository& profiles, storage::InboxRepository& inbox,
        storage::UserRepository& users, storage::NotificationRepository& notifications,
        Posts& posts, Templates& templates, LiveEvents* live, const core::Clock& clock,
        const OutboundSettings& outbound, InboxOptions options = {})
      : organizations_(organizations),
        teams_(teams),
        profiles_(profiles),
        inbox_(inbox),
        users_(users),
        notifications_(notifications),
        posts_(posts),
        templates_(templates),
        live_(live),
        clock_(clock),
        outbound_(outbound),
        options_(options) {}

  // Makes an item of each post that mentions, replies to or quotes a profile of an
  // organization (not a post by that profile itself): routed, notified (the assignee, and the
  // profile owner), published live to the profile's viewers. Idempotent: an item that exists
  // is left as it is and nobody is told again. Returns how many items were new. The profiles
  // are found with one query per batch.
  core::Result<std::size_t> ingest(std::span<const domain::IncomingPost> posts);

  core::Result<InboxPage> list(const Caller& caller, core::OrgId org,
                               const InboxListRequest& request);
  core::Result<storage::InboxItemRecord> get(const Caller& caller, core::OrgId org,
                                             core::InboxItemId id);
  // The item, for someone who may reply to it: reply() goes through Posts::create, so the
  // policy's compose_post on the item's profile (limited and up) decides. A viewer gets
  // permission_denied; someone who cannot see the item, not_found.
  core::Result<storage::InboxItemRecord> get_for_reply(const Caller& caller, core::OrgId org,
                                                       core::InboxItemId id);
  // invalid_request for a team that is not the organization's or does not have the item's
  // profile, or a member who cannot see the profile; conflict for a member at the cap.
  core::Result<storage::InboxItemRecord> update(const Caller& caller, core::OrgId org,
                                                core::InboxItemId id,
                                                const InboxItemUpdate& change);
  core::Result<storage::InboxNoteRecord> add_note(const Caller& caller, core::OrgId org,
                                                  core::InboxItemId id, const std::string& body);
  core::Result<std::vector<storage::InboxNoteRecord>> list_notes(const Caller& caller,
                                                                 core::OrgId org,
                                                                 core::InboxItemId id);
  // A reply as the item's profile through Posts::create (its permissions, confirmation step
  // and approvals: a limited member's reply waits for approval), with the item's post as
  // parent and its thread's root as root.
  core::Result<InboxReplyView> reply(const Caller& caller, core::OrgId org, core::InboxItemId id,
                                     const InboxReplyRequest& request);

  core::Result<std::vector<storage::InboxRuleRecord>> list_rules(const Caller& caller,
                                                                 core::OrgId org);
  // A rule naming its author by handle stores the DID it resolves to (ADR 0034): a handle
  // that names no account is invalid_request on "author", a resolver that does not answer is
  // unavailable; either way nothing is saved.
  core::Result<storage::InboxRuleRecord> create_rule(const Caller& caller, core::OrgId org,
                                                     const InboxRuleRequest& request);
  core::Result<storage::InboxRuleRecord> update_rule(const Caller& caller, core::OrgId org,
                                                     const InboxRuleRequest& request);
  core::Result<void> delete_rule(const Caller& caller, core::OrgId org, core::InboxRuleId id);

 private:
  struct Candidate;
  core::Result<storage::InboxItemRecord> load(core::OrgId org, core::InboxItemId id);
  // The item, if the caller may see it (else not_found) and has `action` on its profile.
  core::Result<storage::InboxItemRecord> authorized_item(const Caller& caller, core::OrgId org,
                                                         core::InboxItemId id,
                                                         authz::Action action);
  core::Result<void> check_rule_targets(core::OrgId org, const domain::RoutingRule& rule);
  // The rule checked (normalize_rule, its team and profile) with its author's DID resolved.
  core::Result<domain::RoutingRule> checked_rule(core::OrgId org, const domain::RoutingRule& rule);
  core::Result<void> check_assignment(core::OrgId org, const storage::InboxItemRecord& item,
                                      const InboxItemUpdate& change);
  core::Result<bool> route_and_insert(const domain::IncomingPost& post, const Candidate& candidate);
  std::vector<storage::Notice> notices_for(const storage::InboxItemRecord& item,
                                           const storage::InboxProfile& profile);
  void publish_live(const storage::InboxItemRecord& item);

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::ProfileRepository& profiles_;
  storage::InboxRepository& inbox_;
  storage::UserRepository& users_;
  storage::NotificationRepository& notifications_;
  Posts& posts_;
  Templates& templates_;
  LiveEvents* live_;
  const core::Clock& clock_;
  const OutboundSettings& outbound_;
  InboxOptions options_;
};

// The JSON of an item as the API and the live event show it.
std::string inbox_item_json(const storage::InboxItemRecord& item);

}  // namespace roost::services
