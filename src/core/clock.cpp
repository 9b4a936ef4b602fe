#include "core/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace roost::core {

std::string format_utc_ms(std::int64_t unix_ms) {
  constexpr std::int64_t ms_per_second = 1000;
  auto milliseconds = ((unix_ms % ms_per_second) + ms_per_second) % ms_per_second;
  std::chrono::sys_seconds seconds{std::chrono::seconds((unix_ms - milliseconds) / ms_per_second)};
  return fmt::format("{:%FT%T}.{:03}Z", seconds, milliseconds);
}

}  // namespace roost::core
