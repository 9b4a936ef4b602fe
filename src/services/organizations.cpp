#include "services/organizations.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "core/limits.hpp"

namespace roost::services {
namespace {

OrganizationView to_view(const storage::OrganizationRecord& record, domain::OrgRole role,
                         const storage::OrganizationUsage& usage) {
  return OrganizationView{record.id,
                          record.name,
                          record.profile_limit,
                          record.seat_limit,
                          record.created_at_ms,
                          record.updated_at_ms,
                          role,
                          usage.seats_used,
                          usage.has_logo};
}

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

std::string org_target(core::OrgId org) { return "org:" + std::to_string(org.value); }
std::string user_target(core::UserId user) { return "user:" + std::to_string(user.value); }

std::optional<std::int64_t> parse_positive_id(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

core::Error organization_gone() {
  return core::make_error(core::ErrorCode::not_found, "no such organization");
}

}  // namespace

storage::AuditEvent Organizations::audit(const Caller& caller, std::string action,
                                         std::string target, std::string details_json) const {
  return storage::AuditEvent{{},
                             caller.user(),
                             std::move(action),
                             std::move(target),
                             std::move(details_json),
                             caller.request_id,
                             clock_.now_ms()};
}

core::Result<OrganizationView> Organizations::create(const Caller& caller,
                                                     const std::string& name) {
  auto normalized = domain::normalize_org_name(name);
  if (!normalized) return std::move(normalized).error();
  storage::NewOrganization organization{*normalized, core::limits::org_profile_limit_default,
                                        core::limits::org_seat_limit_default, caller.user(),
                                        clock_.now_ms()};
  auto created = organizations_.create(
      organization, audit(caller, "org.created", "", nlohmann::json{{"name", *normalized}}.dump()));
  if (!created) return std::move(created).error();
  return to_view(*created, domain::OrgRole::owner, storage::OrganizationUsage{1, false});
}

core::Result<std::vector<OrganizationView>> Organizations::list_mine(const Caller& caller) {
  auto listed = organizations_.list_for_user(caller.user(), core::limits::orgs_per_user_listed_max,
                                             clock_.now_ms());
  if (!listed) return std::move(listed).error();
  std::vector<OrganizationView> views;
  views.reserve(listed->size());
  for (const auto& item : *listed) {
    // An API token knows only the organization it was made for.
    if (caller.actor.api_token_org && item.organization.id.value != *caller.actor.api_token_org) {
      continue;
    }
    views.push_back(to_view(item.organization, item.role, item.usage));
  }
  return views;
}

core::Result<OrganizationView> Organizations::get(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::view_org);
  if (!resource) return std::move(resource).error();
  auto found = organizations_.find(org);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return organization_gone();
  auto usage = organizations_.usage(org, clock_.now_ms());
  if (!usage) return std::move(usage).error();
  return to_view(**found, resource->actor_membership->role, *usage);
}

core::Result<OrganizationView> Organizations::rename(const Caller& caller, core::OrgId org,
                                                     const std::string& name) {
  auto resource = authorize(organizations_, caller, org, authz::Action::rename_org);
  if (!resource) return std::move(resource).error();
  auto normalized = domain::normalize_org_name(name);
  if (!normalized) return std::move(normalized).error();
  auto before = organizations_.find(org);
  if (!before) return std::move(before).error();
  if (!before->has_value()) return organization_gone();
  auto details = nlohmann::json{{"from", (*before)->name}, {"to", *normalized}}.dump();
  auto renamed = organizations_.rename(org, *normalized, clock_.now_ms(),
                                       audit(caller, "org.renamed", org_target(org), details));
  if (!renamed) return std::move(renamed).error();
  auto usage = organizations_.usage(org, clock_.now_ms());
  if (!usage) return std::move(usage).error();
  return to_view(*renamed, resource->actor_membership->role, *usage);
}

core::Result<void> Organizations::remove(const Caller& caller, core::OrgId org,
                                         const std::string& confirm_name) {
  auto resource = authorize(organizations_, caller, org, authz::Action::delete_org);
  if (!resource) return std::move(resource).error();
  auto found = organizations_.find(org);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return organization_gone();
  if (confirm_name != (*found)->name) {
    return invalid("confirm_name", "must be the organization's exact name");
  }
  return organizations_.remove(org, audit(caller, "org.deleted", org_target(org),
                                          nlohmann::json{{"name", (*found)->name}}.dump()));
}

core::Result<void> Organizations::transfer_ownership(const Caller& caller, core::OrgId org,
                                                     core::UserId to) {
  auto resource = authorize(organizations_, caller, org, authz::Action::transfer_ownership);
  if (!resource) return std::move(resource).error();
  if (to == caller.user()) return invalid("user_id", "is you: you own the organization already");
  auto target = organizations_.find_membership(org, to);
  if (!target) return std::move(target).error();
  if (!target->has_value()) return invalid("user_id", "is not a member of this organization");
  auto details = nlohmann::json{{"from_user_id", caller.user().value}, {"to_user_id", to.value}};
  return organizations_.transfer_ownership(
      org, caller.user(), to,
      audit(caller, "org.ownership_transferred", user_target(to), details.dump()));
}

core::Result<PlanSet> Organizations::set_plan(const std::string& organization,
                                              const storage::PlanChange& change) {
  for (auto limit : {change.profile_limit, change.seat_limit}) {
    if (limit && *limit < 0) {
      return core::make_error(core::ErrorCode::invalid_request, "a limit cannot be negative");
    }
  }
  auto org = find_for_operator(organization);
  if (!org) return std::move(org).error();
  nlohmann::json details = nlohmann::json::object();
  if (change.profile_limit) {
    details["profile_limit"] = {{"from", org->profile_limit}, {"to", *change.profile_limit}};
  }
  if (change.seat_limit) {
    details["seat_limit"] = {{"from", org->seat_limit}, {"to", *change.seat_limit}};
  }
  storage::AuditEvent event{
      {}, std::nullopt,   "org.plan_changed", org_target(org->id), details.dump(),
      "", clock_.now_ms()};
  auto changed = organizations_.set_plan(org->id, change, clock_.now_ms(), std::move(event));
  if (!changed) return std::move(changed).error();
  auto seats = organizations_.count_seats_used(org->id, clock_.now_ms());
  if (!seats) return std::move(seats).error();
  return PlanSet{*changed, *seats};
}

core::Result<storage::OrganizationRecord> Organizations::find_for_operator(
    const std::string& organization) {
  if (auto id = parse_positive_id(organization)) {
    auto found = organizations_.find(core::OrgId{*id});
    if (!found) return std::move(found).error();
    if (found->has_value()) return **found;
  }
  auto named =
      organizations_.find_by_name(organization, core::limits::admin_orgs_matched_by_name_max);
  if (!named) return std::move(named).error();
  if (named->empty()) {
    return core::make_error(core::ErrorCode::not_found,
                            "no organization has the id or the exact name '" + organization + "'");
  }
  if (named->size() > 1) {
    std::string ids;
    for (const auto& match : *named) {
      ids += (ids.empty() ? "" : ", ") + std::to_string(match.id.value);
    }
    return core::make_error(core::ErrorCode::conflict,
                            "several organizations are named '" + organization +
                                "': give one of their ids (" + ids + ")");
  }
  return named->front();
}

}  // namespace roost::services
