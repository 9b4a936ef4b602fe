// Identity resolution (ADR 0032) against the real PDS and its in-memory PLC directory (the
// fixture bluesky_pds): a handle to its DID, a DID to its verified handle and PDS, and the
// failures callers tell apart (unknown, not answering, hanging).
#include <gtest/gtest.h>

#include "../support/bluesky_pds.hpp"
#include "networks/bluesky/bluesky_identity.hpp"

namespace roost::networks::bluesky {
namespace {

class IdentityResolverTest : public ::testing::Test {
 protected:
  const test::TestPds& pds = test::test_pds();
  BlueskyIdentityResolver resolver{test::test_bluesky_settings(pds)};
};

TEST_F(IdentityResolverTest, AHandleResolvesToItsDidInAnyCase) {
  auto account = test::create_test_account(pds);
  auto did = resolver.did_of_handle(account.handle);
  ASSERT_TRUE(did.ok()) << did.error().message;
  EXPECT_EQ(*did, account.did);
  std::string upper = account.handle;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*resolver.did_of_handle("@" + upper), account.did);
}

TEST_F(IdentityResolverTest, ADidResolvesToItsVerifiedHandleAndPds) {
  auto account = test::create_test_account(pds);
  auto identity = resolver.identity_of_did(account.did);
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(identity->did, account.did);
  EXPECT_EQ(identity->handle, account.handle);
  EXPECT_EQ(identity->pds_url, pds.pds_url);
}

TEST_F(IdentityResolverTest, AnUnknownHandleIsNotFound) {
  auto did = resolver.did_of_handle("nobody-here.test");
  ASSERT_FALSE(did.ok());
  EXPECT_EQ(did.error().kind, FailureKind::not_found);
  auto malformed = resolver.did_of_handle("not a handle");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().kind, FailureKind::not_found);
}

TEST_F(IdentityResolverTest, AnUnknownDidIsNotFoundAndAnotherMethodPermanent) {
  auto missing = resolver.identity_of_did("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, FailureKind::not_found) << missing.error().message;
  auto key = resolver.identity_of_did("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().kind, FailureKind::permanent);
}

TEST_F(IdentityResolverTest, AResolverThatIsDownOrHangsIsTransient) {
  auto settings = test::test_bluesky_settings(pds);
  settings.handle_resolver_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  settings.plc_url = settings.handle_resolver_url;
  BlueskyIdentityResolver down(settings);
  auto did = down.did_of_handle("alice.test");
  ASSERT_FALSE(did.ok());
  EXPECT_EQ(did.error().kind, FailureKind::transient) << did.error().message;
  auto identity = down.identity_of_did("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa");
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().kind, FailureKind::transient);

  test::SilentListener silent;
  settings.handle_resolver_url = silent.url();
  settings.total_timeout = std::chrono::milliseconds(500);
  BlueskyIdentityResolver hanging(settings);
  auto started = std::chrono::steady_clock::now();
  auto timed_out = hanging.did_of_handle("alice.test");
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.error().kind, FailureKind::transient) << timed_out.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// ADR 0034: a save's lookups share one deadline; a lookup ends by it even when the
// resolver's own timeouts would wait longer, and one that starts after it fails at once.
TEST_F(IdentityResolverTest, ALookupEndsByItsDeadline) {
  test::SilentListener silent;
  auto settings = test::test_bluesky_settings(pds);
  settings.handle_resolver_url = silent.url();
  settings.connect_timeout = std::chrono::milliseconds(10'000);
  settings.total_timeout = std::chrono::milliseconds(10'000);
  BlueskyIdentityResolver hanging(settings);
  auto started = std::chrono::steady_clock::now();
  auto cut = hanging.did_of_handle("alice.test", started + std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().kind, FailureKind::transient) << cut.error().message;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(2'000));

  started = std::chrono::steady_clock::now();
  auto late = hanging.did_of_handle("alice.test", started - std::chrono::milliseconds(1));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().kind, FailureKind::transient);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));

  // A deadline far off changes nothing for a resolver that answers.
  auto account = test::create_test_account(pds);
  auto did = resolver.did_of_handle(account.handle,
                                    std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(did.ok()) << did.error().message;
  EXPECT_EQ(*did, account.did);
}

}  // namespace
}  // namespace roost::networks::bluesky
