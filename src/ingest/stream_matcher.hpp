#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "domain/incoming_post.hpp"
#include "domain/stream_query.hpp"

struct hs_database;
struct hs_scratch;

// Every active stream compiled into ONE vectorscan database, so that a post is scanned once
// whatever the number of streams (ADR 0024). The positive terms and the exclusions are
// literals of that database (case-insensitive, UTF-8), scanned over the post's text;
// whole-word boundaries, then the author and language filters are checked only for the
// streams a literal hit. A post's tags and mentioned DIDs are looked up whole among the
// streams' hashtags and DID mentions (ADR 0038).
//
// Concurrency: a compiled snapshot is immutable. rebuild() compiles a new one on the
// caller's thread while others keep matching, then swaps it in under a mutex; a MatchSession
// (one per matching thread) notices the new revision at its next post and takes the new
// snapshot with a scratch of its own.
namespace roost::ingest {

struct MatchableStream {
  core::StreamId id;
  domain::StreamQuery query;
};

struct CompiledStreams;  // the immutable snapshot (stream_matcher.cpp)

struct MatcherStats {
  std::uint64_t revision = 0;
  std::size_t streams = 0;
  std::size_t patterns = 0;     // distinct terms (shared by the streams that have them)
  std::size_t expressions = 0;  // literals compiled: a term's spellings (ADR 0024)
  std::size_t database_bytes = 0;
};

// The vectorscan database of a snapshot (nullptr when no stream has a literal term): what
// bench/matcher scans directly for the limit the matcher is read against.
const hs_database* database_of(const CompiledStreams& compiled);

class StreamMatcher {
 public:
  StreamMatcher();
  ~StreamMatcher();
  StreamMatcher(const StreamMatcher&) = delete;
  StreamMatcher& operator=(const StreamMatcher&) = delete;

  // Compiles `streams` and swaps the result in. On an error (a term over 65,535 bytes, which
  // the query parser never accepts; terms vectorscan refuses: a bug of ours, since every
  // term is an escaped literal) the previous snapshot stays. Rebuilds are serialized;
  // matching goes on meanwhile.
  core::Result<void> rebuild(std::span<const MatchableStream> streams);

  std::shared_ptr<const CompiledStreams> snapshot() const;
  // Increases with every successful rebuild; a session compares it per post.
  std::uint64_t revision() const { return revision_.load(std::memory_order_acquire); }
  MatcherStats stats() const;

 private:
  mutable std::mutex mutex_;
  std::mutex rebuild_mutex_;
  std::shared_ptr<const CompiledStreams> current_;
  std::atomic<std::uint64_t> revision_{0};
};

// One matching thread's state: the snapshot it matches against, a vectorscan scratch for
// that snapshot, and the per-post marks. Not thread-safe: one per thread.
class MatchSession {
 public:
  explicit MatchSession(const StreamMatcher& matcher);
  ~MatchSession();
  MatchSession(const MatchSession&) = delete;
  MatchSession& operator=(const MatchSession&) = delete;

  // The ids of the streams `post` matches, in the order the streams were given to rebuild().
  // The database is of bytes and the boundary checks decode defensively, so a string that is
  // not UTF-8 (the decoders let none through) is scanned safely. An error is vectorscan
  // failing (internal).
  core::Result<void> match(const domain::IncomingPost& post, std::vector<core::StreamId>& out);

  // The bytes of this session's scratch (after its first match), and its snapshot's revision.
  std::size_t scratch_bytes() const;
  std::uint64_t revision() const { return revision_; }

 private:
  void refresh();
  // The stream of the hashtag or DID mention `sigil` + `item` (ASCII-caseless), if any.
  void look_up(char sigil, std::string_view item);

  const StreamMatcher& matcher_;
  std::shared_ptr<const CompiledStreams> snapshot_;
  std::uint64_t revision_ = 0;
  hs_scratch* scratch_ = nullptr;
  // Per stream, == generation_: a candidate of this post; an exclusion of it occurred. Side
  // by side: the candidate loop reads both of a stream at once.
  struct StreamMarks {
    std::uint32_t candidate = 0;
    std::uint32_t excluded = 0;
  };
  std::vector<StreamMarks> stream_marks_;
  std::vector<std::uint32_t> candidates_;
  std::uint32_t generation_ = 0;
  std::string_view text_;  // of the post being scanned
  static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                      unsigned int flags, void* context);
  void hit(std::uint32_t literal, std::size_t end);
  // A literal's subscriber (`target` a stream), or its term's subscribers (`shared`: `target`
  // the term's list in the snapshot).
  void deliver(std::uint32_t target, bool exclusion, bool shared);
  void subscribe(std::uint32_t stream, bool exclusion);
};

}  // namespace roost::ingest
