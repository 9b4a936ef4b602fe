#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/profile_level.hpp"
#include "networks/network.hpp"
#include "services/org_access.hpp"
#include "services/profile_alerts.hpp"
#include "services/profile_credentials.hpp"
#include "storage/organization_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/team_repository.hpp"

namespace roost::services {

// A profile with the caller's own level on it, and the teams that have it.
struct ProfileDetail {
  storage::LeveledProfile view;
  std::vector<storage::GrantRecord> grants;
};

// One requested grant: `team` gets `profile` at `level`.
struct GrantRequest {
  core::TeamId team;
  core::ProfileId profile;
  domain::ProfileLevel level = domain::ProfileLevel::viewer;
};

// Connecting an account: a handle or DID and an app password; without `pds_url` the PDS
// is resolved from the identifier (a self-hosted PDS may be named instead).
struct ConnectRequest {
  std::string network = "bluesky";
  std::string identifier;
  std::string app_password;
  std::optional<std::string> pds_url;
};

// Connecting a profile's account again: by default as the profile's DID on its PDS.
struct ReconnectRequest {
  std::optional<std::string> identifier;
  std::string app_password;
  std::optional<std::string> pds_url;
};

// A failed sign-in on the network as the person connecting should read it.
core::Error profile_connection_error(const networks::NetworkError& failure, std::string_view pds);

// The shared social profiles of an organization as its members see them, which teams get
// them at which level (PRODUCT.md §2), and their life: connect, reconnect, settings, remove
// (§3). Blocking (database, and the network when connecting): call through the blocking
// executor.
class Profiles {
 public:
  Profiles(storage::OrganizationRepository& organizations, storage::TeamRepository& teams,
           storage::ProfileRepository& profiles, ProfileCredentialVault& vault,
           networks::Network& bluesky, ProfileAlerts& alerts, const core::Clock& clock)
      : organizations_(organizations),
        teams_(teams),
        profiles_(profiles),
        vault_(vault),
        bluesky_(bluesky),
        alerts_(alerts),
        clock_(clock) {}

  // Owners and admins. Signs in on the network first, then stores the profile and its sealed
  // credentials in one transaction: a failure leaves nothing behind. The caller becomes the
  // profile's owner. Errors: profile_limit_reached, conflict (the account is already a
  // profile here), profile_credentials_rejected (wrong app password), invalid_request (no
  // such handle, bad PDS URL), unavailable (the PDS did not answer), rate_limited.
  core::Result<storage::ProfileRecord> connect(const Caller& caller, core::OrgId org,
                                               const ConnectRequest& request);
  // Managers of the profile: new credentials, status back to active. conflict when the
  // credentials sign in another account than the profile's.
  core::Result<storage::ProfileRecord> reconnect(const Caller& caller, core::OrgId org,
                                                 core::ProfileId profile,
                                                 const ReconnectRequest& request);
  // The OAuth connection (ProfileOAuth) shares these with the two above: the same checks
  // and the same storing, whatever signed the account in.
  // Whether the caller may connect a new profile now (permission, then the plan's limit:
  // profile_limit_reached).
  core::Result<void> may_connect(const Caller& caller, core::OrgId org);
  // Whether the caller may reconnect `profile` (manage_profile); the profile as it is.
  core::Result<storage::ProfileRecord> may_reconnect(const Caller& caller, core::OrgId org,
                                                     core::ProfileId profile);
  // Stores a new profile with these signed-in credentials (after may_connect); `method` is
  // recorded in the audit event ("app_password", "oauth").
  core::Result<storage::ProfileRecord> store_connection(
      const Caller& caller, core::OrgId org, const networks::ProfileCredentials& credentials,
      std::string_view method);
  // New credentials for `profile` (after may_reconnect); conflict when they sign in another
  // account than the profile's.
  core::Result<storage::ProfileRecord> store_reconnection(
      const Caller& caller, core::OrgId org, core::ProfileId profile,
      const networks::ProfileCredentials& credentials, std::string_view method);

  // Managers of the profile: its owner (a member of the organization) and confirmation step.
  core::Result<storage::ProfileRecord> update_settings(
      const Caller& caller, core::OrgId org, core::ProfileId profile,
      const storage::ProfileSettingsChange& change);
  // Owners and admins. Cancels the posts that went to this profile alone and tells every
  // affected post's author (ProfileAlerts::tell_authors).
  core::Result<storage::RemovedProfile> remove(const Caller& caller, core::OrgId org,
                                               core::ProfileId profile);

  // Owners and admins: every profile (as managers). Members: the profiles their teams have,
  // each with their level on it.
  core::Result<std::vector<storage::LeveledProfile>> list(const Caller& caller, core::OrgId org);
  core::Result<ProfileDetail> get(const Caller& caller, core::OrgId org, core::ProfileId profile);
  // The profiles a team has, with the team's level (whoever may view the team).
  core::Result<std::vector<storage::LeveledProfile>> of_team(const Caller& caller, core::OrgId org,
                                                             core::TeamId team);
  // Every grant is authorized, then all are written in one transaction, or none.
  core::Result<void> set_grants(const Caller& caller, core::OrgId org,
                                const std::vector<GrantRequest>& grants);
  core::Result<void> remove_grant(const Caller& caller, core::OrgId org, core::TeamId team,
                                  core::ProfileId profile);

 private:
  // The policy's view of `profile` (and, for a grant action, of `team`) for this caller.
  core::Result<authz::Resource> profile_resource(const Caller& caller, core::OrgId org,
                                                 core::ProfileId profile,
                                                 std::optional<GrantRequest> grant);
  storage::AuditEvent audit(const Caller& caller) const;
  // The profile's resource with `action` required.
  core::Result<authz::Resource> authorize_profile(const Caller& caller, core::OrgId org,
                                                  core::ProfileId profile, authz::Action action);

  storage::OrganizationRepository& organizations_;
  storage::TeamRepository& teams_;
  storage::ProfileRepository& profiles_;
  ProfileCredentialVault& vault_;
  networks::Network& bluesky_;
  ProfileAlerts& alerts_;
  const core::Clock& clock_;
};

}  // namespace roost::services
