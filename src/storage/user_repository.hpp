#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct NewUser {
  std::string email;
  std::string email_key;  // the lookup form (lower case); unique
  std::string display_name;
  std::string password_hash;
  std::int64_t created_at_ms = 0;
};

struct UserRecord {
  core::UserId id;
  std::string email;
  std::string display_name;
  std::string password_hash;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

class UserRepository {
 public:
  explicit UserRepository(Database& database) : database_(database) {}
  // An email_key that exists already is ErrorCode::conflict.
  core::Result<UserRecord> create(const NewUser& user);
  core::Result<std::optional<UserRecord>> find_by_email_key(const std::string& email_key);
  core::Result<std::optional<UserRecord>> find(core::UserId id);
  // Stores a new password hash and, in the same transaction, revokes every active session
  // of the user but `keep` (the one that asked): a stolen session dies with the old
  // password. A user that does not exist is ErrorCode::not_found.
  core::Result<void> change_password(core::UserId id, const std::string& password_hash,
                                     std::int64_t now_ms, core::SessionId keep);

 private:
  Database& database_;
};

}  // namespace roost::storage
