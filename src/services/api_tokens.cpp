#include "services/api_tokens.hpp"

#include <nlohmann/json.hpp>

#include "core/limits.hpp"
#include "core/tokens.hpp"
#include "domain/api_token.hpp"

namespace roost::services {
namespace {

constexpr std::int64_t ms_per_day = 24LL * 60 * 60 * 1000;

ApiTokenView to_view(const storage::ApiTokenRecord& record, std::int64_t now_ms) {
  return ApiTokenView{record.id,
                      record.name,
                      record.prefix,
                      record.org_id,
                      record.created_at_ms,
                      record.expires_at_ms,
                      record.last_used_at_ms,
                      record.expires_at_ms && now_ms >= *record.expires_at_ms};
}

core::Error token_rejected() {
  return core::make_error(core::ErrorCode::unauthenticated,
                          "the API token is unknown, expired or revoked");
}

storage::AuditEvent audit(const Caller& caller, std::string action, std::string details_json,
                          std::int64_t now_ms) {
  return storage::AuditEvent{
      {}, caller.user(), std::move(action), "", std::move(details_json), caller.request_id, now_ms};
}

}  // namespace

core::Result<CreatedApiToken> ApiTokens::create(const Caller& caller,
                                                const NewApiTokenRequest& request) {
  if (auto allowed = authz::require(caller.actor, authz::Action::manage_credentials, {});
      !allowed) {
    return std::move(allowed).error();
  }
  auto name = domain::normalize_api_token_name(request.name);
  if (!name) return std::move(name).error();
  std::optional<std::int64_t> days;
  if (request.expires_in_days) {
    auto checked = domain::check_api_token_expiry_days(*request.expires_in_days);
    if (!checked) return std::move(checked).error();
    days = *checked;
  }
  // Only a member may make a token for an organization; for anyone else it does not exist.
  auto resource = authorize(organizations_, caller, request.org, authz::Action::view_org);
  if (!resource) return std::move(resource).error();

  const auto now_ms = clock_.now_ms();
  auto token = std::string(domain::api_token_marker) +
               core::random_token(core::limits::api_token_secret_bytes);
  storage::NewApiToken record{caller.user(),
                              request.org,
                              *name,
                              domain::api_token_prefix(token, core::limits::api_token_prefix_chars),
                              core::hash_token(token),
                              now_ms,
                              std::nullopt};
  if (days) record.expires_at_ms = now_ms + *days * ms_per_day;
  auto details = nlohmann::json{{"name", record.name}, {"prefix", record.prefix}}.dump();
  auto created = tokens_.create(record, core::limits::api_tokens_per_user_max,
                                audit(caller, "api_token.created", details, now_ms));
  if (!created) return std::move(created).error();
  return CreatedApiToken{std::move(token), to_view(*created, now_ms)};
}

core::Result<std::vector<ApiTokenView>> ApiTokens::list(const Caller& caller) {
  if (auto allowed = authz::require(caller.actor, authz::Action::manage_credentials, {});
      !allowed) {
    return std::move(allowed).error();
  }
  auto records = tokens_.list_for_user(caller.user(), core::limits::api_tokens_per_user_max);
  if (!records) return std::move(records).error();
  const auto now_ms = clock_.now_ms();
  std::vector<ApiTokenView> views;
  views.reserve(records->size());
  for (const auto& record : *records) views.push_back(to_view(record, now_ms));
  return views;
}

core::Result<void> ApiTokens::revoke(const Caller& caller, core::ApiTokenId id) {
  if (auto allowed = authz::require(caller.actor, authz::Action::manage_credentials, {});
      !allowed) {
    return std::move(allowed).error();
  }
  const auto now_ms = clock_.now_ms();
  auto revoked =
      tokens_.revoke(caller.user(), id, now_ms, audit(caller, "api_token.revoked", "{}", now_ms));
  if (!revoked) return std::move(revoked).error();
  if (!*revoked) return core::make_error(core::ErrorCode::not_found, "no such API token");
  return core::success();
}

core::Result<AuthenticatedApiToken> ApiTokens::authenticate(std::string_view token) {
  if (!domain::looks_like_api_token(token)) {
    return core::make_error(core::ErrorCode::unauthenticated,
                            "the Bearer credential is not a Roost API token (roost_pat_...)");
  }
  auto found = tokens_.find_by_token_hash(core::hash_token(token));
  if (!found) return std::move(found).error();
  const auto now_ms = clock_.now_ms();
  if (!found->has_value() || !(*found)->active_at(now_ms)) return token_rejected();
  const auto& record = **found;
  // Read on every request, like a session's membership: a removed member's token stops at
  // once.
  auto membership = organizations_.find_membership(record.org_id, record.user_id);
  if (!membership) return std::move(membership).error();
  if (!membership->has_value()) {
    return core::make_error(core::ErrorCode::unauthenticated,
                            "the API token's owner is no longer a member of its organization");
  }
  if (!record.last_used_at_ms ||
      now_ms - *record.last_used_at_ms >= core::limits::api_token_touch_interval.count()) {
    if (auto touched = tokens_.touch(record.id, now_ms); !touched) {
      return std::move(touched).error();
    }
  }
  return AuthenticatedApiToken{record.user_id, record.id, record.org_id};
}

}  // namespace roost::services
