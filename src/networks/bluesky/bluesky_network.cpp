#include "networks/bluesky/bluesky_network.hpp"

#include <cctype>
#include <chrono>

#include "core/ascii.hpp"
#include "networks/bluesky/records.hpp"

namespace roost::networks::bluesky {
namespace {

// What people type: "@alice.bsky.social", "Alice.bsky.social".
std::string normalized_identifier(std::string_view identifier) {
  if (identifier.starts_with('@')) identifier.remove_prefix(1);
  if (identifier.starts_with("did:")) return std::string(identifier);
  return core::ascii_lower(identifier);
}

}  // namespace

BlueskyNetwork::BlueskyNetwork(BlueskySettings settings) : client_(std::move(settings)) {}

namespace {

// Whether a failed call is worth a refresh first. An app-password session says ExpiredToken;
// an OAuth resource server answers an expired DPoP token with a plain 401 (invalid_token),
// which for an OAuth session is worth one refresh before calling it revoked.
bool refresh_may_help(const ProfileCredentials& credentials, const NetworkError& error) {
  constexpr int http_unauthorized = 401;
  if (error.kind == FailureKind::auth_expired) return true;
  return credentials.kind == CredentialKind::oauth && error.kind == FailureKind::auth_revoked &&
         error.http_status == http_unauthorized;
}

}  // namespace

template <class Call>
auto BlueskyNetwork::with_refresh(ProfileCredentials& credentials, Call call) -> decltype(call()) {
  auto first = call();
  if (first.ok() || !refresh_may_help(credentials, first.error())) return first;
  auto refreshed = refresh(credentials);
  if (!refreshed.ok()) return std::move(refreshed).error();
  return call();
}

NetworkResult<ProfileCredentials> BlueskyNetwork::connect_with_app_password(
    std::string_view identifier, std::string_view app_password,
    std::optional<std::string> pds_url) {
  std::string login = normalized_identifier(identifier);
  std::optional<std::string> expected_did;
  if (!pds_url) {
    std::string did = login;
    if (!login.starts_with("did:")) {
      auto resolved = client_.resolve_handle(login);
      if (!resolved.ok()) return std::move(resolved).error();
      did = *resolved;
    }
    auto pds = client_.resolve_pds(did);
    if (!pds.ok()) return std::move(pds).error();
    pds_url = *pds;
    expected_did = did;
  }
  auto session = client_.create_session(*pds_url, login, app_password);
  if (!session.ok()) return session;
  // A PDS found through the identity must speak for that identity.
  if (expected_did && session->did != *expected_did) {
    NetworkError error;
    error.kind = FailureKind::permanent;
    error.code = "IdentityMismatch";
    error.message = "the PDS signed in another account than the handle names";
    return error;
  }
  return session;
}

NetworkResult<void> BlueskyNetwork::refresh(ProfileCredentials& credentials) {
  if (credentials.kind == CredentialKind::oauth) {
    auto refreshed = client_.oauth().refresh(credentials);
    if (!refreshed.ok() && refreshed.error().kind == FailureKind::auth_expired) {
      NetworkError error = std::move(refreshed).error();
      error.kind = FailureKind::auth_revoked;
      return error;
    }
    return refreshed;
  }
  auto session = client_.refresh_session(credentials.pds_url, credentials.refresh_jwt);
  if (!session.ok()) {
    NetworkError error = std::move(session).error();
    // An expired refresh token cannot be refreshed: the profile must be connected again.
    if (error.kind == FailureKind::auth_expired) error.kind = FailureKind::auth_revoked;
    return error;
  }
  credentials.access_jwt = std::move(session->access_jwt);
  credentials.refresh_jwt = std::move(session->refresh_jwt);
  credentials.handle = std::move(session->handle);
  return {};
}

NetworkResult<std::string> BlueskyNetwork::pds_of(std::string_view identifier) {
  std::string did = normalized_identifier(identifier);
  if (!did.starts_with("did:")) {
    auto resolved = client_.resolve_handle(did);
    if (!resolved.ok()) return std::move(resolved).error();
    did = *resolved;
  }
  return client_.resolve_pds(did);
}

NetworkResult<OAuthAuthorization> BlueskyNetwork::start_authorization(
    std::string_view pds_url, const OAuthClientIdentity& client,
    std::optional<std::string> login_hint) {
  if (login_hint) login_hint = normalized_identifier(*login_hint);
  return client_.oauth().start(pds_url, client, login_hint);
}

NetworkResult<ProfileCredentials> BlueskyNetwork::finish_authorization(
    const OAuthAuthorization& authorization, std::string_view code) {
  auto credentials = client_.oauth().exchange(authorization, code);
  if (!credentials.ok()) return credentials;
  // The token speaks for its subject only if the subject's own PDS is the one whose
  // authorization server issued it (atproto OAuth: verify the sub's identity).
  auto home = client_.resolve_pds(credentials->did);
  if (!home.ok()) return std::move(home).error();
  std::string expected = *home;
  while (!expected.empty() && expected.back() == '/') expected.pop_back();
  if (expected != credentials->pds_url) {
    NetworkError error;
    error.kind = FailureKind::permanent;
    error.code = "IdentityMismatch";
    error.message = "the account's identity names another PDS than the one that signed it in";
    return error;
  }
  auto handle = client_.handle_of(credentials->pds_url, credentials->did);
  if (!handle.ok()) return std::move(handle).error();
  credentials->handle = std::move(*handle);
  return credentials;
}

NetworkResult<PublishedPost> BlueskyNetwork::publish(ProfileCredentials& credentials,
                                                     std::string_view record_key,
                                                     const PostContent& content) {
  std::vector<nlohmann::json> blobs;
  blobs.reserve(content.images.size());
  if (content.images.size() > core::limits::bluesky_images_per_post_max) {
    // build_post_record says why; nothing is uploaded first.
    return build_post_record(content, {}).error();
  }
  for (const PostImage& image : content.images) {
    auto blob = with_refresh(credentials, [&] {
      return client_.upload_blob(credentials, image.bytes, image.mime_type);
    });
    if (!blob.ok()) return std::move(blob).error();
    blobs.push_back(std::move(*blob));
  }
  auto record = build_post_record(content, blobs);
  if (!record.ok()) return std::move(record).error();
  return create(credentials, post_collection, record_key, *record);
}

NetworkResult<std::optional<PublishedPost>> BlueskyNetwork::find_post(
    ProfileCredentials& credentials, std::string_view record_key) {
  auto record =
      client_.get_record(credentials.pds_url, credentials.did, post_collection, record_key);
  if (record.ok()) return std::optional<PublishedPost>(PublishedPost{record->uri, record->cid});
  if (record.error().kind == FailureKind::not_found) return std::optional<PublishedPost>();
  return std::move(record).error();
}

NetworkResult<void> BlueskyNetwork::delete_post(ProfileCredentials& credentials,
                                                std::string_view record_key) {
  return remove(credentials, post_collection, record_key);
}

NetworkResult<PublishedPost> BlueskyNetwork::like(ProfileCredentials& credentials,
                                                  std::string_view record_key,
                                                  const StrongRef& subject) {
  return create(credentials, like_collection, record_key,
                build_like_record(subject, std::chrono::system_clock::now()));
}

NetworkResult<void> BlueskyNetwork::unlike(ProfileCredentials& credentials,
                                           std::string_view record_key) {
  return remove(credentials, like_collection, record_key);
}

NetworkResult<PublishedPost> BlueskyNetwork::repost(ProfileCredentials& credentials,
                                                    std::string_view record_key,
                                                    const StrongRef& subject) {
  return create(credentials, repost_collection, record_key,
                build_repost_record(subject, std::chrono::system_clock::now()));
}

NetworkResult<void> BlueskyNetwork::unrepost(ProfileCredentials& credentials,
                                             std::string_view record_key) {
  return remove(credentials, repost_collection, record_key);
}

NetworkResult<PublishedPost> BlueskyNetwork::follow(ProfileCredentials& credentials,
                                                    std::string_view record_key,
                                                    std::string_view subject_did) {
  return create(credentials, follow_collection, record_key,
                build_follow_record(subject_did, std::chrono::system_clock::now()));
}

NetworkResult<void> BlueskyNetwork::unfollow(ProfileCredentials& credentials,
                                             std::string_view record_key) {
  return remove(credentials, follow_collection, record_key);
}

NetworkResult<std::string> BlueskyNetwork::resolve_handle(ProfileCredentials& credentials,
                                                          std::string_view handle) {
  return client_.resolve_handle_at(credentials.pds_url, normalized_identifier(handle));
}

NetworkResult<void> BlueskyNetwork::delete_record(ProfileCredentials& credentials,
                                                  std::string_view record_uri) {
  // at://<repo>/<collection>/<rkey>, the repository the profile's DID (or its handle).
  auto refused = [&](std::string message) -> NetworkResult<void> {
    NetworkError error;
    error.kind = FailureKind::permanent;
    error.code = "NotOwnRecord";
    error.message = std::move(message) + ": " + std::string(record_uri);
    return error;
  };
  constexpr std::string_view scheme = "at://";
  if (!record_uri.starts_with(scheme)) return refused("not an at:// record URI");
  std::string_view rest = record_uri.substr(scheme.size());
  auto first = rest.find('/');
  auto second = first == std::string_view::npos ? first : rest.find('/', first + 1);
  if (second == std::string_view::npos || rest.find('/', second + 1) != std::string_view::npos) {
    return refused("not the URI of one record");
  }
  std::string_view repo = rest.substr(0, first);
  std::string_view collection = rest.substr(first + 1, second - first - 1);
  std::string_view record_key = rest.substr(second + 1);
  if (collection.empty() || record_key.empty()) return refused("not the URI of one record");
  if (repo != credentials.did && normalized_identifier(repo) != credentials.handle) {
    return refused("a record of another account than " + credentials.handle);
  }
  return remove(credentials, collection, record_key);
}

NetworkResult<PublishedPost> BlueskyNetwork::create(ProfileCredentials& credentials,
                                                    std::string_view collection,
                                                    std::string_view record_key,
                                                    const nlohmann::json& record) {
  return with_refresh(credentials, [&] {
    return client_.create_record(credentials, collection, record_key, record);
  });
}

NetworkResult<void> BlueskyNetwork::remove(ProfileCredentials& credentials,
                                           std::string_view collection,
                                           std::string_view record_key) {
  return with_refresh(credentials,
                      [&] { return client_.delete_record(credentials, collection, record_key); });
}

}  // namespace roost::networks::bluesky
