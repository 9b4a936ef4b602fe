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
