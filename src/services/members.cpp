#include "services/members.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"

namespace roost::services {
namespace {

core::Error no_such_member() {
  return core::make_error(core::ErrorCode::not_found, "no such member of this organization");
}

}  // namespace

storage::AuditEvent Members::audit(const Caller& caller, std::string action, core::UserId target,
                                   std::string details_json) const {
  return storage::AuditEvent{{},
                             caller.user(),
                             std::move(action),
                             "user:" + std::to_string(target.value),
                             std::move(details_json),
                             caller.request_id,
                             clock_.now_ms()};
}

core::Result<MemberPage> Members::list(const Caller& caller, core::OrgId org, core::UserId after,
                                       std::size_t limit) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_members);
  if (!resource) return std::move(resource).error();
  if (limit == 0 || limit > core::limits::members_page_size_max) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid limit");
    error.details.push_back(
        {"limit", "must be between 1 and " + std::to_string(core::limits::members_page_size_max), 0,
         0});
    return error;
  }
  // One more than asked tells whether there is a next page.
  auto listing = organizations_.list_members(org, after, limit + 1);
  if (!listing) return std::move(listing).error();
  MemberPage page;
  page.revision = listing->revision;
  page.members.reserve(std::min(limit, listing->members.size()));
  for (auto& record : listing->members) {
    if (page.members.size() == limit) {
      page.next_after = page.members.back().user;
      break;
    }
    page.members.push_back({record.user, std::move(record.email), std::move(record.display_name),
                            record.role, record.joined_at_ms});
  }
  return page;
}

core::Result<std::int64_t> Members::list_revision(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_members);
  if (!resource) return std::move(resource).error();
  auto revision = organizations_.members_revision(org);
  if (!revision) return std::move(revision).error();
  // Deleted since the membership was read.
  if (!revision->has_value())
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  return **revision;
}

core::Result<storage::MembershipRecord> Members::authorize_on_member(
    const Caller& caller, core::OrgId org, core::UserId user, authz::Action action,
    std::optional<domain::OrgRole> new_role) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return std::move(resource).error();
  // Asked without the target first: a non-member learns nothing about who is a member.
  auto untargeted = authz::decide(caller.actor, action, *resource);
  if (untargeted.verdict() == authz::Verdict::not_found) {
    return authz::require(caller.actor, action, *resource).error();
  }
  auto target = organizations_.find_membership(org, user);
  if (!target) return std::move(target).error();
  if (!target->has_value()) {
    if (!untargeted.allowed) return authz::require(caller.actor, action, *resource).error();
    return no_such_member();
  }
  resource->member = authz::MemberTarget{user, (*target)->role, new_role};
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return **target;
}

core::Result<MemberView> Members::change_role(const Caller& caller, core::OrgId org,
                                              core::UserId user, domain::OrgRole role) {
  auto target = authorize_on_member(caller, org, user, authz::Action::change_member_role, role);
  if (!target) return std::move(target).error();
  auto details = nlohmann::json{{"from", domain::org_role_name(target->role)},
                                {"to", domain::org_role_name(role)}};
  auto changed = organizations_.change_role(
      org, user, role, audit(caller, "member.role_changed", user, details.dump()));
  if (!changed) return std::move(changed).error();
  auto member = organizations_.find_member(org, user);
  if (!member) return std::move(member).error();
  if (!member->has_value()) return no_such_member();
  return MemberView{(*member)->user, (*member)->email, (*member)->display_name, (*member)->role,
                    (*member)->joined_at_ms};
}

core::Result<void> Members::remove(const Caller& caller, core::OrgId org, core::UserId user) {
  auto target = authorize_on_member(caller, org, user, authz::Action::remove_member, std::nullopt);
  if (!target) return std::move(target).error();
  const bool leaving = user == caller.user();
  auto details = nlohmann::json{{"role", domain::org_role_name(target->role)}};
  return organizations_.remove_member(
      org, user, audit(caller, leaving ? "member.left" : "member.removed", user, details.dump()));
}

}  // namespace roost::services
