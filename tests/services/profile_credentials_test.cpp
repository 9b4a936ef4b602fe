// services::seal_credentials / open_credentials: a profile's session sealed at rest.
#include "services/profile_credentials.hpp"

#include <gtest/gtest.h>

#include <array>

#include "core/random.hpp"

namespace roost::services {
namespace {

core::Keyring keyring_with(unsigned char fill) {
  std::array<unsigned char, core::secret_key_bytes> bytes{};
  bytes.fill(fill);
  core::Keyring keyring;
  keyring.add(core::make_secret_key(bytes.data()));
  return keyring;
}

const networks::ProfileCredentials session{"did:plc:abc", "ada.test", "http://127.0.0.1:2583",
                                           "access-token-planted-7f3a",
                                           "refresh-token-planted-91c"};

TEST(ProfileCredentialsTest, SealedSessionOpensForItsProfileOnly) {
  core::initialize_crypto();
  auto keyring = keyring_with(7);
  auto sealed = seal_credentials(keyring, core::ProfileId{42}, session);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->key_id, keyring.primary().id);
  EXPECT_EQ(sealed->sealed.find("planted"), std::string::npos);

  auto opened = open_credentials(keyring, core::ProfileId{42}, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->did, session.did);
  EXPECT_EQ(opened->handle, session.handle);
  EXPECT_EQ(opened->pds_url, session.pds_url);
  EXPECT_EQ(opened->access_jwt, session.access_jwt);
  EXPECT_EQ(opened->refresh_jwt, session.refresh_jwt);

  // Copied onto another profile's row, the sealed value does not open.
  EXPECT_FALSE(open_credentials(keyring, core::ProfileId{43}, *sealed).ok());
}

TEST(ProfileCredentialsTest, AnotherKeyOrTamperedValueDoesNotOpen) {
  core::initialize_crypto();
  auto sealed = seal_credentials(keyring_with(7), core::ProfileId{1}, session);
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(open_credentials(keyring_with(8), core::ProfileId{1}, *sealed).ok());

  auto tampered = *sealed;
  tampered.sealed[tampered.sealed.size() - 3] ^= 1;
  EXPECT_FALSE(open_credentials(keyring_with(7), core::ProfileId{1}, tampered).ok());
}

TEST(ProfileCredentialsTest, OAuthSessionKeepsItsKindKeyAndIssuer) {
  core::initialize_crypto();
  auto keyring = keyring_with(7);
  networks::ProfileCredentials oauth = session;
  oauth.kind = networks::CredentialKind::oauth;
  oauth.dpop_key_pem = "-----BEGIN PRIVATE KEY-----\nplanted-key\n-----END PRIVATE KEY-----\n";
  oauth.auth_issuer = "http://localhost:2583";
  oauth.token_endpoint = "http://localhost:2583/oauth/token";
  oauth.client_id = "http://localhost?scope=atproto";
  auto sealed = seal_credentials(keyring, core::ProfileId{5}, oauth);
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->sealed.find("planted"), std::string::npos);
  auto opened = open_credentials(keyring, core::ProfileId{5}, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->kind, networks::CredentialKind::oauth);
  EXPECT_EQ(opened->dpop_key_pem, oauth.dpop_key_pem);
  EXPECT_EQ(opened->auth_issuer, oauth.auth_issuer);
  EXPECT_EQ(opened->token_endpoint, oauth.token_endpoint);
  EXPECT_EQ(opened->client_id, oauth.client_id);
  EXPECT_EQ(opened->refresh_jwt, oauth.refresh_jwt);

  // An app-password session stays one (nothing OAuth is written for it).
  auto plain = open_credentials(keyring, core::ProfileId{5},
                                *seal_credentials(keyring, core::ProfileId{5}, session));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->kind, networks::CredentialKind::app_password);
  EXPECT_TRUE(plain->dpop_key_pem.empty());
}

}  // namespace
}  // namespace roost::services
