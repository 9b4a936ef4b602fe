#include "domain/totp.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roost::domain::totp {
namespace {

std::vector<unsigned char> bytes_of(std::string_view text) {
  return std::vector<unsigned char>(text.begin(), text.end());
}

std::string hex(std::span<const unsigned char> bytes) {
  std::string out;
  for (auto byte : bytes) out += fmt::format("{:02x}", byte);
  return out;
}

// RFC 6238 Appendix B, the SHA-1 column: the seed is the ASCII "12345678901234567890".
TEST(Totp, MatchesTheRfc6238TestVectors) {
  const auto seed = bytes_of("12345678901234567890");
  struct Vector {
    std::int64_t unix_seconds;
    std::string code;
  };
  const std::vector<Vector> vectors{{59, "94287082"},         {1111111109, "07081804"},
                                    {1111111111, "14050471"}, {1234567890, "89005924"},
                                    {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& vector : vectors) {
    const auto step = step_at(vector.unix_seconds, 30);
    EXPECT_EQ(hotp(seed, static_cast<std::uint64_t>(step), 8), vector.code) << vector.unix_seconds;
    // Six digits, as apps show them: the last six of the eight.
    EXPECT_EQ(hotp(seed, static_cast<std::uint64_t>(step), 6), vector.code.substr(2));
  }
}

// RFC 4226 Appendix D: HOTP values for counters 0..9 of the same seed.
TEST(Totp, MatchesTheRfc4226HotpVectors) {
  const auto seed = bytes_of("12345678901234567890");
  const std::vector<std::string> expected{"755224", "287082", "359152", "969429", "338314",
                                          "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < expected.size(); ++counter) {
    EXPECT_EQ(hotp(seed, counter, 6), expected[counter]) << counter;
  }
}

// RFC 2202 §3, test cases 2 and 6 (a key longer than a block is hashed first).
TEST(Totp, HmacSha1MatchesRfc2202) {
  EXPECT_EQ(hex(hmac_sha1(bytes_of("Jefe"), bytes_of("what do ya want for nothing?"))),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  const std::vector<unsigned char> long_key(80, 0xaa);
  EXPECT_EQ(
      hex(hmac_sha1(long_key, bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(Totp, AcceptsOneStepOfDriftEitherWayAndNoMore) {
  const auto seed = bytes_of("12345678901234567890");
  const std::int64_t now = 1111111111;  // step 37037037
  const auto step = step_at(now, 30);
  for (auto offset : {-1, 0, 1}) {
    auto code = hotp(seed, static_cast<std::uint64_t>(step + offset), 6);
    EXPECT_EQ(matching_step(seed, code, now, 30, 6, 1), step + offset) << offset;
  }
  for (auto offset : {-2, 2}) {
    auto code = hotp(seed, static_cast<std::uint64_t>(step + offset), 6);
    EXPECT_FALSE(matching_step(seed, code, now, 30, 6, 1).has_value()) << offset;
  }
  EXPECT_FALSE(matching_step(seed, "12345", now, 30, 6, 1).has_value());
  EXPECT_FALSE(matching_step(seed, "abcdef", now, 30, 6, 1).has_value());
}

// RFC 4648 §10 test vectors, unpadded.
TEST(Totp, Base32RoundTripsTheRfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors{{"", ""},
                                                                 {"f", "MY"},
                                                                 {"fo", "MZXQ"},
                                                                 {"foo", "MZXW6"},
                                                                 {"foob", "MZXW6YQ"},
                                                                 {"fooba", "MZXW6YTB"},
                                                                 {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base32_encode(bytes_of(plain)), encoded);
    auto decoded = base32_decode(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
  auto lower = base32_decode("mzxw 6ytb oi==");
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(std::string(lower->begin(), lower->end()), "foobar");
  EXPECT_FALSE(base32_decode("MZXW1").has_value());  // 1 is not in the alphabet
}

TEST(Totp, OtpauthUriEncodesIssuerAndAccount) {
  EXPECT_EQ(otpauth_uri("Roost", "ada@example.com", "JBSWY3DPEHPK3PXP", 6, 30),
            "otpauth://totp/Roost:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Roost"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace roost::domain::totp
