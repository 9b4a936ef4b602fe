#include "services/profiles.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/log.hpp"

namespace roost::services {
namespace {

constexpr std::string_view profile_kind = "profile";

core::Error invalid_grants(std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid grants");
  error.details.push_back({"grants", std::move(message), 0, 0});
  return error;
}

void add_detail(core::Error& error, std::string field, std::string message) {
  error.details.push_back({std::move(field), std::move(message), 0, 0});
}

// What the person connecting sent, checked before anything goes to the network.
std::optional<core::Error> invalid_connection(const std::optional<std::string>& identifier,
                                              const std::string& app_password,
                                              const std::optional<std::string>& pds_url) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid connection");
  if (identifier && identifier->empty()) {
    add_detail(error, "identifier", "must be the account's handle or DID");
  } else if (identifier && identifier->size() > core::limits::profile_identifier_bytes_max) {
    add_detail(error, "identifier",
               "at most " + std::to_string(core::limits::profile_identifier_bytes_max) + " bytes");
  }
  if (app_password.empty()) {
    add_detail(error, "app_password", "must be an app password of the account");
  } else if (app_password.size() > core::limits::profile_password_bytes_max) {
    add_detail(error, "app_password",
               "at most " + std::to_string(core::limits::profile_password_bytes_max) + " bytes");
  }
  if (pds_url) {
    const bool web = pds_url->starts_with("https://") || pds_url->starts_with("http://");
    if (!web || pds_url->size() > core::limits::profile_pds_url_bytes_max) {
      add_detail(error, "pds_url",
                 "must be an http:// or https:// URL of at most " +
                     std::to_string(core::limits::profile_pds_url_bytes_max) + " bytes");
    }
  }
  if (error.details.empty()) return std::nullopt;
  return error;
}

// A failed sign-in on the network as the person connecting should read it. Nothing was
// stored when this is returned.
core::Error connection_error(const networks::NetworkError& failure, std::string_view pds) {
  using networks::FailureKind;
  const std::string said = failure.message.empty() ? "" : " (" + failure.message + ")";
  switch (failure.kind) {
    case FailureKind::auth_revoked:
    case FailureKind::auth_expired: {
      core::Error error = core::make_error(
          core::ErrorCode::profile_credentials_rejected,
          "the network did not accept this account and app password" + said +
              "; check the handle and create a new app password in the account's settings");
      add_detail(error, "app_password", "not accepted for this account");
      return error;
    }
    case FailureKind::not_found: {
      core::Error error = core::make_error(core::ErrorCode::invalid_request,
                                           "no account was found for this identifier" + said);
      add_detail(error, "identifier", "no such account");
      return error;
    }
    case FailureKind::rate_limited: {
      core::Error error = core::make_error(
          core::ErrorCode::rate_limited, "the network is rate-limiting sign-ins; try again later");
      if (failure.retry_after) error.retry_after_seconds = failure.retry_after->count();
      return error;
    }
    case FailureKind::transient:
    case FailureKind::outcome_unknown:
      return core::make_error(core::ErrorCode::unavailable,
                              "the account's server" +
                                  (pds.empty() ? std::string() : " " + core::quoted(pds)) +
                                  " did not answer" + said + "; nothing was saved, try again");
    case FailureKind::permanent:
    case FailureKind::already_exists: break;
  }
  return core::make_error(core::ErrorCode::invalid_request,
                          "the network refused to connect this account" + said);
}

}  // namespace

core::Error profile_connection_error(const networks::NetworkError& failure, std::string_view pds) {
  return connection_error(failure, pds);
}

core::Result<authz::Resource> Profiles::authorize_profile(const Caller& caller, core::OrgId org,
                                                          core::ProfileId profile,
                                                          authz::Action action) {
  auto resource = profile_resource(caller, org, profile, std::nullopt);
  if (!resource) return resource;
  if (auto allowed = authz::require(caller.actor, action, *resource); !allowed) {
    return std::move(allowed).error();
  }
  return resource;
}

core::Result<storage::ProfileRecord> Profiles::connect(const Caller& caller, core::OrgId org,
                                                       const ConnectRequest& request) {
  auto resource = authorize(organizations_, caller, org, authz::Action::connect_profile);
  if (!resource) return std::move(resource).error();
  if (networks::parse_network(request.network) != networks::NetworkKind::bluesky) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid connection");
    add_detail(error, "network", "must be bluesky (Mastodon and X come later)");
    return error;
  }
  if (auto invalid =
          invalid_connection(request.identifier, request.app_password, request.pds_url)) {
    return *invalid;
  }
  auto session =
      bluesky_.connect_with_app_password(request.identifier, request.app_password, request.pds_url);
  if (!session.ok()) return connection_error(session.error(), request.pds_url.value_or(""));
  return store_connection(caller, org, *session, "app_password");
}

core::Result<void> Profiles::may_connect(const Caller& caller, core::OrgId org) {
  auto resource = authorize(organizations_, caller, org, authz::Action::connect_profile);
  if (!resource) return std::move(resource).error();
  auto organization = organizations_.find(org);
  if (!organization) return std::move(organization).error();
  if (!organization->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no such organization");
  }
  auto connected = profiles_.list_for_org(org, core::limits::profiles_listed_max);
  if (!connected) return std::move(connected).error();
  const std::int64_t limit = (*organization)->profile_limit;
  if (static_cast<std::int64_t>(connected->size()) >= limit) {
    return core::make_error(core::ErrorCode::profile_limit_reached,
                            "the organization's plan allows " + std::to_string(limit) +
                                " profiles; remove one or change the plan first");
  }
  return core::success();
}

core::Result<storage::ProfileRecord> Profiles::may_reconnect(const Caller& caller, core::OrgId org,
                                                             core::ProfileId profile) {
  auto resource = authorize_profile(caller, org, profile, authz::Action::manage_profile);
  if (!resource) return std::move(resource).error();
  auto found = profiles_.find(profile);
  if (!found) return std::move(found).error();
  if (!found->has_value() || (*found)->org != org) {
    return core::make_error(core::ErrorCode::not_found, "no such profile");
  }
  return std::move(**found);
}

core::Result<storage::ProfileRecord> Profiles::store_reconnection(
    const Caller& caller, core::OrgId org, core::ProfileId profile,
    const networks::ProfileCredentials& credentials, std::string_view method) {
  auto sealed = vault_.seal(profile, credentials);
  if (!sealed) return std::move(sealed).error();
  auto event = audit(caller);
  event.action = "profile.reconnected";
  event.details_json = nlohmann::json{{"method", method}}.dump();
  return profiles_.reconnect(org, profile,
                             storage::ProfileReconnection{credentials.did, credentials.handle,
                                                          credentials.pds_url, std::move(*sealed)},
                             clock_.now_ms(), event);
}

core::Result<storage::ProfileRecord> Profiles::store_connection(
    const Caller& caller, core::OrgId org, const networks::ProfileCredentials& credentials,
    std::string_view method) {
  storage::ProfileDraft draft{org,
                              std::string(networks::network_name(networks::NetworkKind::bluesky)),
                              credentials.did,
                              credentials.handle,
                              "",
                              "",
                              credentials.pds_url,
                              caller.user(),
                              caller.user(),
                              clock_.now_ms()};
  auto event = audit(caller);
  event.action = "profile.connected";
  event.details_json = nlohmann::json{
      {"network", draft.network},
      {"handle", draft.handle},
      {"did", draft.external_id},
      {"method", method}}.dump();
  return profiles_.create(draft, event, [this, &credentials](core::ProfileId id) {
    return vault_.seal(id, credentials);
  });
}

core::Result<storage::ProfileRecord> Profiles::reconnect(const Caller& caller, core::OrgId org,
                                                         core::ProfileId profile,
                                                         const ReconnectRequest& request) {
  auto resource = authorize_profile(caller, org, profile, authz::Action::manage_profile);
  if (!resource) return std::move(resource).error();
  auto found = profiles_.find(profile);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return core::make_error(core::ErrorCode::not_found, "no such profile");
  const auto& current = **found;
  if (auto invalid =
          invalid_connection(request.identifier, request.app_password, request.pds_url)) {
    return *invalid;
  }
  std::optional<std::string> pds_url = request.pds_url;
  if (!pds_url && !current.service_url.empty()) pds_url = current.service_url;
  auto session = bluesky_.connect_with_app_password(
      request.identifier.value_or(current.external_id), request.app_password, pds_url);
  if (!session.ok()) return connection_error(session.error(), pds_url.value_or(""));
  return store_reconnection(caller, org, profile, *session, "app_password");
}

core::Result<storage::ProfileRecord> Profiles::update_settings(
    const Caller& caller, core::OrgId org, core::ProfileId profile,
    const storage::ProfileSettingsChange& change) {
  auto resource = authorize_profile(caller, org, profile, authz::Action::manage_profile);
  if (!resource) return std::move(resource).error();
  return profiles_.update_settings(org, profile, change, clock_.now_ms(), audit(caller));
}

core::Result<storage::RemovedProfile> Profiles::remove(const Caller& caller, core::OrgId org,
                                                       core::ProfileId profile) {
  auto resource = authorize(organizations_, caller, org, authz::Action::remove_profile);
  if (!resource) return std::move(resource).error();
  auto removed = profiles_.remove(org, profile, clock_.now_us(), audit(caller));
  if (!removed) return removed;
  // The removal stands whatever happens to the notices: its audit events name every post.
  if (auto told = alerts_.tell_authors(*removed); !told) {
    core::log::warn("profile_removal_notices_failed",
                    {{"profile_id", profile.value}, {"error", told.error().message}});
  }
  return removed;
}

storage::AuditEvent Profiles::audit(const Caller& caller) const {
  return caller_audit(caller, clock_.now_ms());
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
