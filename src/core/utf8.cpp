#include "core/utf8.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ROOST_UTF8_AVX2 1
#endif

namespace roost::core {
namespace {

constexpr std::size_t sequence_bytes_max = 4;
constexpr unsigned char continuation_mask = 0xC0;
constexpr unsigned char continuation_bits = 0x80;
constexpr unsigned char continuation_payload = 0x3F;
constexpr char32_t surrogate_first = 0xD800;
constexpr char32_t surrogate_last = 0xDFFF;
constexpr char32_t code_point_max = 0x10FFFF;
// The smallest code point each length may carry: less is an overlong form.
constexpr char32_t smallest_of_length[] = {0, 0, 0x80, 0x800, 0x10000};

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & continuation_mask) == continuation_bits;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t index) {
  if (index >= text.size()) return 0;
  const auto lead = static_cast<unsigned char>(text[index]);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  char32_t code_point = 0;
  // C0 and C1 could only start overlong forms of ASCII; F5 and up, values past U+10FFFF.
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (length > text.size() - index) return 0;
  for (std::size_t next = 1; next < length; ++next) {
    const char continuation = text[index + next];
    if (!is_continuation(continuation)) return 0;
    code_point =
        (code_point << 6) | (static_cast<unsigned char>(continuation) & continuation_payload);
  }
  const bool surrogate = code_point >= surrogate_first && code_point <= surrogate_last;
  if (code_point < smallest_of_length[length] || surrogate || code_point > code_point_max) {
    return 0;
  }
  return length;
}

std::size_t utf8_code_points(std::string_view text) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  std::size_t count = 0;
  std::size_t index = 0;
  while (index < text.size()) {
    if (text.size() - index >= sizeof(std::uint64_t)) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + index, sizeof word);
      if ((word & high_bits) == 0) {
        index += sizeof word;
        count += sizeof word;
        continue;
      }
    }
    const std::size_t length = utf8_sequence_length(text, index);
    if (length == 0) return utf8_invalid;
    index += length;
    ++count;
  }
  return count;
}

#ifdef ROOST_UTF8_AVX2
namespace {

// UTF-8 validation 32 bytes at a step, after Keiser and Lemire, "Validating UTF-8 in less
// than one instruction per byte" (Software: Practice and Experience, 2021), the algorithm of
// simdjson and simdutf. The same decision as utf8_sequence_length over the whole text (the
// tests compare the two on every string of up to four bytes from a set that covers each
// table entry, on every two-byte string and on long mixed texts). The firehose decoder
// checks every text string with it: in bench/matcher's loop the check of a post fell from
// about 57 ns to 16 ns (2.5 % to 0.7 % of the loop).
//
// Each byte is checked against the one before it: three table lookups (the high and low
// nibble of the byte before, the high nibble of this one) give the error classes the pair
// can be in, and their AND is the errors the pair is actually in. Whether a continuation
// byte is expected two or three bytes after a lead byte is checked apart.
namespace avx2 {

#define ROOST_AVX2 __attribute__((target("avx2")))

constexpr std::uint8_t too_short = 1 << 0;       // a lead then no continuation byte
constexpr std::uint8_t too_long = 1 << 1;        // ASCII then a continuation byte
constexpr std::uint8_t overlong_3 = 1 << 2;      // E0 then 80-9F
constexpr std::uint8_t too_large = 1 << 3;       // past U+10FFFF
constexpr std::uint8_t surrogate = 1 << 4;       // ED then A0-BF
constexpr std::uint8_t overlong_2 = 1 << 5;      // C0 or C1 as a lead
constexpr std::uint8_t too_large_1000 = 1 << 6;  // F5 and up then 80-8F
constexpr std::uint8_t overlong_4 = 1 << 6;      // F0 then 80-8F
constexpr std::uint8_t two_continuations = 1 << 7;
// What any lead's low nibble allows: the classes that its high nibble decides alone.
constexpr std::uint8_t carry = too_short | too_long | two_continuations;

using Table = std::array<std::uint8_t, 16>;

// clang-format off
// Indexed by the high nibble of the byte before.
constexpr Table byte_1_high = {
    too_long, too_long, too_long, too_long, too_long, too_long, too_long, too_long,  // 0_-7_
    two_continuations, two_continuations, two_continuations, two_continuations,      // 8_-B_
    too_short | overlong_2,                                                          // C_
    too_short,                                                                       // D_
    too_short | overlong_3 | surrogate,                                              // E_
    too_short | too_large | too_large_1000 | overlong_4};                            // F_
// Indexed by the low nibble of the byte before.
constexpr Table byte_1_low = {
    carry | overlong_3 | overlong_2 | overlong_4,                                    // _0
    carry | overlong_2,                                                              // _1
    carry, carry,                                                                    // _2-_3
    carry | too_large,                                                               // _4
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // _5-_6
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // _7-_8
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // _9-_A
    carry | too_large | too_large_1000, carry | too_large | too_large_1000,          // _B-_C
    carry | too_large | too_large_1000 | surrogate,                                  // _D
    carry | too_large | too_large_1000, carry | too_large | too_large_1000};         // _E-_F
// Indexed by the high nibble of this byte.
constexpr Table byte_2_high = {
    too_short, too_short, too_short, too_short, too_short, too_short, too_short, too_short,
    too_long | overlong_2 | two_continuations | overlong_3 | too_large_1000 | overlong_4,  // 8_
    too_long | overlong_2 | two_continuations | overlong_3 | too_large,                   // 9_
    too_long | overlong_2 | two_continuations | surrogate | too_large,                    // A_
    too_long | overlong_2 | two_continuations | surrogate | too_large,                    // B_
    too_short, too_short, too_short, too_short};
// clang-format on

ROOST_AVX2 inline __m256i repeated(const Table& table) {
  return _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(table.data())));
}

ROOST_AVX2 inline __m256i high_nibbles(__m256i bytes) {
  return _mm256_and_si256(_mm256_srli_epi16(bytes, 4), _mm256_set1_epi8(0x0f));
}

// The bytes of `input` moved up by `shift`, the last bytes of `previous` coming in first.
template <int shift>
ROOST_AVX2 inline __m256i before(__m256i input, __m256i previous) {
  return _mm256_alignr_epi8(input, _mm256_permute2x128_si256(previous, input, 0x21), 16 - shift);
}

ROOST_AVX2 inline __m256i block_errors(__m256i input, __m256i previous) {
  const __m256i previous_1 = before<1>(input, previous);
  const __m256i classes = _mm256_and_si256(
      _mm256_and_si256(_mm256_shuffle_epi8(repeated(byte_1_high), high_nibbles(previous_1)),
                       _mm256_shuffle_epi8(repeated(byte_1_low),
                                           _mm256_and_si256(previous_1, _mm256_set1_epi8(0x0f)))),
      _mm256_shuffle_epi8(repeated(byte_2_high), high_nibbles(input)));
  // A byte two after an E0-FF lead or three after an F0-FF lead must be a continuation byte
  // (high bit set here); it is one exactly when the pair above flagged two_continuations.
  const __m256i third = _mm256_subs_epu8(before<2>(input, previous), _mm256_set1_epi8(0xe0 - 0x80));
  const __m256i fourth =
      _mm256_subs_epu8(before<3>(input, previous), _mm256_set1_epi8(0xf0 - 0x80));
  const __m256i continuation_expected =
      _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8(static_cast<char>(0x80)));
  return _mm256_xor_si256(continuation_expected, classes);
}

// Non-zero when the block ends inside a sequence: a lead among its last three bytes that
// needs more bytes than are left.
ROOST_AVX2 inline __m256i ends_inside_a_sequence(__m256i input) {
  alignas(32) static constexpr std::array<std::uint8_t, 32> last_allowed = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,     0xff,     0xff,    0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,     0xff,     0xff,    0xff,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0 - 1, 0xe0 - 1, 0xc0 - 1};
  return _mm256_subs_epu8(input,
                          _mm256_load_si256(reinterpret_cast<const __m256i*>(last_allowed.data())));
}

ROOST_AVX2 bool valid(const char* data, std::size_t size) {
  constexpr std::size_t block = 32;
  __m256i errors = _mm256_setzero_si256();
  __m256i previous = _mm256_setzero_si256();
  __m256i unfinished = _mm256_setzero_si256();
  std::size_t at = 0;
  alignas(32) char tail[block] = {};
  while (at < size) {
    __m256i input;
    if (size - at >= block) {
      input = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + at));
    } else {
      // The last bytes, then zeros: ASCII, so a sequence cut by the end is cut by them.
      std::memcpy(tail, data + at, size - at);
      input = _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
    }
    at += block;
    if (_mm256_movemask_epi8(input) == 0) {
      errors = _mm256_or_si256(errors, unfinished);  // ASCII after an unfinished sequence
    } else {
      errors = _mm256_or_si256(errors, block_errors(input, previous));
      unfinished = ends_inside_a_sequence(input);
    }
    previous = input;
  }
  errors = _mm256_or_si256(errors, unfinished);
  return _mm256_testz_si256(errors, errors) != 0;
}

#undef ROOST_AVX2

}  // namespace avx2
}  // namespace
#endif

bool utf8_valid(std::string_view text) {
#ifdef ROOST_UTF8_AVX2
  static const bool has_avx2 = __builtin_cpu_supports("avx2") != 0;
  if (has_avx2) return avx2::valid(text.data(), text.size());
#endif
  return utf8_code_points(text) != utf8_invalid;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  // Only the character holding the byte at the cut can straddle it, and that character
  // starts at most three bytes before, at the nearest byte that is no continuation byte.
  for (std::size_t back = 1; back < sequence_bytes_max && back <= max_bytes; ++back) {
    const std::size_t start = max_bytes - back;
    if (!is_continuation(text[start])) {
      const bool straddles = utf8_sequence_length(text, start) > back;
      return text.substr(0, straddles ? start : max_bytes);
    }
  }
  return text.substr(0, max_bytes);
}

}  // namespace roost::core
