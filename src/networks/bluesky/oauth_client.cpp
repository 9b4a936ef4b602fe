#include "networks/bluesky/oauth_client.hpp"

#include <nlohmann/json.hpp>

#include "core/tokens.hpp"
#include "networks/bluesky/xrpc_error.hpp"
#include "networks/curl_handles.hpp"

namespace roost::networks::bluesky {
namespace {

constexpr int http_ok_min = 200;
constexpr int http_ok_end = 300;
constexpr int http_bad_request = 400;
constexpr int http_unauthorized = 401;
constexpr std::size_t pkce_verifier_bytes = 32;
constexpr std::size_t state_bytes = 24;
constexpr std::string_view form_type = "application/x-www-form-urlencoded";

std::optional<std::string> text_of(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object()) return std::nullopt;
  auto found = object.find(name);
  if (found == object.end() || !found->is_string() || found->get<std::string>().empty()) {
    return std::nullopt;
  }
  return found->get<std::string>();
}

std::string without_trailing_slash(std::string_view url) {
  std::string out(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

bool asks_for_nonce(const HttpResponse& response) {
  if (response.status != http_bad_request && response.status != http_unauthorized) return false;
  auto challenge = response.headers.find("www-authenticate");
  return response.body.find("use_dpop_nonce") != std::string::npos ||
         (challenge != response.headers.end() &&
          challenge->second.find("use_dpop_nonce") != std::string::npos);
}

bool has_scope(std::string_view scopes, std::string_view wanted) {
  std::size_t start = 0;
  while (start <= scopes.size()) {
    auto end = scopes.find(' ', start);
    if (end == std::string_view::npos) end = scopes.size();
    if (scopes.substr(start, end - start) == wanted) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string url_origin(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto path = url.find_first_of("/?#", scheme + 3);
  return std::string(url.substr(0, path));
}

std::optional<std::string> DpopNonces::get(std::string_view url) const {
  std::lock_guard lock(mutex_);
  auto found = by_origin_.find(url_origin(url));
  if (found == by_origin_.end()) return std::nullopt;
  return found->second;
}

void DpopNonces::put(std::string_view url, std::string nonce) {
  std::lock_guard lock(mutex_);
  by_origin_[url_origin(url)] = std::move(nonce);
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    CurlString escaped(curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size())));
    out += name;
    out += '=';
    if (escaped) out += escaped.get();
  }
  return out;
}

core::Result<HttpResponse, TransportFailure> perform_with_dpop(
    HttpClient& http, DpopNonces& nonces, const DpopKey& key, const HttpRequest& request,
    const std::optional<std::string>& access_token) {
  const std::string method = request.method == HttpMethod::post ? "POST" : "GET";
  for (int attempt = 0;; ++attempt) {
    HttpRequest signed_request = request;
    DpopClaims claims{method, request.url, nonces.get(request.url), access_token};
    signed_request.headers.push_back("DPoP: " + dpop_proof(key, claims));
    if (access_token) signed_request.headers.push_back("Authorization: DPoP " + *access_token);
    auto answer = http.perform(signed_request);
    if (!answer.ok()) return answer;
    if (auto nonce = answer->headers.find("dpop-nonce"); nonce != answer->headers.end()) {
      nonces.put(request.url, nonce->second);
    }
    if (attempt == 0 && asks_for_nonce(*answer)) continue;
    return answer;
  }
}

NetworkError classify_oauth_error(int status, std::string_view body, const HttpHeaders& headers) {
  // The XRPC classification first: a 429 stays rate_limited with its Retry-After, a 408 or
  // 5xx transient. The OAuth body then names the error.
  NetworkError error = classify_response(status, body, headers, std::chrono::system_clock::now());
  auto json = nlohmann::json::parse(body, nullptr, false);
  error.code = text_of(json, "error").value_or("HTTP " + std::to_string(status));
  error.message = text_of(json, "error_description").value_or(error.code);
  if (error.kind == FailureKind::rate_limited || error.kind == FailureKind::transient) {
    return error;
  }
  if (error.code == "use_dpop_nonce") {
    // Still asking for a nonce after the retry with one: the server's, worth trying later.
    error.kind = FailureKind::transient;
  } else if (error.code == "invalid_grant" || error.code == "invalid_token" ||
             error.code == "invalid_client" || status == http_unauthorized) {
    error.kind = FailureKind::auth_revoked;
  } else {
    error.kind = FailureKind::permanent;
  }
  return error;
}

NetworkResult<nlohmann::json> OAuthClient::get_json(const std::string& url) {
  HttpRequest request;
  request.url = url;
  auto answer = http_.perform(request);
  if (!answer.ok()) {
    NetworkError error = classify_transport_failure(answer.error());
    if (error.kind == FailureKind::outcome_unknown) error.kind = FailureKind::transient;
    return error;
  }
  if (answer->status < http_ok_min || answer->status >= http_ok_end) {
    auto error = classify_response(answer->status, answer->body, answer->headers,
                                   std::chrono::system_clock::now());
    if (error.kind == FailureKind::not_found) {
      error.kind = FailureKind::permanent;
      error.code = "OAuthUnsupported";
      error.message = "this server does not offer AT Protocol OAuth (" + url + ")";
    }
    return error;
  }
  auto json = nlohmann::json::parse(answer->body, nullptr, false);
  if (!json.is_object()) {
    return failure(FailureKind::permanent, "UnreadableResponse", "not a JSON object: " + url);
  }
  return json;
}

NetworkResult<AuthorizationServer> OAuthClient::discover(std::string_view pds_url) {
  auto resource =
      get_json(without_trailing_slash(pds_url) + "/.well-known/oauth-protected-resource");
  if (!resource.ok()) return std::move(resource).error();
  auto servers = resource->find("authorization_servers");
  if (servers == resource->end() || !servers->is_array() || servers->empty() ||
      !(*servers)[0].is_string()) {
    return failure(FailureKind::permanent, "OAuthUnsupported",
                   "the PDS names no OAuth authorization server");
  }
  const std::string issuer = without_trailing_slash((*servers)[0].get<std::string>());
  auto metadata = get_json(issuer + "/.well-known/oauth-authorization-server");
  if (!metadata.ok()) return std::move(metadata).error();
  AuthorizationServer server;
  server.issuer = text_of(*metadata, "issuer").value_or("");
  server.par_endpoint = text_of(*metadata, "pushed_authorization_request_endpoint").value_or("");
  server.authorization_endpoint = text_of(*metadata, "authorization_endpoint").value_or("");
  server.token_endpoint = text_of(*metadata, "token_endpoint").value_or("");
  // The metadata must be the issuer's own (RFC 8414 §3.3).
  if (without_trailing_slash(server.issuer) != issuer || server.par_endpoint.empty() ||
      server.authorization_endpoint.empty() || server.token_endpoint.empty()) {
    return failure(FailureKind::permanent, "OAuthMetadataInvalid",
                   "the authorization server's metadata is incomplete or not its own");
  }
  return server;
}

NetworkResult<nlohmann::json> OAuthClient::token_call(const DpopKey& key, const std::string& url,
                                                      const std::string& form) {
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = url;
  request.content_type = form_type;
  request.body = form;
  auto answer = perform_with_dpop(http_, nonces_, key, request, std::nullopt);
  if (!answer.ok()) {
    NetworkError error = classify_transport_failure(answer.error());
    // A grant without an answer may have been used; the caller sees it as worth retrying
    // (a refresh token stays usable for a grace period on the PDS).
    if (error.kind == FailureKind::outcome_unknown) error.kind = FailureKind::transient;
    return error;
  }
  if (answer->status < http_ok_min || answer->status >= http_ok_end) {
    return classify_oauth_error(answer->status, answer->body, answer->headers);
  }
  auto json = nlohmann::json::parse(answer->body, nullptr, false);
  if (!json.is_object()) {
    return failure(FailureKind::transient, "UnreadableResponse", "the token answer is not JSON");
  }
  return json;
}

NetworkResult<OAuthAuthorization> OAuthClient::start(std::string_view pds_url,
                                                     const OAuthClientIdentity& client,
                                                     const std::optional<std::string>& login_hint) {
  auto server = discover(pds_url);
  if (!server.ok()) return std::move(server).error();
  auto key = DpopKey::generate();
  if (!key) return failure(FailureKind::transient, "CryptoFailure", "no DPoP key was made");
  OAuthAuthorization authorization;
  authorization.state = core::random_token(state_bytes);
  authorization.code_verifier = core::random_token(pkce_verifier_bytes);
  authorization.dpop_key_pem = key->private_pem();
  authorization.issuer = server->issuer;
  authorization.token_endpoint = server->token_endpoint;
  authorization.pds_url = without_trailing_slash(pds_url);
  authorization.client_id = client.client_id;
  authorization.redirect_uri = client.redirect_uri;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"client_id", client.client_id},
      {"response_type", "code"},
      {"redirect_uri", client.redirect_uri},
      {"scope", client.scope},
      {"state", authorization.state},
      {"code_challenge", pkce_challenge(authorization.code_verifier)},
      {"code_challenge_method", "S256"}};
  if (login_hint) fields.emplace_back("login_hint", *login_hint);
  auto pushed = token_call(*key, server->par_endpoint, form_encode(fields));
  if (!pushed.ok()) {
    NetworkError error = std::move(pushed).error();
    // Refused at PAR: our request or client is wrong, not someone's credentials.
    if (error.kind == FailureKind::auth_revoked) error.kind = FailureKind::permanent;
    return error;
  }
  auto request_uri = text_of(*pushed, "request_uri");
  if (!request_uri) {
    return failure(FailureKind::transient, "UnreadableResponse", "PAR answered no request_uri");
  }
  authorization.authorize_url =
      server->authorization_endpoint + "?" +
      form_encode({{"client_id", client.client_id}, {"request_uri", *request_uri}});
  return authorization;
}

NetworkResult<ProfileCredentials> OAuthClient::exchange(const OAuthAuthorization& authorization,
                                                        std::string_view code) {
  auto key = DpopKey::from_pem(authorization.dpop_key_pem);
  if (!key) return failure(FailureKind::permanent, "CryptoFailure", "the DPoP key is unreadable");
  auto tokens = token_call(*key, authorization.token_endpoint,
                           form_encode({{"grant_type", "authorization_code"},
                                        {"code", std::string(code)},
                                        {"redirect_uri", authorization.redirect_uri},
                                        {"code_verifier", authorization.code_verifier},
                                        {"client_id", authorization.client_id}}));
  if (!tokens.ok()) {
    NetworkError error = std::move(tokens).error();
    if (error.kind == FailureKind::auth_revoked) error.kind = FailureKind::permanent;
    return error;
  }
  auto access = text_of(*tokens, "access_token");
  auto refresh = text_of(*tokens, "refresh_token");
  auto type = text_of(*tokens, "token_type").value_or("");
  auto sub = text_of(*tokens, "sub").value_or("");
  auto scope = text_of(*tokens, "scope").value_or("");
  if (!access || !refresh || (type != "DPoP" && type != "dpop") || !sub.starts_with("did:") ||
      !has_scope(scope, "atproto")) {
    return failure(FailureKind::permanent, "OAuthTokenInvalid",
                   "the authorization server answered no DPoP token of an atproto account");
  }
  ProfileCredentials credentials;
  credentials.did = sub;
  credentials.pds_url = authorization.pds_url;
  credentials.access_jwt = std::move(*access);
  credentials.refresh_jwt = std::move(*refresh);
  credentials.kind = CredentialKind::oauth;
  credentials.dpop_key_pem = authorization.dpop_key_pem;
  credentials.auth_issuer = authorization.issuer;
  credentials.token_endpoint = authorization.token_endpoint;
  credentials.client_id = authorization.client_id;
  return credentials;
}

NetworkResult<void> OAuthClient::refresh(ProfileCredentials& credentials) {
  auto key = DpopKey::from_pem(credentials.dpop_key_pem);
  if (!key) {
    return failure(FailureKind::auth_revoked, "CryptoFailure", "the DPoP key is unreadable");
  }
  auto tokens = token_call(*key, credentials.token_endpoint,
                           form_encode({{"grant_type", "refresh_token"},
                                        {"refresh_token", credentials.refresh_jwt},
                                        {"client_id", credentials.client_id}}));
  if (!tokens.ok()) {
    NetworkError error = std::move(tokens).error();
    // The request is always well-formed: a refused one (invalid_grant, or invalid_request
    // for a token the server cannot even read) says this refresh token is done. A 429, a
    // 5xx or a nonce still asked for are not: retried later, the profile stays connected.
    if (error.kind == FailureKind::permanent) error.kind = FailureKind::auth_revoked;
    return error;
  }
  auto access = text_of(*tokens, "access_token");
  auto refresh = text_of(*tokens, "refresh_token");
  if (!access || !refresh || text_of(*tokens, "sub").value_or(credentials.did) != credentials.did) {
    return failure(FailureKind::transient, "UnreadableResponse",
                   "the refresh answer lacks its tokens");
  }
  credentials.access_jwt = std::move(*access);
  credentials.refresh_jwt = std::move(*refresh);
  return {};
}

}  // namespace roost::networks::bluesky
