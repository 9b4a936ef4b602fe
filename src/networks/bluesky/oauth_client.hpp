#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "networks/bluesky/oauth_crypto.hpp"
#include "networks/http_client.hpp"
#include "networks/network.hpp"

// AT Protocol OAuth for a public client (ADR 0031): discovery of the PDS's authorization
// server, PAR with PKCE S256, the code and refresh grants, all with DPoP proofs. Resource
// (XRPC) calls with the resulting tokens go through BlueskyClient like every other call:
// perform_with_dpop() is the only difference. Blocking and thread-safe.
namespace roost::networks::bluesky {

// The last DPoP-Nonce each server (by origin) sent: a proof carries it, and a
// use_dpop_nonce answer is retried once with the new one.
class DpopNonces {
 public:
  std::optional<std::string> get(std::string_view url) const;
  void put(std::string_view url, std::string nonce);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> by_origin_;
};

// scheme://host[:port] of a URL.
std::string url_origin(std::string_view url);
// application/x-www-form-urlencoded.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// `request` with a fresh DPoP proof (and "Authorization: DPoP <token>" when `access_token` is
// given); once more with the server's nonce when it answers use_dpop_nonce.
core::Result<HttpResponse, TransportFailure> perform_with_dpop(
    HttpClient& http, DpopNonces& nonces, const DpopKey& key, const HttpRequest& request,
    const std::optional<std::string>& access_token);

struct AuthorizationServer {
  std::string issuer;
  std::string par_endpoint;
  std::string authorization_endpoint;
  std::string token_endpoint;
};

// What a token endpoint answers an OAuth error with ({"error","error_description"}):
// invalid_grant (a dead refresh token or code) is auth_revoked; a 429 rate_limited (with
// its Retry-After), a 408, a 5xx or use_dpop_nonce transient; any other 4xx permanent.
NetworkError classify_oauth_error(int status, std::string_view body, const HttpHeaders& headers);

class OAuthClient {
 public:
  OAuthClient(HttpClient& http, DpopNonces& nonces) : http_(http), nonces_(nonces) {}

  // /.well-known/oauth-protected-resource of the PDS, then its first authorization server's
  // /.well-known/oauth-authorization-server (whose issuer must be that server).
  NetworkResult<AuthorizationServer> discover(std::string_view pds_url);
  NetworkResult<OAuthAuthorization> start(std::string_view pds_url,
                                          const OAuthClientIdentity& client,
                                          const std::optional<std::string>& login_hint);
  // The tokens of the code grant, as credentials without the handle (the caller resolves
  // it). permanent when the answer is not a DPoP token for a DID with the atproto scope.
  NetworkResult<ProfileCredentials> exchange(const OAuthAuthorization& authorization,
                                             std::string_view code);
  // The refresh grant; new tokens in place. auth_revoked when the refresh token is dead.
  NetworkResult<void> refresh(ProfileCredentials& credentials);

 private:
  NetworkResult<nlohmann::json> get_json(const std::string& url);
  NetworkResult<nlohmann::json> token_call(const DpopKey& key, const std::string& url,
                                           const std::string& form);

  HttpClient& http_;
  DpopNonces& nonces_;
};

}  // namespace roost::networks::bluesky
