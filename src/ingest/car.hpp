#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "ingest/cid.hpp"
#include "ingest/dag_cbor.hpp"

namespace roost::ingest {

struct CarBlock {
  Cid cid;
  std::span<const std::uint8_t> data;  // a view of the CAR's bytes
};

// A CAR v1 archive (the `blocks` of a firehose commit): a varint-framed DAG-CBOR header
// {version: 1, roots: [CID...]}, then varint-framed sections of a CID and its block.
// Every block's sha2-256 is checked against its CID when the archive is parsed: a
// mismatch is an error, so a block found here is the one its CID names.
//
// Reusable like dag_cbor::Document: a parse keeps the capacity of the previous one. The
// bytes must outlive the Car.
class Car {
 public:
  core::Result<void> parse(std::span<const std::uint8_t> bytes);

  const std::vector<Cid>& roots() const { return roots_; }
  // Sorted by CID (the index), not in file order.
  const std::vector<CarBlock>& blocks() const { return blocks_; }
  // The block named `cid`; nullopt when the archive does not hold it.
  std::optional<std::span<const std::uint8_t>> find(const Cid& cid) const;

 private:
  core::Result<std::size_t> parse_header(std::span<const std::uint8_t> bytes);

  dag_cbor::Document header_;
  std::vector<Cid> roots_;
  std::vector<CarBlock> blocks_;
};

}  // namespace roost::ingest
