// The consumer against sources that misbehave, which the real PDS does not do on demand: a
// small Beast WebSocket server sends garbage, error and info frames, closes at once, or
// stays silent; a closed port refuses. The frames it sends that are valid come from the
// reference implementation (tests/unit/ingest/fixtures).
#include <gtest/gtest.h>

// Boost 1.74's asio needs <utility> before its awaitable header with g++ 12.
#include <utility>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <mutex>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "../unit/ingest/fixtures.hpp"
#include "collecting_sink.hpp"
#include "core/clock.hpp"
#include "ingest/firehose_consumer.hpp"
#include "services/system_status.hpp"

namespace roost::ingest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;
using WebSocket = websocket::stream<tcp::socket>;

constexpr milliseconds wait_max{10'000};
// The post of the reference commit (fixtures/commit_two_ops.hex) and its seq.
constexpr std::string_view fixture_post_uri =
    "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kpost";
constexpr std::int64_t fixture_seq = 123456789;

void send_binary(WebSocket& socket, const std::vector<std::uint8_t>& bytes) {
  socket.binary(true);
  beast::error_code ignored;
  socket.write(asio::buffer(bytes), ignored);
}

// Waits for the client to go (it closes, or the consumer stops).
void hold_until_client_leaves(WebSocket& socket) {
  beast::flat_buffer buffer;
  beast::error_code error;
  while (!error) socket.read(buffer, error);
}

std::vector<std::uint8_t> error_frame(std::string_view error, std::string_view message) {
  return test::concat(
      {test::map({{"op", test::integer(-1)}}),
       test::map({{"error", test::text(error)}, {"message", test::text(message)}})});
}

std::vector<std::uint8_t> info_frame(std::string_view name) {
  return test::concat({test::map({{"op", test::integer(1)}, {"t", test::text("#info")}}),
                       test::map({{"name", test::text(name)}, {"message", test::text("old")}})});
}

// A #commit creating one post "<rkey>" at `seq`, sent `time` (RFC 3339) by the source.
std::vector<std::uint8_t> post_commit_frame(std::int64_t seq, const std::string& rkey,
                                            const std::string& time) {
  const std::string did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
  const test::Block record =
      test::block(test::map({{"$type", test::text("app.bsky.feed.post")},
                             {"text", test::text("a post numbered " + rkey + " #roost")},
                             {"createdAt", test::text(time)}}));
  const test::Block commit = test::block(test::map({{"did", test::text(did)}}));
  const test::Bytes op = test::map({{"action", test::text("create")},
                                    {"path", test::text("app.bsky.feed.post/" + rkey)},
                                    {"cid", test::link(record.cid)}});
  return test::concat(
      {test::map({{"op", test::integer(1)}, {"t", test::text("#commit")}}),
       test::map({{"seq", test::integer(seq)},
                  {"rebase", test::boolean(false)},
                  {"tooBig", test::boolean(false)},
                  {"repo", test::text(did)},
                  {"commit", test::link(commit.cid)},
                  {"rev", test::text("3kb")},
                  {"since", test::text("3ka")},
                  {"blocks", test::bytes(test::car({commit.cid}, {commit, record}))},
                  {"ops", test::array({op})},
                  {"blobs", test::array({})},
                  {"time", test::text(time)}})});
}

// A WebSocket server on a loopback port: connection i runs scripts[i] (the last one for
// every later connection), then closes. It records each upgrade's target and time.
class ScriptedSource {
 public:
  using Script = std::function<void(WebSocket&)>;
  explicit ScriptedSource(std::vector<Script> scripts)
      : scripts_(std::move(scripts)), acceptor_(io_, {asio::ip::address_v4::loopback(), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedSource() {
    stopping_ = true;
    beast::error_code ignored;
    tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }
  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  std::vector<SteadyClock::time_point> accepted_at() const {
    std::lock_guard lock(mutex_);
    return accepted_at_;
  }

 private:
  void serve() {
    for (std::size_t index = 0;; ++index) {
      tcp::socket socket(io_);
      beast::error_code error;
      acceptor_.accept(socket, error);
      if (stopping_) return;
      if (error) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, error);
      if (error) continue;
      {
        std::lock_guard lock(mutex_);
        targets_.emplace_back(request.target());
        accepted_at_.push_back(SteadyClock::now());
      }
      WebSocket stream(std::move(socket));
      stream.accept(request, error);
      if (error) continue;
      scripts_[std::min(index, scripts_.size() - 1)](stream);
      stream.close(websocket::close_code::normal, error);
    }
  }

  std::vector<Script> scripts_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::vector<SteadyClock::time_point> accepted_at_;
  std::thread thread_;
};

class ConsumerFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_).ok());
    cursors_ = std::make_unique<storage::IngestCursorRepository>(*database_);
  }

  ConsumerOptions options_for(const std::string& url) {
    ConsumerOptions options;
    options.source_url = url;
    options.reconnect_base_delay = milliseconds(40);
    options.reconnect_max_delay = milliseconds(2'000);
    options.reconnect_jitter_percent = 0;
    return options;
  }

  std::unique_ptr<FirehoseConsumer> start(ConsumerOptions options) {
    auto consumer = FirehoseConsumer::create(*cursors_, sink_, clock_, std::move(options));
    EXPECT_TRUE(consumer.ok());
    if (!consumer.ok()) return nullptr;
    EXPECT_TRUE((*consumer)->start().ok());
    return std::move(consumer).value();
  }

  // Polls `condition` until it holds or wait_max passes.
  static bool eventually(const std::function<bool()>& condition) {
    const auto deadline = SteadyClock::now() + wait_max;
    while (SteadyClock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return condition();
  }

  std::optional<std::int64_t> persisted(const std::string& url) {
    auto cursor = cursors_->get(url);
    EXPECT_TRUE(cursor.ok());
    return cursor.ok() ? *cursor : std::nullopt;
  }

  core::SystemClock clock_;
  testing::CollectingSink sink_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::IngestCursorRepository> cursors_;
};

TEST_F(ConsumerFaultsTest, AGarbageMessageIsSkippedAndCountedAndLaterPostsArrive) {
  ScriptedSource source({[](WebSocket& socket) {
    send_binary(socket, {0x01, 0x02, 0xff, 0x00});
    send_binary(socket, test::read_fixture("commit_two_ops.hex"));
    hold_until_client_leaves(socket);
  }});
  auto consumer = start(options_for(source.url()));
  ASSERT_TRUE(consumer);
  auto received = sink_.wait_for(std::string(fixture_post_uri), wait_max);
  ASSERT_TRUE(received) << "a garbage frame stalled ingestion";
  EXPECT_EQ(received->cursor, fixture_seq);
  consumer->stop();  // the counters are bumped after accept() returns: read them after
  EXPECT_EQ(consumer->counts().decode_errors, 1u);
  EXPECT_EQ(consumer->counts().frames, 2u);
  EXPECT_EQ(consumer->counts().posts, 1u);
  EXPECT_EQ(persisted(source.url()), fixture_seq);
}

TEST_F(ConsumerFaultsTest, FutureCursorForgetsTheCursorAndResumesLive) {
  ScriptedSource source({[](WebSocket& socket) {
                           send_binary(socket,
                                       error_frame("FutureCursor", "Cursor in the future."));
                         },
                         [](WebSocket& socket) {
                           send_binary(socket, info_frame("OutdatedCursor"));
                           send_binary(socket, test::read_fixture("commit_two_ops.hex"));
                           hold_until_client_leaves(socket);
                         }});
  ASSERT_TRUE(cursors_->save(source.url(), fixture_seq + 1'000, 1).ok());
  auto consumer = start(options_for(source.url()));
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(sink_.wait_for(std::string(fixture_post_uri), wait_max));
  const auto targets = source.targets();
  ASSERT_GE(targets.size(), 2u);
  EXPECT_EQ(targets[0],
            "/xrpc/com.atproto.sync.subscribeRepos?cursor=" + std::to_string(fixture_seq + 1'000));
  EXPECT_EQ(targets[1], "/xrpc/com.atproto.sync.subscribeRepos");  // live
  EXPECT_TRUE(consumer->readiness_check().ok) << consumer->readiness_check().detail;
  consumer->stop();
  EXPECT_EQ(persisted(source.url()), fixture_seq);
}

TEST_F(ConsumerFaultsTest, ASourceThatClosesAtOnceIsRetriedWithGrowingDelays) {
  ScriptedSource source({[](WebSocket&) {}});
  auto consumer = start(options_for(source.url()));
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(eventually([&] { return source.accepted_at().size() >= 5; }));
  const auto at = source.accepted_at();
  const auto gap = [&](std::size_t i) {
    return std::chrono::duration_cast<milliseconds>(at[i + 1] - at[i]).count();
  };
  std::cout << "[ measured ] reconnect gaps: " << gap(0) << ", " << gap(1) << ", " << gap(2) << ", "
            << gap(3) << " ms\n";
  EXPECT_GE(gap(0), 40);
  EXPECT_GE(gap(1), 80);
  EXPECT_GE(gap(2), 160);
  EXPECT_GE(gap(3), 320);
  EXPECT_GT(gap(3), gap(0));
  EXPECT_GE(consumer->counts().reconnects, 4u);

  // /readyz: degraded, not unready — the API works without ingestion.
  services::SystemStatus status(*database_);
  status.add_check([&consumer] { return consumer->readiness_check(); });
  ASSERT_TRUE(eventually([&] { return !consumer->status().connected; }));
  const auto readiness = status.readiness();
  EXPECT_TRUE(readiness.ready);
  EXPECT_TRUE(readiness.degraded);
  const auto& check = readiness.checks.back();
  EXPECT_EQ(check.name, "ingest");
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.detail.find("degraded: not connected"), std::string::npos) << check.detail;
}

TEST_F(ConsumerFaultsTest, ARefusedConnectionIsRetriedAndReported) {
  const std::string url = "ws://127.0.0.1:" + std::to_string(roost::test::unused_loopback_port());
  auto consumer = start(options_for(url));
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(eventually([&] { return consumer->counts().reconnects >= 3; }));
  const auto check = consumer->readiness_check();
  EXPECT_FALSE(check.ok);
  EXPECT_FALSE(check.required);
  EXPECT_NE(check.detail.find("refused"), std::string::npos) << check.detail;
  consumer->stop();
  EXPECT_EQ(persisted(url), std::nullopt);
}

TEST_F(ConsumerFaultsTest, ASilentSourceTimesOutAndIsReconnected) {
  ScriptedSource source({[](WebSocket& socket) { hold_until_client_leaves(socket); }});
  auto options = options_for(source.url());
  options.idle_timeout = milliseconds(200);
  auto consumer = start(options);
  ASSERT_TRUE(consumer);
  ASSERT_TRUE(eventually([&] { return source.accepted_at().size() >= 2; }));
  EXPECT_NE(consumer->status().last_problem.find("no frame for 200 ms"), std::string::npos)
      << consumer->status().last_problem;
  const auto at = source.accepted_at();
  EXPECT_GE(at[1] - at[0], milliseconds(200));
}

// A burst far above Bluesky's ~2,000 events/s arrives whole, in order, once, in batches of
// at most batch_posts_max; the rate it sustains on this machine is printed.
TEST_F(ConsumerFaultsTest, ABurstArrivesWholeInOrderAndInBatches) {
  constexpr int posts = 20'000;
  std::vector<std::vector<std::uint8_t>> frames;
  const std::string now = core::format_utc_ms(clock_.now_ms());
  for (int i = 1; i <= posts; ++i) frames.push_back(post_commit_frame(i, std::to_string(i), now));
  ScriptedSource source({[&frames](WebSocket& socket) {
    for (const auto& frame : frames) send_binary(socket, frame);
    hold_until_client_leaves(socket);
  }});
  auto consumer = start(options_for(source.url()));
  ASSERT_TRUE(consumer);
  const auto started = SteadyClock::now();
  const std::string last_uri =
      "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/" + std::to_string(posts);
  auto last = sink_.wait_for(last_uri, std::chrono::seconds(60));
  ASSERT_TRUE(last);
  const double seconds = std::chrono::duration<double>(last->received_at - started).count();
  const auto attempts = sink_.attempts();
  std::cout << "[ measured ] " << posts << " posts in " << seconds
            << " s: " << static_cast<long>(posts / seconds) << " posts/s through the consumer, in "
            << attempts.size() << " batches\n";
  const auto uris = sink_.accepted_uris_of("did:plc:ewvi7nxzyoun6zhxrhs64oiz");
  ASSERT_EQ(uris.size(), static_cast<std::size_t>(posts));
  for (int i = 0; i < posts; ++i) {
    ASSERT_EQ(uris[i],
              "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/" + std::to_string(i + 1));
  }
  for (const auto& batch : attempts) EXPECT_LE(batch.size(), core::limits::ingest_batch_posts_max);
  EXPECT_LT(attempts.size(), static_cast<std::size_t>(posts));  // bursts are batched
  EXPECT_GT(consumer->status().lag_ms, -1'000);
  consumer->stop();
  EXPECT_EQ(persisted(source.url()), posts);
}

// Jetstream through the same WebSocket client: text messages in the README's shape
// (jetstream_event_test.cpp), its target, its inclusive cursor.
std::string jetstream_post(std::int64_t time_us, const std::string& rkey) {
  return R"({"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time_us":)" + std::to_string(time_us) +
         R"(,"kind":"commit","commit":{"rev":"3l3qo2vutsw2b","operation":"create",)"
         R"("collection":"app.bsky.feed.post","rkey":")" +
         rkey +
         R"(","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:02.102Z",)"
         R"("text":"from jetstream"},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}})";
}

void send_text(WebSocket& socket, const std::string& message) {
  socket.text(true);
  beast::error_code ignored;
  socket.write(asio::buffer(message), ignored);
}

TEST_F(ConsumerFaultsTest, AJetstreamSourceIsReadThroughTheSameClientFromItsCursor) {
  constexpr std::int64_t saved = 1725911162329308;
  ScriptedSource source({[](WebSocket& socket) {
    send_text(socket, jetstream_post(saved, "replayed"));  // the cursor is inclusive
    send_text(socket, "not json");
    send_text(socket, jetstream_post(saved + 1, "new"));
    hold_until_client_leaves(socket);
  }});
  ASSERT_TRUE(cursors_->save(source.url(), saved, 1).ok());
  auto options = options_for(source.url());
  options.kind = SourceKind::jetstream;
  auto consumer = start(options);
  ASSERT_TRUE(consumer);
  const std::string prefix = "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/";
  auto received = sink_.wait_for(prefix + "new", wait_max);
  ASSERT_TRUE(received);
  EXPECT_EQ(received->text, "from jetstream");
  EXPECT_EQ(received->cursor, saved + 1);
  EXPECT_EQ(sink_.accepted_uris_of("did:plc:eygmaihciaxprqvxpfvl6flk"),
            std::vector<std::string>{prefix + "new"});
  consumer->stop();
  EXPECT_EQ(consumer->counts().decode_errors, 1u);
  ASSERT_FALSE(source.targets().empty());
  EXPECT_EQ(source.targets()[0],
            "/subscribe?wantedCollections=app.bsky.feed.post&cursor=" + std::to_string(saved));
  EXPECT_EQ(persisted(source.url()), saved + 1);
}

}  // namespace
}  // namespace roost::ingest
