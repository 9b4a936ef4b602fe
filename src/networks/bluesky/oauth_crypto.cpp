#include "networks/bluesky/oauth_crypto.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>

#include "core/tokens.hpp"

namespace roost::networks::bluesky {
namespace {

constexpr std::size_t coordinate_bytes = 32;  // P-256

std::string base64url(std::string_view bytes) {
  return core::base64_encode(bytes, core::Base64::url_unpadded);
}

EVP_PKEY* raw(const std::shared_ptr<void>& key) { return static_cast<EVP_PKEY*>(key.get()); }

std::string coordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* number = nullptr;
  std::string out(coordinate_bytes, '\0');
  if (EVP_PKEY_get_bn_param(key, name, &number) == 1) {
    BN_bn2binpad(number, reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(coordinate_bytes));
  }
  BN_free(number);
  return out;
}

bool is_p256(EVP_PKEY* key) {
  std::array<char, 64> group{};
  std::size_t length = 0;
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                        &length) == 1 &&
         std::string_view(group.data(), length) == "prime256v1";
}

}  // namespace

void EvpKeyDeleter::operator()(void* key) const { EVP_PKEY_free(static_cast<EVP_PKEY*>(key)); }

std::string sha256(std::string_view bytes) {
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned length = 0;
  EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(digest.data()), &length,
             EVP_sha256(), nullptr);
  digest.resize(length);
  return digest;
}

std::string pkce_challenge(std::string_view verifier) { return base64url(sha256(verifier)); }

std::string dpop_htu(std::string_view url) {
  auto end = url.find_first_of("?#");
  return std::string(url.substr(0, end));
}

std::optional<DpopKey> DpopKey::generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return std::nullopt;
  return DpopKey(std::shared_ptr<void>(key, EvpKeyDeleter{}));
}

std::optional<DpopKey> DpopKey::from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return std::nullopt;
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return std::nullopt;
  std::shared_ptr<void> owned(key, EvpKeyDeleter{});
  if (!is_p256(key)) return std::nullopt;
  return DpopKey(std::move(owned));
}

std::string DpopKey::private_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  std::string pem;
  if (PEM_write_bio_PrivateKey(bio, raw(key_), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    long length = BIO_get_mem_data(bio, &data);
    if (length > 0) pem.assign(data, static_cast<std::size_t>(length));
  }
  BIO_free(bio);
  return pem;
}

nlohmann::json DpopKey::public_jwk() const {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", base64url(coordinate(raw(key_), OSSL_PKEY_PARAM_EC_PUB_X))},
          {"y", base64url(coordinate(raw(key_), OSSL_PKEY_PARAM_EC_PUB_Y))}};
}

std::string DpopKey::sign_jwt(nlohmann::json header, const nlohmann::json& payload) const {
  header["alg"] = "ES256";
  std::string input = base64url(header.dump()) + "." + base64url(payload.dump());
  std::string signature;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::size_t der_length = 0;
  if (context != nullptr &&
      EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, raw(key_)) == 1 &&
      EVP_DigestSign(context, nullptr, &der_length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
    std::string der(der_length, '\0');
    if (EVP_DigestSign(context, reinterpret_cast<unsigned char*>(der.data()), &der_length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
      // OpenSSL writes an ASN.1 ECDSA-Sig-Value; JWS wants r and s, 32 bytes each.
      const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
      ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_length));
      if (parsed != nullptr) {
        signature.assign(2 * coordinate_bytes, '\0');
        auto* out = reinterpret_cast<unsigned char*>(signature.data());
        BN_bn2binpad(ECDSA_SIG_get0_r(parsed), out, static_cast<int>(coordinate_bytes));
        BN_bn2binpad(ECDSA_SIG_get0_s(parsed), out + coordinate_bytes,
                     static_cast<int>(coordinate_bytes));
        ECDSA_SIG_free(parsed);
      }
    }
  }
  EVP_MD_CTX_free(context);
  return input + "." + base64url(signature);
}

std::string dpop_proof(const DpopKey& key, const DpopClaims& claims) {
  nlohmann::json payload = {
      {"jti", claims.jti.empty() ? core::random_token(16) : claims.jti},
      {"htm", claims.method},
      {"htu", dpop_htu(claims.url)},
      {"iat", std::chrono::duration_cast<std::chrono::seconds>(claims.issued_at.time_since_epoch())
                  .count()}};
  if (claims.nonce) payload["nonce"] = *claims.nonce;
  if (claims.access_token) payload["ath"] = base64url(sha256(*claims.access_token));
  return key.sign_jwt({{"typ", "dpop+jwt"}, {"jwk", key.public_jwk()}}, payload);
}

}  // namespace roost::networks::bluesky
