// The SMTP transport's pure parts: the URL (STARTTLS, redaction) and the message as it goes
// over the wire (headers, RFC 2047 subject, CRLF body). Delivery itself is tested against a
// real SMTP server in tests/services/mail_worker_test.cpp and tests/http/mail_test.cpp.
#include "networks/smtp/smtp_transport.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace roost::networks::smtp {
namespace {

std::string decode_base64(const std::string& text) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : text) {
    auto index = alphabet.find(c);
    if (index == std::string::npos) continue;
    value = (value << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xFF);
    }
  }
  return out;
}

// The encoded words of a header value, each decoded on its own.
std::vector<std::string> decoded_words(const std::string& value) {
  std::vector<std::string> words;
  std::size_t position = 0;
  for (;;) {
    auto start = value.find("=?UTF-8?B?", position);
    if (start == std::string::npos) break;
    auto end = value.find("?=", start + 10);
    EXPECT_NE(end, std::string::npos);
    if (end == std::string::npos) break;
    EXPECT_LE(end + 2 - start, 75u) << "an encoded word longer than RFC 2047 allows";
    words.push_back(decode_base64(value.substr(start + 10, end - start - 10)));
    position = end + 2;
  }
  return words;
}

bool valid_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 6 ? 2 : (byte >> 4) == 14 ? 3 : 4;
    if (i + length > text.size()) return false;
    for (std::size_t j = 1; j < length; ++j) {
      if ((static_cast<unsigned char>(text[i + j]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

TEST(SmtpUrl, PlainSmtpsAndStarttls) {
  auto plain = parse_smtp_url("smtp://mail.example.com:2525");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->starttls);
  EXPECT_EQ(plain->curl_url, "smtp://mail.example.com:2525/");

  auto starttls = parse_smtp_url("smtp://mail.example.com:587?starttls");
  ASSERT_TRUE(starttls.ok());
  EXPECT_TRUE(starttls->starttls);
  EXPECT_EQ(starttls->curl_url.find('?'), std::string::npos) << starttls->curl_url;

  auto tls = parse_smtp_url("smtps://mail.example.com");
  ASSERT_TRUE(tls.ok());
  EXPECT_FALSE(tls->starttls);
}

TEST(SmtpUrl, ThePasswordIsRedacted) {
  auto parsed = parse_smtp_url("smtp://roost:s3cr%40t@mail.example.com:587?starttls");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->redacted.find("s3cr"), std::string::npos) << parsed->redacted;
  EXPECT_NE(parsed->redacted.find("roost:***@mail.example.com"), std::string::npos)
      << parsed->redacted;
  EXPECT_NE(parsed->curl_url.find("s3cr%40t"), std::string::npos);  // libcurl gets it
}

TEST(SmtpUrl, AnythingElseIsAConfigurationError) {
  for (const char* url : {"http://mail.example.com", "mail.example.com", "smtp://",
                          "smtp://mail.example.com?tls", "smtps://mail.example.com?starttls"}) {
    auto parsed = parse_smtp_url(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.error().code, core::ErrorCode::configuration_error) << url;
  }
}

TEST(HeaderEncoding, PlainAsciiStaysAsIs) {
  EXPECT_EQ(encode_header_text("You are invited to Bikes"), "You are invited to Bikes");
}

TEST(HeaderEncoding, Utf8BecomesEncodedWordsThatNeverSplitACharacter) {
  std::string subject = "Invitation à rejoindre « Vélos » — 自転車チーム ✓ ";
  for (int i = 0; i < 3; ++i) subject += subject;
  auto encoded = encode_header_text(subject);
  for (char c : encoded) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "a raw non-ASCII byte in a header";
  }
  auto words = decoded_words(encoded);
  ASSERT_GT(words.size(), 1u);
  std::string joined;
  for (const auto& word : words) {
    EXPECT_TRUE(valid_utf8(word)) << "a word ends inside a character";
    joined += word;
  }
  EXPECT_EQ(joined, subject);
  // Folded: every line of the header fits.
  std::size_t line_start = 0;
  for (std::size_t end; (end = encoded.find("\r\n", line_start)) != std::string::npos;
       line_start = end + 2) {
    EXPECT_LE(end - line_start, 76u);
    EXPECT_EQ(encoded[end + 2], ' ');
  }
}

TEST(Message, HeadersThenACrlfBody) {
  storage::OutboundMail mail{"grace@example.com", "Héllo\r\nBcc: evil@example.com",
                             "Line one\nLine two\r\n.dot line\n", 0};
  auto message = format_message(mail, "roost@example.com", 1'795'000'000'000, "abc@example.com");
  auto blank = message.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  auto head = message.substr(0, blank + 2);
  EXPECT_NE(head.find("Date: "), std::string::npos);
  EXPECT_NE(head.find(" +0000\r\n"), std::string::npos);
  EXPECT_NE(head.find("From: roost@example.com\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: grace@example.com\r\n"), std::string::npos);
  EXPECT_NE(head.find("Message-ID: <abc@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  // The line break in the subject does not start a header of its own.
  EXPECT_EQ(head.find("\r\nBcc:"), std::string::npos) << head;
  auto subject_start = head.find("Subject: ") + 9;
  auto subject = head.substr(subject_start, head.find("\r\n", subject_start) - subject_start);
  auto words = decoded_words(subject);
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(words[0], "HélloBcc: evil@example.com");
  // Bare LF become CRLF; the dot line is left to libcurl's dot-stuffing.
  EXPECT_EQ(message.substr(blank + 4), "Line one\r\nLine two\r\n.dot line\r\n");
}

TEST(Transport, ABadFromAddressIsAConfigurationError) {
  auto created = SmtpTransport::create({"smtp://127.0.0.1:25", "not an address"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, core::ErrorCode::configuration_error);
  EXPECT_TRUE(SmtpTransport::create({"smtp://127.0.0.1:25", "roost@example.com"}).ok());
}

TEST(SmtpTransport, OnlyARefusalOfTheMailItselfIsPermanent) {
  EXPECT_TRUE(is_permanent_refusal(CURLE_SEND_ERROR, 550));           // RCPT TO refused
  EXPECT_TRUE(is_permanent_refusal(CURLE_RECV_ERROR, 554));           // the message refused
  EXPECT_FALSE(is_permanent_refusal(CURLE_LOGIN_DENIED, 535));        // a wrong password: retried
  EXPECT_FALSE(is_permanent_refusal(CURLE_WEIRD_SERVER_REPLY, 554));  // 5xx greeting
  EXPECT_FALSE(is_permanent_refusal(CURLE_SEND_ERROR, 451));          // temporary
  EXPECT_FALSE(is_permanent_refusal(CURLE_COULDNT_CONNECT, 0));
}

}  // namespace
}  // namespace roost::networks::smtp
