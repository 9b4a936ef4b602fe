#pragma once

#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/org_access.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"

// Who may receive which live events (services/live_events.hpp): the audiences a member of an
// organization belongs to, as the WebSocket event stream filters with them. Computed from the
// database when a client connects and again every few seconds while it stays (the event
// stream's refresh), so that a member removed from a team stops receiving its events.
namespace roost::services {

class EventAccess {
 public:
  EventAccess(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
              storage::ProfileRepository& profiles)
      : organizations_(organizations), teams_(teams), profiles_(profiles) {}

  // "org:<org>", "user:<caller>", then "team:<id>" for each team the caller is in (every team
  // of the organization for its owners and admins) and "profile:<id>" for each profile they
  // have at least the viewer level on (every profile for owners and admins). NotFound when
  // the caller is not a member (or an API token of another organization): the same answer
  // as for an organization that does not exist.
  core::Result<std::vector<std::string>> audiences(const Caller& caller, core::OrgId org);

 private:
  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::ProfileRepository& profiles_;
};

}  // namespace roost::services
