// libFuzzer target: the DAG-CBOR decoder, then every accessor over what it accepted.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ingest/dag_cbor.hpp"

namespace {

using roost::ingest::dag_cbor::Member;
using roost::ingest::dag_cbor::Value;

std::size_t walk(Value value) {
  std::size_t seen = 1;
  if (auto text = value.text()) seen += text->size();
  if (auto bytes = value.bytes()) seen += bytes->size();
  if (auto link = value.link()) seen += link->digest[0];
  seen += static_cast<std::size_t>(value.integer().value_or(0) & 1);
  for (Value item : value.items()) seen += walk(item);
  for (const Member& member : value.members()) {
    seen += member.key.size() + walk(member.value);
    if (!value[member.key].present()) __builtin_trap();  // every key must be found again
  }
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static roost::ingest::dag_cbor::Document document;
  const std::span<const std::uint8_t> input(data, size);
  // A frame is two items back to back: the prefix form first, then the rest as one item.
  auto prefix = document.parse_prefix(input);
  if (!prefix.ok()) return 0;
  volatile std::size_t sink = walk(prefix->value);
  auto rest = document.parse(input.subspan(prefix->size));
  if (rest.ok()) sink = sink + walk(*rest);
  return 0;
}
