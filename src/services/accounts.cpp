#include "services/accounts.hpp"

#include "core/password_hash.hpp"
#include "domain/account_rules.hpp"
#include "domain/email_address.hpp"

namespace roost::services {

core::Result<Account> Accounts::sign_up(const SignUp& request) {
  auto email = domain::EmailAddress::parse(request.email);
  if (!email) return std::move(email).error();
  auto display_name = domain::normalize_display_name(request.display_name);
  if (!display_name) return std::move(display_name).error();
  if (auto password = domain::check_password(request.password); !password) {
    return std::move(password).error();
  }
  auto hash = core::hash_password(request.password);
  if (!hash) return std::move(hash).error();
  auto created = users_.create(
      storage::NewUser{email->value(), email->lookup_key(), *display_name, *hash, clock_.now_ms()});
  if (!created) {
    if (created.error().code != core::ErrorCode::conflict) return std::move(created).error();
    core::Error taken =
        core::make_error(core::ErrorCode::conflict, "an account with this email exists already");
    taken.details.push_back({"email", "is taken; log in, or reset the password", 0, 0});
    return taken;
  }
  return Account{created->id, created->email, created->display_name, created->created_at_ms, false};
}

core::Result<Account> Accounts::reset_password(const std::string& email,
                                               const std::string& password) {
  auto address = domain::EmailAddress::parse(email);
  if (!address) return std::move(address).error();
  if (auto rules = domain::check_password(password); !rules) return std::move(rules).error();
  auto found = users_.find_by_email_key(address->lookup_key());
  if (!found) return std::move(found).error();
  if (!found->has_value()) {
    return core::make_error(core::ErrorCode::not_found, "no account with this email");
  }
  auto hash = core::hash_password(password);
  if (!hash) return std::move(hash).error();
  const auto& user = **found;
  // SessionId 0 is no session: every session of the user is revoked.
  auto changed = users_.change_password(user.id, *hash, clock_.now_ms(), core::SessionId{0});
  if (!changed) return std::move(changed).error();
  return Account{user.id, user.email, user.display_name, user.created_at_ms};
}

}  // namespace roost::services
