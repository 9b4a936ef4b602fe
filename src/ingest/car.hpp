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

// Which blocks' hashes are checked against their CIDs. Hashing is most of the cost of a
// commit (ADR 0017): blocks_read checks only the blocks that find() hands out, which is
// enough for a reader that uses no other, and a mismatch is then an error of find().
enum class BlockCheck { every_block, blocks_read };

struct CarBlock {
  Cid cid;
  std::span<const std::uint8_t> data;  // a view of the CAR's bytes
};

// A CAR v1 archive (the `blocks` of a firehose commit): a varint-framed DAG-CBOR header
// {version: 1, roots: [CID...]}, then varint-framed sections of a CID and its block.
// Every block's sha2-256 is checked against its CID, when the archive is parsed
// (BlockCheck::every_block) or when find() returns it (blocks_read): a mismatch is an
// error, so a block found here is the one its CID names.
//
// The index: a commit's handful of blocks is scanned, a larger archive sorted once and
// searched. Reusable like dag_cbor::Document: a parse keeps the capacity of the previous one. The
// bytes must outlive the Car.
class Car {
 public:
  core::Result<void> parse(std::span<const std::uint8_t> bytes,
                           BlockCheck check = BlockCheck::every_block);

  const std::vector<Cid>& roots() const { return roots_; }
  // In file order for a small archive (find scans it), sorted by CID (the index) past 16
  // blocks. Unchecked under BlockCheck::blocks_read.
  const std::vector<CarBlock>& blocks() const { return blocks_; }
  // The block named `cid`; nullopt when the archive does not hold it; an error when it does
  // not hash to its CID (checked here under BlockCheck::blocks_read).
  core::Result<std::optional<std::span<const std::uint8_t>>> find(const Cid& cid) const;

 private:
  core::Result<std::size_t> parse_header(std::span<const std::uint8_t> bytes);

  dag_cbor::Document header_;
  std::vector<Cid> roots_;
  std::vector<CarBlock> blocks_;
  BlockCheck check_ = BlockCheck::every_block;
  bool sorted_ = false;  // blocks_ sorted by CID: find() searches it
};

}  // namespace roost::ingest
