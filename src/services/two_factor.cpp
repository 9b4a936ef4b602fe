#include "services/two_factor.hpp"

#include <algorithm>

#include "core/limits.hpp"
#include "core/random.hpp"
#include "core/tokens.hpp"
#include "domain/totp.hpp"

namespace roost::services {
namespace {

using namespace core::limits;

constexpr std::string_view issuer = "Roost";
constexpr std::int64_t ms_per_second = 1000;
constexpr std::size_t recovery_code_group_chars = 4;

std::string seal_context(core::UserId user) {
  return "user:" + std::to_string(user.value) + ":totp_secret";
}

// What a recovery code is, whatever the user typed around it: base32 upper case, without
// the dashes and spaces it is shown with.
std::string normalize_recovery_code(std::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    code += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return code;
}

// A recovery code as shown: 16 base32 characters in groups of four (80 random bits).
std::string new_recovery_code() {
  auto bytes = core::random_bytes(totp_recovery_code_bytes);
  auto plain = domain::totp::base32_encode(bytes);
  std::string shown;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % recovery_code_group_chars == 0) shown += '-';
    shown += plain[i];
  }
  return shown;
}

// New codes and their hashes. A fast hash suffices: each code has 80 random bits.
std::pair<std::vector<std::string>, std::vector<std::string>> new_recovery_codes() {
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < totp_recovery_code_count; ++i) {
    codes.push_back(new_recovery_code());
    hashes.push_back(core::hash_token(normalize_recovery_code(codes.back())));
  }
  return {std::move(codes), std::move(hashes)};
}

core::Error wrong_code(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, message);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

core::Error not_enabled() {
  return core::make_error(core::ErrorCode::conflict, "two-factor authentication is not on");
}

}  // namespace

core::Result<std::vector<unsigned char>> TwoFactor::open_secret(const storage::TotpRecord& record) {
  auto opened = core::open(keyring_, record.sealed_secret, seal_context(record.user_id));
  if (!opened) return std::move(opened).error();
  auto secret = domain::totp::base32_decode(*opened);
  if (!secret)
    return core::make_error(core::ErrorCode::internal, "a stored TOTP seed is not base32");
  return std::move(*secret);
}

core::Result<storage::TotpRecord> TwoFactor::enabled_record(core::UserId user) {
  auto found = totp_.find(user);
  if (!found) return std::move(found).error();
  if (!found->has_value() || !(*found)->enabled_at_ms) return not_enabled();
  return std::move(**found);
}

core::Result<void> TwoFactor::verify(const storage::TotpRecord& record,
                                     const SecondFactorProof& proof, std::string_view code_field) {
  if (proof.totp_code) {
    auto secret = open_secret(record);
    if (!secret) return std::move(secret).error();
    auto step =
        domain::totp::matching_step(*secret, *proof.totp_code, clock_.now_ms() / ms_per_second,
                                    totp_step_seconds, totp_digits, totp_drift_steps);
    if (!step) return wrong_code(std::string(code_field), "the two-factor code is wrong");
    auto fresh = totp_.use_step(record.user_id, *step);
    if (!fresh) return std::move(fresh).error();
    if (!*fresh) {
      return wrong_code(std::string(code_field),
                        "this two-factor code was used already; wait for the next one");
    }
    return core::success();
  }
  if (proof.recovery_code) {
    auto used = totp_.use_recovery_code(
        record.user_id, core::hash_token(normalize_recovery_code(*proof.recovery_code)),
        clock_.now_ms());
    if (!used) return std::move(used).error();
    if (!*used) return wrong_code("recovery_code", "the recovery code is wrong or was used");
    return core::success();
  }
  return wrong_code(std::string(code_field), "a two-factor code (or a recovery code) is required");
}

core::Result<TotpEnrollment> TwoFactor::start(core::UserId user, std::string_view password) {
  auto account = passwords_.confirm(user, password, "password");
  if (!account) return std::move(account).error();
  auto secret = domain::totp::base32_encode(core::random_bytes(totp_secret_bytes));
  auto sealed = core::seal(keyring_, secret, seal_context(user));
  if (!sealed) return std::move(sealed).error();
  if (auto started = totp_.start_enrollment(user, *sealed, clock_.now_ms()); !started) {
    return std::move(started).error();
  }
  return TotpEnrollment{secret, domain::totp::otpauth_uri(issuer, account->email, secret,
                                                          totp_digits, totp_step_seconds)};
}

core::Result<std::vector<std::string>> TwoFactor::confirm(core::UserId user, core::SessionId keep,
                                                          std::string_view code) {
  auto found = totp_.find(user);
  if (!found) return std::move(found).error();
  if (!found->has_value() || (*found)->enabled_at_ms) {
    return core::make_error(core::ErrorCode::conflict,
                            "no two-factor enrollment to confirm: start one with POST "
                            "/api/v1/me/totp");
  }
  auto secret = open_secret(**found);
  if (!secret) return std::move(secret).error();
  auto step = domain::totp::matching_step(*secret, code, clock_.now_ms() / ms_per_second,
                                          totp_step_seconds, totp_digits, totp_drift_steps);
  if (!step) return wrong_code("code", "the two-factor code is wrong; check the app's clock");
  auto [codes, hashes] = new_recovery_codes();
  if (auto enabled = totp_.enable(user, *step, hashes, clock_.now_ms(), keep); !enabled) {
    return std::move(enabled).error();
  }
  return std::move(codes);
}

core::Result<void> TwoFactor::disable(core::UserId user, core::SessionId keep,
                                      std::string_view password, const SecondFactorProof& proof) {
  auto account = passwords_.confirm(user, password, "password");
  if (!account) return std::move(account).error();
  auto record = enabled_record(user);
  if (!record) return std::move(record).error();
  if (auto verified = verify(*record, proof, "code"); !verified) return verified;
  return totp_.disable(user, clock_.now_ms(), keep);
}

core::Result<std::vector<std::string>> TwoFactor::regenerate_recovery_codes(
    core::UserId user, std::string_view password, const SecondFactorProof& proof) {
  auto account = passwords_.confirm(user, password, "password");
  if (!account) return std::move(account).error();
  auto record = enabled_record(user);
  if (!record) return std::move(record).error();
  if (auto verified = verify(*record, proof, "code"); !verified) {
    return std::move(verified).error();
  }
  auto [codes, hashes] = new_recovery_codes();
  if (auto replaced = totp_.replace_recovery_codes(user, hashes); !replaced) {
    return std::move(replaced).error();
  }
  return std::move(codes);
}

core::Result<bool> TwoFactor::enabled(core::UserId user) {
  auto found = totp_.find(user);
  if (!found) return std::move(found).error();
  return found->has_value() && (*found)->enabled_at_ms.has_value();
}

core::Result<void> TwoFactor::verify_login(core::UserId user, const SecondFactorProof& proof) {
  auto found = totp_.find(user);
  if (!found) return std::move(found).error();
  if (!found->has_value() || !(*found)->enabled_at_ms) return core::success();
  if (proof.empty()) {
    core::Error error = core::make_error(
        core::ErrorCode::totp_required,
        "this account has two-factor authentication: send totp_code (or recovery_code)");
    error.details.push_back({"totp_code", "is required", 0, 0});
    return error;
  }
  auto verified = verify(**found, proof, "totp_code");
  if (!verified && verified.error().code == core::ErrorCode::invalid_request) {
    core::Error error = std::move(verified).error();
    error.code = core::ErrorCode::unauthenticated;
    return error;
  }
  return verified;
}

}  // namespace roost::services
