// The mail worker with a clock the test controls: the backoff schedule, giving up after the
// last attempt, a permanent refusal not retried; and delivery through the real SMTP
// transport to a real SMTP server (tests/support/smtp-sink.py), including a server that is
// down at first and up by the retry.
#include "scheduler/mail_worker.hpp"

#include <gtest/gtest.h>

#include <deque>

#include <nlohmann/json.hpp>

#include "../storage/scratch_database.hpp"
#include "../support/smtp_sink.hpp"
#include "networks/smtp/smtp_transport.hpp"
#include "storage/migrations.hpp"

namespace roost::scheduler {
namespace {

using std::chrono::milliseconds;

class FakeClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(milliseconds by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_{milliseconds(1'700'000'000'000)};
};

// Answers each send with the next scripted result (success once the script is spent).
class ScriptedTransport final : public networks::smtp::MailTransport {
 public:
  core::Result<void> send(const storage::OutboundMail& mail) override {
    sent_to.push_back(mail.to_address);
    if (script.empty()) return core::success();
    auto next = script.front();
    script.pop_front();
    if (!next) return core::success();
    return core::make_error(*next, failure_message);
  }
  std::deque<std::optional<core::ErrorCode>> script;
  std::string failure_message = "scripted failure";
  std::vector<std::string> sent_to;
};

class MailWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    outbox_ = std::make_unique<storage::MailOutboxRepository>(*database_);
  }

  void enqueue(const std::string& to, const std::string& subject = "Hello",
               const std::string& body = "Body\n") {
    auto done = database_->transact(storage::TransactionMode::read_write, [&](auto& transaction) {
      auto queued = storage::enqueue_mail(transaction, {to, subject, body, clock_.now_ms()});
      if (!queued) return core::Result<void>(std::move(queued).error());
      return core::success();
    });
    ASSERT_TRUE(done.ok());
  }

  std::size_t run(MailWorker& worker) {
    auto tried = worker.run_once();
    EXPECT_TRUE(tried.ok()) << (tried.ok() ? "" : tried.error().message);
    return tried.ok() ? *tried : 0;
  }

  // What the outbox keeps of the last failure of the one mail in it.
  std::string last_error() {
    std::string error;
    auto done = database_->transact(
        storage::TransactionMode::read_only, [&](storage::Transaction& transaction) {
          auto row = transaction.query_one("SELECT last_error FROM mail_outbox");
          if (!row) return core::Result<void>(std::move(row).error());
          error = (*row)->text(0);
          return core::success();
        });
    EXPECT_TRUE(done.ok());
    return error;
  }

  storage::MailOutboxCounts counts() {
    auto counted = outbox_->counts();
    EXPECT_TRUE(counted.ok());
    return counted.ok() ? *counted : storage::MailOutboxCounts{};
  }

  FakeClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::MailOutboxRepository> outbox_;
};

TEST(MailRetryDelay, DoublesFromTheBaseUpToTheMaximum) {
  MailWorkerOptions options;
  options.retry_base_delay = milliseconds(30'000);
  options.retry_max_delay = milliseconds(200'000);
  EXPECT_EQ(mail_retry_delay(1, options), milliseconds(30'000));
  EXPECT_EQ(mail_retry_delay(2, options), milliseconds(60'000));
  EXPECT_EQ(mail_retry_delay(3, options), milliseconds(120'000));
  EXPECT_EQ(mail_retry_delay(4, options), milliseconds(200'000));
  EXPECT_EQ(mail_retry_delay(50, options), milliseconds(200'000));
  // The shipped constants: the last retry waits the maximum, not more.
  MailWorkerOptions shipped;
  EXPECT_EQ(mail_retry_delay(shipped.attempts_max, shipped), shipped.retry_max_delay);
  EXPECT_LT(mail_retry_delay(1, shipped), shipped.retry_max_delay);
}

TEST_F(MailWorkerTest, RetriesOnTheBackoffScheduleThenGivesUp) {
  ScriptedTransport transport;
  MailWorkerOptions options;
  options.attempts_max = 4;
  for (int i = 0; i < options.attempts_max; ++i) {
    transport.script.push_back(core::ErrorCode::unavailable);
  }
  MailWorker worker(*outbox_, transport, clock_, options);
  enqueue("grace@example.com");

  EXPECT_EQ(run(worker), 1u);  // attempt 1 fails
  for (int failed = 1; failed < options.attempts_max; ++failed) {
    auto delay = mail_retry_delay(failed, options);
    clock_.advance(delay - milliseconds(1));
    EXPECT_EQ(run(worker), 0u) << "retried before its delay, after failure " << failed;
    clock_.advance(milliseconds(1));
    EXPECT_EQ(run(worker), 1u) << "not retried after its delay, after failure " << failed;
  }
  EXPECT_EQ(transport.sent_to.size(), static_cast<std::size_t>(options.attempts_max));
  EXPECT_EQ(counts().failed, 1);
  EXPECT_EQ(counts().pending, 0);
  clock_.advance(options.retry_max_delay * 10);
  EXPECT_EQ(run(worker), 0u);  // given up: never tried again
  auto delivered = worker.counts();
  EXPECT_EQ(delivered.attempts_failed_total, 4u);
  EXPECT_EQ(delivered.given_up_total, 1u);
  EXPECT_EQ(delivered.sent_total, 0u);
  EXPECT_EQ(delivered.outbox_failed, 1);
}

TEST_F(MailWorkerTest, ARetrySucceeds) {
  ScriptedTransport transport;
  transport.script = {core::ErrorCode::unavailable, std::nullopt};
  MailWorker worker(*outbox_, transport, clock_);
  enqueue("grace@example.com");
  EXPECT_EQ(run(worker), 1u);
  EXPECT_EQ(counts().pending, 1);
  clock_.advance(core::limits::mail_retry_base_delay);
  EXPECT_EQ(run(worker), 1u);
  EXPECT_EQ(counts().sent, 1);
  EXPECT_EQ(worker.counts().sent_total, 1u);
  EXPECT_EQ(worker.counts().outbox_pending, 0);
}

TEST_F(MailWorkerTest, APermanentRefusalIsNotRetried) {
  ScriptedTransport transport;
  transport.script = {core::ErrorCode::invalid_request};
  MailWorker worker(*outbox_, transport, clock_);
  enqueue("nobody@example.com");
  EXPECT_EQ(run(worker), 1u);
  EXPECT_EQ(counts().failed, 1);
  clock_.advance(core::limits::mail_retry_max_delay * 2);
  EXPECT_EQ(run(worker), 0u);
  EXPECT_EQ(transport.sent_to.size(), 1u);
}

TEST_F(MailWorkerTest, ALongErrorIsKeptCutBetweenCharacters) {
  // A server's reply in French, past the limit, and one byte ahead so that a byte cut at the
  // limit would split an "é": PostgreSQL refuses such text, and a JSON writer throws on it.
  const std::string accent = "\xC3\xA9";
  static_assert(core::limits::mail_last_error_bytes_max % 2 == 0);
  std::string reply = "x";
  while (reply.size() <= core::limits::mail_last_error_bytes_max) reply += accent;
  ScriptedTransport transport;
  transport.script = {core::ErrorCode::unavailable, core::ErrorCode::invalid_request};
  transport.failure_message = reply;
  MailWorker worker(*outbox_, transport, clock_);
  enqueue("grace@example.com");

  const std::string kept = reply.substr(0, core::limits::mail_last_error_bytes_max - 1);
  EXPECT_EQ(run(worker), 1u);  // a retry is scheduled
  EXPECT_EQ(last_error(), kept);
  clock_.advance(core::limits::mail_retry_base_delay);
  EXPECT_EQ(run(worker), 1u);  // refused for good
  EXPECT_EQ(counts().failed, 1);
  EXPECT_EQ(last_error(), kept);
  EXPECT_NO_THROW(nlohmann::json({{"last_error", last_error()}}).dump());
}

TEST_F(MailWorkerTest, StopsPromptlyWhileIdle) {
  ScriptedTransport transport;
  MailWorkerOptions options;
  options.poll_interval = std::chrono::hours(1);
  MailWorker worker(*outbox_, transport, clock_, options);
  worker.start();
  const auto started = std::chrono::steady_clock::now();
  worker.stop();  // the thread is woken, not left to sleep out the hour
  worker.stop();  // idempotent
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

// Through the real transport to a real SMTP server.
TEST_F(MailWorkerTest, DeliversThroughSmtpWithAUtf8Subject) {
  testing::SmtpSink sink;
  auto transport = networks::smtp::SmtpTransport::create({sink.url(), "roost@example.com"});
  ASSERT_TRUE(transport.ok());
  MailWorker worker(*outbox_, **transport, clock_);
  const std::string subject = "Invitation à « Vélos » ✓";
  enqueue("grace@example.com", subject, "Hello Grace,\n.\nJoin us: https://roost.example/x\n");
  EXPECT_EQ(run(worker), 1u);
  auto mails = sink.wait_for(1);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].envelope_to, std::vector<std::string>{"grace@example.com"});
  EXPECT_EQ(mails[0].envelope_from, "roost@example.com");
  EXPECT_EQ(mails[0].header("To"), "grace@example.com");
  EXPECT_EQ(mails[0].header("From"), "roost@example.com");
  EXPECT_EQ(testing::decode_encoded_words(mails[0].header("Subject")), subject);
  EXPECT_FALSE(mails[0].header("Date").empty());
  EXPECT_NE(mails[0].header("Message-ID").find("@example.com>"), std::string::npos);
  // The lone dot survived the SMTP transfer (dot-stuffed by libcurl, unstuffed by the server).
  EXPECT_EQ(mails[0].body(), "Hello Grace,\r\n.\r\nJoin us: https://roost.example/x\r\n");
  EXPECT_EQ(counts().sent, 1);
}

TEST_F(MailWorkerTest, AServerDownAtFirstGetsTheMailOnTheRetry) {
  auto port = testing::unused_port();
  auto transport = networks::smtp::SmtpTransport::create(
      {"smtp://127.0.0.1:" + std::to_string(port), "roost@example.com"});
  ASSERT_TRUE(transport.ok());
  MailWorker worker(*outbox_, **transport, clock_);
  enqueue("grace@example.com");
  EXPECT_EQ(run(worker), 1u);
  EXPECT_EQ(counts().pending, 1);
  EXPECT_EQ(worker.counts().attempts_failed_total, 1u);

  testing::SmtpSink sink(port);
  EXPECT_EQ(run(worker), 0u);  // not due yet
  clock_.advance(core::limits::mail_retry_base_delay);
  EXPECT_EQ(run(worker), 1u);
  EXPECT_EQ(sink.wait_for(1).size(), 1u);
  EXPECT_EQ(counts().sent, 1);
}

TEST_F(MailWorkerTest, ARecipientTheServerRefusesFailsForGood) {
  testing::SmtpSink sink;
  auto transport = networks::smtp::SmtpTransport::create({sink.url(), "roost@example.com"});
  ASSERT_TRUE(transport.ok());
  MailWorker worker(*outbox_, **transport, clock_);
  enqueue("rejected@example.com");
  EXPECT_EQ(run(worker), 1u);
  EXPECT_EQ(counts().failed, 1);
  EXPECT_EQ(worker.counts().given_up_total, 1u);
  EXPECT_TRUE(sink.messages().empty());
}

}  // namespace
}  // namespace roost::scheduler
