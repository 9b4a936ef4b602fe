// The reconnect backoff as a pure function: doubling from the base, capped, jittered within
// its percentage either way.
#include <gtest/gtest.h>

#include "ingest/firehose_consumer.hpp"

namespace roost::ingest {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectDelay, DoublesFromTheBaseUpToTheCap) {
  ConsumerOptions options;
  options.reconnect_base_delay = milliseconds(500);
  options.reconnect_max_delay = milliseconds(60'000);
  EXPECT_EQ(reconnect_delay(1, options, 0.0), milliseconds(500));
  EXPECT_EQ(reconnect_delay(2, options, 0.0), milliseconds(1'000));
  EXPECT_EQ(reconnect_delay(3, options, 0.0), milliseconds(2'000));
  EXPECT_EQ(reconnect_delay(8, options, 0.0), milliseconds(60'000));  // 64 s, capped
  EXPECT_EQ(reconnect_delay(1'000, options, 0.0), milliseconds(60'000));
  milliseconds previous{0};
  for (int attempt = 1; attempt <= 20; ++attempt) {
    const auto delay = reconnect_delay(attempt, options, 0.0);
    EXPECT_GE(delay, previous) << attempt;
    previous = delay;
  }
}

TEST(ReconnectDelay, JitterMovesTheDelayWithinItsPercentage) {
  ConsumerOptions options;
  options.reconnect_base_delay = milliseconds(1'000);
  options.reconnect_jitter_percent = 20;
  EXPECT_EQ(reconnect_delay(1, options, -1.0), milliseconds(800));
  EXPECT_EQ(reconnect_delay(1, options, 1.0), milliseconds(1'200));
  EXPECT_EQ(reconnect_delay(1, options, 5.0), milliseconds(1'200));  // clamped
  EXPECT_EQ(reconnect_delay(2, options, 0.5), milliseconds(2'200));
}

}  // namespace
}  // namespace roost::ingest
