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

}  // namespace
}  // namespace roost::services
