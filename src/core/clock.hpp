#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roost::core {

// Time as the services see it; tests substitute a clock they control.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
  // Microseconds: what publish jobs keep (their record keys derive from it).
  std::int64_t now_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(now().time_since_epoch()).count();
  }
};

// The millisecond an instant in microseconds falls in (storage keeps most instants in ms).
constexpr std::int64_t us_to_ms(std::int64_t unix_us) { return unix_us / 1'000; }

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// "2026-11-23T13:45:00.123Z": how instants appear in the API.
std::string format_utc_ms(std::int64_t unix_ms);
// The same, appended to `out` (serializers writing many instants).
void append_utc_ms(std::string& out, std::int64_t unix_ms);
// An RFC 3339 date-time ("2026-11-23T13:45:00Z", "2026-11-23T14:45:00.5+01:00") as Unix
// milliseconds; nullopt when it is not one. Digits past milliseconds are dropped.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);

}  // namespace roost::core
