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
  std::optional<std::string> lease_owner;  // nullopt: not claimed (or released)
  std::int64_t lease_expires_at_ms = 0;
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
  // Taking DIDs to resolve is a leased claim (ADR 0035): a DID leased to `owner` until
  // now_ms + lease_ms is taken by no other owner while the lease holds; a resolution
  // (record_resolved, record_failure) or release() ends it, and an expired one is claimable
  // again.
  //
  // Of `dids` (authors a scan found with no row), those whose row this call creates: due at
  // once, unresolved, leased to `owner`. A DID that has a row by now (another process
  // claimed or resolved it) is not returned.
  core::Result<std::vector<std::string>> claim_new(const std::vector<std::string>& dids,
                                                   const std::string& owner, std::int64_t now_ms,
                                                   std::int64_t lease_ms);
  // Of `dids`, those that have a row and are not leased to another owner (an expired lease
  // does not count), whether due or not (an #identity event): now leased to `owner`.
  core::Result<std::vector<std::string>> claim_cached(const std::vector<std::string>& dids,
                                                      const std::string& owner, std::int64_t now_ms,
                                                      std::int64_t lease_ms);
  // At most `limit` DIDs due at `now_ms` (failed, unverified, or to be checked again) that no
  // other owner holds a lease on, the most overdue first: now leased to `owner`. On
  // PostgreSQL, claimers at the same time skip each other's rows (SKIP LOCKED).
  core::Result<std::vector<std::string>> claim_due(std::int64_t now_ms, const std::string& owner,
                                                   std::int64_t lease_ms, std::size_t limit);
  // Ends `owner`'s leases on `dids` (taken, not resolved: a stop): due at once for anyone.
  core::Result<void> release(const std::vector<std::string>& dids, const std::string& owner);
  core::Result<std::optional<AuthorHandleRecord>> find(const std::string& did);
  // The DID a handle (lower case) was last seen for in the cache, if any.
  core::Result<std::optional<std::string>> did_of_handle(const std::string& handle);

  // A resolution that answered: `handle` (nullopt: the DID has no verified handle), checked
  // again at `next_attempt_at_ms`; the DID's lease ends. Another DID that held the same handle
  // loses it (a handle names one account at a time). Resets the failures.
  core::Result<void> record_resolved(const std::string& did, std::optional<std::string> handle,
                                     std::int64_t now_ms, std::int64_t next_attempt_at_ms);
  // A resolution that failed (network, 429): tried again at `next_attempt_at_ms`; a handle
  // already known is kept; the DID's lease ends. Returns the failures so far, this one included.
  core::Result<std::int64_t> record_failure(const std::string& did, std::int64_t now_ms,
                                            std::int64_t next_attempt_at_ms);

 private:
  Database& database_;
};

}  // namespace roost::storage
