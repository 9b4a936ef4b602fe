#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

// Record keys of the records Roost writes (atproto "TID" keys: https://atproto.com/specs/tid).
// This is the project's one TID implementation.
namespace roost::domain {

// A TID's two parts: microseconds since the UNIX epoch (53 bits) and a clock identifier
// (10 bits).
struct Tid {
  std::int64_t unix_micros = 0;
  int clock_id = 0;
};

inline constexpr std::int64_t tid_unix_micros_max = (std::int64_t{1} << 53) - 1;
inline constexpr int tid_clock_id_max = 1023;

// The 13-character base32-sortable TID of (unix_micros, clock_id): strings sort as the
// values do. invalid_request when unix_micros is outside 0..2^53-1 or clock_id outside
// 0..1023.
core::Result<std::string> make_tid(std::int64_t unix_micros, int clock_id);
// Whether `text` has TID syntax: 13 characters of 234567a-z, the first one of 234567a-j
// (the top bit is zero).
bool is_valid_tid(std::string_view text);
// The parts of a valid TID; nullopt when !is_valid_tid(text).
std::optional<Tid> decode_tid(std::string_view text);

// The record key of the post that outbox job `job_id` (a positive database id) writes, created
// at `job_created_at_us` (microseconds since the epoch). Deterministic: every attempt of one
// job sends the same key, so the PDS refuses a second record instead of storing a duplicate
// (a createRecord with an existing key fails). Two jobs get the same key only when they were
// created in the same millisecond and their ids differ by a multiple of 1,024,000 (ADR 0013).
core::Result<std::string> record_key_for_job(std::int64_t job_id, std::int64_t job_created_at_us);

}  // namespace roost::domain
