#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "networks/bluesky/oauth_client.hpp"
#include "networks/http_client.hpp"
#include "networks/network.hpp"

// The AT Protocol calls Roost makes (XRPC over HTTP, libcurl). One method per call; each
// answer or failure is classified once (xrpc_error.hpp). Blocking and thread-safe.
namespace roost::networks::bluesky {

struct BlueskySettings {
  // Where did:plc documents are read.
  std::string plc_url = "https://plc.directory";
  // did:web documents are read from <scheme>://<host>/.well-known/did.json; only tests use
  // http.
  std::string did_web_scheme = "https";
  // A service that answers com.atproto.identity.resolveHandle for any handle (Bluesky's
  // entryway resolves DNS and .well-known handles for us).
  std::string handle_resolver_url = "https://bsky.social";
  std::chrono::milliseconds connect_timeout = core::limits::network_connect_timeout;
  std::chrono::milliseconds total_timeout = core::limits::network_total_timeout;
};

// One record of a repository as the PDS returns it.
struct Record {
  std::string uri;
  std::string cid;
  nlohmann::json value;
};

struct RecordPage {
  std::vector<Record> records;
  std::optional<std::string> cursor;  // nullopt: this was the last page
};

class BlueskyClient {
 public:
  explicit BlueskyClient(BlueskySettings settings);

  // com.atproto.server.createSession. `identifier`: handle, DID or email.
  NetworkResult<ProfileCredentials> create_session(std::string_view pds_url,
                                                   std::string_view identifier,
                                                   std::string_view password);
  // com.atproto.server.refreshSession with the refresh token.
  NetworkResult<ProfileCredentials> refresh_session(std::string_view pds_url,
                                                    std::string_view refresh_jwt);

  // A handle's DID (com.atproto.identity.resolveHandle on settings.handle_resolver_url).
  // `deadline`, when set, bounds the call too (HttpRequest::deadline).
  NetworkResult<std::string> resolve_handle(
      std::string_view handle,
      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);
  // The same, asked of `service_url` (a profile's own PDS, which answers for the handles it
  // hosts and resolves the others through DNS and .well-known).
  NetworkResult<std::string> resolve_handle_at(
      std::string_view service_url, std::string_view handle,
      std::optional<std::chrono::steady_clock::time_point> deadline = std::nullopt);
  // The #atproto_pds service endpoint of a did:plc or did:web document.
  NetworkResult<std::string> resolve_pds(std::string_view did);
  // The DID document itself (PLC directory or did:web's /.well-known/did.json). not_found
  // when the directory does not know the DID; permanent for another DID method.
  NetworkResult<nlohmann::json> did_document(std::string_view did);

  // Writes into credentials.did's repository. A record already under `record_key` (found
  // right away, or by getRecord after a 5xx or an unanswered request) is already_exists
  // with NetworkError::existing set: the key makes creating idempotent.
  NetworkResult<PublishedPost> create_record(const ProfileCredentials& credentials,
                                             std::string_view collection,
                                             std::string_view record_key,
                                             const nlohmann::json& record);
  // Deleting a record that is not there succeeds (the PDS says so too).
  NetworkResult<void> delete_record(const ProfileCredentials& credentials,
                                    std::string_view collection, std::string_view record_key);

  // Reads need no credentials: repositories are public.
  NetworkResult<Record> get_record(std::string_view pds_url, std::string_view repo,
                                   std::string_view collection, std::string_view record_key);
  NetworkResult<RecordPage> list_records(std::string_view pds_url, std::string_view repo,
                                         std::string_view collection, std::size_t limit,
                                         std::optional<std::string> cursor);

  // The blob object ({"$type":"blob","ref":{"$link":cid},"mimeType","size"}) to put in a
  // record. Permanent above limits::bluesky_image_bytes_max.
  NetworkResult<nlohmann::json> upload_blob(const ProfileCredentials& credentials,
                                            std::string_view bytes, std::string_view mime_type);

  // The AT Protocol OAuth calls (discovery, PAR, token grants) over the same connections.
  OAuthClient& oauth() { return oauth_; }
  // The account's handle as its repository names it (com.atproto.repo.describeRepo).
  NetworkResult<std::string> handle_of(std::string_view pds_url, std::string_view did);

 private:
  enum class Effect { read, write };
  // Every XRPC call: `as` (when given) signs it as the profile, a Bearer token for an app
  // password session, a DPoP proof and token for an OAuth one; nothing else differs.
  NetworkResult<nlohmann::json> call(HttpRequest request, Effect effect,
                                     const ProfileCredentials* as = nullptr);
  core::Result<HttpResponse, TransportFailure> perform_as(const ProfileCredentials* as,
                                                          HttpRequest& request);

  BlueskySettings settings_;
  HttpClient http_;
  DpopNonces nonces_;
  OAuthClient oauth_{http_, nonces_};
};

// Where a DID's document is read: <plc_url>/<did> for did:plc, and for did:web
// <scheme>://<host>/.well-known/did.json (a port is written %3A in the DID). Permanent for
// any other method or a malformed DID. Exposed for tests.
NetworkResult<std::string> did_document_url(std::string_view did, const BlueskySettings& settings);
// The #atproto_pds endpoint of a DID document; not_found when it names none.
NetworkResult<std::string> pds_endpoint_of(const nlohmann::json& did_document);
// The handle a DID document claims: its first alsoKnownAs entry "at://<handle>" that is a
// syntactically valid handle, lower-cased; nullopt when there is none.
std::optional<std::string> handle_of(const nlohmann::json& did_document);

}  // namespace roost::networks::bluesky
