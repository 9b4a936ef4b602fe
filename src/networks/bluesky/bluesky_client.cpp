#include "networks/bluesky/bluesky_client.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "domain/stream_query.hpp"
#include "networks/bluesky/oauth_client.hpp"
#include "networks/bluesky/xrpc_error.hpp"

namespace roost::networks::bluesky {
namespace {

constexpr int http_ok_min = 200;
constexpr int http_ok_end = 300;
constexpr int http_server_error_min = 500;
constexpr std::string_view json_type = "application/json";
constexpr std::string_view pds_service_fragment = "#atproto_pds";

std::string xrpc(std::string_view nsid) { return "/xrpc/" + std::string(nsid); }

std::optional<std::string> string_field(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object()) return std::nullopt;
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// A 2xx answer without the fields the lexicon promises: the server acted (for a write) but
// we cannot tell on what.
NetworkError unreadable_answer(std::string_view what) {
  return failure(FailureKind::outcome_unknown, "UnreadableResponse",
                 "the PDS's answer to " + std::string(what) + " lacks its fields");
}

NetworkResult<ProfileCredentials> session_from(const nlohmann::json& body,
                                               std::string_view pds_url) {
  auto did = string_field(body, "did");
  auto handle = string_field(body, "handle");
  auto access = string_field(body, "accessJwt");
  auto refresh = string_field(body, "refreshJwt");
  if (!did || !handle || !access || !refresh) {
    return failure(FailureKind::transient, "UnreadableResponse",
                   "the PDS's session answer lacks its fields");
  }
  return ProfileCredentials{*did, *handle, std::string(pds_url), *access, *refresh};
}

NetworkResult<PublishedPost> published_from(const nlohmann::json& body, std::string_view what) {
  auto uri = string_field(body, "uri");
  auto cid = string_field(body, "cid");
  if (!uri || !cid) return unreadable_answer(what);
  return PublishedPost{*uri, *cid};
}

// A did:web host is percent-encoded where it holds a port ("localhost%3A2583").
std::string decode_did_web_host(std::string_view encoded) {
  std::string host;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.substr(i, 3) == "%3A" || encoded.substr(i, 3) == "%3a") {
      host += ':';
      i += 2;
    } else {
      host += encoded[i];
    }
  }
  return host;
}

bool is_did_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == ':' || c == '%';
}

// A createRecord call writing `record` under `record_key` in the profile's repo.
HttpRequest record_write(const ProfileCredentials& credentials, std::string_view method,
                         std::string_view collection, std::string_view record_key,
                         const nlohmann::json& record) {
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = build_url(credentials.pds_url, xrpc(method));
  request.content_type = json_type;
  request.body = nlohmann::json{
      {"repo", credentials.did},
      {"collection", collection},
      {"rkey", record_key},
      {"record",
       record}}.dump();
  return request;
}

}  // namespace

BlueskyClient::BlueskyClient(BlueskySettings settings)
    : settings_(std::move(settings)),
      http_(HttpTimeouts{settings_.connect_timeout, settings_.total_timeout}) {}

core::Result<HttpResponse, TransportFailure> BlueskyClient::perform_as(const ProfileCredentials* as,
                                                                       HttpRequest& request) {
  if (as == nullptr) return http_.perform(request);
  if (as->kind == CredentialKind::oauth) {
    // The one difference of an OAuth session: a DPoP proof bound to the token and the URL.
    auto key = DpopKey::from_pem(as->dpop_key_pem);
    if (!key) return TransportFailure{CURLE_FAILED_INIT, false, "the DPoP key is unreadable"};
    return perform_with_dpop(http_, nonces_, *key, request, as->access_jwt);
  }
  request.bearer_token = as->access_jwt;
  return http_.perform(request);
}

NetworkResult<nlohmann::json> BlueskyClient::call(HttpRequest request, Effect effect,
                                                  const ProfileCredentials* as) {
  auto answer = perform_as(as, request);
  if (!answer.ok()) {
    NetworkError error = classify_transport_failure(answer.error());
    // Reading twice changes nothing: a read without an answer is merely worth retrying.
    if (effect == Effect::read && error.kind == FailureKind::outcome_unknown) {
      error.kind = FailureKind::transient;
    }
    return error;
  }
  const HttpResponse& response = *answer;
  if (response.status < http_ok_min || response.status >= http_ok_end) {
    return classify_response(response.status, response.body, response.headers,
                             std::chrono::system_clock::now());
  }
  if (response.body.empty()) return nlohmann::json::object();
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    auto error = unreadable_answer(request.url.substr(request.url.rfind('/') + 1));
    error.http_status = response.status;
    if (effect == Effect::read) error.kind = FailureKind::transient;
    return error;
  }
  return body;
}

NetworkResult<ProfileCredentials> BlueskyClient::create_session(std::string_view pds_url,
                                                                std::string_view identifier,
                                                                std::string_view password) {
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = build_url(pds_url, xrpc("com.atproto.server.createSession"));
  request.content_type = json_type;
  request.body = nlohmann::json{{"identifier", identifier}, {"password", password}}.dump();
  // Logging in twice is harmless: an unanswered login is only worth retrying.
  auto body = call(std::move(request), Effect::read);
  if (!body.ok()) return std::move(body).error();
  return session_from(*body, pds_url);
}

NetworkResult<ProfileCredentials> BlueskyClient::refresh_session(std::string_view pds_url,
                                                                 std::string_view refresh_jwt) {
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = build_url(pds_url, xrpc("com.atproto.server.refreshSession"));
  request.bearer_token = refresh_jwt;
  // The PDS lets a used refresh token work again for a grace period, so an unanswered
  // refresh can be repeated.
  auto body = call(std::move(request), Effect::read);
  if (!body.ok()) return std::move(body).error();
  return session_from(*body, pds_url);
}

NetworkResult<std::string> BlueskyClient::resolve_handle(
    std::string_view handle, std::optional<std::chrono::steady_clock::time_point> deadline) {
  return resolve_handle_at(settings_.handle_resolver_url, handle, deadline);
}

NetworkResult<std::string> BlueskyClient::resolve_handle_at(
    std::string_view service_url, std::string_view handle,
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  HttpRequest request;
  request.deadline = deadline;
  request.url = build_url(service_url, xrpc("com.atproto.identity.resolveHandle"),
                          {{"handle", std::string(handle)}});
  auto body = call(std::move(request), Effect::read);
  if (!body.ok()) {
    NetworkError error = std::move(body).error();
    // "Unable to resolve handle" is a 400: for a connect, that is "no such account".
    if (error.kind == FailureKind::permanent) error.kind = FailureKind::not_found;
    return error;
  }
  auto did = string_field(*body, "did");
  if (!did) return failure(FailureKind::transient, "UnreadableResponse", "no DID in the answer");
  return *did;
}

NetworkResult<std::string> BlueskyClient::handle_of(std::string_view pds_url,
                                                    std::string_view did) {
  HttpRequest request;
  request.url =
      build_url(pds_url, xrpc("com.atproto.repo.describeRepo"), {{"repo", std::string(did)}});
  auto body = call(std::move(request), Effect::read);
  if (!body.ok()) return std::move(body).error();
  auto handle = string_field(*body, "handle");
  if (!handle) return failure(FailureKind::transient, "UnreadableResponse", "no handle");
  return *handle;
}

NetworkResult<std::string> did_document_url(std::string_view did, const BlueskySettings& settings) {
  bool well_formed = !did.empty() && std::all_of(did.begin(), did.end(), is_did_character);
  if (well_formed && did.starts_with("did:plc:") && did.size() > 8) {
    std::string url = settings.plc_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url + "/" + std::string(did);
  }
  if (well_formed && did.starts_with("did:web:") && did.size() > 8) {
    std::string_view host = did.substr(8);
    // A did:web with a path (more colons) is not allowed for atproto accounts.
    if (host.find(':') == std::string_view::npos) {
      return settings.did_web_scheme + "://" + decode_did_web_host(host) + "/.well-known/did.json";
    }
  }
  return failure(FailureKind::permanent, "UnsupportedDid",
                 "only did:plc and did:web identities are supported");
}

NetworkResult<std::string> pds_endpoint_of(const nlohmann::json& did_document) {
  auto services = did_document.is_object() ? did_document.find("service") : did_document.end();
  if (did_document.is_object() && services != did_document.end() && services->is_array()) {
    for (const auto& service : *services) {
      auto id = string_field(service, "id");
      auto endpoint = string_field(service, "serviceEndpoint");
      if (id && endpoint && id->ends_with(pds_service_fragment)) return *endpoint;
    }
  }
  return failure(FailureKind::not_found, "NoPdsService",
                 "the DID document names no #atproto_pds service");
}

std::optional<std::string> handle_of(const nlohmann::json& did_document) {
  if (!did_document.is_object()) return std::nullopt;
  auto names = did_document.find("alsoKnownAs");
  if (names == did_document.end() || !names->is_array()) return std::nullopt;
  constexpr std::string_view at_prefix = "at://";
  for (const auto& name : *names) {
    if (!name.is_string()) continue;
    const auto& text = name.get_ref<const std::string&>();
    if (!text.starts_with(at_prefix)) continue;
    std::string handle = core::ascii_lower(std::string_view(text).substr(at_prefix.size()));
    if (domain::is_handle(handle)) return handle;
  }
  return std::nullopt;
}

NetworkResult<nlohmann::json> BlueskyClient::did_document(std::string_view did) {
  auto url = did_document_url(did, settings_);
  if (!url.ok()) return std::move(url).error();
  HttpRequest request;
  request.url = *url;
  return call(std::move(request), Effect::read);
}

NetworkResult<std::string> BlueskyClient::resolve_pds(std::string_view did) {
  auto document = did_document(did);
  if (!document.ok()) return std::move(document).error();
  return pds_endpoint_of(*document);
}

NetworkResult<PublishedPost> BlueskyClient::create_record(const ProfileCredentials& credentials,
                                                          std::string_view collection,
                                                          std::string_view record_key,
                                                          const nlohmann::json& record) {
  auto body = call(
      record_write(credentials, "com.atproto.repo.createRecord", collection, record_key, record),
      Effect::write, &credentials);
  if (body.ok()) return published_from(*body, "createRecord");

  NetworkError error = std::move(body).error();
  // The PDS answers an existing key with a 500, like any failure of its own, and a request
  // without an answer may have been written: in both cases, look.
  bool may_exist =
      error.kind == FailureKind::outcome_unknown || error.http_status >= http_server_error_min;
  if (!may_exist) return error;
  auto existing = get_record(credentials.pds_url, credentials.did, collection, record_key);
  if (existing.ok()) {
    error.kind = FailureKind::already_exists;
    error.message = "a record already exists under this key";
    error.existing = PublishedPost{existing->uri, existing->cid};
    return error;
  }
  if (existing.error().kind == FailureKind::not_found) {
    // Nothing was written (or a write still in flight lands later, and a retry under the
    // same key then finds it): retrying is safe.
    if (error.kind == FailureKind::outcome_unknown) error.kind = FailureKind::transient;
    return error;
  }
  if (error.http_status >= http_server_error_min) error.kind = FailureKind::outcome_unknown;
  return error;
}

NetworkResult<void> BlueskyClient::delete_record(const ProfileCredentials& credentials,
                                                 std::string_view collection,
                                                 std::string_view record_key) {
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = build_url(credentials.pds_url, xrpc("com.atproto.repo.deleteRecord"));
  request.content_type = json_type;
  request.body =
      nlohmann::json{{"repo", credentials.did}, {"collection", collection}, {"rkey", record_key}}
          .dump();
  // Deleting twice leaves the same state, so an unanswered delete is simply retried.
  auto body = call(std::move(request), Effect::read, &credentials);
  if (!body.ok()) {
    if (body.error().kind == FailureKind::not_found) return {};
    return std::move(body).error();
  }
  return {};
}

NetworkResult<Record> BlueskyClient::get_record(std::string_view pds_url, std::string_view repo,
                                                std::string_view collection,
                                                std::string_view record_key) {
  HttpRequest request;
  request.url = build_url(pds_url, xrpc("com.atproto.repo.getRecord"),
                          {{"repo", std::string(repo)},
                           {"collection", std::string(collection)},
                           {"rkey", std::string(record_key)}});
  auto body = call(std::move(request), Effect::read);
  if (!body.ok()) return std::move(body).error();
  auto uri = string_field(*body, "uri");
  auto cid = string_field(*body, "cid");
  auto value = body->find("value");
  if (!uri || !cid || value == body->end()) {
    return failure(FailureKind::transient, "UnreadableResponse", "getRecord lacks its fields");
  }
  return Record{*uri, *cid, *value};
}

NetworkResult<RecordPage> BlueskyClient::list_records(std::string_view pds_url,
                                                      std::string_view repo,
                                                      std::string_view collection,
                                                      std::size_t limit,
                                                      std::optional<std::string> cursor) {
  limit = std::clamp<std::size_t>(limit, 1, core::limits::bluesky_list_records_page_max);
  std::vector<std::pair<std::string, std::string>> query{{"repo", std::string(repo)},
                                                         {"collection", std::string(collection)},
                                                         {"limit", std::to_string(limit)}};
  if (cursor) query.emplace_back("cursor", *cursor);
  HttpRequest request;
  request.url = build_url(pds_url, xrpc("com.atproto.repo.listRecords"), query);
  auto body = call(std::move(request), Effect::read);
  if (!body.ok()) return std::move(body).error();
  RecordPage page;
  auto records = body->find("records");
  if (records == body->end() || !records->is_array()) {
    return failure(FailureKind::transient, "UnreadableResponse", "listRecords lacks records");
  }
  for (const auto& entry : *records) {
    auto uri = string_field(entry, "uri");
    auto cid = string_field(entry, "cid");
    if (!uri || !cid || !entry.contains("value")) continue;
    page.records.push_back(Record{*uri, *cid, entry["value"]});
  }
  page.cursor = string_field(*body, "cursor");
  return page;
}

NetworkResult<nlohmann::json> BlueskyClient::upload_blob(const ProfileCredentials& credentials,
                                                         std::string_view bytes,
                                                         std::string_view mime_type) {
  if (bytes.size() > core::limits::bluesky_image_bytes_max) {
    return failure(
        FailureKind::permanent, "BlobTooLarge",
        "an image is at most " + std::to_string(core::limits::bluesky_image_bytes_max) + " bytes");
  }
  HttpRequest request;
  request.method = HttpMethod::post;
  request.url = build_url(credentials.pds_url, xrpc("com.atproto.repo.uploadBlob"));
  request.content_type = mime_type;
  request.body = std::string(bytes);
  // An upload is stored under its content hash: uploading again stores nothing new.
  auto body = call(std::move(request), Effect::read, &credentials);
  if (!body.ok()) return std::move(body).error();
  auto blob = body->find("blob");
  if (blob == body->end() || !blob->is_object()) {
    return failure(FailureKind::transient, "UnreadableResponse", "uploadBlob lacks the blob");
  }
  return *blob;
}

}  // namespace roost::networks::bluesky
