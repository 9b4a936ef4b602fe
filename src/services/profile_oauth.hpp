#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "networks/network.hpp"
#include "services/org_access.hpp"
#include "services/outbound_settings.hpp"
#include "services/profiles.hpp"
#include "storage/oauth_authorization_repository.hpp"

namespace roost::services {

// Roost as an AT Protocol OAuth client (ADR 0031). Over https, a "discoverable" client: its
// client id is the URL of the metadata document it serves. On a loopback public URL
// (http://127.0.0.1, http://localhost: development and tests) the atproto loopback client
// id, which needs no document. The redirect URI is <public URL>/oauth/bluesky/callback.
networks::OAuthClientIdentity oauth_client_identity(std::string_view public_url);
// The client metadata document served at /oauth/client-metadata.json.
nlohmann::json oauth_client_metadata(std::string_view public_url);

struct OAuthStartRequest {
  std::optional<std::string> handle;       // or a DID: the account to sign in
  std::optional<std::string> pds_url;      // or the PDS to sign in at
  std::optional<core::ProfileId> profile;  // reconnect this profile instead of a new one
};

// What the authorization server sends back through the browser.
struct OAuthCallback {
  std::string code;
  std::string state;
  std::string iss;
  std::string error;  // e.g. access_denied when the person declined
};

// Where the callback leaves the person: the organization's profiles page, with the profile
// connected or a code saying why not (never a secret).
struct OAuthResult {
  std::optional<core::OrgId> org;  // unknown when the state named no authorization
  std::optional<core::ProfileId> profile;
  bool reconnected = false;
  // Empty on success; else one of: denied, unknown_state, expired_state, wrong_account,
  // limit_reached, already_connected, forbidden, failed.
  std::string error;
};

// Connecting (or reconnecting) a Bluesky profile with OAuth: start() checks what connecting
// with an app password checks, pushes the authorization and keeps its secrets sealed for
// ten minutes; finish() takes them once by their state, exchanges the code, and stores the
// profile like an app-password connection (same checks, same sealing, same audit action).
// Blocking (database, network).
class ProfileOAuth {
 public:
  ProfileOAuth(Profiles& profiles, storage::OAuthAuthorizationRepository& authorizations,
               networks::OAuthConnector& connector, const core::Keyring& keyring,
               const OutboundSettings& outbound, const core::Clock& clock)
      : profiles_(profiles),
        authorizations_(authorizations),
        connector_(connector),
        keyring_(keyring),
        outbound_(outbound),
        clock_(clock) {}

  // The URL to send the browser to. Errors as Profiles::connect (forbidden, not_found,
  // profile_limit_reached, invalid_request for no such handle or a PDS without OAuth,
  // unavailable).
  core::Result<std::string> start(const Caller& caller, core::OrgId org,
                                  const OAuthStartRequest& request);
  OAuthResult finish(const Caller& caller, const OAuthCallback& callback);

 private:
  Profiles& profiles_;
  storage::OAuthAuthorizationRepository& authorizations_;
  networks::OAuthConnector& connector_;
  const core::Keyring& keyring_;
  const OutboundSettings& outbound_;
  const core::Clock& clock_;
};

}  // namespace roost::services
