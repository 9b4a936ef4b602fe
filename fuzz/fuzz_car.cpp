// libFuzzer target: the CAR v1 reader and its block index.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ingest/car.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static roost::ingest::Car car;
  // Both checking modes: the first input byte picks one, the parser sees all of them.
  const auto check = size > 0 && (data[0] & 1) ? roost::ingest::BlockCheck::blocks_read
                                               : roost::ingest::BlockCheck::every_block;
  if (!car.parse(std::span<const std::uint8_t>(data, size), check).ok()) return 0;
  // Only presence: fuzz builds skip the hash check, so one CID may name two different blocks.
  for (const roost::ingest::CarBlock& block : car.blocks()) {
    auto found = car.find(block.cid);
    if (!found.ok() || !*found) __builtin_trap();
  }
  volatile std::size_t sink = 0;
  for (const roost::ingest::Cid& root : car.roots()) sink = sink + car.find(root).ok();
  return 0;
}
