#include "networks/smtp/smtp_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>

#include "core/random.hpp"
#include "core/tokens.hpp"
#include "core/utf8.hpp"
#include "networks/curl_handles.hpp"

namespace roost::networks::smtp {
namespace {

constexpr std::size_t encoded_word_input_bytes_max = 45;  // 60 base64 chars: a word of 72
constexpr std::size_t message_id_random_bytes = 16;

core::Error bad_url(std::string message) {
  return core::make_error(core::ErrorCode::configuration_error, std::move(message));
}

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return std::nullopt;
  CurlString owned(value);
  return std::string(owned.get());
}

std::string without_line_breaks(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

std::string with_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

// "Mon, 23 Nov 2026 16:40:00 +0000" (RFC 5322).
std::string rfc5322_date(std::int64_t now_ms) {
  std::time_t seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday],
                utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at + 1 == address.size()) return "roost.invalid";
  return std::string(address.substr(at + 1));
}

// The body, read by libcurl in pieces.
struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

core::Result<ParsedSmtpUrl> parse_smtp_url(std::string_view text) {
  CurlUrl url(curl_url());
  if (!url) return core::make_error(core::ErrorCode::internal, "curl_url failed");
  std::string owned(text);
  if (curl_url_set(url.get(), CURLUPART_URL, owned.c_str(), 0) != CURLUE_OK) {
    return bad_url("the SMTP URL does not parse");
  }
  auto scheme = url_part(url.get(), CURLUPART_SCHEME);
  if (!scheme || (*scheme != "smtp" && *scheme != "smtps")) {
    return bad_url("the SMTP URL must start with smtp:// or smtps://");
  }
  auto host = url_part(url.get(), CURLUPART_HOST);
  if (!host || host->empty()) return bad_url("the SMTP URL names no host");
  ParsedSmtpUrl parsed;
  if (auto query = url_part(url.get(), CURLUPART_QUERY)) {
    if (*query != "starttls") return bad_url("the SMTP URL's only query may be ?starttls");
    if (*scheme == "smtps") return bad_url("smtps:// is TLS already: drop ?starttls");
    parsed.starttls = true;
    curl_url_set(url.get(), CURLUPART_QUERY, nullptr, 0);
  }
  auto full = url_part(url.get(), CURLUPART_URL);
  if (!full) return bad_url("the SMTP URL does not parse");
  parsed.curl_url = *full;
  if (url_part(url.get(), CURLUPART_PASSWORD)) {
    curl_url_set(url.get(), CURLUPART_PASSWORD, "***", 0);
  }
  auto redacted = url_part(url.get(), CURLUPART_URL);
  parsed.redacted = redacted ? *redacted : "smtp://***";
  if (parsed.starttls) parsed.redacted += "?starttls";
  return parsed;
}

std::string encode_header_text(std::string_view text) {
  bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7f;
  });
  if (plain) return std::string(text);
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    // Never split a UTF-8 character between two words (RFC 2047 §5: each word holds whole
    // characters). A word has room for several, so the loop always moves on.
    static_assert(encoded_word_input_bytes_max >= 4);
    const std::size_t end =
        start + core::utf8_prefix(text.substr(start), encoded_word_input_bytes_max).size();
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?";
    out += core::base64_encode(text.substr(start, end - start), core::Base64::standard);
    out += "?=";
    start = end;
  }
  return out;
}

std::string format_message(const storage::OutboundMail& mail, std::string_view from,
                           std::int64_t now_ms, std::string_view message_id) {
  std::string message;
  message += "Date: " + rfc5322_date(now_ms) + "\r\n";
  message += "From: " + without_line_breaks(from) + "\r\n";
  message += "To: " + without_line_breaks(mail.to_address) + "\r\n";
  message += "Subject: " + encode_header_text(without_line_breaks(mail.subject)) + "\r\n";
  message += "Message-ID: <" + std::string(message_id) + ">\r\n";
  message += "MIME-Version: 1.0\r\n";
  message += "Content-Type: text/plain; charset=UTF-8\r\n";
  message += "Content-Transfer-Encoding: 8bit\r\n";
  message += "\r\n";
  // Lines that start with a dot are escaped by libcurl (SMTP dot-stuffing).
  message += with_crlf(mail.body_text);
  return message;
}

core::Result<std::unique_ptr<SmtpTransport>> SmtpTransport::create(SmtpSettings settings) {
  initialize_curl();
  auto parsed = parse_smtp_url(settings.url);
  if (!parsed) return std::move(parsed).error();
  if (settings.from.empty() || settings.from.find('@') == std::string::npos ||
      settings.from.find_first_of("\r\n<>") != std::string::npos) {
    return core::make_error(core::ErrorCode::configuration_error,
                            "the SMTP From address must be an email address");
  }
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(settings), *parsed));
}

core::Result<void> SmtpTransport::send(const storage::OutboundMail& mail) {
  if (mail.to_address.find_first_of("\r\n<>") != std::string::npos) {
    return core::make_error(core::ErrorCode::invalid_request, "invalid recipient address");
  }
  CurlHandle curl(curl_easy_init());
  if (!curl) return core::make_error(core::ErrorCode::internal, "curl_easy_init failed");
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto message_id = core::random_hex(message_id_random_bytes) + "@" + domain_of(settings_.from);
  Upload upload{format_message(mail, settings_.from, now_ms, message_id), 0};
  std::string from = "<" + settings_.from + ">";
  std::string to = "<" + mail.to_address + ">";
  CurlSlist recipients(curl_slist_append(nullptr, to.c_str()));
  char error_buffer[CURL_ERROR_SIZE] = {};

  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url_.curl_url.c_str());
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   static_cast<long>(url_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.data.size()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.total_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");

  CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_OK) return core::success();
  long reply = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply);
  // libcurl's messages name the host, never the URL's password.
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  if (is_permanent_refusal(code, reply)) {
    return core::make_error(
        core::ErrorCode::invalid_request,
        "the mail server refused the mail (" + std::to_string(reply) + "): " + detail);
  }
  std::string message = "mail not sent: " + detail;
  if (reply != 0) message += " (reply " + std::to_string(reply) + ")";
  return core::make_error(core::ErrorCode::unavailable, std::move(message));
}

bool is_permanent_refusal(int curl_code, long reply) {
  if (reply < 500 || reply >= 600) return false;
  switch (curl_code) {
    case CURLE_LOGIN_DENIED:        // AUTH refused: the configured credentials
    case CURLE_WEIRD_SERVER_REPLY:  // a 5xx greeting: the server is not taking mail now
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_USE_SSL_FAILED: return false;
    default: return true;  // MAIL FROM, RCPT TO or DATA refused
  }
}

}  // namespace roost::networks::smtp
