// Mail through the real binary and a real SMTP server (tests/support/smtp-sink.py): a mail
// queued in the outbox is delivered by serve's mail worker; a recipient the server refuses
// is kept as failed; a server that is down leaves the mail pending while roost keeps
// serving; the options are checked at start-up and the SMTP password never reaches the log.
#include <gtest/gtest.h>

#include <thread>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"
#include "../support/smtp_sink.hpp"
#include "storage/database.hpp"
#include "storage/mail_outbox_repository.hpp"

namespace roost::testing {
namespace {

constexpr auto delivery_timeout = std::chrono::seconds(20);

class MailTest : public ::testing::Test {
 protected:
  std::unique_ptr<storage::Database> open_database(const RoostServer& server) {
    auto url = storage::parse_database_url("sqlite://" + (server.data_dir() / "roost.db").string());
    EXPECT_TRUE(url.ok());
    auto database = storage::open_database(*url, {});
    EXPECT_TRUE(database.ok());
    return database.ok() ? std::move(database).value() : nullptr;
  }

  // Queues a mail as a feature does: enqueue_mail inside a transaction of its own.
  void enqueue(const RoostServer& server, const storage::OutboundMail& mail) {
    auto database = open_database(server);
    ASSERT_TRUE(database);
    auto done = database->transact(storage::TransactionMode::read_write, [&](auto& transaction) {
      auto queued = storage::enqueue_mail(transaction, mail);
      if (!queued) return core::Result<void>(std::move(queued).error());
      return core::success();
    });
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  // Polls the outbox until `done` holds for its counts, or the timeout passes.
  template <class Predicate>
  storage::MailOutboxCounts wait_for_counts(const RoostServer& server, Predicate done) {
    auto database = open_database(server);
    storage::MailOutboxCounts counts;
    if (!database) return counts;
    storage::MailOutboxRepository outbox(*database);
    auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto counted = outbox.counts();
      if (counted.ok()) counts = *counted;
      if (done(counts)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return counts;
  }

  static std::vector<std::string> mail_options(const std::string& url) {
    return {"--smtp-url", url, "--smtp-from", "roost@example.com"};
  }
};

TEST_F(MailTest, AQueuedMailIsDelivered) {
  SmtpSink sink;
  RoostServer server(mail_options(sink.url()));
  const std::string subject = "Bienvenue dans l’équipe « Vélos »";
  enqueue(server, {"grace@example.com", subject, "Hello Grace,\nwelcome.\n", 1'000});
  auto mails = sink.wait_for(1, delivery_timeout);
  ASSERT_EQ(mails.size(), 1u) << server.log();
  EXPECT_EQ(mails[0].envelope_to, std::vector<std::string>{"grace@example.com"});
  EXPECT_EQ(mails[0].header("To"), "grace@example.com");
  EXPECT_EQ(mails[0].header("From"), "roost@example.com");
  EXPECT_EQ(decode_encoded_words(mails[0].header("Subject")), subject);
  EXPECT_EQ(mails[0].body(), "Hello Grace,\r\nwelcome.\r\n");
  auto counts = wait_for_counts(server, [](const auto& c) { return c.sent == 1; });
  EXPECT_EQ(counts.sent, 1);
  EXPECT_EQ(counts.pending, 0);
  auto metrics = http_request(server.port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("roost_mail_attempts_total{outcome=\"sent\"} 1"), std::string::npos)
      << metrics.body;
}

TEST_F(MailTest, ARefusedRecipientIsKeptAsFailedNotRetried) {
  SmtpSink sink;
  RoostServer server(mail_options(sink.url()));
  enqueue(server, {"rejected@example.com", "Hello", "Body\n", 1'000});
  auto counts = wait_for_counts(server, [](const auto& c) { return c.failed == 1; });
  EXPECT_EQ(counts.failed, 1) << server.log();
  EXPECT_EQ(counts.pending, 0);
  EXPECT_TRUE(sink.messages().empty());
  EXPECT_NE(server.wait_for_log("mail.failed").find("mail.failed"), std::string::npos)
      << server.log();
}

TEST_F(MailTest, AServerThatIsDownLeavesTheMailPendingAndRoostServing) {
  auto port = unused_port();
  RoostServer server(mail_options("smtp://127.0.0.1:" + std::to_string(port)));
  enqueue(server, {"grace@example.com", "Hello", "Body\n", 1'000});
  // The first attempt fails; the mail waits for its retry, still pending.
  auto deadline = std::chrono::steady_clock::now() + delivery_timeout;
  std::string metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = http_request(server.port(), "GET", "/metrics").body;
    if (metrics.find("roost_mail_attempts_total{outcome=\"failed\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.find("roost_mail_attempts_total{outcome=\"failed\"} 1"), std::string::npos)
      << metrics << server.log();
  auto counts = wait_for_counts(server, [](const auto& c) { return c.pending == 1; });
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_request(server.port(), "GET", "/api/v1/me").status, 401);
  EXPECT_NE(server.wait_for_log("mail.retry_scheduled").find("mail.retry_scheduled"),
            std::string::npos)
      << server.log();
  // And it stops cleanly on SIGTERM with the mail still queued.
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(std::chrono::seconds(10)), std::optional<int>(0));
}

TEST_F(MailTest, ThePasswordOfTheSmtpUrlNeverReachesTheLog) {
  SmtpSink sink;
  RoostServer server(
      mail_options("smtp://roost:hunter2-secret@127.0.0.1:" + std::to_string(sink.port())));
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
  auto log = server.wait_for_log("roost:***@127.0.0.1");
  EXPECT_EQ(log.find("hunter2-secret"), std::string::npos) << log;
  EXPECT_NE(log.find("roost:***@127.0.0.1"), std::string::npos) << log;
}

TEST_F(MailTest, SmtpOptionsAreCheckedAtStartUp) {
  auto data_dir = make_temp_directory("roost-mail-test");
  auto without_from = run_roost({"serve", "--data-dir", data_dir.string(), "--listen",
                                 "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:25"});
  EXPECT_NE(without_from.exit_code, 0);
  EXPECT_NE(without_from.output.find("--smtp-from"), std::string::npos) << without_from.output;
  auto bad_scheme =
      run_roost({"serve", "--data-dir", data_dir.string(), "--listen", "127.0.0.1:0", "--smtp-url",
                 "http://127.0.0.1:25", "--smtp-from", "roost@example.com"});
  EXPECT_NE(bad_scheme.exit_code, 0);
  EXPECT_NE(bad_scheme.output.find("smtp://"), std::string::npos) << bad_scheme.output;
  auto bad_public_url = run_roost({"serve", "--data-dir", data_dir.string(), "--listen",
                                   "127.0.0.1:0", "--public-url", "roost.example.com"});
  EXPECT_NE(bad_public_url.exit_code, 0);
  EXPECT_NE(bad_public_url.output.find("--public-url"), std::string::npos) << bad_public_url.output;
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace roost::testing
