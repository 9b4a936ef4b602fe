// libFuzzer target: a whole firehose message, header to post records.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ingest/firehose_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace roost::ingest::firehose;
  static FrameDecoder every_block(roost::ingest::BlockCheck::every_block);
  static FrameDecoder blocks_read(roost::ingest::BlockCheck::blocks_read);
  static Frame frame;
  // Both checking modes on every input: they must agree on all but forged blocks, which a
  // fuzz build does not check (fuzz/CMakeLists.txt).
  const std::span<const std::uint8_t> message(data, size);
  const bool lazily = blocks_read.decode(message, frame).ok();
  if (every_block.decode(message, frame).ok() != lazily) __builtin_trap();
  if (!lazily) return 0;
  // Touch every view the decoder handed out: under ASan a view outside the input traps.
  volatile std::size_t sink = frame.type_name.size() + frame.seq().value_or(0);
  if (frame.type != EventType::commit) return 0;
  sink = sink + frame.commit.repo.size() + frame.commit.rev.size() + frame.commit.time.size();
  for (const RecordOp& op : frame.commit.ops) {
    sink = sink + op.collection.size() + op.rkey.size();
    if (op.record != RecordStatus::post) continue;
    const Post& post = op.post;
    for (auto text :
         {post.text, post.created_at, post.reply_root_uri, post.reply_parent_uri, post.quote_uri}) {
      for (char c : text) sink = sink + static_cast<unsigned char>(c);
    }
    for (const auto* list : {&post.langs, &post.mention_dids, &post.links, &post.tags}) {
      for (auto text : *list) {
        for (char c : text) sink = sink + static_cast<unsigned char>(c);
      }
    }
  }
  return 0;
}
