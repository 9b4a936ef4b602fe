// Saving handles through the real binary when the resolver is not there (ADR 0034): a
// routing rule naming its author by handle is 503 when the resolver refuses connections,
// without the resolver's address or curl's words, and saves nothing; and a save whose
// resolver accepts connections but never answers returns within one time budget however
// many handles it names, for streams and rules alike.
#include <chrono>

#include "../support/bluesky_pds.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;

// handle_lookup_budget (services/handle_lookup.hpp) and the slack a loaded machine needs.
constexpr auto lookup_budget = 4s;
constexpr auto slack = 2s;

std::vector<std::string> resolving_at(const std::string& url) {
  return {"--bluesky-handle-resolver-url", url, "--bluesky-plc-url", url};
}

const std::string& refusing_url() {
  static const std::string url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  return url;
}

test::SilentListener& silent_resolver() {
  static test::SilentListener listener;
  return listener;
}

class HandleResolutionTest : public OrgScenarioTest {
 protected:
  explicit HandleResolutionTest(const std::string& resolver_url)
      : OrgScenarioTest(resolving_at(resolver_url)) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    member_ = sign_up("member@example.com");
    acme_ = create_org(owner_, "Acme");
    add_member(acme_, member_, domain::OrgRole::member);
    team_ = create_team(owner_, acme_, "Support");
  }
  std::string rules_path() const { return org_path(acme_) + "/inbox-rules"; }
  std::string streams_path() const {
    return org_path(acme_) + "/teams/" + std::to_string(team_) + "/streams";
  }

  User owner_, member_;
  std::int64_t acme_ = 0, team_ = 0;
};

class ResolverDownTest : public HandleResolutionTest {
 protected:
  ResolverDownTest() : HandleResolutionTest(refusing_url()) {}
};

TEST_F(ResolverDownTest, ARuleNamingItsAuthorByHandleIs503AndSavesNothing) {
  const nlohmann::json by_handle{{"name", "Fan"}, {"author", "fan.test"}};
  auto refused = as(owner_, "POST", rules_path(), by_handle);
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("fan.test"), std::string::npos) << refused.body;
  const std::string port = refusing_url().substr(refusing_url().rfind(':') + 1);
  EXPECT_EQ(refused.body.find("127.0.0.1"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find(port), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find("onnect"), std::string::npos) << refused.body;  // curl's words
  EXPECT_TRUE(as(owner_, "GET", rules_path()).json()["rules"].empty());
  // Who may manage rules is decided first, as before: nobody is looked up for them.
  EXPECT_EQ(as(member_, "POST", rules_path(), by_handle).status, 403);

  // A DID needs no resolver; an edit to a handle is refused the same way and changes nothing.
  auto by_did = as(owner_, "POST", rules_path(), {{"name", "Fan"}, {"author", "did:plc:fan"}});
  ASSERT_EQ(by_did.status, 201) << by_did.body;
  EXPECT_EQ(by_did.json()["author_did"], "did:plc:fan");
  const std::string rule =
      rules_path() + "/" + std::to_string(by_did.json()["id"].get<std::int64_t>());
  EXPECT_EQ(as(owner_, "PUT", rule, {{"name", "Renamed"}, {"author", "fan.test"}}).status, 503);
  const auto listed = as(owner_, "GET", rules_path()).json();
  ASSERT_EQ(listed["rules"].size(), 1u);
  EXPECT_EQ(listed["rules"][0]["name"], "Fan");
  EXPECT_EQ(listed["rules"][0]["author"], "did:plc:fan");
}

class SilentResolverTest : public HandleResolutionTest {
 protected:
  SilentResolverTest() : HandleResolutionTest(silent_resolver().url()) {}
};

// Each lookup alone may take identity_total_timeout (5 s): one after another, six handles
// held the request for 30 s. Now the save answers 503 within the budget.
TEST_F(SilentResolverTest, ASaveWithManyHandlesReturnsWithinOneBudget) {
  std::string query = "roost";
  for (int index = 0; index < 6; ++index) query += " from:user" + std::to_string(index) + ".test";
  auto started = std::chrono::steady_clock::now();
  auto stream = as(owner_, "POST", streams_path(), {{"name", "Many"}, {"query", query}});
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(stream.status, 503) << stream.body;
  EXPECT_LT(took, lookup_budget + slack)
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_TRUE(as(owner_, "GET", streams_path()).json()["streams"].empty());

  started = std::chrono::steady_clock::now();
  auto rule = as(owner_, "POST", rules_path(), {{"name", "Fan"}, {"author", "fan.test"}});
  took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(rule.status, 503) << rule.body;
  EXPECT_LT(took, lookup_budget + slack)
      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  EXPECT_TRUE(as(owner_, "GET", rules_path()).json()["rules"].empty());
}

}  // namespace
}  // namespace roost::testing
