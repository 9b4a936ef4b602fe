#pragma once

#include "networks/bluesky/bluesky_client.hpp"
#include "networks/network.hpp"

namespace roost::networks::bluesky {

// networks::Network for Bluesky, over BlueskyClient. Each call that takes credentials makes
// its request with the access token and, when the PDS answers ExpiredToken, refreshes once
// and repeats it; the credentials are then new and the caller persists them (compare
// access_jwt before and after). A refresh that fails is the call's failure (auth_revoked
// when the refresh token is dead too).
// It also connects profiles with AT Protocol OAuth (OAuthConnector): the same credentials
// then hold DPoP-bound tokens, and every call above signs its requests with their key.
class BlueskyNetwork final : public Network, public OAuthConnector {
 public:
  explicit BlueskyNetwork(BlueskySettings settings);

  NetworkKind kind() const override { return NetworkKind::bluesky; }

  NetworkResult<ProfileCredentials> connect_with_app_password(
      std::string_view identifier, std::string_view app_password,
      std::optional<std::string> pds_url) override;
  NetworkResult<void> refresh(ProfileCredentials& credentials) override;

  NetworkResult<PublishedPost> publish(ProfileCredentials& credentials, std::string_view record_key,
                                       const PostContent& content) override;
  NetworkResult<std::optional<PublishedPost>> find_post(ProfileCredentials& credentials,
                                                        std::string_view record_key) override;
  NetworkResult<void> delete_post(ProfileCredentials& credentials,
                                  std::string_view record_key) override;

  NetworkResult<PublishedPost> like(ProfileCredentials& credentials, std::string_view record_key,
                                    const StrongRef& subject) override;
  NetworkResult<void> unlike(ProfileCredentials& credentials, std::string_view record_key) override;
  NetworkResult<PublishedPost> repost(ProfileCredentials& credentials, std::string_view record_key,
                                      const StrongRef& subject) override;
  NetworkResult<void> unrepost(ProfileCredentials& credentials,
                               std::string_view record_key) override;
  NetworkResult<PublishedPost> follow(ProfileCredentials& credentials, std::string_view record_key,
                                      std::string_view subject_did) override;
  NetworkResult<void> unfollow(ProfileCredentials& credentials,
                               std::string_view record_key) override;
  NetworkResult<std::string> resolve_handle(ProfileCredentials& credentials,
                                            std::string_view handle) override;
  NetworkResult<void> delete_record(ProfileCredentials& credentials,
                                    std::string_view record_uri) override;

  NetworkResult<std::string> pds_of(std::string_view identifier) override;
  NetworkResult<OAuthAuthorization> start_authorization(
      std::string_view pds_url, const OAuthClientIdentity& client,
      std::optional<std::string> login_hint) override;
  NetworkResult<ProfileCredentials> finish_authorization(const OAuthAuthorization& authorization,
                                                         std::string_view code) override;

 private:
  template <class Call>
  auto with_refresh(ProfileCredentials& credentials, Call call) -> decltype(call());

  NetworkResult<PublishedPost> create(ProfileCredentials& credentials, std::string_view collection,
                                      std::string_view record_key, const nlohmann::json& record);
  NetworkResult<void> remove(ProfileCredentials& credentials, std::string_view collection,
                             std::string_view record_key);

  BlueskyClient client_;
};

}  // namespace roost::networks::bluesky
