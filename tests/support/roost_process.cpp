#include "roost_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace roost::testing {
namespace {

std::vector<char*> to_argv(std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

std::filesystem::path roost_binary() {
  const char* path = std::getenv("ROOST_BINARY");
  if (path != nullptr && *path != '\0') return path;
#ifdef ROOST_BINARY_PATH
  return ROOST_BINARY_PATH;
#else
  throw std::runtime_error("set ROOST_BINARY to the roost binary under test");
#endif
}

std::filesystem::path make_temp_directory(const std::string& prefix) {
  std::random_device random;
  auto path = std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path);
  return path;
}

ProcessResult run_roost(const std::vector<std::string>& arguments,
                        std::chrono::milliseconds timeout,
                        const std::vector<std::string>& environment) {
  return run_roost_with_input(arguments, {}, timeout, environment);
}

ProcessResult run_roost_with_input(const std::vector<std::string>& arguments,
                                   const std::string& input, std::chrono::milliseconds timeout,
                                   const std::vector<std::string>& environment) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  int input_fds[2];
  if (::pipe(input_fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_strings{roost_binary().string()};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that was killed
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::dup2(input_fds[0], STDIN_FILENO);
    ::close(pipe_fds[0]);
    ::close(input_fds[1]);
    for (const auto& variable : environment) ::putenv(const_cast<char*>(variable.c_str()));
    auto argv = to_argv(argv_strings);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  ::close(input_fds[0]);
  // Small inputs only (a password): they fit in the pipe's buffer, so this cannot block.
  if (!input.empty()) {
    [[maybe_unused]] auto written = ::write(input_fds[1], input.data(), input.size());
  }
  ::close(input_fds[1]);
  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd descriptor{pipe_fds[0], POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) continue;
    auto length = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (length <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(length));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

RoostServer::RoostServer(std::vector<std::string> extra_arguments, std::filesystem::path data_dir)
    : data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    data_dir_ = make_temp_directory("roost-http-test");
    owns_data_dir_ = true;
  }
  log_path_ = data_dir_ / ("roost-" + std::to_string(std::random_device{}()) + ".log");
  int stdout_pipe[2];
  if (::pipe(stdout_pipe) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> arguments{roost_binary().string(), "serve",      "--listen",
                                     "127.0.0.1:0",           "--data-dir", data_dir_.string()};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that was killed
    ::dup2(stdout_pipe[1], STDOUT_FILENO);
    int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(log_fd, STDERR_FILENO);
    ::close(stdout_pipe[0]);
    auto argv = to_argv(arguments);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(stdout_pipe[1]);
  std::string output;
  static const std::regex listening("roost listening on http://127\\.0\\.0\\.1:([0-9]+)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::smatch match;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd descriptor{stdout_pipe[0], POLLIN, 0};
    if (::poll(&descriptor, 1, 100) <= 0) continue;
    char buffer[1024];
    auto length = ::read(stdout_pipe[0], buffer, sizeof buffer);
    if (length <= 0) break;
    output.append(buffer, static_cast<std::size_t>(length));
    if (std::regex_search(output, match, listening)) {
      port_ = static_cast<unsigned short>(std::stoi(match[1]));
      break;
    }
  }
  ::close(stdout_pipe[0]);
  if (port_ == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("roost did not start: " + output + "\n" + log());
  }
}

RoostServer::~RoostServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  if (owns_data_dir_) std::filesystem::remove_all(data_dir_, ignored);
}

void RoostServer::signal(int signal_number) {
  if (pid_ > 0) ::kill(pid_, signal_number);
}

std::optional<int> RoostServer::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::string RoostServer::log() const {
  std::ifstream input(log_path_);
  std::stringstream contents;
  contents << input.rdbuf();
  return contents.str();
}

std::string RoostServer::wait_for_log(std::string_view needle,
                                      std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto contents = log();
  while (contents.find(needle) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    contents = log();
  }
  return contents;
}

}  // namespace roost::testing
