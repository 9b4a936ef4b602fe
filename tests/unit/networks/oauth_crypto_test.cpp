// PKCE, base64url, JWK and DPoP proofs of AT Protocol OAuth: the signature of every proof is
// verified here with OpenSSL from the JWK in its own header, as the PDS verifies it.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <chrono>
#include <set>

#include "core/tokens.hpp"
#include "networks/bluesky/oauth_client.hpp"
#include "networks/bluesky/oauth_crypto.hpp"

namespace roost::networks::bluesky {
namespace {

std::string b64url(std::string_view bytes) {
  return core::base64_encode(bytes, core::Base64::url_unpadded);
}
std::optional<std::string> unbase64url(std::string_view text) {
  return core::base64_decode(text, core::Base64::url_unpadded);
}

struct Jwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signing_input;
  std::string signature;  // raw r||s
};

Jwt split(const std::string& jwt) {
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  EXPECT_NE(second, std::string::npos);
  Jwt parts;
  parts.header = nlohmann::json::parse(unbase64url(jwt.substr(0, first)).value_or("null"));
  parts.payload = nlohmann::json::parse(
      unbase64url(jwt.substr(first + 1, second - first - 1)).value_or("null"));
  parts.signing_input = jwt.substr(0, second);
  parts.signature = unbase64url(jwt.substr(second + 1)).value_or("");
  return parts;
}

// Rebuilds the public key from the JWK alone and checks the ES256 signature.
bool verifies(const nlohmann::json& jwk, const std::string& input, const std::string& rs) {
  if (rs.size() != 64) return false;
  std::string point = "\x04" + unbase64url(jwk.at("x").get<std::string>()).value_or("") +
                      unbase64url(jwk.at("y").get<std::string>()).value_or("");
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* from = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(from);
  EVP_PKEY_fromdata(from, &key, EVP_PKEY_PUBLIC_KEY, params);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  const auto* bytes = reinterpret_cast<const unsigned char*>(rs.data());
  ECDSA_SIG_set0(sig, BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_length = i2d_ECDSA_SIG(sig, &der);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  bool ok =
      key != nullptr && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(context, der, static_cast<std::size_t>(der_length),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(context);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  EVP_PKEY_free(key);
  EVP_PKEY_CTX_free(from);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  return ok;
}

TEST(OAuthCrypto, TheCoreBase64UrlHasNoPaddingAndTheUrlAlphabet) {
  EXPECT_EQ(b64url(""), "");
  EXPECT_EQ(b64url("f"), "Zg");
  EXPECT_EQ(b64url("fo"), "Zm8");
  EXPECT_EQ(b64url("foo"), "Zm9v");
  EXPECT_EQ(b64url("\xfb\xff\xfe"), "-__-");
  EXPECT_EQ(unbase64url("-__-"), "\xfb\xff\xfe");
  EXPECT_EQ(unbase64url("Zm8"), "fo");
  EXPECT_FALSE(unbase64url("Zm8=").has_value());
  EXPECT_FALSE(unbase64url("Z").has_value());
}

TEST(OAuthCrypto, PkceChallengeIsTheRfc7636Example) {
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OAuthCrypto, RandomTokensAreUrlSafeAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto token = core::random_token(32);
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(OAuthCrypto, HtuDropsQueryAndFragment) {
  EXPECT_EQ(dpop_htu("http://localhost:2583/xrpc/a.b?repo=x#f"), "http://localhost:2583/xrpc/a.b");
  EXPECT_EQ(dpop_htu("https://pds.example/oauth/token"), "https://pds.example/oauth/token");
}

TEST(OAuthCrypto, JwkIsAPublicP256Key) {
  auto key = DpopKey::generate();
  ASSERT_TRUE(key.has_value());
  auto jwk = key->public_jwk();
  EXPECT_EQ(jwk["kty"], "EC");
  EXPECT_EQ(jwk["crv"], "P-256");
  EXPECT_EQ(unbase64url(jwk["x"].get<std::string>())->size(), 32u);
  EXPECT_EQ(unbase64url(jwk["y"].get<std::string>())->size(), 32u);
  EXPECT_FALSE(jwk.contains("d"));  // never the private part
}

TEST(OAuthCrypto, ProofForAResourceCallIsSignedAndCarriesEveryClaim) {
  auto key = DpopKey::generate();
  ASSERT_TRUE(key.has_value());
  DpopClaims claims;
  claims.method = "POST";
  claims.url = "http://localhost:2583/xrpc/com.atproto.repo.createRecord?x=1";
  claims.nonce = "server-nonce";
  claims.access_token = "the-access-token";
  claims.issued_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  auto jwt = split(dpop_proof(*key, claims));
  EXPECT_EQ(jwt.header["typ"], "dpop+jwt");
  EXPECT_EQ(jwt.header["alg"], "ES256");
  EXPECT_EQ(jwt.header["jwk"], key->public_jwk());
  EXPECT_EQ(jwt.payload["htm"], "POST");
  EXPECT_EQ(jwt.payload["htu"], "http://localhost:2583/xrpc/com.atproto.repo.createRecord");
  EXPECT_EQ(jwt.payload["iat"], 1'700'000'000);
  EXPECT_EQ(jwt.payload["nonce"], "server-nonce");
  EXPECT_EQ(jwt.payload["ath"], b64url(sha256("the-access-token")));
  EXPECT_GE(jwt.payload["jti"].get<std::string>().size(), 16u);
  EXPECT_TRUE(verifies(jwt.header["jwk"], jwt.signing_input, jwt.signature));
  // A changed byte no longer verifies: the check above can fail.
  std::string tampered = jwt.signing_input;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifies(jwt.header["jwk"], tampered, jwt.signature));
}

TEST(OAuthCrypto, ProofWithoutTokenOrNonceHasNeitherClaimAndAFreshJti) {
  auto key = DpopKey::generate();
  ASSERT_TRUE(key.has_value());
  DpopClaims claims{"POST", "http://localhost:2583/oauth/par"};
  auto first = split(dpop_proof(*key, claims));
  auto second = split(dpop_proof(*key, claims));
  EXPECT_FALSE(first.payload.contains("ath"));
  EXPECT_FALSE(first.payload.contains("nonce"));
  EXPECT_NE(first.payload["jti"], second.payload["jti"]);
  EXPECT_TRUE(verifies(first.header["jwk"], first.signing_input, first.signature));
}

TEST(OAuthCrypto, KeySurvivesItsPemAndRefusesAnythingElse) {
  auto key = DpopKey::generate();
  ASSERT_TRUE(key.has_value());
  auto pem = key->private_pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  auto again = DpopKey::from_pem(pem);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->public_jwk(), key->public_jwk());
  auto jwt = split(dpop_proof(*again, {"GET", "http://localhost/x"}));
  EXPECT_TRUE(verifies(key->public_jwk(), jwt.signing_input, jwt.signature));
  EXPECT_FALSE(DpopKey::from_pem("not a key").has_value());
  EXPECT_FALSE(DpopKey::from_pem("").has_value());
  EXPECT_NE(DpopKey::generate()->public_jwk(), key->public_jwk());
}

}  // namespace
}  // namespace roost::networks::bluesky

namespace roost::networks::bluesky {
namespace {

NetworkError oauth_error(int status, std::string_view body, HttpHeaders headers = {}) {
  return classify_oauth_error(status, body, headers);
}

TEST(OAuthErrors, ADeadGrantIsRevokedAndWhatPassesIsRetried) {
  auto dead = oauth_error(400, R"({"error":"invalid_grant","error_description":"gone"})");
  EXPECT_EQ(dead.kind, FailureKind::auth_revoked);
  EXPECT_EQ(dead.code, "invalid_grant");
  EXPECT_EQ(dead.message, "gone");
  EXPECT_EQ(oauth_error(401, "{}").kind, FailureKind::auth_revoked);

  // A rate limit keeps its Retry-After; a server error and a nonce still asked for are
  // transient: none of them may put the profile into needs_reconnect.
  auto limited = oauth_error(429, R"({"error":"rate_limited"})", {{"retry-after", "7"}});
  EXPECT_EQ(limited.kind, FailureKind::rate_limited);
  ASSERT_TRUE(limited.retry_after.has_value());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(*limited.retry_after).count(), 7);
  EXPECT_EQ(oauth_error(503, "").kind, FailureKind::transient);
  EXPECT_EQ(oauth_error(400, R"({"error":"use_dpop_nonce"})").kind, FailureKind::transient);

  auto refused = oauth_error(400, R"({"error":"invalid_request"})");
  EXPECT_EQ(refused.kind, FailureKind::permanent);
  EXPECT_EQ(refused.code, "invalid_request");
}

}  // namespace
}  // namespace roost::networks::bluesky
