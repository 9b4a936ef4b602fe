#include "services/profile_oauth.hpp"

#include "core/limits.hpp"
#include "core/log.hpp"
#include "networks/http_client.hpp"

namespace roost::services {
namespace {

constexpr std::int64_t authorization_lifetime_ms = 10 * 60 * 1'000;
constexpr std::string_view callback_path = "/oauth/bluesky/callback";
constexpr std::string_view metadata_path = "/oauth/client-metadata.json";
constexpr std::string_view scope = "atproto transition:generic";

std::string seal_context(std::string_view state) { return "oauth:" + std::string(state); }

// http://localhost:8080 or http://127.0.0.1:8080 (or [::1]): a loopback client.
bool is_loopback(std::string_view public_url) {
  for (std::string_view host : {"http://localhost", "http://127.0.0.1", "http://[::1]"}) {
    if (public_url.starts_with(host)) {
      auto rest = public_url.substr(host.size());
      if (rest.empty() || rest.front() == ':' || rest.front() == '/') return true;
    }
  }
  return false;
}

std::string redirect_uri_for(std::string_view public_url) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  // A loopback redirect must name an IP address, not "localhost" (atproto OAuth).
  if (base.starts_with("http://localhost")) base = "http://127.0.0.1" + base.substr(16);
  return base + std::string(callback_path);
}

core::Error invalid(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid connection");
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

nlohmann::json authorization_json(const networks::OAuthAuthorization& authorization) {
  return {{"code_verifier", authorization.code_verifier},
          {"dpop_key", authorization.dpop_key_pem},
          {"issuer", authorization.issuer},
          {"token_endpoint", authorization.token_endpoint},
          {"pds_url", authorization.pds_url},
          {"client_id", authorization.client_id},
          {"redirect_uri", authorization.redirect_uri}};
}

std::optional<networks::OAuthAuthorization> authorization_from(const std::string& plain,
                                                               std::string state) {
  auto json = nlohmann::json::parse(plain, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  auto text = [&json](const char* name) {
    auto found = json.find(name);
    return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  networks::OAuthAuthorization authorization;
  authorization.state = std::move(state);
  authorization.code_verifier = text("code_verifier");
  authorization.dpop_key_pem = text("dpop_key");
  authorization.issuer = text("issuer");
  authorization.token_endpoint = text("token_endpoint");
  authorization.pds_url = text("pds_url");
  authorization.client_id = text("client_id");
  authorization.redirect_uri = text("redirect_uri");
  if (authorization.code_verifier.empty() || authorization.token_endpoint.empty()) {
    return std::nullopt;
  }
  return authorization;
}

OAuthResult failed(std::optional<core::OrgId> org, std::string code) {
  OAuthResult result;
  result.org = org;
  result.error = std::move(code);
  return result;
}

std::string error_code_for(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::profile_limit_reached: return "limit_reached";
    case core::ErrorCode::permission_denied:
    case core::ErrorCode::not_found: return "forbidden";
    case core::ErrorCode::conflict: return "already_connected";
    default: return "failed";
  }
}

}  // namespace

networks::OAuthClientIdentity oauth_client_identity(std::string_view public_url) {
  networks::OAuthClientIdentity identity;
  identity.redirect_uri = redirect_uri_for(public_url);
  identity.scope = std::string(scope);
  if (is_loopback(public_url)) {
    identity.client_id =
        networks::build_url("http://localhost", "",
                            {{"redirect_uri", identity.redirect_uri}, {"scope", identity.scope}});
  } else {
    std::string base(public_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    identity.client_id = base + std::string(metadata_path);
  }
  return identity;
}

nlohmann::json oauth_client_metadata(std::string_view public_url) {
  auto identity = oauth_client_identity(public_url);
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return {{"client_id", identity.client_id},
          {"client_name", "Roost"},
          {"client_uri", base},
          {"application_type", "web"},
          {"grant_types", nlohmann::json::array({"authorization_code", "refresh_token"})},
          {"response_types", nlohmann::json::array({"code"})},
          {"redirect_uris", nlohmann::json::array({identity.redirect_uri})},
          {"scope", identity.scope},
          {"token_endpoint_auth_method", "none"},
          {"dpop_bound_access_tokens", true}};
}

core::Result<std::string> ProfileOAuth::start(const Caller& caller, core::OrgId org,
                                              const OAuthStartRequest& request) {
  // The same gate as an app-password connection, before anything goes to the network.
  if (request.profile) {
    auto current = profiles_.may_reconnect(caller, org, *request.profile);
    if (!current) return std::move(current).error();
  } else if (auto allowed = profiles_.may_connect(caller, org); !allowed) {
    return std::move(allowed).error();
  }
  if (!request.handle && !request.pds_url) {
    return invalid("handle", "give the account's handle (or its PDS as pds_url)");
  }
  if (request.handle && (request.handle->empty() ||
                         request.handle->size() > core::limits::profile_identifier_bytes_max)) {
    return invalid("handle", "must be the account's handle or DID");
  }
  std::string pds_url;
  if (request.pds_url) {
    const bool web =
        request.pds_url->starts_with("https://") || request.pds_url->starts_with("http://");
    if (!web || request.pds_url->size() > core::limits::profile_pds_url_bytes_max) {
      return invalid("pds_url", "must be an http:// or https:// URL");
    }
    pds_url = *request.pds_url;
  } else {
    auto found = connector_.pds_of(*request.handle);
    if (!found.ok()) return profile_connection_error(found.error(), "");
    pds_url = *found;
  }
  auto pushed = connector_.start_authorization(pds_url, oauth_client_identity(outbound_.public_url),
                                               request.handle);
  if (!pushed.ok()) return profile_connection_error(pushed.error(), pds_url);

  auto sealed =
      core::seal(keyring_, authorization_json(*pushed).dump(), seal_context(pushed->state));
  if (!sealed) return std::move(sealed).error();
  auto key_id = core::sealed_key_id(*sealed);
  if (!key_id) return std::move(key_id).error();
  const std::int64_t now = clock_.now_ms();
  auto stored = authorizations_.create({pushed->state, org, caller.user(), request.profile,
                                        std::move(*sealed), std::move(*key_id), now,
                                        now + authorization_lifetime_ms});
  if (!stored) return std::move(stored).error();
  return pushed->authorize_url;
}

OAuthResult ProfileOAuth::finish(const Caller& caller, const OAuthCallback& callback) {
  if (callback.state.empty() ||
      callback.state.size() > core::limits::profile_identifier_bytes_max) {
    return failed(std::nullopt, "unknown_state");
  }
  auto taken = authorizations_.take(callback.state);
  if (!taken) return failed(std::nullopt, "failed");
  // Someone else's authorization is as good as none: its state proves nothing for this user.
  if (!taken->has_value() || (*taken)->user != caller.user()) {
    return failed(std::nullopt, "unknown_state");
  }
  const storage::OAuthAuthorizationRecord record = std::move(**taken);
  if (clock_.now_ms() >= record.expires_at_ms) return failed(record.org, "expired_state");
  if (!callback.error.empty()) {
    return failed(record.org, callback.error == "access_denied" ? "denied" : "failed");
  }
  auto plain = core::open(keyring_, record.sealed, seal_context(record.state));
  if (!plain) return failed(record.org, "failed");
  auto authorization = authorization_from(*plain, record.state);
  if (!authorization || callback.code.empty()) return failed(record.org, "failed");
  // RFC 9207: the answer must come from the server we sent the person to, and say so (the
  // PDS's authorization server announces authorization_response_iss_parameter_supported).
  if (callback.iss != authorization->issuer) {
    core::log::warn("oauth_issuer_mismatch", {{"org_id", record.org.value}});
    return failed(record.org, "failed");
  }
  // Permissions may have changed in the meantime: the same gate again.
  std::optional<storage::ProfileRecord> current;
  if (record.profile) {
    auto found = profiles_.may_reconnect(caller, record.org, *record.profile);
    if (!found) return failed(record.org, error_code_for(found.error()));
    current = std::move(*found);
  } else if (auto allowed = profiles_.may_connect(caller, record.org); !allowed) {
    return failed(record.org, error_code_for(allowed.error()));
  }

  auto credentials = connector_.finish_authorization(*authorization, callback.code);
  if (!credentials.ok()) {
    core::log::warn("oauth_exchange_failed", {{"org_id", record.org.value},
                                              {"code", credentials.error().code},
                                              {"message", credentials.error().message}});
    return failed(record.org, "failed");
  }
  OAuthResult result;
  result.org = record.org;
  if (current) {
    if (credentials->did != current->external_id) return failed(record.org, "wrong_account");
    auto stored =
        profiles_.store_reconnection(caller, record.org, current->id, *credentials, "oauth");
    if (!stored) return failed(record.org, error_code_for(stored.error()));
    result.profile = stored->id;
    result.reconnected = true;
    return result;
  }
  auto stored = profiles_.store_connection(caller, record.org, *credentials, "oauth");
  if (!stored) return failed(record.org, error_code_for(stored.error()));
  result.profile = stored->id;
  return result;
}

}  // namespace roost::services
