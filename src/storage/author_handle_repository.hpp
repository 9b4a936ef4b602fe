#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

// The cache of authors' handles (ADR 0032): did -> handle, filled off the ingest path by the
// handle worker (scheduler/handle_worker) and read by the stream and inbox item lists.
namespace roost::storage {

struct AuthorHandleRecord {
  std::string did;
  std::optional<std::string> handle;  // nullopt: no verified handle (yet)
  std::int64_t resolved_at_ms = 0;
  std::int64_t failures = 0;
  std::int64_t next_attempt_at_ms = 0;
};

// Where authors' DIDs are found.
enum class AuthoredItems { stream_items, inbox_items };

struct AuthorScan {
  std::int64_t last_id = 0;               // the highest item id read: the next scan's `after`
  std::vector<std::string> unknown_dids;  // distinct, with no row in the cache
};

class AuthorHandleRepository {
 public:
  explicit AuthorHandleRepository(Database& database) : database_(database) {}

  // The items of `items` after id `after` by id, at most `limit`, and which of their authors
  // the cache has no row for. last_id stays `after` when there is nothing newer.
  core::Result<AuthorScan> scan(AuthoredItems items, std::int64_t after, std::size_t limit);
  // DIDs whose resolution failed (or found no handle) and are due again at `now_ms`, the most
  // overdue first.
  core::Result<std::vector<std::string>> due(std::int64_t now_ms, std::size_t limit);
  core::Result<std::optional<AuthorHandleRecord>> find(const std::string& did);
  // The DID a handle (lower case) was last seen for in the cache, if any.
  core::Result<std::optional<std::string>> did_of_handle(const std::string& handle);

  // A resolution that answered: `handle` (nullopt: the DID has no verified handle), checked
  // again at `next_attempt_at_ms`. Another DID that held the same handle loses it (a handle
  // names one account at a time). Resets the failures.
  core::Result<void> record_resolved(const std::string& did, std::optional<std::string> handle,
                                     std::int64_t now_ms, std::int64_t next_attempt_at_ms);
  // A resolution that failed (network, 429): tried again at `next_attempt_at_ms`; a handle
  // already known is kept. Returns the failures so far, this one included.
  core::Result<std::int64_t> record_failure(const std::string& did, std::int64_t now_ms,
                                            std::int64_t next_attempt_at_ms);

 private:
  Database& database_;
};

}  // namespace roost::storage
