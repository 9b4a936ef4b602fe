#include "core/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/random.hpp"

namespace roost::core {
namespace {

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override { initialize_crypto(); }
};

TEST_F(TokensTest, RandomTokenIsUnpaddedBase64UrlOfTheRightLength) {
  auto token = random_token(32);
  EXPECT_EQ(token.size(), 43u);  // ceil(32 * 8 / 6), no padding
  for (char c : token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
  }
}

TEST_F(TokensTest, RandomTokensDoNotRepeat) {
  std::set<std::string> seen;
  for (int index = 0; index < 1000; ++index) seen.insert(random_token(32));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST_F(TokensTest, HashIsBlake2b256HexStableAndDistinct) {
  // The BLAKE2b-256 test vector of the empty input.
  EXPECT_EQ(hash_token(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  auto token = random_token(32);
  EXPECT_EQ(hash_token(token), hash_token(token));
  EXPECT_EQ(hash_token(token).size(), 64u);
  EXPECT_NE(hash_token(token), hash_token(token + "x"));
  EXPECT_EQ(hash_token(token).find(token), std::string::npos);
}

TEST_F(TokensTest, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("", "a"));
}

TEST_F(TokensTest, Base64DecodesWhatItEncodesAndNothingElse) {
  const std::string bytes(
      "\x00\xff\x10"
      "binary",
      9);
  for (auto variant : {Base64::standard, Base64::url_unpadded}) {
    EXPECT_EQ(base64_decode(base64_encode(bytes, variant), variant), bytes);
  }
  EXPECT_EQ(base64_decode("aGVsbG8=", Base64::standard), "hello");
  EXPECT_EQ(base64_decode("", Base64::standard), "");
  EXPECT_FALSE(base64_decode("aGVsbG8", Base64::standard));    // padding missing
  EXPECT_FALSE(base64_decode("aGVs bG8=", Base64::standard));  // a stray space
  EXPECT_FALSE(base64_decode("aGVsbG8=!", Base64::standard));  // trailing garbage
  EXPECT_FALSE(base64_decode("a-_b", Base64::standard));       // the URL alphabet
}

}  // namespace
}  // namespace roost::core
