#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// The cursor of each ingest source, keyed by the source's URL (ADR 0023): the position of
// the last event whose posts were accepted. Saving replaces; the consumer never saves a
// cursor ahead of a post the sinks have not accepted.
class IngestCursorRepository {
 public:
  explicit IngestCursorRepository(Database& database) : database_(database) {}
  // nullopt when the source was never read.
  core::Result<std::optional<std::int64_t>> get(const std::string& source);
  core::Result<void> save(const std::string& source, std::int64_t cursor, std::int64_t at_ms);
  // Forgets the source's cursor (a FutureCursor answer: the source was reset).
  core::Result<void> clear(const std::string& source);

 private:
  Database& database_;
};

}  // namespace roost::storage
