// BlueskyNetwork against a real, unmodified PDS (the fixture bluesky_pds): every write is
// read back from the PDS with com.atproto.repo.getRecord / listRecords and sync.getBlob.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../support/bluesky_pds.hpp"
#include "core/random.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "networks/bluesky/records.hpp"
#include "networks/http_client.hpp"

namespace roost::networks::bluesky {
namespace {

using nlohmann::json;
using test::TestAccount;
using test::unique_test_record_key;

// A 1x1 PNG; the PDS sniffs blobs, so images must be real images.
const std::string png = std::string(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\n"
    "IDAT\x78\x9c\x63\0\x01\0\0\x05\0\x01\x0d\x0a\x2d\xb4\0\0\0\0IEND\xae\x42\x60\x82",
    67);

std::string describe(const NetworkError& error) {
  return std::string(failure_kind_name(error.kind)) + " " + std::to_string(error.http_status) +
         " " + error.code + ": " + error.message;
}

PostContent post_with_text(std::string text) {
  PostContent content;
  content.text = std::move(text);
  content.created_at = std::chrono::system_clock::now();
  return content;
}

class BlueskyNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    account = test::create_test_account(pds);
    app_password = test::create_app_password(pds, account, app_password_name);
    auto connected = network.connect_with_app_password(account.handle, app_password, std::nullopt);
    ASSERT_TRUE(connected.ok()) << describe(connected.error());
    credentials = *connected;
  }

  // The record under the key as the PDS holds it; fails the test when there is none.
  Record read_back(std::string_view collection, std::string_view record_key) {
    auto record = client.get_record(pds.pds_url, account.did, collection, record_key);
    EXPECT_TRUE(record.ok()) << describe(record.error());
    return record.ok() ? *record : Record{};
  }

  bool exists(std::string_view collection, std::string_view record_key) {
    auto record = client.get_record(pds.pds_url, account.did, collection, record_key);
    EXPECT_TRUE(record.ok() || record.error().kind == FailureKind::not_found)
        << describe(record.error());
    return record.ok();
  }

  PublishedPost publish(const PostContent& content) {
    auto published = network.publish(credentials, unique_test_record_key(), content);
    EXPECT_TRUE(published.ok()) << describe(published.error());
    return published.ok() ? *published : PublishedPost{};
  }

  static constexpr std::string_view app_password_name = "roost";
  const test::TestPds& pds = test::test_pds();
  BlueskyNetwork network{test::test_bluesky_settings(pds)};
  BlueskyClient client{test::test_bluesky_settings(pds)};
  TestAccount account;
  std::string app_password;
  ProfileCredentials credentials;
};

TEST_F(BlueskyNetworkTest, ConnectsWithAnAppPasswordThroughTheHandle) {
  EXPECT_EQ(credentials.did, account.did);
  EXPECT_EQ(credentials.handle, account.handle);
  EXPECT_EQ(credentials.pds_url, pds.pds_url);  // from the DID document in the PLC directory
  EXPECT_FALSE(credentials.access_jwt.empty());
  EXPECT_FALSE(credentials.refresh_jwt.empty());
  EXPECT_NE(credentials.access_jwt, account.access_jwt);

  // Typed the way people type it.
  auto with_at =
      network.connect_with_app_password("@" + account.handle, app_password, std::nullopt);
  ASSERT_TRUE(with_at.ok()) << describe(with_at.error());
  EXPECT_EQ(with_at->did, account.did);
}

TEST_F(BlueskyNetworkTest, ConnectsThroughTheDidOrAPdsSetByHand) {
  auto by_did = network.connect_with_app_password(account.did, app_password, std::nullopt);
  ASSERT_TRUE(by_did.ok()) << describe(by_did.error());
  EXPECT_EQ(by_did->handle, account.handle);
  EXPECT_EQ(by_did->pds_url, pds.pds_url);

  // A self-hosted PDS given by hand: no resolution at all, so a resolver that does not
  // answer does not matter.
  auto settings = test::test_bluesky_settings(pds);
  settings.handle_resolver_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  settings.plc_url = settings.handle_resolver_url;
  BlueskyNetwork by_hand(settings);
  auto connected = by_hand.connect_with_app_password(account.handle, app_password, pds.pds_url);
  ASSERT_TRUE(connected.ok()) << describe(connected.error());
  EXPECT_EQ(connected->did, account.did);
  EXPECT_EQ(connected->pds_url, pds.pds_url);
}

TEST_F(BlueskyNetworkTest, AWrongAppPasswordOrAnUnknownHandleIsRefused) {
  auto wrong =
      network.connect_with_app_password(account.handle, "aaaa-bbbb-cccc-dddd", std::nullopt);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, FailureKind::auth_revoked) << describe(wrong.error());
  EXPECT_EQ(wrong.error().http_status, 401);
  EXPECT_EQ(wrong.error().message.find("aaaa-bbbb"), std::string::npos);

  auto unknown = network.connect_with_app_password("nobody-" + core::random_hex(4) + ".test",
                                                   app_password, std::nullopt);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, FailureKind::not_found) << describe(unknown.error());
}

TEST_F(BlueskyNetworkTest, PublishesAPostReadBackExactlyOnce) {
  std::string text = "Héllo #roost 🎉 https://example.com/a";
  auto tag = text.find("#roost");
  auto link = text.find("https://");
  json facets = json::array(
      {{{"index", {{"byteStart", tag}, {"byteEnd", tag + 6}}},
        {"features", {{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "roost"}}}}},
       {{"index", {{"byteStart", link}, {"byteEnd", text.size()}}},
        {"features",
         {{{"$type", "app.bsky.richtext.facet#link"}, {"uri", "https://example.com/a"}}}}}});
  auto content = post_with_text(text);
  content.facets_json = facets.dump();
  content.langs = {"fr", "en"};
  std::string key = unique_test_record_key();

  auto published = network.publish(credentials, key, content);
  ASSERT_TRUE(published.ok()) << describe(published.error());
  EXPECT_EQ(published->uri, record_uri(account.did, post_collection, key));
  EXPECT_FALSE(published->cid.empty());

  Record record = read_back(post_collection, key);
  EXPECT_EQ(record.cid, published->cid);
  EXPECT_EQ(record.value["text"], text);
  EXPECT_EQ(record.value["facets"], facets);                       // byte offsets as sent
  EXPECT_EQ(record.value["facets"][0]["index"]["byteStart"], 7u);  // é is two bytes
  EXPECT_EQ(record.value["langs"], (json{"fr", "en"}));
  EXPECT_EQ(record.value["createdAt"], format_created_at(content.created_at));
  EXPECT_EQ(test::list_all_records(pds, account.did, post_collection).size(), 1u);

  auto found = network.find_post(credentials, key);
  ASSERT_TRUE(found.ok()) << describe(found.error());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->cid, published->cid);
  auto missing = network.find_post(credentials, unique_test_record_key());
  ASSERT_TRUE(missing.ok()) << describe(missing.error());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(BlueskyNetworkTest, TheSameKeyTwiceLeavesOneRecord) {
  std::string key = unique_test_record_key();
  auto first = network.publish(credentials, key, post_with_text("first attempt"));
  ASSERT_TRUE(first.ok()) << describe(first.error());

  auto second = network.publish(credentials, key, post_with_text("second attempt"));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().kind, FailureKind::already_exists) << describe(second.error());
  ASSERT_TRUE(second.error().existing.has_value());
  EXPECT_EQ(second.error().existing->uri, first->uri);
  EXPECT_EQ(second.error().existing->cid, first->cid);

  auto records = test::list_all_records(pds, account.did, post_collection);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value["text"], "first attempt");
}

TEST_F(BlueskyNetworkTest, RepliesCarryRootAndParent) {
  auto root = publish(post_with_text("root"));
  auto parent_content = post_with_text("first reply");
  parent_content.reply = ReplyRefs{{root.uri, root.cid}, {root.uri, root.cid}};
  auto parent = publish(parent_content);

  auto reply = post_with_text("second reply");
  reply.reply = ReplyRefs{{root.uri, root.cid}, {parent.uri, parent.cid}};
  std::string key = unique_test_record_key();
  auto published = network.publish(credentials, key, reply);
  ASSERT_TRUE(published.ok()) << describe(published.error());

  Record record = read_back(post_collection, key);
  EXPECT_EQ(record.value["reply"]["root"], (json{{"uri", root.uri}, {"cid", root.cid}}));
  EXPECT_EQ(record.value["reply"]["parent"], (json{{"uri", parent.uri}, {"cid", parent.cid}}));
}

TEST_F(BlueskyNetworkTest, ImagesAreUploadedAndEmbedded) {
  auto content = post_with_text("two pictures");
  std::string second_png = png + core::random_hex(8);  // bytes after IEND: another blob
  content.images.push_back(PostImage{png, "image/png", "a white pixel", std::pair{1, 1}});
  content.images.push_back(PostImage{second_png, "image/png", "", std::nullopt});
  std::string key = unique_test_record_key();
  auto published = network.publish(credentials, key, content);
  ASSERT_TRUE(published.ok()) << describe(published.error());

  Record record = read_back(post_collection, key);
  const json& embed = record.value["embed"];
  EXPECT_EQ(embed["$type"], "app.bsky.embed.images");
  ASSERT_EQ(embed["images"].size(), 2u);
  EXPECT_EQ(embed["images"][0]["alt"], "a white pixel");
  EXPECT_EQ(embed["images"][0]["aspectRatio"], (json{{"width", 1}, {"height", 1}}));
  EXPECT_EQ(embed["images"][0]["image"]["mimeType"], "image/png");
  EXPECT_EQ(embed["images"][0]["image"]["size"], png.size());
  std::string first_cid = embed["images"][0]["image"]["ref"]["$link"];
  std::string second_cid = embed["images"][1]["image"]["ref"]["$link"];
  EXPECT_EQ(test::get_blob(pds, account.did, first_cid), png);
  EXPECT_EQ(test::get_blob(pds, account.did, second_cid), second_png);
}

TEST_F(BlueskyNetworkTest, AnImageOverTheLimitIsRefusedBeforeAnyWrite) {
  auto content = post_with_text("too big");
  content.images.push_back(PostImage{png + std::string(core::limits::bluesky_image_bytes_max, 'x'),
                                     "image/png", "", std::nullopt});
  std::string key = unique_test_record_key();
  auto published = network.publish(credentials, key, content);
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().kind, FailureKind::permanent) << describe(published.error());
  EXPECT_FALSE(exists(post_collection, key));
}

TEST_F(BlueskyNetworkTest, ARecordThePdsRefusesIsPermanent) {
  auto content = post_with_text(std::string(3001, 'x'));  // over the lexicon's 3000 bytes
  std::string key = unique_test_record_key();
  auto published = network.publish(credentials, key, content);
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().kind, FailureKind::permanent) << describe(published.error());
  EXPECT_EQ(published.error().http_status, 400);
  EXPECT_FALSE(exists(post_collection, key));
}

TEST_F(BlueskyNetworkTest, QuotesEmbedTheQuotedPost) {
  auto quoted = publish(post_with_text("quote me"));
  auto content = post_with_text("quoting");
  content.quote = StrongRef{quoted.uri, quoted.cid};
  std::string key = unique_test_record_key();
  ASSERT_TRUE(network.publish(credentials, key, content).ok());
  EXPECT_EQ(read_back(post_collection, key).value["embed"],
            (json{{"$type", "app.bsky.embed.record"},
                  {"record", {{"uri", quoted.uri}, {"cid", quoted.cid}}}}));

  content.images.push_back(PostImage{png, "image/png", "pixel", std::nullopt});
  std::string media_key = unique_test_record_key();
  auto with_media = network.publish(credentials, media_key, content);
  ASSERT_TRUE(with_media.ok()) << describe(with_media.error());
  const json embed = read_back(post_collection, media_key).value["embed"];
  EXPECT_EQ(embed["$type"], "app.bsky.embed.recordWithMedia");
  EXPECT_EQ(embed["record"]["record"]["uri"], quoted.uri);
  EXPECT_EQ(embed["media"]["images"][0]["alt"], "pixel");
}

TEST_F(BlueskyNetworkTest, LikeRepostFollowAndUndoThem) {
  auto post = publish(post_with_text("engage with me"));
  StrongRef subject{post.uri, post.cid};
  TestAccount other = test::create_test_account(pds);

  std::string like_key = unique_test_record_key();
  auto liked = network.like(credentials, like_key, subject);
  ASSERT_TRUE(liked.ok()) << describe(liked.error());
  EXPECT_EQ(liked->uri, record_uri(account.did, like_collection, like_key));
  EXPECT_EQ(read_back(like_collection, like_key).value["subject"],
            (json{{"uri", post.uri}, {"cid", post.cid}}));
  // A second like of the same subject replaces the first (the PDS deletes "backlink
  // conflicts" before writing): under the same key, that still leaves one like.
  auto liked_again = network.like(credentials, like_key, subject);
  EXPECT_TRUE(liked_again.ok() || liked_again.error().kind == FailureKind::already_exists);
  EXPECT_EQ(test::list_all_records(pds, account.did, like_collection).size(), 1u);

  std::string repost_key = unique_test_record_key();
  ASSERT_TRUE(network.repost(credentials, repost_key, subject).ok());
  EXPECT_EQ(read_back(repost_collection, repost_key).value["subject"]["cid"], post.cid);

  std::string follow_key = unique_test_record_key();
  auto followed = network.follow(credentials, follow_key, other.did);
  ASSERT_TRUE(followed.ok()) << describe(followed.error());
  EXPECT_EQ(read_back(follow_collection, follow_key).value["subject"], other.did);

  ASSERT_TRUE(network.unfollow(credentials, follow_key).ok());
  EXPECT_FALSE(exists(follow_collection, follow_key));
  ASSERT_TRUE(network.unrepost(credentials, repost_key).ok());
  EXPECT_FALSE(exists(repost_collection, repost_key));
  ASSERT_TRUE(network.unlike(credentials, like_key).ok());
  EXPECT_FALSE(exists(like_collection, like_key));
  EXPECT_TRUE(test::list_all_records(pds, account.did, like_collection).empty());
}

TEST_F(BlueskyNetworkTest, DeletesAPostAndDeletingAgainSucceeds) {
  std::string key = unique_test_record_key();
  ASSERT_TRUE(network.publish(credentials, key, post_with_text("short-lived")).ok());
  auto deleted = network.delete_post(credentials, key);
  ASSERT_TRUE(deleted.ok()) << describe(deleted.error());
  EXPECT_FALSE(exists(post_collection, key));
  auto again = network.delete_post(credentials, key);
  EXPECT_TRUE(again.ok()) << describe(again.error());
  auto found = network.find_post(credentials, key);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_F(BlueskyNetworkTest, AnExpiredAccessTokenIsRefreshedOnceThenTheWriteSucceeds) {
  credentials.access_jwt = test::expired_access_token(pds, account.did);
  // The PDS really refuses it as expired (not as invalid): the test's token is faithful.
  auto refused = client.create_record(
      credentials, post_collection, unique_test_record_key(),
      json{{"$type", "app.bsky.feed.post"},
           {"text", "x"},
           {"createdAt", format_created_at(std::chrono::system_clock::now())}});
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refused.error().kind, FailureKind::auth_expired) << describe(refused.error());

  std::string expired = credentials.access_jwt;
  std::string old_refresh = credentials.refresh_jwt;
  std::string key = unique_test_record_key();
  auto published = network.publish(credentials, key, post_with_text("after a refresh"));
  ASSERT_TRUE(published.ok()) << describe(published.error());
  EXPECT_NE(credentials.access_jwt, expired);  // refreshed in place, for the caller to persist
  EXPECT_NE(credentials.refresh_jwt, old_refresh);
  EXPECT_EQ(credentials.did, account.did);
  EXPECT_EQ(read_back(post_collection, key).value["text"], "after a refresh");
  EXPECT_EQ(test::list_all_records(pds, account.did, post_collection).size(), 1u);
}

TEST_F(BlueskyNetworkTest, ARevokedAppPasswordNeedsAReconnect) {
  test::revoke_app_password(pds, account, app_password_name);

  ProfileCredentials copy = credentials;
  auto refreshed = network.refresh(copy);
  ASSERT_FALSE(refreshed.ok());
  EXPECT_EQ(refreshed.error().kind, FailureKind::auth_revoked) << describe(refreshed.error());

  // The access token outlives the revocation on this PDS until it expires; once expired,
  // the write cannot refresh its way through.
  credentials.access_jwt = test::expired_access_token(pds, account.did);
  std::string key = unique_test_record_key();
  auto published = network.publish(credentials, key, post_with_text("never"));
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().kind, FailureKind::auth_revoked) << describe(published.error());
  EXPECT_FALSE(exists(post_collection, key));

  auto reconnect = network.connect_with_app_password(account.handle, app_password, std::nullopt);
  ASSERT_FALSE(reconnect.ok());
  EXPECT_EQ(reconnect.error().kind, FailureKind::auth_revoked) << describe(reconnect.error());
}

TEST_F(BlueskyNetworkTest, WritingToAPdsThatIsDownIsTransient) {
  ProfileCredentials down = credentials;
  down.pds_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  std::string key = unique_test_record_key();
  auto published = network.publish(down, key, post_with_text("into the void"));
  ASSERT_FALSE(published.ok());
  EXPECT_EQ(published.error().kind, FailureKind::transient) << describe(published.error());
  EXPECT_EQ(published.error().http_status, 0);

  auto found = network.find_post(down, key);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().kind, FailureKind::transient);
  EXPECT_FALSE(exists(post_collection, key));
}

TEST_F(BlueskyNetworkTest, AWriteThatGetsNoAnswerIsOutcomeUnknown) {
  test::SilentListener silent;
  auto settings = test::test_bluesky_settings(pds);
  settings.total_timeout = std::chrono::milliseconds(1'000);
  BlueskyNetwork impatient(settings);
  ProfileCredentials hanging = credentials;
  hanging.pds_url = silent.url();
  std::string key = unique_test_record_key();

  auto published = impatient.publish(hanging, key, post_with_text("sent, never answered"));
  ASSERT_FALSE(published.ok());
  // The request left; the server may have written it. The check by getRecord got no answer
  // either, so the scheduler must look again before any retry.
  EXPECT_EQ(published.error().kind, FailureKind::outcome_unknown) << describe(published.error());
  // A read without an answer is merely transient: reading again changes nothing.
  auto found = impatient.find_post(hanging, key);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().kind, FailureKind::transient) << describe(found.error());
}

TEST_F(BlueskyNetworkTest, WritingIntoAnotherAccountsRepositoryIsRefused) {
  TestAccount other = test::create_test_account(pds);
  ProfileCredentials wrong_repo = credentials;
  wrong_repo.did = other.did;
  auto published = network.publish(wrong_repo, unique_test_record_key(), post_with_text("no"));
  ASSERT_FALSE(published.ok());
  // The PDS answers 401 AuthenticationRequired: to Roost, these credentials do not work.
  EXPECT_EQ(published.error().kind, FailureKind::auth_revoked) << describe(published.error());
  EXPECT_TRUE(test::list_all_records(pds, other.did, post_collection).empty());
}

TEST(HttpClientAgainstThePds, AResponseOverTheCapIsNotRead) {
  const auto& pds = test::test_pds();
  HttpClient http(HttpTimeouts{});
  HttpRequest request;
  request.url = build_url(pds.pds_url, "/xrpc/com.atproto.server.describeServer");
  auto whole = http.perform(request);
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  ASSERT_EQ(whole->status, 200);
  ASSERT_GT(whole->body.size(), 20u);
  EXPECT_EQ(whole->headers.at("content-type").find("application/json"), 0u);

  request.response_bytes_max = 20;
  auto capped = http.perform(request);
  ASSERT_FALSE(capped.ok());
  EXPECT_NE(capped.error().message.find("larger than 20 bytes"), std::string::npos);
  EXPECT_TRUE(capped.error().request_sent);
}

TEST(BlueskyNetworkConcurrency, ParallelWritersEachPublishOnce) {
  const auto& pds = test::test_pds();
  TestAccount account = test::create_test_account(pds);
  std::string password = test::create_app_password(pds, account, "roost");
  BlueskyNetwork network(test::test_bluesky_settings(pds));
  auto connected = network.connect_with_app_password(account.handle, password, std::nullopt);
  ASSERT_TRUE(connected.ok()) << describe(connected.error());

  // Two threads publish the same ten keys: each key ends up as one record, and each key has
  // exactly one winner (the other sees already_exists).
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) keys.push_back(unique_test_record_key());
  std::atomic<int> created{0};
  std::atomic<int> existed{0};
  auto writer = [&] {
    ProfileCredentials credentials = *connected;
    for (const auto& key : keys) {
      auto result = network.publish(credentials, key, post_with_text("race " + key));
      if (result.ok()) {
        ++created;
      } else if (result.error().kind == FailureKind::already_exists) {
        ++existed;
      }
    }
  };
  std::thread first(writer);
  std::thread second(writer);
  first.join();
  second.join();
  EXPECT_EQ(created.load(), 10);
  EXPECT_EQ(existed.load(), 10);
  EXPECT_EQ(test::list_all_records(pds, account.did, post_collection).size(), 10u);
}

}  // namespace
}  // namespace roost::networks::bluesky
