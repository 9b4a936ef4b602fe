#include "smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace roost::testing {
namespace {

constexpr const char* python = "/usr/bin/python3";  // Debian's, which has aiosmtpd

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

ReceivedMail parse(const std::string& file) {
  ReceivedMail mail;
  std::size_t position = 0;
  for (;;) {
    auto end = file.find("\r\n", position);
    if (end == std::string::npos) break;
    std::string line = file.substr(position, end - position);
    if (line.rfind("X-Envelope-To: ", 0) == 0) {
      mail.envelope_to.push_back(line.substr(15));
    } else if (line.rfind("X-Envelope-From: ", 0) == 0) {
      mail.envelope_from = line.substr(17);
    } else {
      break;
    }
    position = end + 2;
  }
  mail.raw = file.substr(position);
  return mail;
}

}  // namespace

std::string ReceivedMail::header(const std::string& name) const {
  auto blank = raw.find("\r\n\r\n");
  std::string head = raw.substr(0, blank == std::string::npos ? raw.size() : blank + 2);
  std::string prefix = name + ":";
  std::size_t position = 0;
  while (position < head.size()) {
    auto end = head.find("\r\n", position);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(position, end - position);
    position = end + 2;
    if (line.size() < prefix.size() ||
        !std::equal(prefix.begin(), prefix.end(), line.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      continue;
    }
    std::string value = line.substr(prefix.size());
    // Continuation lines start with a space or a tab.
    while (position < head.size() && (head[position] == ' ' || head[position] == '\t')) {
      auto next = head.find("\r\n", position);
      if (next == std::string::npos) next = head.size();
      value += head.substr(position, next - position);
      position = next + 2;
    }
    auto first = value.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : value.substr(first);
  }
  return {};
}

std::string ReceivedMail::body() const {
  auto blank = raw.find("\r\n\r\n");
  return blank == std::string::npos ? std::string() : raw.substr(blank + 4);
}

SmtpSink::SmtpSink(unsigned short port) {
  directory_ =
      std::filesystem::temp_directory_path() / ("roost-smtp-sink-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(directory_);
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::string script = ROOST_SMTP_SINK_PATH;
  std::string directory = directory_.string();
  std::string port_text = std::to_string(port);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that was killed
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    std::vector<char*> argv{const_cast<char*>(python), script.data(), directory.data(),
                            port_text.data(), nullptr};
    ::execv(python, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string printed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (printed.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd descriptor{out[0], POLLIN, 0};
    if (::poll(&descriptor, 1, 100) <= 0) continue;
    char buffer[64];
    auto length = ::read(out[0], buffer, sizeof buffer);
    if (length <= 0) break;
    printed.append(buffer, static_cast<std::size_t>(length));
  }
  ::close(out[0]);
  if (printed.find('\n') == std::string::npos) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw std::runtime_error("smtp-sink.py did not start (is python3-aiosmtpd installed?)");
  }
  port_ = static_cast<unsigned short>(std::stoi(printed));
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::vector<ReceivedMail> SmtpSink::messages() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    if (entry.path().extension() == ".eml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ReceivedMail> mails;
  for (const auto& file : files) mails.push_back(parse(read_file(file)));
  return mails;
}

std::vector<ReceivedMail> SmtpSink::wait_for(std::size_t count, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto mails = messages();
    if (mails.size() >= count || std::chrono::steady_clock::now() >= deadline) return mails;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

unsigned short unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string base64_decode(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    auto index = alphabet.find(c);
    if (index == std::string::npos) continue;  // '=' padding and whitespace
    value = (value << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

std::string decode_encoded_words(const std::string& header_value) {
  std::string out;
  std::size_t position = 0;
  const std::string open = "=?UTF-8?B?";
  for (;;) {
    auto start = header_value.find(open, position);
    if (start == std::string::npos) break;
    auto end = header_value.find("?=", start + open.size());
    if (end == std::string::npos) break;
    out += base64_decode(header_value.substr(start + open.size(), end - start - open.size()));
    position = end + 2;
  }
  return out;
}

}  // namespace roost::testing
