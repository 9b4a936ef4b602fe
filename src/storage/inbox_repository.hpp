#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/inbox_routing.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "storage/notification_repository.hpp"
#include "storage/post_repository.hpp"

namespace roost::storage {

// A profile an incoming post may be about, found by its DID (ProfileRecord::external_id).
struct InboxProfile {
  core::ProfileId id;
  core::OrgId org;
  std::string did;
  std::string handle;
  std::string display_name;
  std::optional<core::UserId> owner;
};

struct InboxItemRecord {
  core::InboxItemId id;
  core::OrgId org;
  core::ProfileId profile;
  RecordRef post;
  domain::InboxKind kind = domain::InboxKind::mention;
  std::string author_did;
  std::string author_handle;  // empty when unknown
  std::string text;
  std::string post_created_at;
  std::int64_t received_at_ms = 0;
  std::optional<RecordRef> reply_root;  // the incoming post's own, when it is a reply
  std::optional<RecordRef> reply_parent;
  domain::InboxStatus status = domain::InboxStatus::open;
  std::optional<core::TeamId> team;
  std::optional<core::UserId> assignee;
  domain::InboxPriority priority = domain::InboxPriority::normal;
  std::vector<std::string> tags;  // sorted
  std::optional<core::InboxRuleId> routed_by_rule;
  std::optional<core::PostId> reply_post;  // the last reply sent from the inbox
  std::int64_t updated_at_ms = 0;
};

// A new item as routing made it (id, status and timestamps are the repository's).
struct NewInboxItem {
  core::OrgId org;
  core::ProfileId profile;
  RecordRef post;
  domain::InboxKind kind = domain::InboxKind::mention;
  std::string author_did;
  std::string author_handle;
  std::string text;
  std::string post_created_at;
  std::optional<RecordRef> reply_root;
  std::optional<RecordRef> reply_parent;
  std::optional<core::TeamId> team;
  std::optional<core::UserId> assignee;
  domain::InboxPriority priority = domain::InboxPriority::normal;
  std::vector<std::string> tags;
  std::optional<core::InboxRuleId> routed_by_rule;
};

// The notices of a new item, made once its id is known.
using InboxNoticeMaker = std::function<std::vector<Notice>(const InboxItemRecord&)>;

// Which items a list shows. Every filter is optional; they combine.
struct InboxQuery {
  // The profiles the caller sees: empty means every profile of the organization (its owners
  // and admins); otherwise only items of profiles the teams of `visible_to` are granted.
  std::optional<core::UserId> visible_to;
  std::optional<domain::InboxStatus> status;
  std::optional<core::ProfileId> profile;
  std::optional<core::TeamId> team;
  std::optional<core::UserId> assignee;
  bool unassigned = false;  // only items assigned to no person
  std::optional<std::string> tag;
  std::optional<domain::InboxKind> kind;
  std::optional<core::InboxItemId> before;  // the cursor: items with a smaller id
  std::size_t limit = 50;
};

// A change of an item: each field left empty stays as it is.
struct InboxItemChange {
  std::optional<domain::InboxStatus> status;
  std::optional<std::optional<core::TeamId>> team;  // a team, or none
  std::optional<std::optional<core::UserId>> assignee;
  std::optional<domain::InboxPriority> priority;
  std::optional<std::vector<std::string>> tags;  // the whole new list
  // The most items open or pending a person may hold: checked for a new assignee in the
  // same transaction that assigns them.
  std::int64_t assignee_open_items_max = 0;
};

struct InboxNoteRecord {
  std::int64_t id = 0;
  core::InboxItemId item;
  std::optional<core::UserId> author;
  std::string author_name;  // their display name; empty once the account is gone
  std::string body;
  std::int64_t created_at_ms = 0;
};

struct InboxRuleRecord {
  domain::RoutingRule rule;
  core::OrgId org;
  std::int64_t position = 0;  // 1-based, without gaps
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// The team inbox: items, their tags and notes, and the routing rules of an organization.
// Every change of an item or a rule writes its audit event in the same transaction.
class InboxRepository {
 public:
  explicit InboxRepository(Database& database) : database_(database) {}

  // The Bluesky profiles of every organization whose DID is one of `dids`, in one query per
  // limits::inbox_did_lookup_chunk DIDs.
  core::Result<std::vector<InboxProfile>> profiles_by_did(const std::vector<std::string>& dids);

  // Inserts the item unless the organization already has one for this post and profile:
  // nullopt then, and nothing is written (a replayed post notifies nobody again). Else the
  // item, its tags and the notices `notices` makes for it, in one transaction.
  core::Result<std::optional<InboxItemRecord>> insert(const NewInboxItem& item, std::int64_t now_ms,
                                                      const InboxNoticeMaker& notices);
  core::Result<std::optional<InboxItemRecord>> find(core::OrgId org, core::InboxItemId id);
  // Newest first (by id), at most query.limit.
  core::Result<std::vector<InboxItemRecord>> list(core::OrgId org, const InboxQuery& query);
  // The items open or pending assigned to `user` in the organization.
  core::Result<std::int64_t> open_items_of(core::OrgId org, core::UserId user);
  // ErrorCode::not_found when the item is not the organization's; ErrorCode::conflict when
  // a new assignee already holds change.assignee_open_items_max items open or pending.
  // Audit: inbox.item_updated with what changed.
  core::Result<InboxItemRecord> update(core::OrgId org, core::InboxItemId id,
                                       const InboxItemChange& change, std::int64_t now_ms,
                                       AuditEvent audit);
  // Records the reply sent from the inbox. Audit: inbox.replied.
  core::Result<InboxItemRecord> set_reply_post(core::OrgId org, core::InboxItemId id,
                                               core::PostId post, std::int64_t now_ms,
                                               AuditEvent audit);

  core::Result<InboxNoteRecord> add_note(core::OrgId org, core::InboxItemId item,
                                         core::UserId author, const std::string& body,
                                         std::int64_t now_ms, AuditEvent audit);
  // Oldest first, at most `limit`.
  core::Result<std::vector<InboxNoteRecord>> list_notes(core::InboxItemId item, std::size_t limit);

  // By position.
  core::Result<std::vector<InboxRuleRecord>> list_rules(core::OrgId org);
  core::Result<std::optional<InboxRuleRecord>> find_rule(core::OrgId org, core::InboxRuleId id);
  // Appended last, or at `position` (1-based; the others move down). ErrorCode::conflict
  // past limits::inbox_rules_per_org_max rules. Audit: inbox.rule_created.
  core::Result<InboxRuleRecord> create_rule(core::OrgId org, const domain::RoutingRule& rule,
                                            std::optional<std::int64_t> position,
                                            std::int64_t now_ms, AuditEvent audit);
  // Rewrites the rule, and moves it to `position` when given (clamped to the list).
  // ErrorCode::not_found when it is not the organization's. Audit: inbox.rule_updated.
  core::Result<InboxRuleRecord> update_rule(core::OrgId org, const domain::RoutingRule& rule,
                                            std::optional<std::int64_t> position,
                                            std::int64_t now_ms, AuditEvent audit);
  // The rules after it move up. Audit: inbox.rule_deleted.
  core::Result<void> delete_rule(core::OrgId org, core::InboxRuleId id, AuditEvent audit);

  // Rules of any organization that name their author by a handle not resolved yet (saved
  // before migration 0018, ADR 0034), by id after `after_id`, at most `limit`.
  core::Result<std::vector<InboxRuleRecord>> rules_awaiting_author(std::int64_t after_id,
                                                                   std::size_t limit);
  // Records the DID the rule's author handle resolved to, unless the rule was edited since
  // (its author is no longer `author`) or has a DID already: false then, nothing written.
  // Not audited: no user changed the rule; it now routes as its author meant.
  core::Result<bool> set_rule_author_did(core::InboxRuleId id, const std::string& author,
                                         const std::string& did);

 private:
  Database& database_;
};

}  // namespace roost::storage
