#include "services/profiles.hpp"

#include "core/limits.hpp"

namespace roost::services {
namespace {

constexpr std::string_view profile_kind = "profile";

core::Error invalid_grants(std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid grants");
  error.details.push_back({"grants", std::move(message), 0, 0});
  return error;
}

}  // namespace

storage::AuditEvent Profiles::audit(const Caller& caller) const {
  return storage::AuditEvent{{}, caller.user(), "", "", "{}", caller.request_id, clock_.now_ms()};
}

core::Result<authz::Resource> Profiles::profile_resource(const Caller& caller, core::OrgId org,
                                                         core::ProfileId profile,
                                                         std::optional<GrantRequest> grant) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return resource;
  resource->kind = profile_kind;
  // Only a member of the organization gets the profile read: an outsider learns nothing.
  if (!resource->actor_membership || resource->actor_membership->org != org) return resource;
  auto found = profiles_.find(profile);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return resource;
  auto level = profiles_.level_of(profile, caller.user());
  if (!level) return std::move(level).error();
  resource->profile = authz::ProfileTarget{profile, (*found)->org, *level};
  if (grant) {
    auto team = teams_.find(grant->team);
    if (!team) return std::move(team).error();
    if (team->has_value()) {
      auto role = teams_.find_role(grant->team, caller.user());
      if (!role) return std::move(role).error();
      auto current = profiles_.find_grant(grant->team, profile);
      if (!current) return std::move(current).error();
      resource->grant =
          authz::GrantTarget{grant->team, (*team)->org, *role, *current, grant->level};
    }
  }
  return resource;
}

core::Result<std::vector<storage::LeveledProfile>> Profiles::list(const Caller& caller,
                                                                  core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::list_profiles);
  if (!resource) return std::move(resource).error();
  if (!authz::manages_every_profile(caller.actor, *resource)) {
    return profiles_.list_granted_to(org, caller.user(), core::limits::profiles_listed_max);
  }
  auto all = profiles_.list_for_org(org, core::limits::profiles_listed_max);
  if (!all) return std::move(all).error();
  std::vector<storage::LeveledProfile> views;
  views.reserve(all->size());
  for (auto& profile : *all) views.push_back({std::move(profile), domain::ProfileLevel::manager});
  return views;
}

core::Result<ProfileDetail> Profiles::get(const Caller& caller, core::OrgId org,
                                          core::ProfileId profile) {
  auto resource = profile_resource(caller, org, profile, std::nullopt);
  if (!resource) return std::move(resource).error();
  if (auto allowed = authz::require(caller.actor, authz::Action::view_profile, *resource);
      !allowed) {
    return std::move(allowed).error();
  }
  auto found = profiles_.find(profile);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return core::make_error(core::ErrorCode::not_found, "no such profile");
  auto grants = profiles_.grants_of_profile(profile);
  if (!grants) return std::move(grants).error();
  auto level = authz::effective_level(caller.actor, *resource);
  return ProfileDetail{{std::move(**found), level.value_or(domain::ProfileLevel::viewer)},
                       std::move(*grants)};
}

core::Result<std::vector<storage::LeveledProfile>> Profiles::of_team(const Caller& caller,
                                                                     core::OrgId org,
                                                                     core::TeamId team) {
  auto resource = organization_resource(organizations_, caller, org);
  if (!resource) return std::move(resource).error();
  resource->kind = "team";
  if (resource->actor_membership && resource->actor_membership->org == org) {
    auto found = teams_.find(team);
    if (!found) return std::move(found).error();
    if (found->has_value()) {
      auto role = teams_.find_role(team, caller.user());
      if (!role) return std::move(role).error();
      resource->team = authz::TeamTarget{team, (*found)->org, *role, std::nullopt};
    }
  }
  if (auto allowed = authz::require(caller.actor, authz::Action::view_team, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return profiles_.profiles_of_team(team);
}

core::Result<void> Profiles::set_grants(const Caller& caller, core::OrgId org,
                                        const std::vector<GrantRequest>& grants) {
  if (grants.empty()) return invalid_grants("must name at least one grant");
  if (grants.size() > core::limits::grants_per_request_max) {
    return invalid_grants("at most " + std::to_string(core::limits::grants_per_request_max) +
                          " grants per request");
  }
  std::vector<storage::GrantChange> changes;
  changes.reserve(grants.size());
  for (const auto& grant : grants) {
    auto resource = profile_resource(caller, org, grant.profile, grant);
    if (!resource) return std::move(resource).error();
    if (auto allowed = authz::require(caller.actor, authz::Action::set_profile_grant, *resource);
        !allowed) {
      return std::move(allowed).error();
    }
    changes.push_back({grant.team, grant.profile, grant.level});
  }
  return profiles_.set_grants(org, changes, clock_.now_ms(), audit(caller));
}

core::Result<void> Profiles::remove_grant(const Caller& caller, core::OrgId org, core::TeamId team,
                                          core::ProfileId profile) {
  auto resource =
      profile_resource(caller, org, profile, GrantRequest{team, profile, domain::ProfileLevel{}});
  if (!resource) return std::move(resource).error();
  if (auto allowed = authz::require(caller.actor, authz::Action::remove_profile_grant, *resource);
      !allowed) {
    return std::move(allowed).error();
  }
  return profiles_.remove_grant(org, team, profile, audit(caller));
}

}  // namespace roost::services
