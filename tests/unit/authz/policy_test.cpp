#include "authz/policy.hpp"

#include <gtest/gtest.h>

namespace roost::authz {
namespace {

TEST(Policy, HealthAndMetricsArePublic) {
  Actor anonymous;
  Actor user{42, false};
  for (auto action : {Action::read_health, Action::read_metrics}) {
    EXPECT_TRUE(decide(anonymous, action, {}).allowed) << action_name(action);
    EXPECT_TRUE(decide(user, action, {}).allowed) << action_name(action);
  }
}

TEST(Policy, ActionsHaveNames) {
  EXPECT_EQ(action_name(Action::subscribe_events), "subscribe_events");
}

}  // namespace
}  // namespace roost::authz
