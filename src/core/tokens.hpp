#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Bearer secrets (session tokens, CSRF tokens): made from the CSPRNG, stored only as a
// hash, compared in constant time.
namespace roost::core {

// `byte_count` random bytes as unpadded base64url (URL-, cookie- and header-safe).
std::string random_token(std::size_t byte_count);

// The hex BLAKE2b-256 of a token: what the database keeps instead of the token. A fast
// hash is enough here (unlike passwords): the token has 256 bits of entropy.
std::string hash_token(std::string_view token);

// Equal contents, in a time that depends only on the lengths (which are public).
bool constant_time_equals(std::string_view left, std::string_view right);

// Base64 of `bytes` (libsodium): padded with the standard alphabet (MIME, RFC 2047), or
// unpadded base64url (tokens, cookies, sealed values).
enum class Base64 { standard, url_unpadded };
std::string base64_encode(std::string_view bytes, Base64 variant);
// The bytes `text` encodes in `variant`, or nullopt when it is not exactly that (stray
// characters, wrong padding): uploads sent as base64 in JSON bodies.
std::optional<std::string> base64_decode(std::string_view text, Base64 variant);

}  // namespace roost::core
