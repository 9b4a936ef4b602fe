#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

// A real SMTP server for the tests: tests/support/smtp-sink.py (Debian's python3-aiosmtpd)
// on 127.0.0.1, each message it accepts written as a file the test reads. A recipient whose
// address starts with "reject" gets a permanent 550.
namespace roost::testing {

struct ReceivedMail {
  std::vector<std::string> envelope_to;
  std::string envelope_from;
  std::string raw;  // the message as received: headers, blank line, body (CRLF)
  // The value of a header (unfolded: continuation lines joined), or "" when absent.
  std::string header(const std::string& name) const;
  std::string body() const;  // after the blank line
};

class SmtpSink {
 public:
  // Any free port by default; a given port lets a test start the server where a client was
  // already told to connect. Throws if it does not start.
  explicit SmtpSink(unsigned short port = 0);
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::vector<ReceivedMail> messages() const;
  // Waits until at least `count` messages arrived (or the timeout passed); returns them all.
  std::vector<ReceivedMail> wait_for(std::size_t count,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path directory_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed, by this call).
unsigned short unused_port();

// Base64 (RFC 4648) to bytes; for checking encoded words.
std::string base64_decode(const std::string& text);
// Decodes "=?UTF-8?B?...?=" words (separated by folding whitespace) into UTF-8 text.
std::string decode_encoded_words(const std::string& header_value);

}  // namespace roost::testing
