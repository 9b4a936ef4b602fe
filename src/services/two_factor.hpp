#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "services/password_check.hpp"
#include "storage/totp_repository.hpp"

namespace roost::services {

struct TotpEnrollment {
  std::string secret;       // base32, for typing into an authenticator app
  std::string otpauth_uri;  // for a QR code
};

// What a login or a two-factor change presents as the second factor: a code from the app,
// or one of the recovery codes.
struct SecondFactorProof {
  std::optional<std::string> totp_code;
  std::optional<std::string> recovery_code;
  bool empty() const { return !totp_code && !recovery_code; }
};

// TOTP two-factor authentication (RFC 6238) with single-use recovery codes. The seed is
// sealed with the instance key; recovery codes are stored hashed. Turning two-factor on or
// off revokes the user's other sessions (as a password change does). Blocking (argon2id and
// the database): call through the blocking executor.
class TwoFactor {
 public:
  TwoFactor(PasswordCheck& passwords, storage::TotpRepository& totp, const core::Keyring& keyring,
            const core::Clock& clock)
      : passwords_(passwords), totp_(totp), keyring_(keyring), clock_(clock) {}

  // Starts (or restarts) enrollment: a new seed, not used until confirmed.
  // ErrorCode::conflict when two-factor is already on.
  core::Result<TotpEnrollment> start(core::UserId user, std::string_view password);
  // Turns two-factor on with a first code from the app; returns the recovery codes, shown
  // this once. Every other session of the user is revoked; `keep` stays.
  core::Result<std::vector<std::string>> confirm(core::UserId user, core::SessionId keep,
                                                 std::string_view code);
  // Needs the password and a current code (or a recovery code).
  core::Result<void> disable(core::UserId user, core::SessionId keep, std::string_view password,
                             const SecondFactorProof& proof);
  core::Result<std::vector<std::string>> regenerate_recovery_codes(core::UserId user,
                                                                   std::string_view password,
                                                                   const SecondFactorProof& proof);
  core::Result<bool> enabled(core::UserId user);
  // For a login whose password was right: success when the user has no two-factor or the
  // proof is good; ErrorCode::totp_required when it is needed and absent;
  // ErrorCode::unauthenticated when it is wrong or a replay (the caller counts a failure).
  core::Result<void> verify_login(core::UserId user, const SecondFactorProof& proof);

 private:
  // A wrong or replayed proof is ErrorCode::invalid_request naming `code_field` (where the
  // request carries the TOTP code) or recovery_code.
  core::Result<void> verify(const storage::TotpRecord& record, const SecondFactorProof& proof,
                            std::string_view code_field);
  core::Result<std::vector<unsigned char>> open_secret(const storage::TotpRecord& record);
  core::Result<storage::TotpRecord> enabled_record(core::UserId user);

  PasswordCheck& passwords_;
  storage::TotpRepository& totp_;
  const core::Keyring& keyring_;
  const core::Clock& clock_;
};

}  // namespace roost::services
