// libFuzzer target: the stream query parser (domain/stream_query). Whatever it accepts must
// survive the canonical round trip — format, parse again, get the same query — and the
// structured normalization must leave it as it is; anything else is a trap.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/stream_query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto query = roost::domain::parse_stream_query(text);
  if (!query.ok()) {
    if (query.error().message.empty()) __builtin_trap();  // every refusal names its problem
    return 0;
  }
  const std::string canonical = roost::domain::format_stream_query(*query);
  auto again = roost::domain::parse_stream_query(canonical);
  if (!again.ok() || !(*again == *query)) __builtin_trap();
  if (roost::domain::format_stream_query(*again) != canonical) __builtin_trap();
  auto normalized = roost::domain::normalize_stream_query(*query);
  if (!normalized.ok() || !(*normalized == *query)) __builtin_trap();
  return 0;
}
