// services::NotificationPump on a real database: what was there before it started is not
// news; each notification committed since reaches its user's audience once; and on
// PostgreSQL, a notification whose transaction commits after a later id's is still published.
#include "services/notification_pump.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {
namespace {

using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

using namespace std::chrono_literals;

class Pumped {
 public:
  explicit Pumped(storage::Backend backend) {
    auto opened = storage::testing::open_migrated(backend, scratch_, database_);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    if (!opened.ok()) return;
    notifications_ = std::make_unique<storage::NotificationRepository>(*database_);
  }
  bool ready() const { return notifications_ != nullptr; }
  storage::Database& database() { return *database_; }
  storage::NotificationRepository& notifications() { return *notifications_; }
  core::UserId user(const std::string& email) {
    storage::UserRepository users(*database_);
    auto created = users.create({email, email, email, "$argon2id$x", 1});
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : core::UserId{};
  }
  std::int64_t notify(core::UserId user, const std::string& kind) {
    auto added = notifications_->add({user, std::nullopt, kind, R"({"k":1})", 1'000});
    EXPECT_TRUE(added.ok());
    return added.ok() ? *added : 0;
  }

 private:
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::NotificationRepository> notifications_;
};

std::size_t pumped(NotificationPump& pump) {
  auto result = pump.pump_once();
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? *result : 0;
}

TEST(NotificationPump, PublishesEachNewNotificationOnceToItsUserOnly) {
  Pumped db(storage::Backend::sqlite);
  ASSERT_TRUE(db.ready());
  const auto ada = db.user("ada@example.com");
  const auto grace = db.user("grace@example.com");
  db.notify(ada, "before.start");
  RecordedEvents hub;
  NotificationPump pump(db.notifications(), hub);
  EXPECT_EQ(pumped(pump), 0u);  // the first round only finds where to start
  const auto first = db.notify(ada, "invitation.received");
  db.notify(grace, "inbox.assigned");
  EXPECT_EQ(pumped(pump), 2u);
  EXPECT_EQ(pumped(pump), 0u);  // nothing twice
  ASSERT_EQ(hub.events().size(), 2u);
  EXPECT_EQ(hub.events()[0].type, "notification.created");
  EXPECT_EQ(hub.events()[0].audience, "user:" + std::to_string(ada.value));
  EXPECT_EQ(hub.events()[1].audience, "user:" + std::to_string(grace.value));
  auto payload = nlohmann::json::parse(hub.events()[0].payload);
  EXPECT_EQ(payload["id"], first);
  EXPECT_EQ(payload["kind"], "invitation.received");
  EXPECT_EQ(payload["payload"]["k"], 1);
  EXPECT_TRUE(payload["read_at"].is_null());
  EXPECT_TRUE(hub.events()[0].replayable);
  EXPECT_EQ(pump.published_total(), 2u);
}

TEST(NotificationPump, ABurstLargerThanABatchTakesSeveralRoundsEachRowOnce) {
  Pumped db(storage::Backend::sqlite);
  ASSERT_TRUE(db.ready());
  const auto ada = db.user("ada@example.com");
  RecordedEvents hub;
  NotificationPump pump(db.notifications(), hub, {10ms, 2, 0ms});
  EXPECT_EQ(pumped(pump), 0u);
  for (int index = 0; index < 5; ++index) db.notify(ada, "n" + std::to_string(index));
  // Batches of two: all five in three rounds, each once.
  EXPECT_EQ(pumped(pump) + pumped(pump) + pumped(pump), 5u);
  EXPECT_EQ(pumped(pump), 0u);
  ASSERT_EQ(hub.events().size(), 5u);
}

TEST(PostgresNotificationPump, ACommitThatComesAfterALaterIdIsStillPublished) {
  Pumped db(storage::Backend::postgres);
  ASSERT_TRUE(db.ready());
  const auto ada = db.user("ada@example.com");
  RecordedEvents hub;
  NotificationPump pump(db.notifications(), hub);
  EXPECT_EQ(pumped(pump), 0u);
  // A transaction takes its id and waits; another takes a later id and commits first.
  std::promise<void> inserted, release;
  auto slow = std::async(std::launch::async, [&] {
    return db.database().transact(storage::TransactionMode::read_write, [&](storage::Transaction&
                                                                                transaction) {
      auto added = storage::append_notification(transaction, {ada, std::nullopt, "slow", "{}", 1});
      inserted.set_value();
      release.get_future().wait();
      if (!added) return core::Result<void>(added.error());
      return core::success();
    });
  });
  inserted.get_future().wait();
  db.notify(ada, "fast");
  EXPECT_EQ(pumped(pump), 1u);
  release.set_value();
  ASSERT_TRUE(slow.get().ok());
  EXPECT_EQ(pumped(pump), 1u);
  ASSERT_EQ(hub.events().size(), 2u);
  EXPECT_NE(hub.events()[0].payload.find("fast"), std::string::npos);
  EXPECT_NE(hub.events()[1].payload.find("slow"), std::string::npos);
}

}  // namespace
}  // namespace roost::services
