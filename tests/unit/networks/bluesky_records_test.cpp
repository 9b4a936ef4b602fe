// The records Roost writes (their JSON shape is what the app.bsky lexicons define and the
// real PDS validates in tests/network/) and where identities are looked up.
#include <gtest/gtest.h>

#include "networks/bluesky/bluesky_client.hpp"
#include "networks/bluesky/records.hpp"
#include "networks/http_client.hpp"

namespace roost::networks::bluesky {
namespace {

using nlohmann::json;

const auto created =
    std::chrono::system_clock::time_point(std::chrono::milliseconds(1'796'376'800'123));

PostContent text_post(std::string text) {
  PostContent content;
  content.text = std::move(text);
  content.created_at = created;
  return content;
}

json blob(std::string cid) {
  return json{{"$type", "blob"}, {"ref", {{"$link", cid}}}, {"mimeType", "image/png"}, {"size", 3}};
}

TEST(BuildPostRecord, PlainText) {
  auto record = build_post_record(text_post("héllo"), {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(*record, (json{{"$type", "app.bsky.feed.post"},
                           {"text", "héllo"},
                           {"createdAt", "2026-12-04T09:33:20.123Z"}}));
}

TEST(BuildPostRecord, FacetsLangsAndReply) {
  auto content = text_post("see https://example.com");
  content.facets_json =
      R"([{"index":{"byteStart":4,"byteEnd":23},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com"}]}])";
  content.langs = {"en", "fr"};
  content.reply = ReplyRefs{{"at://did:plc:a/app.bsky.feed.post/1", "cidroot"},
                            {"at://did:plc:a/app.bsky.feed.post/2", "cidparent"}};
  auto record = build_post_record(content, {});
  ASSERT_TRUE(record.ok());
  EXPECT_EQ((*record)["facets"][0]["index"]["byteEnd"], 23);
  EXPECT_EQ((*record)["langs"], (json{"en", "fr"}));
  EXPECT_EQ((*record)["reply"]["root"]["cid"], "cidroot");
  EXPECT_EQ((*record)["reply"]["parent"]["uri"], "at://did:plc:a/app.bsky.feed.post/2");
  EXPECT_FALSE(record->contains("embed"));
}

TEST(BuildPostRecord, ImagesWithAltAndAspectRatio) {
  auto content = text_post("two pictures");
  content.images.push_back(PostImage{"abc", "image/png", "a cat", std::pair{4, 3}});
  content.images.push_back(PostImage{"def", "image/png", "", std::nullopt});
  auto record = build_post_record(content, {blob("cid1"), blob("cid2")});
  ASSERT_TRUE(record.ok());
  const json& embed = (*record)["embed"];
  EXPECT_EQ(embed["$type"], "app.bsky.embed.images");
  ASSERT_EQ(embed["images"].size(), 2u);
  EXPECT_EQ(embed["images"][0]["image"]["ref"]["$link"], "cid1");
  EXPECT_EQ(embed["images"][0]["alt"], "a cat");
  EXPECT_EQ(embed["images"][0]["aspectRatio"], (json{{"width", 4}, {"height", 3}}));
  EXPECT_EQ(embed["images"][1]["alt"], "");  // the lexicon requires alt, even empty
  EXPECT_FALSE(embed["images"][1].contains("aspectRatio"));
}

TEST(BuildPostRecord, QuoteAloneAndWithImages) {
  auto content = text_post("look");
  content.quote = StrongRef{"at://did:plc:b/app.bsky.feed.post/3", "cidq"};
  auto quote = build_post_record(content, {});
  ASSERT_TRUE(quote.ok());
  EXPECT_EQ((*quote)["embed"],
            (json{{"$type", "app.bsky.embed.record"},
                  {"record", {{"uri", "at://did:plc:b/app.bsky.feed.post/3"}, {"cid", "cidq"}}}}));

  content.images.push_back(PostImage{"abc", "image/png", "alt", std::nullopt});
  auto with_media = build_post_record(content, {blob("cid1")});
  ASSERT_TRUE(with_media.ok());
  const json& embed = (*with_media)["embed"];
  EXPECT_EQ(embed["$type"], "app.bsky.embed.recordWithMedia");
  EXPECT_EQ(embed["record"]["record"]["cid"], "cidq");
  EXPECT_EQ(embed["media"]["$type"], "app.bsky.embed.images");
}

TEST(BuildPostRecord, RefusesWhatThePdsWould) {
  auto content = text_post("x");
  content.facets_json = "{not json";
  auto bad_facets = build_post_record(content, {});
  ASSERT_FALSE(bad_facets.ok());
  EXPECT_EQ(bad_facets.error().kind, FailureKind::permanent);

  content.facets_json = R"({"index":{}})";  // an object, not an array
  EXPECT_FALSE(build_post_record(content, {}).ok());

  content = text_post("five images");
  std::vector<json> blobs;
  for (int i = 0; i < 5; ++i) {
    content.images.push_back(PostImage{"a", "image/png", "", std::nullopt});
    blobs.push_back(blob("cid"));
  }
  auto too_many = build_post_record(content, blobs);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().kind, FailureKind::permanent);

  content.images.resize(1);
  EXPECT_FALSE(build_post_record(content, {}).ok());  // an image without its blob
}

TEST(BuildRecords, LikeRepostFollow) {
  StrongRef subject{"at://did:plc:c/app.bsky.feed.post/4", "cids"};
  auto like = build_like_record(subject, created);
  EXPECT_EQ(like["$type"], "app.bsky.feed.like");
  EXPECT_EQ(like["subject"]["uri"], subject.uri);
  EXPECT_EQ(like["createdAt"], "2026-12-04T09:33:20.123Z");
  EXPECT_EQ(build_repost_record(subject, created)["$type"], "app.bsky.feed.repost");
  auto follow = build_follow_record("did:plc:d", created);
  EXPECT_EQ(follow["$type"], "app.bsky.graph.follow");
  EXPECT_EQ(follow["subject"], "did:plc:d");
}

TEST(RecordUri, JoinsTheParts) {
  EXPECT_EQ(record_uri("did:plc:a", "app.bsky.feed.post", "3kabc"),
            "at://did:plc:a/app.bsky.feed.post/3kabc");
}

TEST(DidDocumentUrl, PlcAndWeb) {
  BlueskySettings settings;
  settings.plc_url = "http://localhost:2582/";
  settings.did_web_scheme = "http";
  EXPECT_EQ(*did_document_url("did:plc:abc123", settings), "http://localhost:2582/did:plc:abc123");
  EXPECT_EQ(*did_document_url("did:web:example.com", settings),
            "http://example.com/.well-known/did.json");
  EXPECT_EQ(*did_document_url("did:web:localhost%3A2583", settings),
            "http://localhost:2583/.well-known/did.json");
  for (auto bad : {"did:key:z6Mk", "did:plc:", "did:web:a:b", "alice.test", "did:plc:a/../x",
                   "did:plc:a?b", ""}) {
    auto url = did_document_url(bad, settings);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().kind, FailureKind::permanent);
  }
}

TEST(PdsEndpointOf, FindsTheAtprotoPdsService) {
  auto document = json::parse(R"({"id":"did:plc:a","service":[
    {"id":"#other","type":"X","serviceEndpoint":"http://wrong"},
    {"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"http://localhost:2583"}]})");
  EXPECT_EQ(*pds_endpoint_of(document), "http://localhost:2583");
  auto absolute = json::parse(
      R"({"service":[{"id":"did:web:x#atproto_pds","serviceEndpoint":"https://pds.example"}]})");
  EXPECT_EQ(*pds_endpoint_of(absolute), "https://pds.example");
  for (auto text :
       {R"({"service":[]})", R"({})", R"([])", R"({"service":[{"id":"#atproto_pds"}]})"}) {
    auto missing = pds_endpoint_of(json::parse(text));
    ASSERT_FALSE(missing.ok()) << text;
    EXPECT_EQ(missing.error().kind, FailureKind::not_found);
  }
}

TEST(BuildUrl, EncodesQueryValues) {
  EXPECT_EQ(build_url("http://h:1/", "/xrpc/a.b", {{"repo", "did:plc:x"}, {"q", "a b&c"}}),
            "http://h:1/xrpc/a.b?repo=did%3Aplc%3Ax&q=a%20b%26c");
  EXPECT_EQ(build_url("http://h", "/xrpc/a.b"), "http://h/xrpc/a.b");
}

}  // namespace
}  // namespace roost::networks::bluesky
