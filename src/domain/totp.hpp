#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as authenticator apps
// make them: HMAC-SHA-1, 30-second steps from the Unix epoch. Pure computation; the secret
// comes from the caller.
namespace roost::domain::totp {

using Sha1Digest = std::array<unsigned char, 20>;

// HMAC-SHA-1 (RFC 2104). SHA-1 is what every authenticator app speaks for TOTP; HMAC-SHA-1
// remains a sound PRF, whatever SHA-1's collisions.
Sha1Digest hmac_sha1(std::span<const unsigned char> key, std::span<const unsigned char> message);

// RFC 4226 §5.3: the counter's HMAC, dynamically truncated, modulo 10^digits (1..9),
// zero-padded to `digits` characters.
std::string hotp(std::span<const unsigned char> key, std::uint64_t counter, int digits);

// The time step of a Unix time (RFC 6238 T = floor(unix_seconds / step_seconds)).
std::int64_t step_at(std::int64_t unix_seconds, std::int64_t step_seconds);

// The step within `drift_steps` of now whose code is `code`, or nullopt. The caller refuses a
// step it has already accepted (replay). Compared in constant time per step.
std::optional<std::int64_t> matching_step(std::span<const unsigned char> key, std::string_view code,
                                          std::int64_t unix_seconds, std::int64_t step_seconds,
                                          int digits, std::int64_t drift_steps);

// RFC 4648 base32, upper case, no padding: how authenticator apps take a secret.
std::string base32_encode(std::span<const unsigned char> bytes);
// Case-insensitive, spaces and padding ignored; nullopt for other characters.
std::optional<std::vector<unsigned char>> base32_decode(std::string_view text);

// The otpauth:// URI an authenticator app scans (Key Uri Format): issuer and account are
// percent-encoded; algorithm, digits and period are spelled out.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret, int digits, std::int64_t step_seconds);

}  // namespace roost::domain::totp
