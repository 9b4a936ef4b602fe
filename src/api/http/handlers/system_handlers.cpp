#include "api/http/handlers/system_handlers.hpp"

#include "api/http/error_mapper.hpp"
#include "authz/policy.hpp"

namespace roost::api::http {
namespace {

// These endpoints are public (authz::decide allows them to anyone); checking anyway keeps
// "every handler goes through the policy" true when that changes.
std::optional<Response> deny_unless_allowed(authz::Action action) {
  auto decision = authz::decide(authz::Actor{}, action, authz::Resource{});
  if (decision.allowed) return std::nullopt;
  return error_response(core::make_error(core::ErrorCode::permission_denied,
                                         "missing permission: " + decision.missing_permission));
}

}  // namespace

void SystemHandlers::register_routes(Router& router) {
  router.add(Method::get, "/healthz", [this](Request r) { return healthz(std::move(r)); });
  router.add(Method::get, "/readyz", [this](Request r) { return readyz(std::move(r)); });
  router.add(Method::get, "/metrics", [this](Request r) { return metrics(std::move(r)); });
}

Awaitable<Response> SystemHandlers::healthz(Request /*request*/) {
  if (auto denied = deny_unless_allowed(authz::Action::read_health)) co_return *denied;
  // A constant: what json_response(200, {{"status", "ok"}}) makes, without building it.
  Response response;
  response.body = R"({"status":"ok"})";
  co_return response;
}

Awaitable<Response> SystemHandlers::readyz(Request /*request*/) {
  if (auto denied = deny_unless_allowed(authz::Action::read_health)) co_return *denied;
  auto work = [this] { return status_.readiness(); };
  auto readiness = co_await blocking_.run(std::move(work));
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& check : readiness.checks) {
    checks[check.name] = {{"ok", check.ok}, {"detail", check.detail}};
  }
  const char* status = !readiness.ready ? "not_ready" : readiness.degraded ? "degraded" : "ready";
  co_return json_response(readiness.ready ? 200 : 503, {{"status", status}, {"checks", checks}});
}

Awaitable<Response> SystemHandlers::metrics(Request /*request*/) {
  if (auto denied = deny_unless_allowed(authz::Action::read_metrics)) co_return *denied;
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics_ != nullptr ? metrics_->render() : std::string{};
  co_return response;
}

}  // namespace roost::api::http
