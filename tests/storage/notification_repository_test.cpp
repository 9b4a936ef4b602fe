// The notification repository's contract on both backends: a user sees and marks only their
// own notifications, newest first, with a cursor.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/notification_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t read_at_ms = 2'000'000;
constexpr std::int64_t much_later_ms = 3'000'000;

// {"k":"KIND"}, built with append: g++ 12 warns falsely on "literal" + std::string.
std::string json_of(const std::string& kind) {
  std::string json = R"({"k":")";
  json.append(kind).append("\"}");
  return json;
}

std::string numbered(const std::string& prefix, int i) {
  std::string name = prefix;
  name.append(std::to_string(i));
  return name;
}

class NotificationRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    notifications_ = std::make_unique<NotificationRepository>(database());
    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
  }

  std::int64_t notify(core::UserId user, const std::string& kind) {
    std::int64_t id = 0;
    auto done = database().transact(TransactionMode::read_write, [&](Transaction& transaction) {
      auto appended = append_notification(transaction,
                                          {user, std::nullopt, kind, json_of(kind), created_at_ms});
      if (!appended) return core::Result<void>(std::move(appended).error());
      id = *appended;
      return core::success();
    });
    EXPECT_TRUE(succeeded(done));
    return id;
  }

  std::vector<std::string> kinds(core::UserId user, NotificationQuery query) {
    auto listed = notifications_->list(user, query);
    EXPECT_TRUE(succeeded(listed));
    std::vector<std::string> out;
    if (listed.ok()) {
      for (const auto& record : *listed) out.push_back(record.kind);
    }
    return out;
  }

  std::int64_t unread(core::UserId user) {
    auto count = notifications_->unread_count(user);
    EXPECT_TRUE(succeeded(count));
    return count.ok() ? *count : -1;
  }

  std::unique_ptr<NotificationRepository> notifications_;
  core::UserId ada_;
  core::UserId grace_;
};

TEST_P(NotificationRepositoryContract, ListsOnlyTheUsersOwnNewestFirst) {
  notify(ada_, "a1");
  notify(grace_, "g1");
  notify(ada_, "a2");
  notify(ada_, "a3");
  EXPECT_EQ(kinds(ada_, {}), (std::vector<std::string>{"a3", "a2", "a1"}));
  EXPECT_EQ(kinds(grace_, {}), (std::vector<std::string>{"g1"}));
  auto listed = notifications_->list(ada_, {});
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(listed->front().payload_json, R"({"k":"a3"})");
  EXPECT_EQ(listed->front().user, ada_);
  EXPECT_FALSE(listed->front().org.has_value());
  EXPECT_EQ(listed->front().created_at_ms, created_at_ms);
  EXPECT_FALSE(listed->front().read_at_ms.has_value());
}

TEST_P(NotificationRepositoryContract, PagesWithACursorAndALimit) {
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 5; ++i) ids.push_back(notify(ada_, numbered("n", i)));
  EXPECT_EQ(kinds(ada_, {std::nullopt, 2, false}), (std::vector<std::string>{"n5", "n4"}));
  EXPECT_EQ(kinds(ada_, {ids[3], 2, false}), (std::vector<std::string>{"n3", "n2"}));
  EXPECT_EQ(kinds(ada_, {ids[1], 2, false}), (std::vector<std::string>{"n1"}));
  EXPECT_TRUE(kinds(ada_, {ids[0], 2, false}).empty());
}

TEST_P(NotificationRepositoryContract, MarksOneReadAndCountsUnread) {
  auto first = notify(ada_, "a1");
  notify(ada_, "a2");
  EXPECT_EQ(unread(ada_), 2);
  ASSERT_TRUE(succeeded(notifications_->mark_read(ada_, first, read_at_ms)));
  EXPECT_EQ(unread(ada_), 1);
  EXPECT_EQ(kinds(ada_, {std::nullopt, 10, true}), (std::vector<std::string>{"a2"}));
  // Marking it again keeps the first read time.
  ASSERT_TRUE(succeeded(notifications_->mark_read(ada_, first, much_later_ms)));
  auto listed = notifications_->list(ada_, {});
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->back().read_at_ms, std::optional<std::int64_t>(read_at_ms));
}

TEST_P(NotificationRepositoryContract, AnotherUsersNotificationIsNotFound) {
  auto theirs = notify(grace_, "g1");
  EXPECT_TRUE(
      failed_with(notifications_->mark_read(ada_, theirs, read_at_ms), core::ErrorCode::not_found));
  EXPECT_TRUE(failed_with(notifications_->mark_read(ada_, theirs + 1000, read_at_ms),
                          core::ErrorCode::not_found));
  EXPECT_EQ(unread(grace_), 1);
}

TEST_P(NotificationRepositoryContract, MarksAllReadForOneUserOnly) {
  notify(ada_, "a1");
  notify(ada_, "a2");
  notify(grace_, "g1");
  auto marked = notifications_->mark_all_read(ada_, read_at_ms);
  ASSERT_TRUE(succeeded(marked));
  EXPECT_EQ(*marked, 2);
  EXPECT_EQ(unread(ada_), 0);
  EXPECT_EQ(unread(grace_), 1);
  EXPECT_TRUE(kinds(ada_, {std::nullopt, 10, true}).empty());
  auto again = notifications_->mark_all_read(ada_, much_later_ms);
  ASSERT_TRUE(succeeded(again));
  EXPECT_EQ(*again, 0);
}

TEST_P(NotificationRepositoryContract, ListsEveryUsersNotificationsAfterAnIdOldestFirst) {
  auto empty = notifications_->newest_id();
  ASSERT_TRUE(succeeded(empty));
  EXPECT_EQ(*empty, 0);
  const auto first = notify(ada_, "a1");
  const auto second = notify(grace_, "g1");
  const auto third = notify(ada_, "a2");
  auto newest = notifications_->newest_id();
  ASSERT_TRUE(succeeded(newest));
  EXPECT_EQ(*newest, third);

  auto all = notifications_->list_after(0, 10);
  ASSERT_TRUE(succeeded(all));
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, first);
  EXPECT_EQ((*all)[1].user, grace_);
  EXPECT_EQ((*all)[2].kind, "a2");

  auto after_first = notifications_->list_after(first, 1);
  ASSERT_TRUE(succeeded(after_first));
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ(after_first->front().id, second);

  auto none = notifications_->list_after(third, 10);
  ASSERT_TRUE(succeeded(none));
  EXPECT_TRUE(none->empty());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, NotificationRepositoryContract,
                         ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, NotificationRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
