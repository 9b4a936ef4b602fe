#include "services/event_access.hpp"

#include "core/limits.hpp"

namespace roost::services {

core::Result<std::vector<std::string>> EventAccess::audiences(const Caller& caller,
                                                              core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::subscribe_events);
  if (!resource) return std::move(resource).error();
  std::vector<std::string> out{"org:" + std::to_string(org.value),
                               "user:" + std::to_string(caller.user().value)};
  const bool every_team =
      authz::decide(caller.actor, authz::Action::view_all_teams, *resource).allowed;
  auto teams = every_team ? teams_.list_for_org(org, core::limits::teams_per_org_listed_max)
                          : teams_.list_for_member(org, caller.user(),
                                                   core::limits::teams_per_org_listed_max);
  if (!teams) return std::move(teams).error();
  for (const auto& team : *teams) out.push_back("team:" + std::to_string(team.id.value));
  if (authz::manages_every_profile(caller.actor, *resource)) {
    auto profiles = profiles_.list_for_org(org, core::limits::profiles_listed_max);
    if (!profiles) return std::move(profiles).error();
    for (const auto& profile : *profiles) {
      out.push_back("profile:" + std::to_string(profile.id.value));
    }
  } else {
    auto profiles =
        profiles_.list_granted_to(org, caller.user(), core::limits::profiles_listed_max);
    if (!profiles) return std::move(profiles).error();
    for (const auto& granted : *profiles) {
      out.push_back("profile:" + std::to_string(granted.profile.id.value));
    }
  }
  return out;
}

}  // namespace roost::services
