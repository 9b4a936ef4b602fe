// The user repository's contract, on both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/migrations.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

class UserRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    users_ = std::make_unique<UserRepository>(database());
  }

  static NewUser ada() {
    return {"Ada@Example.com", "ada@example.com", "Ada", "$argon2id$x", 1000};
  }

  std::unique_ptr<UserRepository> users_;
};

TEST_P(UserRepositoryContract, CreateThenFindByEmailAndId) {
  auto created = users_->create(ada());
  ASSERT_TRUE(succeeded(created));
  EXPECT_GT(created->id.value, 0);
  EXPECT_EQ(created->email, "Ada@Example.com");
  EXPECT_EQ(created->created_at_ms, 1000);
  EXPECT_EQ(created->updated_at_ms, 1000);
  auto by_email = users_->find_by_email_key("ada@example.com");
  ASSERT_TRUE(succeeded(by_email));
  ASSERT_TRUE(by_email->has_value());
  EXPECT_EQ((*by_email)->id, created->id);
  EXPECT_EQ((*by_email)->password_hash, "$argon2id$x");
  auto by_id = users_->find(created->id);
  ASSERT_TRUE(succeeded(by_id));
  EXPECT_EQ((*by_id)->display_name, "Ada");
}

TEST_P(UserRepositoryContract, MissingUserIsEmptyNotAnError) {
  auto found = users_->find_by_email_key("nobody@example.com");
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
  EXPECT_FALSE(users_->find(core::UserId{424242})->has_value());
}

TEST_P(UserRepositoryContract, DuplicateEmailKeyIsAConflict) {
  ASSERT_TRUE(succeeded(users_->create(ada())));
  auto again = ada();
  again.email = "ADA@example.com";
  EXPECT_TRUE(failed_with(users_->create(again), core::ErrorCode::conflict));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, UserRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, UserRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
