// Roost's OAuth client identity (ADR 0031): a metadata URL over https, the atproto loopback
// client id on a loopback public URL, and the redirect URI either way.
#include "services/profile_oauth.hpp"

#include <gtest/gtest.h>

namespace roost::services {
namespace {

TEST(ProfileOAuthIdentity, HttpsDeploymentIsADiscoverableClient) {
  auto identity = oauth_client_identity("https://roost.example.com/");
  EXPECT_EQ(identity.client_id, "https://roost.example.com/oauth/client-metadata.json");
  EXPECT_EQ(identity.redirect_uri, "https://roost.example.com/oauth/bluesky/callback");
  EXPECT_EQ(identity.scope, "atproto transition:generic");
  auto metadata = oauth_client_metadata("https://roost.example.com");
  EXPECT_EQ(metadata["client_id"], identity.client_id);
  EXPECT_EQ(metadata["redirect_uris"], nlohmann::json::array({identity.redirect_uri}));
  EXPECT_EQ(metadata["token_endpoint_auth_method"], "none");
  EXPECT_EQ(metadata["dpop_bound_access_tokens"], true);
  EXPECT_EQ(metadata["scope"], "atproto transition:generic");
  EXPECT_EQ(metadata["grant_types"],
            nlohmann::json::array({"authorization_code", "refresh_token"}));
}

TEST(ProfileOAuthIdentity, LoopbackIsTheAtprotoLoopbackClient) {
  auto identity = oauth_client_identity("http://127.0.0.1:8080");
  EXPECT_EQ(identity.redirect_uri, "http://127.0.0.1:8080/oauth/bluesky/callback");
  EXPECT_EQ(identity.client_id,
            "http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Foauth%2Fbluesky%2F"
            "callback&scope=atproto%20transition%3Ageneric");
  // "localhost" is not a valid loopback redirect host: the IP address replaces it.
  auto named = oauth_client_identity("http://localhost:9000");
  EXPECT_EQ(named.redirect_uri, "http://127.0.0.1:9000/oauth/bluesky/callback");
  EXPECT_TRUE(named.client_id.starts_with("http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1"));
  // A host that merely starts like a loopback name is not one.
  EXPECT_EQ(oauth_client_identity("http://localhost.example.com").client_id,
            "http://localhost.example.com/oauth/client-metadata.json");
}

}  // namespace
}  // namespace roost::services
