#include "app/config.hpp"
#include "core/limits.hpp"
#include "ingest/ingest_leadership.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <sstream>

namespace roost::app {
namespace {

struct Parsed {
  Config config;
  std::string error;  // what was printed on error; empty when the parse succeeded
};

Parsed parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "serve");
  std::ostringstream out, err;
  auto command_line = parse_command_line(arguments, out, err);
  Parsed parsed{command_line.config, command_line.exit_code >= 0 ? err.str() + "!" : ""};
  return parsed;
}

TEST(Config, DefaultsDeriveFromTheDataDir) {
  auto parsed = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  ASSERT_TRUE(finish_config(parsed.config).ok());
  EXPECT_EQ(parsed.config.database_url, "sqlite:///srv/roost/roost.db");
  EXPECT_EQ(parsed.config.secret_key_file, "/srv/roost/secret.key");
  EXPECT_EQ(parsed.config.listen, "127.0.0.1:8080");
}

TEST(Config, PublicUrlDerivesFromListen) {
  auto parsed = parse({"--data-dir", "/srv/roost", "--listen", "0.0.0.0:9000"});
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  ASSERT_TRUE(finish_config(parsed.config).ok());
  EXPECT_EQ(parsed.config.public_url, "http://localhost:9000");

  auto given = parse({"--data-dir", "/srv/roost", "--public-url", "https://roost.example.com/"});
  ASSERT_TRUE(finish_config(given.config).ok());
  EXPECT_EQ(given.config.public_url, "https://roost.example.com");

  auto relative = parse({"--data-dir", "/srv/roost", "--public-url", "roost.example.com"});
  EXPECT_FALSE(finish_config(relative.config).ok());
}

TEST(Config, SmtpUrlNeedsAFromAddress) {
  auto without_from = parse({"--data-dir", "/srv/roost", "--smtp-url", "smtp://mail:25"});
  ASSERT_TRUE(without_from.error.empty()) << without_from.error;
  auto finished = finish_config(without_from.config);
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.error().message.find("--smtp-from"), std::string::npos);

  auto with_from = parse({"--data-dir", "/srv/roost", "--smtp-url", "smtp://mail:25", "--smtp-from",
                          "roost@example.com"});
  EXPECT_TRUE(finish_config(with_from.config).ok());
  EXPECT_EQ(with_from.config.smtp_from, "roost@example.com");
  // No SMTP URL: no mail, and no From address needed.
  auto none = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(finish_config(none.config).ok());
  EXPECT_TRUE(none.config.smtp_url.empty());
}

TEST(Config, IngestSourceIsOptionalAndCheckedForItsKind) {
  auto none = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(finish_config(none.config).ok());
  EXPECT_TRUE(none.config.ingest_source.empty());
  EXPECT_EQ(none.config.ingest_kind, "firehose");

  auto relay = parse({"--data-dir", "/srv/roost", "--ingest-source", "wss://bsky.network"});
  ASSERT_TRUE(relay.error.empty()) << relay.error;
  EXPECT_TRUE(finish_config(relay.config).ok());
  EXPECT_EQ(relay.config.ingest_source, "wss://bsky.network");

  auto jetstream = parse({"--data-dir", "/srv/roost", "--ingest-source",
                          "wss://jetstream2.us-east.bsky.network", "--ingest-kind", "jetstream"});
  ASSERT_TRUE(jetstream.error.empty()) << jetstream.error;
  EXPECT_TRUE(finish_config(jetstream.config).ok());
  EXPECT_EQ(jetstream.config.ingest_kind, "jetstream");

  auto http = parse({"--data-dir", "/srv/roost", "--ingest-source", "https://bsky.network"});
  auto refused = finish_config(http.config);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("ws://"), std::string::npos);
  EXPECT_FALSE(parse({"--data-dir", "/srv/roost", "--ingest-kind", "rss"}).error.empty());
}

TEST(Config, IngestLeaderRetryHasTheLeadershipsDefaultAndABoundedRange) {
  auto defaults = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(defaults.error.empty()) << defaults.error;
  EXPECT_EQ(defaults.config.ingest_leader_retry_ms, ingest::leader_retry_default.count());
  auto set = parse({"--data-dir", "/srv/roost", "--ingest-leader-retry-ms", "300"});
  ASSERT_TRUE(set.error.empty()) << set.error;
  EXPECT_EQ(set.config.ingest_leader_retry_ms, 300);
  EXPECT_FALSE(parse({"--ingest-leader-retry-ms", "0"}).error.empty());
  EXPECT_FALSE(parse({"--ingest-leader-retry-ms", "soon"}).error.empty());
}

TEST(Config, PublishPollAndLeaseHaveTheLimitsDefaultsAndBoundedRanges) {
  auto defaults = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(defaults.error.empty()) << defaults.error;
  EXPECT_EQ(defaults.config.publish_poll_ms, core::limits::publish_poll_interval.count());
  EXPECT_FALSE(defaults.config.publish_lease_ms.has_value());
  auto set = parse(
      {"--data-dir", "/srv/roost", "--publish-poll-ms", "60000", "--publish-lease-ms", "1500"});
  ASSERT_TRUE(set.error.empty()) << set.error;
  EXPECT_EQ(set.config.publish_poll_ms, 60'000);
  EXPECT_EQ(set.config.publish_lease_ms, 1'500);
  EXPECT_FALSE(parse({"--publish-poll-ms", "0"}).error.empty());
  EXPECT_FALSE(parse({"--publish-lease-ms", "999"}).error.empty());
  EXPECT_FALSE(parse({"--publish-lease-ms", "soon"}).error.empty());
}

// ADR 0035: a lease given sets the job lease too, even when it equals the default (it was
// compared with the default before, so `--publish-lease-ms 240000` was silently ignored for
// the job lease); not given, the job lease stays 0 (every call's timeout).
TEST(Config, APublishLeaseGivenSetsTheJobLeaseEvenWhenItEqualsTheDefault) {
  auto defaults = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(defaults.error.empty()) << defaults.error;
  auto by_default = publish_dispatcher_options(defaults.config);
  EXPECT_EQ(by_default.claim_lease, core::limits::publish_claim_lease);
  EXPECT_EQ(by_default.job_lease.count(), 0);

  const auto default_ms = std::to_string(core::limits::publish_claim_lease.count());
  auto equal = parse({"--data-dir", "/srv/roost", "--publish-lease-ms", default_ms});
  ASSERT_TRUE(equal.error.empty()) << equal.error;
  auto given_default = publish_dispatcher_options(equal.config);
  EXPECT_EQ(given_default.claim_lease, core::limits::publish_claim_lease);
  EXPECT_EQ(given_default.job_lease, core::limits::publish_claim_lease);

  auto shorter = parse(
      {"--data-dir", "/srv/roost", "--publish-lease-ms", "1500", "--publish-poll-ms", "60000"});
  ASSERT_TRUE(shorter.error.empty()) << shorter.error;
  auto given = publish_dispatcher_options(shorter.config);
  EXPECT_EQ(given.claim_lease.count(), 1'500);
  EXPECT_EQ(given.job_lease.count(), 1'500);
  EXPECT_EQ(given.poll_interval.count(), 60'000);
}

TEST(Config, TheDispatcherRunsByDefaultAndMayBeOffOnlyOnPostgres) {
  auto defaults = parse({"--data-dir", "/srv/roost"});
  ASSERT_TRUE(defaults.error.empty()) << defaults.error;
  EXPECT_TRUE(defaults.config.publish_dispatcher);
  EXPECT_TRUE(finish_config(defaults.config).ok());

  auto off =
      parse({"--database-url", "postgresql://roost@db/roost", "--publish-dispatcher", "false"});
  ASSERT_TRUE(off.error.empty()) << off.error;
  EXPECT_FALSE(off.config.publish_dispatcher);
  EXPECT_TRUE(finish_config(off.config).ok());

  // On SQLite (one process) nobody else would publish: refused with the reason.
  auto lonely = parse({"--data-dir", "/srv/roost", "--publish-dispatcher", "false"});
  ASSERT_TRUE(lonely.error.empty()) << lonely.error;
  auto finished = finish_config(lonely.config);
  ASSERT_FALSE(finished.ok());
  EXPECT_EQ(finished.error().code, core::ErrorCode::configuration_error);
  EXPECT_NE(finished.error().message.find("PostgreSQL"), std::string::npos)
      << finished.error().message;
  EXPECT_FALSE(parse({"--publish-dispatcher", "maybe"}).error.empty());
}

TEST(Config, UnknownFlagIsAnError) {
  EXPECT_FALSE(parse({"--lisen", "127.0.0.1:1"}).error.empty());
}

TEST(Config, BadValuesAreErrors) {
  EXPECT_FALSE(parse({"--log-format", "xml"}).error.empty());
  EXPECT_FALSE(parse({"--io-threads", "0"}).error.empty());
  EXPECT_FALSE(parse({"--header-timeout-ms", "soon"}).error.empty());
}

TEST(Config, EnvironmentVariablesAreReadAndFlagsWin) {
  ::setenv("ROOST_LISTEN", "127.0.0.1:9999", 1);
  ::setenv("ROOST_LOG_FORMAT", "json", 1);
  auto from_env = parse({});
  EXPECT_EQ(from_env.config.listen, "127.0.0.1:9999");
  EXPECT_EQ(from_env.config.log_format, "json");
  auto from_flag = parse({"--listen", "127.0.0.1:7777"});
  EXPECT_EQ(from_flag.config.listen, "127.0.0.1:7777");
  ::unsetenv("ROOST_LISTEN");
  ::unsetenv("ROOST_LOG_FORMAT");
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("roost-config-" + std::to_string(::getpid()) + ".toml");
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(ConfigFileTest, KeysAreRead) {
  std::ofstream(path_) << "listen = \"127.0.0.1:8181\"\nlog-format = \"json\"\n";
  auto parsed = parse({"--config", path_.string()});
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.config.listen, "127.0.0.1:8181");
  EXPECT_EQ(parsed.config.log_format, "json");
}

TEST_F(ConfigFileTest, UnknownKeyIsAnError) {
  std::ofstream(path_) << "listen = \"127.0.0.1:8181\"\nlisten_adress = \"x\"\n";
  auto parsed = parse({"--config", path_.string()});
  EXPECT_NE(parsed.error.find("unknown key 'listen_adress'"), std::string::npos) << parsed.error;
}

TEST_F(ConfigFileTest, CommandLineWinsOverTheFileAndTheFileOverTheEnvironment) {
  std::ofstream(path_) << "listen = \"127.0.0.1:8181\"\nlog-level = \"warn\"\n";
  ::setenv("ROOST_LOG_LEVEL", "debug", 1);
  ::setenv("ROOST_IO_THREADS", "3", 1);
  auto parsed = parse({"--config", path_.string(), "--listen", "127.0.0.1:9000"});
  ::unsetenv("ROOST_LOG_LEVEL");
  ::unsetenv("ROOST_IO_THREADS");
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.config.listen, "127.0.0.1:9000");
  EXPECT_EQ(parsed.config.log_level, "warn");
  EXPECT_EQ(parsed.config.io_threads, 3);
}

TEST_F(ConfigFileTest, MissingConfigFileIsAnError) {
  EXPECT_FALSE(parse({"--config", "/nonexistent/roost.toml"}).error.empty());
}

TEST(CommandLine, CommandsAreRecognised) {
  std::ostringstream out, err;
  EXPECT_EQ(parse_command_line({"version"}, out, err).command, Command::version);
  auto migrate = parse_command_line({"migrate", "--status"}, out, err);
  EXPECT_EQ(migrate.command, Command::migrate);
  EXPECT_TRUE(migrate.status_only);
  EXPECT_GT(parse_command_line({}, out, err).exit_code, 0);
  EXPECT_GT(parse_command_line({"frobnicate"}, out, err).exit_code, 0);
}

TEST(ServerOptions, ListenAddressIsParsed) {
  Config config;
  config.listen = "0.0.0.0:0";
  auto options = server_options(config);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->address, "0.0.0.0");
  EXPECT_EQ(options->port, 0);
  config.listen = "[::1]:8080";
  EXPECT_EQ(server_options(config)->address, "::1");
  for (const char* bad : {"8080", "localhost:", "127.0.0.1:99999", "127.0.0.1:80x", ":80"}) {
    config.listen = bad;
    auto refused = server_options(config);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, core::ErrorCode::configuration_error);
  }
}

}  // namespace
}  // namespace roost::app
