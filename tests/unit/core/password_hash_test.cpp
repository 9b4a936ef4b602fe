#include "core/password_hash.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace roost::core {
namespace {

TEST(PasswordHash, Argon2idAtTheOwaspCostVerifies) {
  initialize_crypto();
  auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
  EXPECT_TRUE(verify_password("correct horse battery staple", *hash));
  EXPECT_FALSE(verify_password("correct horse battery stapler", *hash));
  EXPECT_FALSE(verify_password("", *hash));
  EXPECT_FALSE(verify_password("anything", "not a hash"));
  EXPECT_NE(*hash, *hash_password("correct horse battery staple"));  // salted
}

}  // namespace
}  // namespace roost::core
