#include "domain/email_address.hpp"

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

TEST(EmailAddress, TrimsAndLowerCasesTheDomain) {
  auto email = EmailAddress::parse("  Ada.Lovelace@Example.COM ");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(email->value(), "Ada.Lovelace@example.com");
  EXPECT_EQ(email->lookup_key(), "ada.lovelace@example.com");
}

TEST(EmailAddress, OnlyAsciiLettersAreFolded) {
  // An internationalized domain in UTF-8: only A-Z change, so no byte of "\xC3\x89" (É) or
  // "\xC3\xAB" (ë) is altered, whatever the process locale.
  auto email = EmailAddress::parse(
      "Zo\xC3\xAB@\xC3\x89"
      "COLE.Example.ORG");
  ASSERT_TRUE(email.ok());
  EXPECT_EQ(email->value(),
            "Zo\xC3\xAB@\xC3\x89"
            "cole.example.org");
  EXPECT_EQ(email->lookup_key(),
            "zo\xC3\xAB@\xC3\x89"
            "cole.example.org");
}

TEST(EmailAddress, RefusesWhatCannotBeAnAddress) {
  for (const char* text : {"", "   ", "no-at-sign", "@example.com", "ada@", "ada@localhost",
                           "ada@.example.com", "ada@example.com.", "ada@exa..mple.com",
                           "a b@example.com", "ada@@example.com", "<ada@example.com>"}) {
    auto email = EmailAddress::parse(text);
    ASSERT_FALSE(email.ok()) << text;
    EXPECT_EQ(email.error().code, core::ErrorCode::invalid_request);
    ASSERT_EQ(email.error().details.size(), 1u);
    EXPECT_EQ(email.error().details[0].field, "email");
  }
}

TEST(EmailAddress, RefusesOverlongAddresses) {
  EXPECT_FALSE(EmailAddress::parse(std::string(65, 'a') + "@example.com").ok());
  EXPECT_FALSE(EmailAddress::parse("a@" + std::string(250, 'b') + ".com").ok());
}

}  // namespace
}  // namespace roost::domain
