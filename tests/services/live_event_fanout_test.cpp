// services::LiveEventFanout on a real PostgreSQL: two fan-outs on one database stand for two
// roost processes; what either publishes, both hand to their local hub, in one order.
#include "services/live_event_fanout.hpp"
#include "service_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "core/limits.hpp"

namespace roost::services {
namespace {

using testing::fixed_now_ms;
using testing::FixedClock;
using testing::RecordedEvents;

using namespace std::chrono_literals;

std::vector<std::string> types_of(const std::vector<LiveEvent>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event.type);
  return types;
}

TEST(PostgresLiveEventFanout, EveryProcessDeliversEveryEventInOneOrder) {
  auto scratch = storage::testing::ScratchDatabase::create(storage::Backend::postgres);
  ASSERT_TRUE(scratch.ok()) << scratch.error().message;
  auto channel_a = storage::open_live_event_channel((*scratch)->url());
  auto channel_b = storage::open_live_event_channel((*scratch)->url());
  RecordedEvents hub_a, hub_b;
  LiveEventFanout a(hub_a, *channel_a), b(hub_b, *channel_b);
  a.start();
  b.start();
  std::this_thread::sleep_for(300ms);  // both listening

  a.publish({"stream.item", "team:7", R"({"text":"caf\u00e9"})"});
  b.publish({"inbox.item", "profile:3", "{}"});
  a.publish({"stream.item", "team:8", "{}"});
  a.publish({"presence", "profile:3", "{}", false});
  auto seen_a = hub_a.wait_for(4);
  auto seen_b = hub_b.wait_for(4);
  ASSERT_EQ(seen_a.size(), 4u);
  ASSERT_EQ(seen_b.size(), 4u);
  // Presence crosses processes as what it is: live only, kept in no ring.
  EXPECT_TRUE(seen_b[2].replayable);
  EXPECT_FALSE(seen_b[3].replayable);
  EXPECT_EQ(types_of(seen_a), types_of(seen_b));
  EXPECT_EQ(seen_a[0].audience, "team:7");
  EXPECT_EQ(seen_a[0].payload, R"({"text":"caf\u00e9"})");
  EXPECT_EQ(seen_b[1].audience, "profile:3");
  EXPECT_EQ(a.received_total(), 4u);
  EXPECT_EQ(a.local_only_total(), 0u);
}

TEST(PostgresLiveEventFanout, AnEventTooLargeForTheChannelStillReachesLocalClients) {
  auto scratch = storage::testing::ScratchDatabase::create(storage::Backend::postgres);
  ASSERT_TRUE(scratch.ok()) << scratch.error().message;
  auto channel_a = storage::open_live_event_channel((*scratch)->url());
  auto channel_b = storage::open_live_event_channel((*scratch)->url());
  RecordedEvents hub_a, hub_b;
  LiveEventFanout a(hub_a, *channel_a), b(hub_b, *channel_b);
  a.start();
  b.start();
  std::this_thread::sleep_for(300ms);

  std::string big = "\"" + std::string(core::limits::live_event_payload_bytes_max, 'x') + "\"";
  a.publish({"stream.item", "team:1", big});
  a.publish({"stream.item", "team:2", "{}"});
  auto seen_a = hub_a.wait_for(2);
  ASSERT_EQ(seen_a.size(), 2u);
  EXPECT_EQ(seen_a[0].payload, big);
  EXPECT_EQ(a.local_only_total(), 1u);
  auto seen_b = hub_b.wait_for(1);
  ASSERT_EQ(seen_b.size(), 1u);
  EXPECT_EQ(seen_b[0].audience, "team:2");
}

}  // namespace
}  // namespace roost::services
