#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "networks/smtp/mail_transport.hpp"

namespace roost::networks::smtp {

// Where mail goes. `url` is smtp://[user:password@]host[:port] (plain), smtps://... (TLS from
// the first byte, port 465 by default) or smtp://...?starttls (STARTTLS required: the mail
// is not sent if the server does not offer it). The user and password are percent-encoded
// as in any URL and are used for SMTP AUTH.
struct SmtpSettings {
  std::string url;
  std::string from;  // the From address, e.g. roost@example.com
  std::chrono::milliseconds connect_timeout = core::limits::smtp_connect_timeout;
  std::chrono::milliseconds total_timeout = core::limits::smtp_total_timeout;
};

struct ParsedSmtpUrl {
  std::string curl_url;  // what libcurl is given: the URL without the starttls query
  bool starttls = false;
  std::string redacted;  // for logs: the password replaced by ***
};

// ErrorCode::configuration_error for anything but an smtp:// or smtps:// URL with a host.
core::Result<ParsedSmtpUrl> parse_smtp_url(std::string_view url);

// The whole message as it goes over the wire (headers, blank line, body), CRLF line endings.
// The subject is RFC 2047-encoded when it is not plain ASCII; CR and LF in header values
// are dropped, so that no text of a user adds a header. Exposed for tests.
std::string format_message(const storage::OutboundMail& mail, std::string_view from,
                           std::int64_t now_ms, std::string_view message_id);
// "=?UTF-8?B?...?=" words of at most 75 characters, folded; ASCII without controls as is.
std::string encode_header_text(std::string_view text);

// Whether a failed send is the server refusing this mail for good (a 5xx reply to the
// sender, a recipient or the message), which retrying cannot change. A refused login or a
// 5xx greeting is the server's or the configuration's state, not the mail's: retried, so
// that a wrong --smtp-url password does not fail every queued mail for good. `curl_code` is
// libcurl's CURLcode, `reply` the last SMTP reply code (0: none).
bool is_permanent_refusal(int curl_code, long reply);

// The libcurl implementation of MailTransport: one connection per mail.
class SmtpTransport final : public MailTransport {
 public:
  // ErrorCode::configuration_error for a bad URL or an empty From address.
  static core::Result<std::unique_ptr<SmtpTransport>> create(SmtpSettings settings);
  core::Result<void> send(const storage::OutboundMail& mail) override;
  const std::string& redacted_url() const { return url_.redacted; }

 private:
  SmtpTransport(SmtpSettings settings, ParsedSmtpUrl url)
      : settings_(std::move(settings)), url_(std::move(url)) {}
  SmtpSettings settings_;
  ParsedSmtpUrl url_;
};

}  // namespace roost::networks::smtp
