#include "api/ws/event_hub.hpp"
#include "api/ws/bounded_queue.hpp"

#include <gtest/gtest.h>

namespace roost::api::ws {
namespace {

TEST(EventHub, DeliversToSubscribersWhoseFilterAccepts) {
  EventHub hub;
  std::vector<std::uint64_t> org_one, everyone;
  hub.subscribe([](const Event& e) { return e.audience == "org:1"; },
                [&](std::shared_ptr<const Event> e) { org_one.push_back(e->id); });
  auto all =
      hub.subscribe(nullptr, [&](std::shared_ptr<const Event> e) { everyone.push_back(e->id); });
  auto first = hub.publish({0, "t", "org:1", "{}"});
  auto second = hub.publish({0, "t", "org:2", "{}"});
  EXPECT_LT(first, second);
  EXPECT_EQ(org_one, std::vector<std::uint64_t>{first});
  EXPECT_EQ(everyone, (std::vector<std::uint64_t>{first, second}));
  hub.unsubscribe(all);
  hub.publish({0, "t", "org:2", "{}"});
  EXPECT_EQ(everyone.size(), 2u);
  EXPECT_EQ(hub.subscriber_count(), 1u);
}

TEST(EventHub, ReplaysWhatAClientMissedWithinTheRing) {
  EventHub hub(3);
  for (int index = 0; index < 5; ++index) hub.publish({0, "t", "org:1", "{}"});
  auto missed = hub.replay(3, nullptr);
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0]->id, 4u);
  EXPECT_EQ(missed[1]->id, 5u);
  EXPECT_EQ(hub.replay(0, nullptr).size(), 3u);  // only the ring's 3 are kept
  EXPECT_TRUE(hub.replay(0, [](const Event& e) { return e.audience == "org:9"; }).empty());
}

TEST(EventHub, KnowsItsNewestEventAndKeepsLiveOnlyEventsOutOfTheRing) {
  EventHub hub;
  EXPECT_EQ(hub.newest_event_id(), 0u);
  auto before = hub.publish({0, "t", "org:1", "{}"});
  std::vector<std::uint64_t> delivered;
  std::uint64_t newest = 99;
  hub.subscribe(
      nullptr, [&](std::shared_ptr<const Event> e) { delivered.push_back(e->id); }, &newest);
  EXPECT_EQ(newest, before);  // delivered from the next one on
  auto kept = hub.publish({0, "inbox.item", "profile:1", "{}"});
  auto live_only = hub.publish({0, "presence", "profile:1", "{}", false});
  EXPECT_EQ(hub.newest_event_id(), live_only);
  EXPECT_EQ(delivered, (std::vector<std::uint64_t>{kept, live_only}));
  auto replayed = hub.replay(0, nullptr);
  ASSERT_EQ(replayed.size(), 2u);
  EXPECT_EQ(replayed[1]->id, kept);
}

TEST(BoundedQueue, RefusesPastCapacityAndKeepsOrder) {
  BoundedQueue<int> queue(2);
  EXPECT_TRUE(queue.push(1));
  EXPECT_TRUE(queue.push(2));
  EXPECT_FALSE(queue.push(3));
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.pop(), 1);
  EXPECT_TRUE(queue.push(4));
  EXPECT_EQ(queue.pop(), 2);
  EXPECT_EQ(queue.pop(), 4);
  EXPECT_FALSE(queue.pop().has_value());
}

}  // namespace
}  // namespace roost::api::ws
