#include "app/config.hpp"

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
