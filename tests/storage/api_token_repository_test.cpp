// The API token repository's contract, on both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/api_token_repository.hpp"
#include "storage/audit_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::size_t active_max = 3;

AuditEvent audit(std::string action) {
  return AuditEvent{{}, std::nullopt, std::move(action), "", "{}", "test", created_at_ms};
}

class ApiTokenRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    organizations_ = std::make_unique<OrganizationRepository>(database());
    tokens_ = std::make_unique<ApiTokenRepository>(database());
    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
    auto org = organizations_->create({"Acme", 10, 25, ada_, created_at_ms}, audit("org.created"));
    ASSERT_TRUE(succeeded(org));
    org_ = org->id;
  }

  core::Result<ApiTokenRecord> create(core::UserId user, const std::string& name,
                                      std::optional<std::int64_t> expires_at_ms = std::nullopt) {
    return tokens_->create(
        {user, org_, name, "roost_pat_" + name, "hash-" + name, created_at_ms, expires_at_ms},
        active_max, audit("api_token.created"));
  }

  std::vector<std::string> audit_actions() {
    AuditRepository repository(database());
    auto events = repository.list_for_org(org_, listed_max);
    EXPECT_TRUE(succeeded(events));
    std::vector<std::string> actions;
    if (events.ok()) {
      for (const auto& record : *events) actions.push_back(record.event.action);
    }
    return actions;
  }

  std::unique_ptr<OrganizationRepository> organizations_;
  std::unique_ptr<ApiTokenRepository> tokens_;
  core::UserId ada_;
  core::UserId grace_;
  core::OrgId org_;
};

TEST_P(ApiTokenRepositoryContract, CreateFindAndAuditInOneTransaction) {
  auto created = create(ada_, "one", created_at_ms + 10);
  ASSERT_TRUE(succeeded(created));
  EXPECT_GT(created->id.value, 0);
  EXPECT_EQ(created->org_id, org_);
  EXPECT_EQ(created->prefix, "roost_pat_one");
  EXPECT_EQ(created->expires_at_ms, created_at_ms + 10);
  EXPECT_FALSE(created->last_used_at_ms.has_value());
  auto found = tokens_->find_by_token_hash("hash-one");
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->user_id, ada_);
  EXPECT_TRUE((*found)->active_at(created_at_ms + 9));
  EXPECT_FALSE((*found)->active_at(created_at_ms + 10));
  EXPECT_FALSE(tokens_->find_by_token_hash("hash-two")->has_value());
  EXPECT_EQ(audit_actions(), (std::vector<std::string>{"org.created", "api_token.created"}));
  // The same hash twice is a conflict, and leaves no audit event behind.
  auto again = tokens_->create({grace_, org_, "x", "p", "hash-one", created_at_ms, std::nullopt},
                               active_max, audit("api_token.created"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(audit_actions().size(), 2u);
}

TEST_P(ApiTokenRepositoryContract, ActiveTokensPerUserAreBounded) {
  for (const auto* name : {"a", "b", "c"}) ASSERT_TRUE(succeeded(create(ada_, name)));
  auto fourth = create(ada_, "d");
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.error().code, core::ErrorCode::conflict);
  EXPECT_TRUE(succeeded(create(grace_, "g")));  // per user
  auto listed = tokens_->list_for_user(ada_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 3u);
  ASSERT_TRUE(succeeded(tokens_->revoke(ada_, (*listed)[0].id, created_at_ms, audit("r"))));
  EXPECT_TRUE(succeeded(create(ada_, "d")));  // a revoked token makes room
}

TEST_P(ApiTokenRepositoryContract, ExpiredTokensMakeRoom) {
  for (const auto* name : {"a", "b"}) ASSERT_TRUE(succeeded(create(ada_, name)));
  ASSERT_TRUE(succeeded(create(ada_, "old", created_at_ms)));  // expired when made
  EXPECT_TRUE(succeeded(create(ada_, "d")));
}

TEST_P(ApiTokenRepositoryContract, OnlyTheOwnerRevokesAndRevokedTokensAreNotListed) {
  auto token = create(ada_, "one");
  ASSERT_TRUE(succeeded(token));
  auto by_grace = tokens_->revoke(grace_, token->id, created_at_ms + 1, audit("api_token.revoked"));
  ASSERT_TRUE(succeeded(by_grace));
  EXPECT_FALSE(*by_grace);
  auto by_ada = tokens_->revoke(ada_, token->id, created_at_ms + 1, audit("api_token.revoked"));
  ASSERT_TRUE(succeeded(by_ada));
  EXPECT_TRUE(*by_ada);
  auto twice = tokens_->revoke(ada_, token->id, created_at_ms + 2, audit("api_token.revoked"));
  ASSERT_TRUE(succeeded(twice));
  EXPECT_FALSE(*twice);
  auto found = tokens_->find_by_token_hash("hash-one");
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ((*found)->revoked_at_ms, created_at_ms + 1);
  EXPECT_FALSE((*found)->active_at(created_at_ms + 1));
  EXPECT_TRUE(tokens_->list_for_user(ada_, listed_max)->empty());
  EXPECT_EQ(audit_actions(),
            (std::vector<std::string>{"org.created", "api_token.created", "api_token.revoked"}));
}

TEST_P(ApiTokenRepositoryContract, TouchRecordsTheLastUseAndListIsNewestFirst) {
  auto first = create(ada_, "first");
  ASSERT_TRUE(succeeded(first));
  auto second =
      tokens_->create({ada_, org_, "second", "p2", "hash-second", created_at_ms + 5, std::nullopt},
                      active_max, audit("api_token.created"));
  ASSERT_TRUE(succeeded(second));
  ASSERT_TRUE(succeeded(tokens_->touch(first->id, created_at_ms + 7)));
  auto listed = tokens_->list_for_user(ada_, listed_max);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "second");
  EXPECT_EQ((*listed)[1].last_used_at_ms, created_at_ms + 7);
  EXPECT_TRUE(tokens_->list_for_user(grace_, listed_max)->empty());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, ApiTokenRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, ApiTokenRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
