#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace roost::ingest {

// An unsigned LEB128 varint as multiformats uses it (CIDs, CAR sections).
struct Varint {
  std::uint64_t value = 0;
  std::size_t size = 0;  // bytes it took
};

// Reads the varint at the start of `bytes`. Nullopt when it is truncated, longer than the
// 9 bytes multiformats allows, or not minimal (a trailing 0x00 byte): one value, one form.
std::optional<Varint> read_varint(std::span<const std::uint8_t> bytes);

}  // namespace roost::ingest
