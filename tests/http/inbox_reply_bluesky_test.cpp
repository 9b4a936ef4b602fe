// A reply from the inbox published through the real binary to the real local PDS of the
// fixture `bluesky_pds`: a fan answers the brand's post, the answer becomes an inbox item,
// the brand replies from the inbox, and the record read back with getRecord has the
// thread's root (the brand's post) and the fan's answer as parent.
#include <chrono>
#include <thread>

#include "../support/bluesky_pds.hpp"
#include "inbox_feeder.hpp"
#include "networks/bluesky/records.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

using networks::bluesky::format_created_at;
using networks::bluesky::post_collection;

std::vector<std::string> pds_arguments() {
  const auto& pds = test::test_pds();
  return {"--bluesky-plc-url", pds.plc_url, "--bluesky-handle-resolver-url", pds.pds_url};
}

class InboxReplyBlueskyTest : public OrgScenarioTest {
 protected:
  InboxReplyBlueskyTest() : OrgScenarioTest(pds_arguments()) {}

  networks::ProfileCredentials session_of(const test::TestAccount& account) {
    auto session = client_.create_session(pds_.pds_url, account.handle, account.password);
    if (!session) throw std::runtime_error("createSession: " + session.error().message);
    return *session;
  }

  networks::PublishedPost post_as(const networks::ProfileCredentials& credentials,
                                  nlohmann::json record) {
    record["$type"] = "app.bsky.feed.post";
    record["createdAt"] = format_created_at(std::chrono::system_clock::now());
    auto created =
        client_.create_record(credentials, post_collection, test::unique_test_record_key(), record);
    if (!created) throw std::runtime_error("createRecord: " + created.error().message);
    return *created;
  }

  const test::TestPds& pds_ = test::test_pds();
  networks::bluesky::BlueskyClient client_{test::test_bluesky_settings(pds_)};
};

TEST_F(InboxReplyBlueskyTest, AReplyFromTheInboxKeepsTheThreadsRootAndAnswersTheItem) {
  auto owner = sign_up("owner@example.com");
  const auto org = create_org(owner, "Acme");
  auto brand = test::create_test_account(pds_);
  auto connected = as(owner, "POST", org_path(org) + "/profiles",
                      {{"identifier", brand.handle},
                       {"app_password", test::create_app_password(pds_, brand, "roost")}});
  ASSERT_EQ(connected.status, 201) << connected.body;

  // The brand posts; a fan answers it (the answer is what reaches the inbox).
  auto fan = test::create_test_account(pds_);
  auto root = post_as(session_of(brand), {{"text", "We are open today."}});
  auto answer = post_as(session_of(fan), {{"text", "Until when?"},
                                          {"reply",
                                           {{"root", {{"uri", root.uri}, {"cid", root.cid}}},
                                            {"parent", {{"uri", root.uri}, {"cid", root.cid}}}}}});
  InboxFeeder feeder(open_database());
  FedPost incoming;
  incoming.uri = answer.uri;
  incoming.cid = answer.cid;
  incoming.author = fan.did;
  incoming.text = "Until when?";
  incoming.root_uri = root.uri;
  incoming.root_cid = root.cid;
  incoming.parent_uri = root.uri;
  incoming.parent_cid = root.cid;
  std::vector<FedPost> posts{incoming};
  ASSERT_EQ(feeder.feed(posts), 1u);
  auto listed = as(owner, "GET", org_path(org) + "/inbox");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["items"].size(), 1u);
  const auto item = listed.json()["items"][0];
  EXPECT_EQ(item["kind"], "reply");

  auto replied =
      as(owner, "POST",
         org_path(org) + "/inbox/" + std::to_string(item["id"].get<std::int64_t>()) + "/reply",
         {{"text", "Until 6 pm."}});
  ASSERT_EQ(replied.status, 201) << replied.body;
  const auto post = replied.json()["post"]["id"].get<std::int64_t>();

  // The roost process's dispatcher publishes it within a second or so.
  nlohmann::json shown;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = as(owner, "GET", org_path(org) + "/posts/" + std::to_string(post));
    ASSERT_EQ(response.status, 200) << response.body;
    shown = response.json();
    if (shown["state"] != "scheduled" && shown["state"] != "publishing") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(shown["state"], "published") << shown.dump();
  const std::string uri = shown["targets"][0]["published"]["uri"];
  const std::string record_key = uri.substr(uri.rfind('/') + 1);
  auto record = client_.get_record(pds_.pds_url, brand.did, post_collection, record_key);
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->value["text"], "Until 6 pm.");
  EXPECT_EQ(record->value["reply"]["root"]["uri"], root.uri);
  EXPECT_EQ(record->value["reply"]["root"]["cid"], root.cid);
  EXPECT_EQ(record->value["reply"]["parent"]["uri"], answer.uri);
  EXPECT_EQ(record->value["reply"]["parent"]["cid"], answer.cid);
  auto after =
      as(owner, "GET", org_path(org) + "/inbox/" + std::to_string(item["id"].get<std::int64_t>()));
  EXPECT_EQ(after.json()["reply_post_id"], post);
}

}  // namespace
}  // namespace roost::testing
