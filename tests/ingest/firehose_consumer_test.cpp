// The firehose consumer against the real local PDS (fixture bluesky_pds): posts written with
// com.atproto.repo.createRecord reach the sink with what the PDS answered, replies and
// quotes carry their strong refs, a restart resumes from the persisted cursor with nothing
// lost or doubled, and a refused batch comes again without the cursor moving.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "collecting_sink.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "ingest/firehose_consumer.hpp"

namespace roost::ingest {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::CollectingSink;

constexpr milliseconds delivery_max{1'000};  // issue 5: within 1 s
constexpr milliseconds wait_max{10'000};

std::string firehose_url(const test::TestPds& pds) {
  std::string url = pds.pds_url;
  if (url.starts_with("http://")) url.replace(0, 4, "ws");
  return url;
}

json post_record(const std::string& text) {
  return {{"$type", "app.bsky.feed.post"},
          {"text", text},
          {"createdAt", core::format_utc_ms(core::SystemClock().now_ms())}};
}

json strong_ref(const test::CreatedRecord& record) {
  return {{"uri", record.uri}, {"cid", record.cid}};
}

class FirehoseConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_).ok());
    cursors_ = std::make_unique<storage::IngestCursorRepository>(*database_);
    account_ = test::create_test_account(pds_);
  }

  std::unique_ptr<FirehoseConsumer> start_consumer(CollectingSink& sink) {
    ConsumerOptions options;
    options.source_url = firehose_url(pds_);
    options.reconnect_base_delay = milliseconds(100);
    auto consumer = FirehoseConsumer::create(*cursors_, sink, clock_, options);
    EXPECT_TRUE(consumer.ok()) << consumer.error().message;
    if (!consumer.ok()) return nullptr;
    auto started = (*consumer)->start();
    EXPECT_TRUE(started.ok()) << started.error().message;
    const auto deadline = std::chrono::steady_clock::now() + wait_max;
    while (!(*consumer)->status().connected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    EXPECT_TRUE((*consumer)->status().connected) << (*consumer)->status().last_problem;
    return std::move(consumer).value();
  }

  test::CreatedRecord create_post(const json& record) {
    return test::create_record(pds_, account_, "app.bsky.feed.post", record);
  }

  std::optional<std::int64_t> persisted_cursor() {
    auto cursor = cursors_->get(firehose_url(pds_));
    EXPECT_TRUE(cursor.ok());
    return cursor.ok() ? *cursor : std::nullopt;
  }

  const test::TestPds& pds_ = test::test_pds();
  core::SystemClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::IngestCursorRepository> cursors_;
  test::TestAccount account_;
};

TEST_F(FirehoseConsumerTest, APostReachesTheSinkWithinOneSecondAsThePdsWroteIt) {
  CollectingSink sink;
  auto consumer = start_consumer(sink);
  ASSERT_TRUE(consumer);

  // "hi @<handle> see https://example.com #roost": a mention, a link and a tag facet.
  const std::string mention = "@" + account_.handle;
  const std::string link = "https://example.com";
  const std::string text = "hi " + mention + " see " + link + " #roost";
  const auto at = [&](const std::string& part) { return static_cast<int>(text.find(part)); };
  json record = post_record(text);
  record["langs"] = {"en"};
  record["facets"] = json::array(
      {{{"index", {{"byteStart", at(mention)}, {"byteEnd", at(mention) + int(mention.size())}}},
        {"features", {{{"$type", "app.bsky.richtext.facet#mention"}, {"did", account_.did}}}}},
       {{"index", {{"byteStart", at(link)}, {"byteEnd", at(link) + int(link.size())}}},
        {"features", {{{"$type", "app.bsky.richtext.facet#link"}, {"uri", link}}}}},
       {{"index", {{"byteStart", at("#roost")}, {"byteEnd", at("#roost") + 6}}},
        {"features", {{{"$type", "app.bsky.richtext.facet#tag"}, {"tag", "roost"}}}}}});
  const auto written_at = std::chrono::steady_clock::now();
  const test::CreatedRecord created = create_post(record);
  const auto written = std::chrono::steady_clock::now();

  auto received = sink.wait_for(created.uri, wait_max);
  ASSERT_TRUE(received) << "the post never reached the sink";
  const auto latency = received->received_at - written_at;
  std::cout << "[ measured ] createRecord sent -> sink: "
            << std::chrono::duration_cast<std::chrono::microseconds>(latency).count()
            << " us (createRecord answered after "
            << std::chrono::duration_cast<std::chrono::microseconds>(written - written_at).count()
            << " us)\n";
  EXPECT_LE(latency, delivery_max);
  EXPECT_EQ(received->cid, created.cid);
  EXPECT_EQ(received->author_did, account_.did);
  EXPECT_EQ(received->text, text);
  EXPECT_EQ(received->created_at, record["createdAt"].get<std::string>());
  EXPECT_EQ(received->langs, std::vector<std::string>{"en"});
  EXPECT_EQ(received->mention_dids, std::vector<std::string>{account_.did});
  EXPECT_EQ(received->links, std::vector<std::string>{link});
  EXPECT_EQ(received->tags, std::vector<std::string>{"roost"});
  EXPECT_EQ(received->reply_root_uri, "");
  EXPECT_EQ(received->quote_uri, "");
  EXPECT_GT(received->cursor, 0);
  EXPECT_TRUE(consumer->readiness_check().ok) << consumer->readiness_check().detail;
  EXPECT_GE(consumer->counts().frames, 1u);
  EXPECT_EQ(consumer->counts().decode_errors, 0u);
}

TEST_F(FirehoseConsumerTest, RepliesAndQuotesCarryTheirStrongRefs) {
  CollectingSink sink;
  auto consumer = start_consumer(sink);
  ASSERT_TRUE(consumer);
  const test::CreatedRecord root = create_post(post_record("the root"));
  json reply = post_record("a reply");
  reply["reply"] = {{"root", strong_ref(root)}, {"parent", strong_ref(root)}};
  const test::CreatedRecord first_reply = create_post(reply);
  json nested = post_record("a reply to the reply");
  nested["reply"] = {{"root", strong_ref(root)}, {"parent", strong_ref(first_reply)}};
  const test::CreatedRecord second_reply = create_post(nested);
  json quote = post_record("a quote");
  quote["embed"] = {{"$type", "app.bsky.embed.record"}, {"record", strong_ref(root)}};
  const test::CreatedRecord quoted = create_post(quote);

  auto received_reply = sink.wait_for(second_reply.uri, wait_max);
  ASSERT_TRUE(received_reply);
  EXPECT_EQ(received_reply->reply_root_uri, root.uri);
  EXPECT_EQ(received_reply->reply_root_cid, root.cid);
  EXPECT_EQ(received_reply->reply_parent_uri, first_reply.uri);
  EXPECT_EQ(received_reply->reply_parent_cid, first_reply.cid);
  EXPECT_EQ(received_reply->quote_uri, "");
  auto received_quote = sink.wait_for(quoted.uri, wait_max);
  ASSERT_TRUE(received_quote);
  EXPECT_EQ(received_quote->quote_uri, root.uri);
  EXPECT_EQ(received_quote->quote_cid, root.cid);
  EXPECT_EQ(received_quote->reply_root_uri, "");
  EXPECT_EQ(sink.accepted_uris_of(account_.did),
            (std::vector<std::string>{root.uri, first_reply.uri, second_reply.uri, quoted.uri}));
}

TEST_F(FirehoseConsumerTest, ARestartResumesFromTheCursorWithNothingLostOrDoubled) {
  CollectingSink before;
  std::vector<std::string> first_uris;
  {
    auto consumer = start_consumer(before);
    ASSERT_TRUE(consumer);
    for (int i = 0; i < 2; ++i) first_uris.push_back(create_post(post_record("before")).uri);
    ASSERT_TRUE(before.wait_for(first_uris.back(), wait_max));
    consumer->stop();
  }
  const auto cursor_at_stop = persisted_cursor();
  ASSERT_TRUE(cursor_at_stop);
  EXPECT_EQ(before.accepted_uris_of(account_.did), first_uris);

  std::vector<std::string> missed;
  for (int i = 0; i < 3; ++i) missed.push_back(create_post(post_record("while stopped")).uri);

  CollectingSink after;
  auto consumer = start_consumer(after);
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(after.wait_for(missed.back(), wait_max));
  const std::string live = create_post(post_record("after the restart")).uri;
  ASSERT_TRUE(after.wait_for(live, wait_max));
  missed.push_back(live);
  EXPECT_EQ(after.accepted_uris_of(account_.did), missed);
  consumer->stop();
  EXPECT_GT(*persisted_cursor(), *cursor_at_stop);
}

TEST_F(FirehoseConsumerTest, ARefusedBatchComesAgainAndTheCursorWaitsForIt) {
  CollectingSink sink;
  auto consumer = start_consumer(sink);
  ASSERT_TRUE(consumer);
  // Settle the cursor on what came before this test's post (other tests share the PDS).
  consumer->stop();
  consumer.reset();
  const auto cursor_before = persisted_cursor();

  sink.refuse_next(1, account_.did);  // other tests post on the same PDS
  // The cursor persisted when each attempt (by its index in attempts()) reached the sink.
  std::map<std::size_t, std::optional<std::int64_t>> cursor_at_attempt;
  sink.on_accept([&] { cursor_at_attempt[sink.attempts().size() - 1] = persisted_cursor(); });
  consumer = start_consumer(sink);
  ASSERT_TRUE(consumer);
  const test::CreatedRecord created = create_post(post_record("refused once"));
  auto received = sink.wait_for(created.uri, wait_max);
  ASSERT_TRUE(received) << "the refused post never came again";
  consumer->stop();

  const auto attempts = sink.attempts();
  auto uris = [](const std::vector<testing::ReceivedPost>& batch) {
    std::vector<std::string> out;
    for (const auto& post : batch) out.push_back(post.uri);
    return out;
  };
  std::size_t refused = attempts.size();
  for (std::size_t index = 0; index < attempts.size() && refused == attempts.size(); ++index) {
    const auto batch = uris(attempts[index]);
    if (std::find(batch.begin(), batch.end(), created.uri) != batch.end()) refused = index;
  }
  ASSERT_LT(refused + 1, attempts.size());
  // The refused batch comes again whole, and the cursor did not move in between.
  EXPECT_EQ(uris(attempts[refused]), uris(attempts[refused + 1]));
  EXPECT_EQ(cursor_at_attempt[refused + 1], cursor_at_attempt[refused]);
  // Events before it (commits without posts, other accounts' events on the shared PDS) may
  // have moved the cursor, but never to the refused post or past it.
  if (cursor_at_attempt[refused]) {
    EXPECT_LT(*cursor_at_attempt[refused], received->cursor);
    if (cursor_before) {
      EXPECT_GE(*cursor_at_attempt[refused], *cursor_before);
    }
  }
  EXPECT_EQ(consumer->counts().sink_errors, 1u);
  EXPECT_EQ(sink.accepted_uris_of(account_.did), std::vector<std::string>{created.uri});
  EXPECT_GE(*persisted_cursor(), received->cursor);
}

}  // namespace
}  // namespace roost::ingest
