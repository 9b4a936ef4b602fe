#include "ingest/firehose_consumer.hpp"

// Boost 1.74's asio needs <utility> before its awaitable header with g++ 12.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <exception>
#include <random>

#include "core/backoff.hpp"
#include "core/log.hpp"
#include "ingest/firehose_frame.hpp"
#include "ingest/jetstream_event.hpp"
#include "ingest/post_batch.hpp"

namespace roost::ingest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::string_view future_cursor = "FutureCursor";
constexpr std::string_view outdated_cursor = "OutdatedCursor";

std::string describe_cursor(const std::optional<std::int64_t>& cursor) {
  return cursor ? std::to_string(*cursor) : std::string("live");
}

}  // namespace

std::chrono::milliseconds reconnect_delay(int failed_attempts, const ConsumerOptions& options,
                                          double jitter) {
  return core::backoff_delay(failed_attempts, options.reconnect_base_delay,
                             options.reconnect_max_delay, options.reconnect_jitter_percent, jitter);
}

// What lives on the consumer's thread. The io_context is the last member so that it is
// destroyed first: it destroys the suspended coroutines, whose streams refer to the rest.
struct FirehoseConsumer::Runtime {
  ssl::context tls{ssl::context::tls_client};
  firehose::FrameDecoder decoder{BlockCheck::blocks_read};
  firehose::Frame frame;
  PostBatch batch;
  SteadyClock::time_point batch_started;
  std::mt19937_64 random{std::random_device{}()};
  std::unique_ptr<Connection> connection;
  asio::io_context io{1};

  double jitter() { return std::uniform_real_distribution<double>(-1.0, 1.0)(random); }
};

// The reconnect loop and one connection's read loop, as coroutines on the runtime's
// io_context. Each returns why its connection ended (logged, and shown by /readyz).
class FirehoseConsumer::Connection {
 public:
  explicit Connection(FirehoseConsumer& consumer)
      : consumer_(consumer), runtime_(*consumer.runtime_), options_(consumer.options_) {}

  asio::awaitable<void> run() {
    int failures = 0;
    while (!consumer_.stopped_.load()) {
      connected_at_.reset();
      std::string why = co_await connect_and_read();
      consumer_.connected_.store(false);
      if (consumer_.stopped_.load()) break;
      // The posts read before the connection ended are good: hand them over, so that the
      // next connection resumes after them.
      if (!co_await flush()) break;
      consumer_.save_cursor(true);
      const bool healthy =
          connected_at_ && SteadyClock::now() - *connected_at_ >= options_.healthy_connection;
      failures = healthy ? 1 : failures + 1;
      consumer_.reconnects_.fetch_add(1);
      const auto delay = reconnect_delay(failures, options_, runtime_.jitter());
      core::log::warn("ingest_disconnected", {{"source", options_.source_url},
                                              {"reason", why},
                                              {"retry_in_ms", std::to_string(delay.count())}});
      consumer_.set_problem(std::move(why));
      co_await sleep(delay);
    }
  }

 private:
  asio::awaitable<void> sleep(std::chrono::milliseconds delay) {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    beast::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ignored));
  }

  asio::awaitable<std::string> connect_and_read() {
    const SourceUrl& url = consumer_.url_;
    auto executor = co_await asio::this_coro::executor;
    beast::error_code error;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(url.host, url.port,
                                                     asio::redirect_error(use_awaitable, error));
    if (error) co_return "resolving " + url.host + ": " + error.message();
    if (!url.tls) {
      websocket::stream<beast::tcp_stream> plain(executor);
      beast::get_lowest_layer(plain).expires_after(options_.connect_timeout);
      co_await beast::get_lowest_layer(plain).async_connect(
          endpoints, asio::redirect_error(use_awaitable, error));
      if (error) co_return "connecting: " + error.message();
      std::string why = co_await handshake_and_read(plain);
      co_return why;
    }
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> secure(executor, runtime_.tls);
    beast::get_lowest_layer(secure).expires_after(options_.connect_timeout);
    co_await beast::get_lowest_layer(secure).async_connect(
        endpoints, asio::redirect_error(use_awaitable, error));
    if (error) co_return "connecting: " + error.message();
    // SNI, and the certificate must name the host.
    if (!SSL_set_tlsext_host_name(secure.next_layer().native_handle(), url.host.c_str())) {
      co_return "TLS: cannot set the server name";
    }
    secure.next_layer().set_verify_mode(ssl::verify_peer);
    secure.next_layer().set_verify_callback(ssl::host_name_verification(url.host));
    co_await secure.next_layer().async_handshake(ssl::stream_base::client,
                                                 asio::redirect_error(use_awaitable, error));
    if (error) co_return "TLS handshake: " + error.message();
    std::string why = co_await handshake_and_read(secure);
    co_return why;
  }

  template <class Stream>
  asio::awaitable<std::string> handshake_and_read(Stream& stream) {
    beast::error_code error;
    beast::get_lowest_layer(stream).expires_never();
    // Beast's own timeouts: the upgrade, and no frame for idle_timeout ends the read.
    stream.set_option(
        websocket::stream_base::timeout{options_.connect_timeout, options_.idle_timeout, false});
    stream.read_message_max(options_.kind == SourceKind::firehose
                                ? core::limits::firehose_frame_bytes_max
                                : core::limits::jetstream_message_bytes_max);
    const std::string target =
        subscribe_target(consumer_.url_, options_.kind, consumer_.accepted_cursor_);
    co_await stream.async_handshake(host_header(consumer_.url_), target,
                                    asio::redirect_error(use_awaitable, error));
    if (error) co_return "WebSocket handshake: " + error.message();
    connected_at_ = SteadyClock::now();
    consumer_.connected_.store(true);
    core::log::info("ingest_connected", {{"source", options_.source_url},
                                         {"kind", std::string(source_kind_name(options_.kind))},
                                         {"cursor", describe_cursor(consumer_.accepted_cursor_)}});
    beast::flat_buffer buffer;
    for (;;) {
      buffer.consume(buffer.size());
      co_await stream.async_read(buffer, asio::redirect_error(use_awaitable, error));
      if (error == beast::error::timeout) {
        co_return "no frame for " + std::to_string(options_.idle_timeout.count()) + " ms";
      }
      if (error) co_return "reading: " + error.message();
      consumer_.frames_.fetch_add(1);
      consumer_.last_frame_ms_.store(consumer_.clock_.now_ms());
      const auto data = buffer.cdata();
      std::string end =
          handle_message({static_cast<const std::uint8_t*>(data.data()), data.size()});
      if (!end.empty()) co_return end;
      // A burst is over when nothing more waits on the socket: hand the batch over now, so
      // that a quiet stream is delivered at once and a busy one in few transactions.
      const bool burst_over = beast::get_lowest_layer(stream).socket().available() == 0;
      const bool batch_due = runtime_.batch.size() >= options_.batch_posts_max ||
                             (!runtime_.batch.empty() &&
                              SteadyClock::now() - runtime_.batch_started >= options_.batch_window);
      if (burst_over || batch_due) {
        if (!co_await flush()) co_return "stopping";
        consumer_.save_cursor(false);
      }
    }
  }

  // Hands the batch to the sink until it is accepted (retrying after a backoff); then every
  // event read so far is done. False when the consumer stops first.
  asio::awaitable<bool> flush() {
    int failures = 0;
    while (!runtime_.batch.empty()) {
      const auto posts = runtime_.batch.views();
      auto accepted = consumer_.sink_.accept(posts);
      if (accepted.ok()) {
        consumer_.posts_.fetch_add(posts.size());
        runtime_.batch.clear();
        break;
      }
      ++failures;
      consumer_.sink_errors_.fetch_add(1);
      const auto delay = reconnect_delay(failures, options_, runtime_.jitter());
      core::log::warn("ingest_sink_failed", {{"source", options_.source_url},
                                             {"error", accepted.error().message},
                                             {"posts", std::to_string(posts.size())},
                                             {"retry_in_ms", std::to_string(delay.count())}});
      co_await sleep(delay);
      if (consumer_.stopped_.load()) co_return false;
    }
    consumer_.accepted_cursor_ = consumer_.processed_cursor_;
    co_return true;
  }

  // Reads one message into the batch; returns why the connection must end, or empty.
  std::string handle_message(std::span<const std::uint8_t> message) {
    return options_.kind == SourceKind::firehose ? handle_firehose(message)
                                                 : handle_jetstream(message);
  }

  void skip_undecodable(const core::Error& error, std::size_t bytes) {
    consumer_.decode_errors_.fetch_add(1);
    core::log::warn("ingest_message_skipped", {{"source", options_.source_url},
                                               {"error", error.message},
                                               {"bytes", std::to_string(bytes)}});
  }

  // An event replayed by a source (a Jetstream cursor is inclusive; a reconnect may overlap)
  // was handled already.
  bool already_processed(std::int64_t cursor) const {
    return consumer_.processed_cursor_ && cursor <= *consumer_.processed_cursor_;
  }

  void processed(std::int64_t cursor) {
    consumer_.processed_cursor_ = cursor;
    ++consumer_.events_since_save_;
  }

  void note_event_time_ms(std::optional<std::int64_t> event_ms) {
    if (event_ms) consumer_.lag_ms_.store(consumer_.clock_.now_ms() - *event_ms);
  }

  std::string handle_firehose(std::span<const std::uint8_t> message) {
    auto decoded = runtime_.decoder.decode(message, runtime_.frame);
    if (!decoded.ok()) {
      skip_undecodable(decoded.error(), message.size());
      return {};
    }
    const firehose::Frame& frame = runtime_.frame;
    switch (frame.type) {
      case firehose::EventType::commit: {
        const firehose::CommitEvent& commit = frame.commit;
        if (already_processed(commit.seq)) return {};
        for (const auto& op : commit.ops) {
          if (op.action != firehose::OpAction::create) continue;
          if (op.record != firehose::RecordStatus::post) continue;
          if (runtime_.batch.empty()) runtime_.batch_started = SteadyClock::now();
          runtime_.batch.add_firehose_post(commit, op);
        }
        processed(commit.seq);
        note_event_time_ms(core::parse_rfc3339_ms(commit.time));
        return {};
      }
      case firehose::EventType::identity:
        if (options_.identity_changes != nullptr && !already_processed(frame.repo_event.seq)) {
          options_.identity_changes->note(frame.repo_event.did);
        }
        [[fallthrough]];
      case firehose::EventType::account:
      case firehose::EventType::sync:
        if (!already_processed(frame.repo_event.seq)) processed(frame.repo_event.seq);
        note_event_time_ms(core::parse_rfc3339_ms(frame.repo_event.time));
        return {};
      case firehose::EventType::info:
        // OutdatedCursor: the cursor is older than the source keeps; it streams from its
        // oldest event. Posts in between are lost, which only the log can say.
        core::log::warn(
            frame.info.name == outdated_cursor ? "ingest_cursor_outdated" : "ingest_source_info",
            {{"source", options_.source_url},
             {"name", std::string(frame.info.name)},
             {"message", std::string(frame.info.message)}});
        return {};
      case firehose::EventType::error: return source_error(frame.error);
      case firehose::EventType::unknown: return {};
    }
    return {};
  }

  std::string source_error(const firehose::ErrorEvent& error) {
    core::log::error("ingest_source_error", {{"source", options_.source_url},
                                             {"error", std::string(error.error)},
                                             {"message", std::string(error.message)}});
    if (error.error == future_cursor) {
      // The source's sequence is behind our cursor: it was reset or replaced. Its events
      // from now on are new to us, so forget the cursor and resume live.
      consumer_.accepted_cursor_.reset();
      consumer_.processed_cursor_.reset();
      consumer_.saved_cursor_.reset();
      if (auto cleared = consumer_.cursors_.clear(options_.source_url); !cleared.ok()) {
        core::log::error("ingest_cursor_not_saved",
                         {{"source", options_.source_url}, {"error", cleared.error().message}});
      }
      return "the source answered FutureCursor: resuming live";
    }
    std::string why = "the source ended the stream: ";
    why.append(error.error).append(" ").append(error.message);
    return why;
  }

  std::string handle_jetstream(std::span<const std::uint8_t> message) {
    const std::string_view text(reinterpret_cast<const char*>(message.data()), message.size());
    PostBatch& batch = runtime_.batch;
    const bool was_empty = batch.empty();
    const std::size_t size_before = batch.size();
    auto read = jetstream::read_event(text, batch);
    if (!read.ok()) {
      skip_undecodable(read.error(), message.size());
      return {};
    }
    if (already_processed(read->time_us)) {
      // Jetstream resumes at its cursor inclusive: drop the replayed post.
      while (batch.size() > size_before) batch.pop_back();
      return {};
    }
    if (was_empty && !batch.empty()) runtime_.batch_started = SteadyClock::now();
    processed(read->time_us);
    note_event_time_ms(read->time_us / 1'000);
    return {};
  }

  FirehoseConsumer& consumer_;
  Runtime& runtime_;
  const ConsumerOptions& options_;
  std::optional<SteadyClock::time_point> connected_at_;
};

core::Result<std::unique_ptr<FirehoseConsumer>> FirehoseConsumer::create(
    storage::IngestCursorRepository& cursors, PostSink& sink, const core::Clock& clock,
    ConsumerOptions options) {
  auto url = parse_source_url(options.source_url, options.kind);
  if (!url.ok()) return std::move(url).error();
  return std::unique_ptr<FirehoseConsumer>(
      new FirehoseConsumer(cursors, sink, clock, std::move(options), std::move(url).value()));
}

FirehoseConsumer::FirehoseConsumer(storage::IngestCursorRepository& cursors, PostSink& sink,
                                   const core::Clock& clock, ConsumerOptions options, SourceUrl url)
    : cursors_(cursors),
      sink_(sink),
      clock_(clock),
      options_(std::move(options)),
      url_(std::move(url)),
      runtime_(std::make_unique<Runtime>()) {
  runtime_->tls.set_default_verify_paths();
}

FirehoseConsumer::~FirehoseConsumer() { stop(); }

core::Result<void> FirehoseConsumer::start() {
  if (started_.exchange(true)) {
    return core::Error{core::ErrorCode::internal, "the ingest consumer was started already"};
  }
  auto persisted = cursors_.get(options_.source_url);
  if (!persisted.ok()) return std::move(persisted).error();
  accepted_cursor_ = *persisted;
  processed_cursor_ = *persisted;
  saved_cursor_ = *persisted;
  runtime_->connection = std::make_unique<Connection>(*this);
  asio::co_spawn(runtime_->io, runtime_->connection->run(), [](std::exception_ptr failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      core::log::error("ingest_stopped_by_exception", {{"error", error.what()}});
    }
  });
  thread_ = std::thread([this] { runtime_->io.run(); });
  return core::success();
}

void FirehoseConsumer::stop() {
  if (!started_.load() || stopped_.exchange(true)) return;
  runtime_->io.stop();
  if (thread_.joinable()) thread_.join();
  connected_.store(false);
  save_cursor(true);
}

void FirehoseConsumer::save_cursor(bool force) {
  if (!accepted_cursor_ || accepted_cursor_ == saved_cursor_) return;
  const std::int64_t now_ms = clock_.now_ms();
  const bool due = events_since_save_ >= options_.cursor_save_events ||
                   now_ms - last_save_ms_ >= options_.cursor_save_interval.count();
  if (!force && !due) return;
  auto saved = cursors_.save(options_.source_url, *accepted_cursor_, now_ms);
  if (!saved.ok()) {
    // The next save writes a later cursor; until then a restart replays a little more.
    core::log::warn("ingest_cursor_not_saved",
                    {{"source", options_.source_url}, {"error", saved.error().message}});
    return;
  }
  saved_cursor_ = accepted_cursor_;
  events_since_save_ = 0;
  last_save_ms_ = now_ms;
}

void FirehoseConsumer::set_problem(std::string problem) {
  std::lock_guard lock(status_mutex_);
  last_problem_ = std::move(problem);
}

ConsumerCounts FirehoseConsumer::counts() const {
  return {frames_.load(), posts_.load(), decode_errors_.load(), reconnects_.load(),
          sink_errors_.load()};
}

ConsumerStatus FirehoseConsumer::status() const {
  ConsumerStatus status;
  status.connected = connected_.load();
  status.last_frame_ms = last_frame_ms_.load();
  status.lag_ms = lag_ms_.load();
  std::lock_guard lock(status_mutex_);
  status.last_problem = last_problem_;
  return status;
}

services::ReadinessCheck FirehoseConsumer::readiness_check() const {
  services::ReadinessCheck check;
  check.name = "ingest";
  check.required = false;
  const ConsumerStatus now = status();
  const std::int64_t now_ms = clock_.now_ms();
  const std::string source = options_.source_url;
  if (!now.connected) {
    check.detail = "degraded: not connected to " + source;
    if (!now.last_problem.empty()) check.detail += " (" + now.last_problem + ")";
    check.detail += ", " + std::to_string(reconnects_.load()) + " reconnects";
    return check;
  }
  if (now.last_frame_ms == 0) {
    check.ok = true;
    check.detail = "connected to " + source + ", no event yet";
    return check;
  }
  const std::int64_t age_ms = now_ms - now.last_frame_ms;
  if (age_ms > options_.stale_after.count()) {
    check.detail =
        "degraded: connected to " + source + " but no frame for " + std::to_string(age_ms) + " ms";
    return check;
  }
  check.ok = true;
  check.detail = "connected to " + source + ", last frame " + std::to_string(age_ms) +
                 " ms ago, lag " + std::to_string(now.lag_ms) + " ms";
  return check;
}

}  // namespace roost::ingest
