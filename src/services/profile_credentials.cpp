#include "services/profile_credentials.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace roost::services {
namespace {

std::string seal_context(core::ProfileId profile) {
  return "profile:" + std::to_string(profile.value) + ":credentials";
}

}  // namespace

core::Result<storage::SealedCredentials> seal_credentials(
    const core::Keyring& keyring, core::ProfileId profile,
    const networks::ProfileCredentials& credentials) {
  nlohmann::json plain = {{"did", credentials.did},
                          {"handle", credentials.handle},
                          {"pds_url", credentials.pds_url},
                          {"access_jwt", credentials.access_jwt},
                          {"refresh_jwt", credentials.refresh_jwt}};
  if (credentials.kind == networks::CredentialKind::oauth) {
    plain["kind"] = "oauth";
    plain["dpop_key"] = credentials.dpop_key_pem;
    plain["auth_issuer"] = credentials.auth_issuer;
    plain["token_endpoint"] = credentials.token_endpoint;
    plain["client_id"] = credentials.client_id;
  }
  auto sealed = core::seal(keyring, plain.dump(), seal_context(profile));
  if (!sealed) return std::move(sealed).error();
  auto key_id = core::sealed_key_id(*sealed);
  if (!key_id) return std::move(key_id).error();
  return storage::SealedCredentials{std::move(*sealed), std::move(*key_id)};
}

core::Result<networks::ProfileCredentials> open_credentials(
    const core::Keyring& keyring, core::ProfileId profile,
    const storage::SealedCredentials& sealed) {
  auto opened = core::open(keyring, sealed.sealed, seal_context(profile));
  if (!opened) return std::move(opened).error();
  auto plain = nlohmann::json::parse(*opened, nullptr, /*allow_exceptions=*/false);
  auto text = [&plain](const char* name) -> std::string {
    auto found = plain.find(name);
    return found != plain.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  if (!plain.is_object() || text("did").empty() || text("pds_url").empty()) {
    return core::make_error(core::ErrorCode::internal,
                            "the profile's stored credentials are not readable");
  }
  networks::ProfileCredentials credentials{text("did"), text("handle"), text("pds_url"),
                                           text("access_jwt"), text("refresh_jwt")};
  // Sealed before OAuth existed: no "kind", an app-password session.
  if (text("kind") == "oauth") {
    credentials.kind = networks::CredentialKind::oauth;
    credentials.dpop_key_pem = text("dpop_key");
    credentials.auth_issuer = text("auth_issuer");
    credentials.token_endpoint = text("token_endpoint");
    credentials.client_id = text("client_id");
    if (credentials.dpop_key_pem.empty() || credentials.token_endpoint.empty()) {
      return core::make_error(core::ErrorCode::internal,
                              "the profile's stored OAuth credentials are not readable");
    }
  }
  return credentials;
}

core::Result<void> ProfileCredentialVault::store(core::ProfileId profile,
                                                 const networks::ProfileCredentials& credentials) {
  auto sealed = seal(profile, credentials);
  if (!sealed) return std::move(sealed).error();
  return profiles_.set_credentials(profile, *sealed, clock_.now_ms());
}

core::Result<storage::SealedCredentials> ProfileCredentialVault::seal(
    core::ProfileId profile, const networks::ProfileCredentials& credentials) const {
  return seal_credentials(keyring_, profile, credentials);
}

core::Result<networks::ProfileCredentials> ProfileCredentialVault::load(core::ProfileId profile) {
  auto loaded = load_sealed(profile);
  if (!loaded) return std::move(loaded).error();
  return std::move(loaded->credentials);
}

core::Result<LoadedCredentials> ProfileCredentialVault::load_sealed(core::ProfileId profile) {
  auto stored = profiles_.credentials(profile);
  if (!stored) return std::move(stored).error();
  if (!*stored) {
    return core::make_error(core::ErrorCode::not_found, "the profile has no stored credentials");
  }
  auto opened = open_credentials(keyring_, profile, **stored);
  if (!opened) return std::move(opened).error();
  return LoadedCredentials{std::move(*opened), std::move(**stored)};
}

core::Result<storage::SealedCredentials> ProfileCredentialVault::replace(
    core::ProfileId profile, const storage::SealedCredentials& expected,
    const networks::ProfileCredentials& credentials) {
  auto sealed = seal(profile, credentials);
  if (!sealed) return std::move(sealed).error();
  auto replaced = profiles_.replace_credentials(profile, expected, *sealed, clock_.now_ms());
  if (!replaced) return std::move(replaced).error();
  return std::move(*sealed);
}

}  // namespace roost::services
