// domain/inbox_routing: a rule's author as it is saved (a DID, or a handle whose DID the
// service resolves, ADR 0034) and routing by that DID.
#include "domain/inbox_routing.hpp"

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

RoutingRule rule_by(const std::string& author) {
  RoutingRule rule;
  rule.id = core::InboxRuleId{1};
  rule.name = "by author";
  rule.when.author = author;
  rule.then.team = core::TeamId{7};
  return rule;
}

TEST(InboxRoutingTest, AnAuthorIsADidOrAHandleAndOnlyADidIsItsOwnDid) {
  auto by_did = normalize_rule(rule_by(" did:plc:alice "));
  ASSERT_TRUE(by_did.ok());
  EXPECT_EQ(by_did->when.author, "did:plc:alice");
  EXPECT_EQ(by_did->when.author_did, "did:plc:alice");
  EXPECT_FALSE(author_needs_resolving(by_did->when));

  // A handle keeps the case it was typed in, loses its '@', and waits for its DID: a DID a
  // client sent along is not believed.
  auto sent = rule_by("@Alice.Test");
  sent.when.author_did = "did:plc:mallory";
  auto by_handle = normalize_rule(sent);
  ASSERT_TRUE(by_handle.ok());
  EXPECT_EQ(by_handle->when.author, "Alice.Test");
  EXPECT_EQ(by_handle->when.author_did, "");
  EXPECT_TRUE(author_needs_resolving(by_handle->when));

  auto garbled = normalize_rule(rule_by("alice test"));
  ASSERT_FALSE(garbled.ok());
  ASSERT_EQ(garbled.error().details.size(), 1u);
  EXPECT_EQ(garbled.error().details[0].field, "author");

  auto nobody = normalize_rule(rule_by(""));
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(author_needs_resolving(nobody->when));
}

TEST(InboxRoutingTest, AHandleRuleRoutesByTheDidItResolvedTo) {
  auto rule = rule_by("alice.test");
  rule.when.author_did = "did:plc:alice";
  RuleSet rules({rule});
  // The post names its author by DID only: the handle is not known on the ingest path.
  auto routed = rules.route({"hello", "did:plc:alice", "", core::ProfileId{3}});
  EXPECT_EQ(routed.team, core::TeamId{7});
  EXPECT_EQ(routed.assigned_by, core::InboxRuleId{1});
  EXPECT_FALSE(rules.route({"hello", "did:plc:bob", "", core::ProfileId{3}}).team.has_value());
  // Another account that has the handle by now is not the one the rule was saved for.
  EXPECT_FALSE(
      rules.route({"hello", "did:plc:bob", "alice.test", core::ProfileId{3}}).team.has_value());
}

TEST(InboxRoutingTest, AHandleNotResolvedYetMatchesOnlyAKnownHandle) {
  RuleSet rules({rule_by("Alice.test")});
  EXPECT_FALSE(rules.route({"hello", "did:plc:alice", "", core::ProfileId{3}}).team.has_value());
  EXPECT_EQ(rules.route({"hello", "did:plc:alice", "alice.test", core::ProfileId{3}}).team,
            core::TeamId{7});
}

}  // namespace
}  // namespace roost::domain
