#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct TotpRecord {
  core::UserId user_id;
  std::string sealed_secret;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> enabled_at_ms;  // empty: enrollment not confirmed yet
  std::int64_t last_used_step = 0;
};

// TOTP two-factor state and recovery codes of users. Changes that turn two-factor on or off
// also revoke the user's other sessions, in the same transaction.
class TotpRepository {
 public:
  explicit TotpRepository(Database& database) : database_(database) {}
  core::Result<std::optional<TotpRecord>> find(core::UserId user);
  // Stores a new, not yet confirmed secret (replacing an unconfirmed one).
  // ErrorCode::conflict when two-factor is already on.
  core::Result<void> start_enrollment(core::UserId user, const std::string& sealed_secret,
                                      std::int64_t now_ms);
  // Turns two-factor on with the step of the confirming code, replaces the recovery codes
  // and revokes every other active session of the user. ErrorCode::conflict when there is
  // no pending enrollment.
  core::Result<void> enable(core::UserId user, std::int64_t step,
                            const std::vector<std::string>& recovery_code_hashes,
                            std::int64_t now_ms, core::SessionId keep);
  // Accepts `step` for the user if it is later than the last accepted one (atomically:
  // of two requests with the same code, one wins). False for a replay.
  core::Result<bool> use_step(core::UserId user, std::int64_t step);
  // Marks one unused recovery code as used; false when there is no such unused code.
  core::Result<bool> use_recovery_code(core::UserId user, const std::string& code_hash,
                                       std::int64_t now_ms);
  core::Result<void> replace_recovery_codes(core::UserId user,
                                            const std::vector<std::string>& code_hashes);
  core::Result<std::int64_t> unused_recovery_codes(core::UserId user);
  // Turns two-factor off, drops its recovery codes and revokes every other active session.
  core::Result<void> disable(core::UserId user, std::int64_t now_ms, core::SessionId keep);

 private:
  Database& database_;
};

}  // namespace roost::storage
