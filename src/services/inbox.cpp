#include "services/inbox.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "domain/text.hpp"
#include "services/handle_lookup.hpp"

namespace roost::services {
namespace {

constexpr std::string_view item_kind = "inbox item";

core::Error no_such_item() {
  return core::make_error(core::ErrorCode::not_found, "no such inbox item");
}

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

// The repository DID of an at:// URI ("at://did:plc:x/app.bsky.feed.post/k" -> "did:plc:x").
std::string_view did_of(std::string_view uri) {
  constexpr std::string_view scheme = "at://";
  if (!uri.starts_with(scheme)) return {};
  uri.remove_prefix(scheme.size());
  return uri.substr(0, uri.find('/'));
}

nlohmann::json ref_json(const std::optional<storage::RecordRef>& ref) {
  if (!ref) return nullptr;
  return {{"uri", ref->uri}, {"cid", ref->cid}};
}

template <class Id>
nlohmann::json id_json(const std::optional<Id>& id) {
  if (!id) return nullptr;
  return id->value;
}

std::string item_link(const OutboundSettings& outbound, const storage::InboxItemRecord& item) {
  return outbound.public_url + "/orgs/" + std::to_string(item.org.value) + "/inbox/" +
         std::to_string(item.id.value);
}

}  // namespace

std::string inbox_item_json(const storage::InboxItemRecord& item) {
  return nlohmann::json{
      {"id", item.id.value},
      {"org_id", item.org.value},
      {"profile_id", item.profile.value},
      {"post", {{"uri", item.post.uri}, {"cid", item.post.cid}}},
      {"kind", domain::inbox_kind_name(item.kind)},
      {"author_did", item.author_did},
      {"author_handle",
       item.author_handle.empty() ? nlohmann::json() : nlohmann::json(item.author_handle)},
      {"text", item.text},
      {"post_created_at", item.post_created_at},
      {"received_at", core::format_utc_ms(item.received_at_ms)},
      {"reply_root", ref_json(item.reply_root)},
      {"reply_parent", ref_json(item.reply_parent)},
      {"status", domain::inbox_status_name(item.status)},
      {"team_id", id_json(item.team)},
      {"assignee_user_id", id_json(item.assignee)},
      {"priority", domain::inbox_priority_name(item.priority)},
      {"tags", item.tags},
      {"routed_by_rule_id", id_json(item.routed_by_rule)},
      {"reply_post_id", id_json(item.reply_post)},
      {"updated_at", core::format_utc_ms(item.updated_at_ms)}}
      .dump();
}

// What one post is to one profile, and the rules of the profile's organization.
struct Inbox::Candidate {
  storage::InboxProfile profile;
  domain::InboxKind kind = domain::InboxKind::mention;
  std::shared_ptr<const domain::RuleSet> rules;
  // The team an owner at the cap hands the item to (ADR 0025); empty: none found yet.
  std::optional<core::TeamId> overflow_team;
};

core::Result<std::size_t> Inbox::ingest(std::span<const domain::IncomingPost> posts) {
  // Every DID the batch may be about, looked up at once.
  std::set<std::string> dids;
  for (const auto& post : posts) {
    for (auto did : post.mention_dids) dids.emplace(did);
    if (auto did = did_of(post.reply_parent_uri); !did.empty()) dids.emplace(did);
    if (auto did = did_of(post.quote_uri); !did.empty()) dids.emplace(did);
  }
  if (dids.empty()) return std::size_t{0};
  auto found = inbox_.profiles_by_did(std::vector<std::string>(dids.begin(), dids.end()));
  if (!found) return std::move(found).error();
  if (found->empty()) return std::size_t{0};
  std::multimap<std::string, storage::InboxProfile> by_did;
  for (auto& profile : *found) by_did.emplace(profile.did, profile);

  std::map<std::int64_t, std::shared_ptr<const domain::RuleSet>> rules_of_org;
  std::size_t created = 0;
  for (const auto& post : posts) {
    // One item per profile the post is about, of its strongest kind.
    std::map<std::int64_t, Candidate> candidates;
    auto consider = [&](std::string_view did, domain::InboxKind kind) {
      if (did.empty() || did == post.author_did) return;  // a profile's own posts are not items
      auto [first, last] = by_did.equal_range(std::string(did));
      for (auto it = first; it != last; ++it) {
        auto& candidate = candidates[it->second.id.value];
        candidate.profile = it->second;
        candidate.kind = std::max(candidate.kind, kind);
      }
    };
    for (auto did : post.mention_dids) consider(did, domain::InboxKind::mention);
    consider(did_of(post.quote_uri), domain::InboxKind::quote);
    consider(did_of(post.reply_parent_uri), domain::InboxKind::reply);
    for (auto& [id, candidate] : candidates) {
      auto& rules = rules_of_org[candidate.profile.org.value];
      if (!rules) {
        auto listed = inbox_.list_rules(candidate.profile.org);
        if (!listed) return std::move(listed).error();
        std::vector<domain::RoutingRule> ordered;
        for (auto& record : *listed) ordered.push_back(std::move(record.rule));
        rules = std::make_shared<const domain::RuleSet>(std::move(ordered));
      }
      candidate.rules = rules;
      auto inserted = route_and_insert(post, candidate);
      if (!inserted) return std::move(inserted).error();
      if (*inserted) ++created;
    }
  }
  return created;
}

core::Result<bool> Inbox::route_and_insert(const domain::IncomingPost& post,
                                           const Candidate& candidate) {
  const auto& profile = candidate.profile;
  auto outcome =
      candidate.rules->route({post.text, post.author_did, std::string_view{}, profile.id});
  storage::NewInboxItem item;
  item.org = profile.org;
  item.profile = profile.id;
  item.post = storage::RecordRef{std::string(post.uri), std::string(post.cid)};
  item.kind = candidate.kind;
  item.author_did = std::string(post.author_did);
  item.text = std::string(post.text);
  item.post_created_at = std::string(post.created_at);
  if (!post.reply_parent_uri.empty()) {
    item.reply_root =
        storage::RecordRef{std::string(post.reply_root_uri), std::string(post.reply_root_cid)};
    item.reply_parent =
        storage::RecordRef{std::string(post.reply_parent_uri), std::string(post.reply_parent_cid)};
  }
  item.tags = outcome.tags;
  item.priority = outcome.priority.value_or(domain::InboxPriority::normal);
  if (outcome.team) {
    item.team = outcome.team;
    item.routed_by_rule = outcome.assigned_by;
  } else if (profile.owner) {
    // No rule chose a team: the profile owner gets it (PRODUCT.md §3), unless they hold the
    // most items a member may; then it goes to a team of theirs that has the profile.
    auto held = inbox_.open_items_of(profile.org, *profile.owner);
    if (!held) return std::move(held).error();
    if (*held < options_.member_open_items_max) {
      item.assignee = profile.owner;
    } else {
      auto grants = profiles_.grants_of_profile(profile.id);
      if (!grants) return std::move(grants).error();
      for (const auto& grant : *grants) {
        auto role = teams_.find_role(grant.team, *profile.owner);
        if (!role) return std::move(role).error();
        if (role->has_value()) {
          item.team = grant.team;
          break;
        }
      }
      if (!item.team && !grants->empty()) item.team = grants->front().team;
    }
  }
  auto inserted = inbox_.insert(item, clock_.now_ms(), [this, &profile](const auto& record) {
    return notices_for(record, profile);
  });
  if (!inserted) return std::move(inserted).error();
  if (!inserted->has_value()) return false;  // a replay: nothing new, nobody told
  publish_live(**inserted);
  return true;
}

std::vector<storage::Notice> Inbox::notices_for(const storage::InboxItemRecord& item,
                                                const storage::InboxProfile& profile) {
  std::vector<storage::Notice> notices;
  const std::string link = item_link(outbound_, item);
  const std::string author = item.author_handle.empty() ? item.author_did : item.author_handle;
  auto tell = [&](core::UserId user, std::string kind, const std::string& subject) {
    storage::Notice notice{{user, item.org, std::move(kind),
                            nlohmann::json{{"item_id", item.id.value},
                                           {"org_id", item.org.value},
                                           {"profile_id", profile.id.value},
                                           {"handle", profile.handle},
                                           {"kind", domain::inbox_kind_name(item.kind)},
                                           {"author", author},
                                           {"url", link}}
                                .dump(),
                            clock_.now_ms()},
                           std::nullopt};
    if (outbound_.mail_enabled) {
      auto found = users_.find(user);
      if (found && found->has_value()) {
        notice.mail = storage::OutboundMail{
            (*found)->email, subject,
            author + " (" + std::string(domain::inbox_kind_name(item.kind)) + " of " +
                profile.handle + "):\n\n" + item.text + "\n\nOpen it in Roost:\n" + link + "\n",
            clock_.now_ms()};
      }
    }
    notices.push_back(std::move(notice));
  };
  if (item.assignee) {
    tell(*item.assignee, "inbox.assigned", "New inbox item for you: " + profile.handle);
  }
  if (profile.owner && profile.owner != item.assignee) {
    tell(*profile.owner, "inbox.item_new", "New inbox item of " + profile.handle);
  }
  return notices;
}

void Inbox::publish_live(const storage::InboxItemRecord& item) {
  if (live_ == nullptr) return;
  live_->publish(LiveEvent{"inbox.item", "profile:" + std::to_string(item.profile.value),
                           inbox_item_json(item)});
}

core::Result<storage::InboxItemRecord> Inbox::load(core::OrgId org, core::InboxItemId id) {
  auto found = inbox_.find(org, id);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return no_such_item();
  return std::move(**found);
}

core::Result<storage::InboxItemRecord> Inbox::authorized_item(const Caller& caller, core::OrgId org,
                                                              core::InboxItemId id,
                                                              authz::Action action) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return std::move(resource).error();
  resource->kind = item_kind;
  // Nothing is read for someone who is not in the organization.
  if (!resource->actor_membership || resource->actor_membership->org != org) {
    if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
      return std::move(allowed).error();
    }
  }
  auto item = load(org, id);
  if (!item) return item;
  auto level = profiles_.level_of(item->profile, caller.user());
  if (!level) return std::move(level).error();
  resource->profile = authz::ProfileTarget{item->profile, item->org, *level};
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return item;
}

core::Result<InboxPage> Inbox::list(const Caller& caller, core::OrgId org,
                                    const InboxListRequest& request) {
  if (request.limit == 0 || request.limit > core::limits::inbox_page_size_max) {
    return invalid("limit", "must be 1 to " + std::to_string(core::limits::inbox_page_size_max));
  }
  auto resource = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!resource) return std::move(resource).error();
  storage::InboxQuery query{std::nullopt,     request.status,     request.profile, request.team,
                            request.assignee, request.unassigned, request.tag,     request.kind,
                            request.before,   request.limit};
  // Owners and admins see every profile's items; a member, those of the profiles their
  // teams have (at least viewer: any grant is).
  if (!authz::manages_every_profile(caller.actor, *resource)) query.visible_to = caller.user();
  auto items = inbox_.list(org, query);
  if (!items) return std::move(items).error();
  InboxPage page{std::move(*items), std::nullopt};
  if (page.items.size() == request.limit) page.next_before = page.items.back().id;
  return page;
}

core::Result<storage::InboxItemRecord> Inbox::get(const Caller& caller, core::OrgId org,
                                                  core::InboxItemId id) {
  return authorized_item(caller, org, id, authz::Action::view_inbox);
}

core::Result<storage::InboxItemRecord> Inbox::get_for_reply(const Caller& caller, core::OrgId org,
                                                            core::InboxItemId id) {
  // Seeing the item first: someone who cannot see it learns nothing more than not_found.
  auto visible = authorized_item(caller, org, id, authz::Action::view_inbox);
  if (!visible) return visible;
  return authorized_item(caller, org, id, authz::Action::compose_post);
}

core::Result<void> Inbox::check_assignment(core::OrgId org, const storage::InboxItemRecord& item,
                                           const InboxItemUpdate& change) {
  if (change.team && *change.team) {
    const core::TeamId team = **change.team;
    auto found = teams_.find(team);
    if (!found) return std::move(found).error();
    if (!found->has_value() || (*found)->org != org) {
      return invalid("team_id", "is not a team of this organization");
    }
    auto grant = profiles_.find_grant(team, item.profile);
    if (!grant) return std::move(grant).error();
    if (!grant->has_value())
      return invalid("team_id", "this team does not have the item's profile");
  }
  if (change.assignee && *change.assignee) {
    const core::UserId user = **change.assignee;
    auto membership = organizations_.find_membership(org, user);
    if (!membership) return std::move(membership).error();
    if (!membership->has_value()) {
      return invalid("assignee_user_id", "is not a member of this organization");
    }
    if ((*membership)->role == domain::OrgRole::member) {
      auto level = profiles_.level_of(item.profile, user);
      if (!level) return std::move(level).error();
      if (!level->has_value()) {
        return invalid("assignee_user_id", "this member cannot see the item's profile");
      }
    }
  }
  if (change.tags && change.tags->size() > core::limits::inbox_tags_per_item_max) {
    return invalid("tags",
                   "at most " + std::to_string(core::limits::inbox_tags_per_item_max) + " tags");
  }
  return core::success();
}

core::Result<storage::InboxItemRecord> Inbox::update(const Caller& caller, core::OrgId org,
                                                     core::InboxItemId id,
                                                     const InboxItemUpdate& change) {
  auto item = authorized_item(caller, org, id, authz::Action::work_inbox);
  if (!item) return item;
  InboxItemUpdate normalized = change;
  if (change.tags) {
    normalized.tags->clear();
    for (std::size_t index = 0; index < change.tags->size(); ++index) {
      auto tag =
          domain::normalize_tag((*change.tags)[index], "tags[" + std::to_string(index) + "]");
      if (!tag) return std::move(tag).error();
      normalized.tags->push_back(std::move(*tag));
    }
  }
  if (auto checked = check_assignment(org, *item, normalized); !checked) {
    return std::move(checked).error();
  }
  storage::InboxItemChange stored{normalized.status,   normalized.team,
                                  normalized.assignee, normalized.priority,
                                  normalized.tags,     options_.member_open_items_max};
  auto updated =
      inbox_.update(org, id, stored, clock_.now_ms(), caller_audit(caller, clock_.now_ms()));
  if (!updated) return updated;
  // The new assignee is told, unless they took it themselves; the owner heard of the item
  // when it came.
  if (normalized.assignee && *normalized.assignee && *normalized.assignee != item->assignee &&
      **normalized.assignee != caller.user()) {
    auto profile = profiles_.find(updated->profile);
    if (!profile) return std::move(profile).error();
    if (profile->has_value()) {
      storage::InboxProfile about{(*profile)->id,           (*profile)->org,
                                  (*profile)->external_id,  (*profile)->handle,
                                  (*profile)->display_name, std::nullopt};
      std::vector<storage::Notice> told;
      for (auto& notice : notices_for(*updated, about)) {
        if (notice.in_app.user == **normalized.assignee) told.push_back(std::move(notice));
      }
      if (auto delivered = notifications_.deliver(told); !delivered) {
        return std::move(delivered).error();
      }
    }
  }
  publish_live(*updated);
  return updated;
}

core::Result<storage::InboxNoteRecord> Inbox::add_note(const Caller& caller, core::OrgId org,
                                                       core::InboxItemId id,
                                                       const std::string& body) {
  auto item = authorized_item(caller, org, id, authz::Action::work_inbox);
  if (!item) return std::move(item).error();
  if (domain::trim(body).empty()) return invalid("body", "must not be empty");
  if (body.size() > core::limits::inbox_note_bytes_max) {
    return invalid(
        "body", "must be at most " + std::to_string(core::limits::inbox_note_bytes_max) + " bytes");
  }
  if (!domain::count_code_points(body)) return invalid("body", "must be UTF-8");
  return inbox_.add_note(org, id, caller.user(), body, clock_.now_ms(),
                         caller_audit(caller, clock_.now_ms()));
}

core::Result<std::vector<storage::InboxNoteRecord>> Inbox::list_notes(const Caller& caller,
                                                                      core::OrgId org,
                                                                      core::InboxItemId id) {
  auto item = authorized_item(caller, org, id, authz::Action::view_inbox);
  if (!item) return std::move(item).error();
  return inbox_.list_notes(id, core::limits::inbox_notes_listed_max);
}

core::Result<InboxReplyView> Inbox::reply(const Caller& caller, core::OrgId org,
                                          core::InboxItemId id, const InboxReplyRequest& request) {
  auto item = authorized_item(caller, org, id, authz::Action::view_inbox);
  if (!item) return std::move(item).error();
  if (request.text.has_value() == request.template_id.has_value()) {
    return invalid("text", "give either text or template_id");
  }
  std::string text;
  if (request.template_id) {
    auto profile = profiles_.find(item->profile);
    if (!profile) return std::move(profile).error();
    if (!profile->has_value()) return no_such_item();
    auto member = users_.find(caller.user());
    if (!member) return std::move(member).error();
    domain::TemplateValues values;
    values.author_handle = item->author_handle.empty() ? item->author_did : item->author_handle;
    values.profile_handle = (*profile)->handle;
    values.profile_display_name =
        (*profile)->display_name.empty() ? (*profile)->handle : (*profile)->display_name;
    values.member_name = member->has_value() ? (*member)->display_name : "";
    auto rendered = templates_.render(caller, org, *request.template_id, values);
    if (!rendered) return std::move(rendered).error();
    text = std::move(*rendered);
  } else {
    text = *request.text;
  }
  ComposeRequest compose;
  compose.kind = storage::PostKind::reply;
  compose.text = std::move(text);
  compose.targets.push_back({item->profile, std::nullopt});
  // The item's post is the parent; its thread's root stays the root.
  compose.reply_parent = item->post;
  compose.reply_root = item->reply_root.value_or(item->post);
  compose.timing.mode = PublishMode::now;
  compose.confirm_profiles = request.confirm_profiles;
  compose.allow_duplicate = request.allow_duplicate;
  auto posted = posts_.create(caller, org, compose);
  if (!posted) return std::move(posted).error();
  auto recorded = inbox_.set_reply_post(org, id, posted->post.id, clock_.now_ms(),
                                        caller_audit(caller, clock_.now_ms()));
  if (!recorded) return std::move(recorded).error();
  publish_live(*recorded);
  return InboxReplyView{std::move(*recorded), std::move(*posted)};
}

core::Result<void> Inbox::check_rule_targets(core::OrgId org, const domain::RoutingRule& rule) {
  if (rule.then.team) {
    auto team = teams_.find(*rule.then.team);
    if (!team) return std::move(team).error();
    if (!team->has_value() || (*team)->org != org) {
      return invalid("assign_team_id", "is not a team of this organization");
    }
  }
  if (rule.when.profile) {
    auto profile = profiles_.find(*rule.when.profile);
    if (!profile) return std::move(profile).error();
    if (!profile->has_value() || (*profile)->org != org) {
      return invalid("profile_id", "is not a profile of this organization");
    }
  }
  return core::success();
}

core::Result<domain::RoutingRule> Inbox::checked_rule(core::OrgId org,
                                                      const domain::RoutingRule& requested) {
  auto rule = domain::normalize_rule(requested);
  if (!rule) return std::move(rule).error();
  if (auto checked = check_rule_targets(org, *rule); !checked) return std::move(checked).error();
  if (!domain::author_needs_resolving(rule->when)) return rule;
  // Posts name their author by DID only: a handle is resolved now, last, so that a rule
  // refused for anything else costs no lookup (ADR 0034).
  if (options_.identities == nullptr) {
    return core::make_error(core::ErrorCode::unavailable,
                            "author " + rule->when.author +
                                " is a handle and this server resolves no handles: use the DID");
  }
  const std::vector<std::string> handles{rule->when.author};
  auto answers = lookup_handles(*options_.identities, handles, options_.lookup_budget);
  const auto& answer = answers.at(handle_key(rule->when.author));
  if (!answer) {
    return unresolved_handle("author", rule->when.author, answer.error(), "rule_author_unresolved");
  }
  rule->when.author_did = *answer;
  return rule;
}

core::Result<std::vector<storage::InboxRuleRecord>> Inbox::list_rules(const Caller& caller,
                                                                      core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_inbox_rules);
  if (!resource) return std::move(resource).error();
  return inbox_.list_rules(org);
}

core::Result<storage::InboxRuleRecord> Inbox::create_rule(const Caller& caller, core::OrgId org,
                                                          const InboxRuleRequest& request) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_inbox_rules);
  if (!resource) return std::move(resource).error();
  auto rule = checked_rule(org, request.rule);
  if (!rule) return std::move(rule).error();
  return inbox_.create_rule(org, *rule, request.position, clock_.now_ms(),
                            caller_audit(caller, clock_.now_ms()));
}

core::Result<storage::InboxRuleRecord> Inbox::update_rule(const Caller& caller, core::OrgId org,
                                                          const InboxRuleRequest& request) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_inbox_rules);
  if (!resource) return std::move(resource).error();
  auto rule = checked_rule(org, request.rule);
  if (!rule) return std::move(rule).error();
  return inbox_.update_rule(org, *rule, request.position, clock_.now_ms(),
                            caller_audit(caller, clock_.now_ms()));
}

core::Result<void> Inbox::delete_rule(const Caller& caller, core::OrgId org, core::InboxRuleId id) {
  auto resource = authorize(organizations_, caller, org, authz::Action::manage_inbox_rules);
  if (!resource) return std::move(resource).error();
  return inbox_.delete_rule(org, id, caller_audit(caller, clock_.now_ms()));
}

}  // namespace roost::services
