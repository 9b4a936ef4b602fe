#include "api/http/handlers/account_handlers.hpp"

#include "api/http/dto/json_fields.hpp"
#include "api/http/error_mapper.hpp"
#include "core/clock.hpp"

namespace roost::api::http {

void AccountHandlers::register_routes(Router& router) {
  router.add(
      Method::post, "/api/v1/accounts", [this](Request r) { return sign_up(std::move(r)); },
      RouteOptions{BodyKind::json});
}

Awaitable<Response> AccountHandlers::sign_up(Request request) {
  JsonFields fields(request.json);
  services::SignUp sign_up{fields.required_string("email"), fields.required_string("display_name"),
                           fields.required_string("password")};
  if (auto problems = fields.error()) co_return error_response(*problems);
  auto work = [this, sign_up = std::move(sign_up)] { return accounts_.sign_up(sign_up); };
  auto account = co_await blocking_.run(std::move(work));
  if (!account) co_return error_response(account.error());
  co_return json_response(201, {{"id", account->id.value},
                                {"email", account->email},
                                {"display_name", account->display_name},
                                {"created_at", core::format_utc_ms(account->created_at_ms)}});
}

}  // namespace roost::api::http
