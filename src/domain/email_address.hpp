#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace roost::domain {

// An email address as Roost stores it: trimmed, the domain lower-cased (the local part is
// kept as typed: it is case-sensitive in principle, and users expect to see it back).
// Validation is deliberately practical — one '@', a non-empty local part, a domain with a
// dot and no spaces, 254 bytes at most — not the whole of RFC 5322.
class EmailAddress {
 public:
  static core::Result<EmailAddress> parse(std::string_view text);
  const std::string& value() const { return value_; }
  // The form used to find an account: all lower case.
  std::string lookup_key() const;

 private:
  explicit EmailAddress(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

}  // namespace roost::domain
