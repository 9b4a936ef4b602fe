#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

// The contract every social network implements (bluesky/ first, then mastodon/ and x/).
// Callers include only this header; app/wiring names the implementations. Every call
// blocks (libcurl): only scheduler and service threads make them, never an I/O thread.
namespace roost::networks {

enum class NetworkKind { bluesky, mastodon, x };

std::string_view network_name(NetworkKind kind);
std::optional<NetworkKind> parse_network(std::string_view name);

// What a caller does about a failed call. The scheduler decides on this alone: retry with
// backoff, wait, refresh, ask a person to reconnect, or give up.
enum class FailureKind {
  transient,        // the network or the server failed before acting: retry later
  rate_limited,     // retry after NetworkError::retry_after (or backoff without one)
  auth_expired,     // the access token expired: refresh it, then retry
  auth_revoked,     // the credentials no longer work: the profile needs_reconnect
  permanent,        // the request itself is refused (validation, size): retrying cannot help
  outcome_unknown,  // the request was sent and no answer came: look before retrying
  already_exists,   // a record under this key exists (NetworkError::existing says which)
  not_found,        // no such record, account or handle
};

std::string_view failure_kind_name(FailureKind kind);

// A published record: the post, like, repost or follow as the network names it.
struct PublishedPost {
  std::string uri;  // at://did:plc:.../app.bsky.feed.post/<rkey>
  std::string cid;  // the content hash of that version of the record
};

struct NetworkError {
  FailureKind kind = FailureKind::transient;
  int http_status = 0;  // 0: no HTTP answer
  std::string code;     // the network's error name (XRPC "ExpiredToken"), or libcurl's
  std::string message;  // for people and logs; never holds a credential
  std::optional<std::chrono::seconds> retry_after;  // rate_limited: when to try again
  std::optional<PublishedPost> existing;            // already_exists: the record found
};

template <class T>
using NetworkResult = core::Result<T, NetworkError>;

// How a profile's session was obtained: an app password (createSession, Bearer tokens) or
// AT Protocol OAuth (DPoP-bound tokens; ADR 0031).
enum class CredentialKind { app_password, oauth };

// A connected profile's session. Secret: storage seals it, and nothing formats it (there is
// deliberately no operator<<; log `did` or `handle` only). refresh() hides which kind it is.
struct ProfileCredentials {
  std::string did;
  std::string handle;
  std::string pds_url;  // the profile's own PDS, resolved at connect or set by hand
  std::string access_jwt;
  std::string refresh_jwt;
  CredentialKind kind = CredentialKind::app_password;
  // OAuth only: the private DPoP key the tokens are bound to (PKCS#8 PEM), the authorization
  // server that issued them, its token endpoint, and the client id they were issued to.
  std::string dpop_key_pem;
  std::string auth_issuer;
  std::string token_endpoint;
  std::string client_id;
};

// Who Roost is to an OAuth authorization server (ADR 0031): its client id (a metadata URL,
// or an atproto loopback client id) and where the browser comes back.
struct OAuthClientIdentity {
  std::string client_id;
  std::string redirect_uri;
  std::string scope = "atproto transition:generic";
};

// An authorization pushed to the account's authorization server (PAR), and all that the
// callback needs to finish it. Secret (the PKCE verifier and the DPoP key): kept sealed.
struct OAuthAuthorization {
  std::string authorize_url;  // where the browser goes to sign in and consent
  std::string state;
  std::string code_verifier;
  std::string dpop_key_pem;
  std::string issuer;
  std::string token_endpoint;
  std::string pds_url;
  std::string client_id;
  std::string redirect_uri;
};

// A reference to one version of a record (a reply's root and parent, a quoted post).
struct StrongRef {
  std::string uri;
  std::string cid;
};

struct PostImage {
  std::string bytes;
  std::string mime_type;  // image/jpeg, image/png, image/webp, image/gif
  std::string alt;
  std::optional<std::pair<int, int>> aspect_ratio;  // width, height
};

struct ReplyRefs {
  StrongRef root;
  StrongRef parent;
};

// One post as composed and validated by domain/ (length, facets, image sizes).
struct PostContent {
  std::string text;
  std::string facets_json;  // a JSON array of app.bsky.richtext.facet, or empty for none
  std::vector<std::string> langs;
  std::vector<PostImage> images;
  std::optional<ReplyRefs> reply;
  std::optional<StrongRef> quote;
  std::chrono::system_clock::time_point created_at;
};

// Every write takes a record key chosen by the caller (the scheduler derives it from the
// outbox job): writing the same key twice leaves one record and answers already_exists, so
// a retry after any failure is safe. Calls that take credentials by reference may refresh
// them in place, once, when the access token expired; the caller then persists them.
class Network {
 public:
  virtual ~Network() = default;
  virtual NetworkKind kind() const = 0;

  // `identifier` is a handle or a DID; without `pds_url` the profile's PDS is resolved from
  // it. A wrong or revoked app password is auth_revoked.
  virtual NetworkResult<ProfileCredentials> connect_with_app_password(
      std::string_view identifier, std::string_view app_password,
      std::optional<std::string> pds_url) = 0;
  // New tokens in place. auth_revoked when the refresh token no longer works.
  virtual NetworkResult<void> refresh(ProfileCredentials& credentials) = 0;

  virtual NetworkResult<PublishedPost> publish(ProfileCredentials& credentials,
                                               std::string_view record_key,
                                               const PostContent& content) = 0;
  // What the network holds under the key; nullopt when nothing: how the scheduler settles an
  // outcome_unknown before it retries.
  virtual NetworkResult<std::optional<PublishedPost>> find_post(ProfileCredentials& credentials,
                                                                std::string_view record_key) = 0;
  // Deleting what is not there succeeds: the caller wanted it gone.
  virtual NetworkResult<void> delete_post(ProfileCredentials& credentials,
                                          std::string_view record_key) = 0;

  virtual NetworkResult<PublishedPost> like(ProfileCredentials& credentials,
                                            std::string_view record_key,
                                            const StrongRef& subject) = 0;
  virtual NetworkResult<void> unlike(ProfileCredentials& credentials,
                                     std::string_view record_key) = 0;
  virtual NetworkResult<PublishedPost> repost(ProfileCredentials& credentials,
                                              std::string_view record_key,
                                              const StrongRef& subject) = 0;
  virtual NetworkResult<void> unrepost(ProfileCredentials& credentials,
                                       std::string_view record_key) = 0;
  // `subject_did`: the account to follow.
  virtual NetworkResult<PublishedPost> follow(ProfileCredentials& credentials,
                                              std::string_view record_key,
                                              std::string_view subject_did) = 0;
  virtual NetworkResult<void> unfollow(ProfileCredentials& credentials,
                                       std::string_view record_key) = 0;

  // The account id (a DID) of `handle`, as the profile's own server resolves it: how a
  // mention in a post's text becomes a link to the account. not_found when the handle names
  // no one.
  virtual NetworkResult<std::string> resolve_handle(ProfileCredentials& credentials,
                                                    std::string_view handle) = 0;

  // Deletes a record of the profile's own account by its URI (a post, like, repost or
  // follow, whoever made it): how "delete" and "unfollow" go out. permanent when the URI
  // names no record of that account. Deleting what is not there succeeds.
  virtual NetworkResult<void> delete_record(ProfileCredentials& credentials,
                                            std::string_view record_uri) = 0;
};

// Connecting a profile with AT Protocol OAuth (PAR + PKCE + DPoP). Bluesky only; blocking.
class OAuthConnector {
 public:
  virtual ~OAuthConnector() = default;
  // The PDS of a handle or DID. not_found when the handle names no one.
  virtual NetworkResult<std::string> pds_of(std::string_view identifier) = 0;
  // Discovers the PDS's authorization server, makes a PKCE verifier, a state and a fresh
  // DPoP key, and pushes the authorization request.
  virtual NetworkResult<OAuthAuthorization> start_authorization(
      std::string_view pds_url, const OAuthClientIdentity& client,
      std::optional<std::string> login_hint) = 0;
  // Exchanges the code for DPoP-bound tokens. The token's subject must be a DID whose own
  // PDS is `authorization.pds_url`, and its scope must hold atproto (else permanent).
  virtual NetworkResult<ProfileCredentials> finish_authorization(
      const OAuthAuthorization& authorization, std::string_view code) = 0;
};

}  // namespace roost::networks
