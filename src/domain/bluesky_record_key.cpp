#include "domain/bluesky_record_key.hpp"

#include <array>

namespace roost::domain {
namespace {

constexpr std::string_view base32_sortable = "234567abcdefghijklmnopqrstuvwxyz";
constexpr std::size_t tid_length = 13;
constexpr int bits_per_character = 5;
constexpr int clock_id_bits = 10;
constexpr std::uint64_t character_mask = 0x1F;
// The spec's syntax (the regular expression of atproto's record key page) lets the first
// character be any of the first 16, those whose top bit is zero; a TID that make_tid writes
// starts with one of the first 8, since 13 × 5 = 65 bits frame a value of 63.
constexpr std::size_t first_character_values = 16;

// The ids and microseconds that record_key_for_job folds into one TID (ADR 0013).
constexpr std::int64_t clock_ids = std::int64_t{tid_clock_id_max} + 1;
constexpr std::int64_t micros_per_milli = 1'000;

int character_value(char c) {
  auto position = base32_sortable.find(c);
  return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

}  // namespace

core::Result<std::string> make_tid(std::int64_t unix_micros, int clock_id) {
  if (unix_micros < 0 || unix_micros > tid_unix_micros_max) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "a TID's timestamp must fit in 53 bits of microseconds");
  }
  if (clock_id < 0 || clock_id > tid_clock_id_max) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "a TID's clock identifier must be 0 to 1023");
  }
  std::uint64_t value = (static_cast<std::uint64_t>(unix_micros) << clock_id_bits) |
                        static_cast<std::uint64_t>(clock_id);
  std::string tid(tid_length, '2');
  for (std::size_t index = tid_length; index-- > 0;) {
    tid[index] = base32_sortable[value & character_mask];
    value >>= bits_per_character;
  }
  return tid;
}

bool is_valid_tid(std::string_view text) {
  if (text.size() != tid_length) return false;
  int first = character_value(text.front());
  if (first < 0 || static_cast<std::size_t>(first) >= first_character_values) return false;
  for (char c : text) {
    if (character_value(c) < 0) return false;
  }
  return true;
}

std::optional<Tid> decode_tid(std::string_view text) {
  if (!is_valid_tid(text)) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    value = (value << bits_per_character) | static_cast<std::uint64_t>(character_value(c));
  }
  constexpr std::uint64_t clock_mask = (std::uint64_t{1} << clock_id_bits) - 1;
  return Tid{static_cast<std::int64_t>(value >> clock_id_bits),
             static_cast<int>(value & clock_mask)};
}

core::Result<std::string> record_key_for_job(std::int64_t job_id, std::int64_t job_created_at_us) {
  if (job_id <= 0) {
    return core::make_error(core::ErrorCode::invalid_request, "an outbox job id is positive");
  }
  if (job_created_at_us < 0) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "an outbox job cannot be created before 1970");
  }
  // The clock id takes the id's low 10 bits; the microseconds within the creation millisecond
  // take the next "digits" of the id (0..999). The key stays within 1 ms of the job's
  // creation, so keys sort by creation time as the PDS expects of TIDs.
  int clock_id = static_cast<int>(job_id % clock_ids);
  std::int64_t micros_in_milli = (job_id / clock_ids) % micros_per_milli;
  std::int64_t created_milli = job_created_at_us / micros_per_milli;
  return make_tid(created_milli * micros_per_milli + micros_in_milli, clock_id);
}

}  // namespace roost::domain
