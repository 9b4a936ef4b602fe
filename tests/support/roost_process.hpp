#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// Runs the real `roost` binary for a scenario test: `roost serve` on 127.0.0.1 port 0,
// with its own data directory, its stdout read until it prints the URL it listens on.
namespace roost::testing {

std::filesystem::path roost_binary();  // from the ROOST_BINARY environment variable
std::filesystem::path make_temp_directory(const std::string& prefix);

struct ProcessResult {
  int exit_code = -1;  // -1: still running or killed by a signal
  std::string output;  // stdout and stderr, interleaved
};

// Runs roost with these arguments to completion (start-up errors, `migrate`, `version`).
ProcessResult run_roost(const std::vector<std::string>& arguments,
                        std::chrono::milliseconds timeout = std::chrono::seconds(20),
                        const std::vector<std::string>& environment = {});

// The same, with `input` on its standard input (then closed): `--password-stdin`.
ProcessResult run_roost_with_input(const std::vector<std::string>& arguments,
                                   const std::string& input,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(20),
                                   const std::vector<std::string>& environment = {});

class RoostServer {
 public:
  // Starts `roost serve --listen 127.0.0.1:0 --data-dir DIR <extra>`; throws if it does
  // not print its URL within the timeout (the test fails with roost's output).
  explicit RoostServer(std::vector<std::string> extra_arguments = {},
                       std::filesystem::path data_dir = {});
  ~RoostServer();
  RoostServer(const RoostServer&) = delete;
  RoostServer& operator=(const RoostServer&) = delete;

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }  // -1 once it exited and was waited for
  const std::filesystem::path& data_dir() const { return data_dir_; }
  void signal(int signal_number);
  // Waits for the process to exit; returns its exit code, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string log() const;  // everything it wrote to stderr so far
  // The log once it contains `needle`, or as it is after `timeout`. Info lines reach
  // stderr from a writer thread within milliseconds (docs/adr/0008), not at once.
  std::string wait_for_log(std::string_view needle,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  bool owns_data_dir_ = false;
};

}  // namespace roost::testing
