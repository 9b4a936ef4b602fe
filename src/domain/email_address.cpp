#include "domain/email_address.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

constexpr std::size_t email_bytes_max = 254;
constexpr std::size_t local_part_bytes_max = 64;

core::Error invalid(std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid email address");
  error.details.push_back({"email", std::move(message), 0, 0});
  return error;
}

}  // namespace

core::Result<EmailAddress> EmailAddress::parse(std::string_view text) {
  text = trim(text);
  if (text.empty()) return invalid("is empty");
  if (text.size() > email_bytes_max) return invalid("is longer than 254 bytes");
  auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0) return invalid("needs a name before an '@'");
  auto local = text.substr(0, at);
  auto domain = text.substr(at + 1);
  if (local.size() > local_part_bytes_max) return invalid("has a name longer than 64 bytes");
  bool bad_byte = std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == ',' || c == ';';
  });
  if (bad_byte) return invalid("contains spaces or characters not allowed in an address");
  if (local.find('@') != std::string_view::npos) return invalid("has more than one '@'");
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return invalid("needs a domain such as example.com after the '@'");
  }
  std::string value(local);
  value.push_back('@');
  value += core::ascii_lower(domain);
  return EmailAddress(std::move(value));
}

std::string EmailAddress::lookup_key() const { return core::ascii_lower(value_); }

}  // namespace roost::domain
