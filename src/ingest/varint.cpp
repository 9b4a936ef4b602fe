#include "ingest/varint.hpp"

namespace roost::ingest {

namespace {
constexpr std::size_t varint_bytes_max = 9;
}

std::optional<Varint> read_varint(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  for (std::size_t index = 0; index < bytes.size() && index < varint_bytes_max; ++index) {
    const std::uint8_t byte = bytes[index];
    value |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * index);
    if ((byte & 0x80) == 0) {
      if (byte == 0 && index > 0) return std::nullopt;
      return Varint{value, index + 1};
    }
  }
  return std::nullopt;
}

}  // namespace roost::ingest
