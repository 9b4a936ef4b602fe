#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// The cryptography of AT Protocol OAuth (PKCE S256, DPoP proofs signed ES256) over OpenSSL.
// Pure functions and one key type: no network, so the unit tests check every byte.
namespace roost::networks::bluesky {

// base64url (RFC 4648 §5, unpadded) and CSPRNG tokens are core/tokens.hpp's
// (core::base64_encode with Base64::url_unpadded, core::random_token).
std::string sha256(std::string_view bytes);
// RFC 7636 S256: base64url(SHA-256(verifier)).
std::string pkce_challenge(std::string_view verifier);
// The htu of a DPoP proof: the URL without its query and fragment (RFC 9449 §4.2).
std::string dpop_htu(std::string_view url);

struct EvpKeyDeleter {
  void operator()(void* key) const;
};

// An ES256 (P-256) private key: one per OAuth session, sealed with the profile's credentials.
// Copies share the key (it is never modified).
class DpopKey {
 public:
  // A fresh key from the CSPRNG; nullopt only when OpenSSL fails.
  static std::optional<DpopKey> generate();
  // The PKCS#8 PEM that private_pem() wrote; nullopt for anything else or another curve.
  static std::optional<DpopKey> from_pem(std::string_view pem);

  // Secret: sealed with the credentials, never logged.
  std::string private_pem() const;
  // {"kty":"EC","crv":"P-256","x":...,"y":...}: what the proof's header carries.
  nlohmann::json public_jwk() const;
  // A compact JWS: base64url(header).base64url(payload).base64url(r||s), header alg ES256.
  std::string sign_jwt(nlohmann::json header, const nlohmann::json& payload) const;

 private:
  explicit DpopKey(std::shared_ptr<void> key) : key_(std::move(key)) {}
  std::shared_ptr<void> key_;  // EVP_PKEY
};

struct DpopClaims {
  std::string method;                       // htm: "POST", "GET"
  std::string url;                          // htu is derived from it (dpop_htu)
  std::optional<std::string> nonce;         // the server's last DPoP-Nonce
  std::optional<std::string> access_token;  // resource calls: ath = base64url(sha256(token))
  std::chrono::system_clock::time_point issued_at = std::chrono::system_clock::now();
  std::string jti;  // empty: a random one
};

// The DPoP header value: a JWT typed dpop+jwt whose header holds the public JWK.
std::string dpop_proof(const DpopKey& key, const DpopClaims& claims);

}  // namespace roost::networks::bluesky
