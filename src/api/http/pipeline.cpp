#include "api/http/pipeline.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "api/http/bearer_token.hpp"
#include "api/http/error_mapper.hpp"
#include "api/http/json_body.hpp"
#include "api/http/session_cookie.hpp"
#include "api/ws/event_grant.hpp"
#include "core/limits.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "core/tokens.hpp"

namespace roost::api::http {
namespace {

bool plain_request_id(std::string_view id) {
  if (id.empty() || id.size() > core::limits::request_id_length_max) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_' || c == '.' || c == ':';
  });
}

// A random prefix per process plus a counter: unique across processes and restarts, and
// cheaper than asking the kernel for random bytes on every request.
std::string next_request_id() {
  static const std::string prefix = core::random_hex(6) + '-';
  static std::atomic<std::uint64_t> counter{0};
  std::array<char, 16> digits{};  // the counter in hex, as fmt's {:x} wrote it
  auto end = std::to_chars(digits.data(), digits.data() + digits.size(),
                           counter.fetch_add(1, std::memory_order_relaxed) + 1, 16)
                 .ptr;
  std::string id;
  id.reserve(prefix.size() + digits.size());
  id.append(prefix).append(digits.data(), end);
  return id;
}

std::string allowed_header(std::vector<Method> methods) {
  if (std::find(methods.begin(), methods.end(), Method::get) != methods.end()) {
    methods.push_back(Method::head);
  }
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  std::string out;
  for (auto method : methods) {
    if (!out.empty()) out += ", ";
    out += method_name(method);
  }
  return out;
}

bool is_json_content_type(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  auto value = content_type->substr(0, content_type->find(';'));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value == "application/json" ||
         (value.starts_with("application/") && value.ends_with("+json"));
}

// The methods a cross-site page could trigger with the user's cookie: they need CSRF proof.
bool changes_state(Method method) {
  return method == Method::post || method == Method::put || method == Method::patch ||
         method == Method::delete_;
}

// The last hop of X-Forwarded-For: the address our trusted proxy saw. Earlier entries
// are whatever the client claimed.
std::optional<std::string_view> last_forwarded_hop(std::string_view forwarded_for) {
  auto comma = forwarded_for.rfind(',');
  auto hop = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
  while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
  while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
  if (hop.empty()) return std::nullopt;
  return hop;
}

core::Error missing_session() {
  return core::make_error(core::ErrorCode::unauthenticated,
                          "log in first: this endpoint needs a session");
}

core::Error csrf_rejected() {
  core::Error error = core::make_error(
      core::ErrorCode::permission_denied,
      "csrf: a cookie-authenticated request that changes state needs the session's "
      "X-CSRF-Token header");
  error.details.push_back({"X-CSRF-Token", "is missing or does not match the session", 0, 0});
  return error;
}

}  // namespace

std::string choose_request_id(const Request& request) {
  auto sent = request.header("x-request-id");
  if (sent && plain_request_id(*sent)) return std::string(*sent);
  return next_request_id();
}

core::Result<void> Pipeline::prepare_body(Request& request, const Route& route) const {
  if (route.options.body != BodyKind::json) return core::success();
  if (request.body.empty()) {
    return core::make_error(core::ErrorCode::malformed_json, "a JSON body is required");
  }
  if (!is_json_content_type(request.header("content-type"))) {
    return core::make_error(core::ErrorCode::unsupported_media_type,
                            "the body must be sent as Content-Type: application/json");
  }
  auto parsed = parse_json_body(request.body);
  if (!parsed) return std::move(parsed).error();
  request.json = std::move(parsed).value();
  return core::success();
}

void Pipeline::resolve_client(Request& request) const {
  request.client_address = request.remote_address;
  request.secure_transport = false;
  if (!identity_.trust_proxy) return;
  if (auto forwarded = request.header("x-forwarded-for")) {
    if (auto hop = last_forwarded_hop(*forwarded)) request.client_address = std::string(*hop);
  }
  request.secure_transport = request.header("x-forwarded-proto") == std::string_view("https");
}

// An Authorization header names the credential outright: a cross-site page cannot make the
// browser send one, so a Bearer request needs no CSRF token.
Awaitable<core::Result<void>> Pipeline::authenticate_bearer(Request& request,
                                                            std::string_view authorization) const {
  auto token = bearer_token(authorization);
  if (!token) co_return std::move(token).error();
  if (identity_.authenticator == nullptr || identity_.blocking == nullptr) {
    co_return missing_session();
  }
  auto work = [authenticator = identity_.authenticator, token = std::string(*token)] {
    return authenticator->authenticate_api_token(token);
  };
  auto authenticated = co_await identity_.blocking->run(std::move(work));
  if (!authenticated) co_return std::move(authenticated).error();
  request.actor = authenticated->actor;
  co_return core::success();
}

Awaitable<core::Result<void>> Pipeline::authenticate(Request& request) const {
  auto cookie_header = request.header("cookie");
  auto token = cookie_header ? find_cookie(*cookie_header, session_cookie_name) : std::nullopt;
  // A Bearer header names the credential and wins over a cookie (its failure is not hidden
  // by the session). Another scheme beside a session cookie is not ours — a reverse proxy's
  // Basic authentication, say — and the cookie decides; alone, it is a malformed header.
  if (auto authorization = request.header("authorization")) {
    if (has_bearer_scheme(*authorization) || !token) {
      co_return co_await authenticate_bearer(request, *authorization);
    }
  }
  if (!token) co_return missing_session();
  if (identity_.authenticator == nullptr || identity_.blocking == nullptr) {
    co_return missing_session();
  }
  auto work = [authenticator = identity_.authenticator, token = std::move(*token)] {
    return authenticator->authenticate_session(token);
  };
  auto authenticated = co_await identity_.blocking->run(std::move(work));
  if (!authenticated) co_return std::move(authenticated).error();
  if (changes_state(request.method)) {
    auto presented = request.header("x-csrf-token");
    if (!presented || !core::constant_time_equals(*presented, authenticated->csrf_token)) {
      co_return csrf_rejected();
    }
  }
  request.actor = authenticated->actor;
  co_return core::success();
}

Awaitable<DispatchOutcome> Pipeline::dispatch(Request request, bool websocket_upgrade) {
  metrics_.request_started();
  DispatchOutcome outcome;
  auto match = router_.match(request.method, request.path);
  if (match.route == nullptr) {
    core::Error error =
        match.path_exists ? core::make_error(core::ErrorCode::method_not_allowed,
                                             fmt::format("{} is not allowed on {}",
                                                         method_name(request.method), request.path))
                          : core::make_error(core::ErrorCode::not_found,
                                             fmt::format("no route for {}", request.path));
    outcome.response = error_response(error);
    if (match.path_exists) {
      outcome.response.headers.push_back({"allow", allowed_header(match.allowed_methods)});
    }
    co_return outcome;
  }
  const Route& route = *match.route;
  outcome.route_id = route.id;
  request.path_parameters = std::move(match.parameters);
  if (route.options.websocket && !websocket_upgrade) {
    outcome.response = error_response(core::make_error(core::ErrorCode::invalid_request,
                                                       "this endpoint takes a WebSocket upgrade"));
    co_return outcome;
  }
  resolve_client(request);
  if (route.options.auth != AuthRequirement::none) {
    auto authenticated = co_await authenticate(request);
    if (authenticated && route.options.auth == AuthRequirement::session) {
      authenticated = authz::require(request.actor, authz::Action::manage_credentials, {});
    }
    if (authenticated && route.options.auth == AuthRequirement::user_session) {
      authenticated = authz::require(request.actor, authz::Action::act_as_user, {});
    }
    if (!authenticated) {
      outcome.response = route.options.login_redirect &&
                                 authenticated.error().code == core::ErrorCode::unauthenticated
                             ? login_redirect(request.target)
                             : error_response(authenticated.error());
      co_return outcome;
    }
  }
  if (auto prepared = prepare_body(request, route); !prepared) {
    outcome.response = error_response(prepared.error());
    co_return outcome;
  }
  // A WebSocket route answers like any other (401, 404, 422...) or grants the upgrade; the
  // credential is kept to be checked again while the client stays connected.
  std::optional<Request> credentials;
  if (route.options.websocket) {
    credentials.emplace();
    credentials->headers = request.headers;
    credentials->remote_address = request.remote_address;
    credentials->request_id = request.request_id;
  }
  try {
    outcome.response = co_await route.handler(std::move(request));
  } catch (const std::exception& exception) {
    // A handler that throws has a bug; the client still gets an answer, the log the cause.
    core::log::error("handler_exception", {{"route", route.pattern}, {"what", exception.what()}});
    outcome.response =
        error_response(core::make_error(core::ErrorCode::internal, exception.what()));
  }
  if (credentials && outcome.response.event_grant) {
    outcome.upgrade_websocket = true;
    auto& grant = *outcome.response.event_grant;
    grant.recheck = [this, credentials = std::move(*credentials),
                     audiences_for = grant.audiences_for] {
      return recheck(credentials, audiences_for);
    };
  }
  co_return outcome;
}

Awaitable<core::Result<ws::Audiences>> Pipeline::recheck(
    Request credentials,
    std::function<core::Result<ws::Audiences>(const authz::Actor&)> audiences_for) const {
  credentials.actor = {};
  auto authenticated = co_await authenticate(credentials);
  if (!authenticated) co_return std::move(authenticated).error();
  if (identity_.blocking == nullptr || !audiences_for) {
    co_return core::make_error(core::ErrorCode::unavailable, "no way to check the audiences");
  }
  auto work = [audiences_for = std::move(audiences_for), actor = credentials.actor] {
    return audiences_for(actor);
  };
  co_return co_await identity_.blocking->run(std::move(work));
}

Response login_redirect(std::string_view target) {
  // The target percent-encoded as one query value: only unreserved characters kept.
  constexpr std::string_view hex = "0123456789ABCDEF";
  std::string location = "/login?next=";
  for (const char c : target) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      location += c;
    } else {
      location += '%';
      location += hex[byte >> 4];
      location += hex[byte & 0x0f];
    }
  }
  Response response;
  response.status = 302;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "Log in first: " + location + "\n";
  response.headers.push_back({"location", location});
  response.headers.push_back({"cache-control", "no-store"});
  return response;
}

std::string loggable_target(std::string_view target) {
  // An OAuth callback's query is an authorization code and its state (ADR 0031), and so is
  // the login page's `next` when the callback sent the browser there to log in first.
  constexpr std::string_view oauth_callback = "/oauth/bluesky/callback?";
  if (target.starts_with(oauth_callback)) return std::string(oauth_callback) + "***";
  if (auto query = target.find('?');
      query != std::string_view::npos &&
      target.find(login_next_prefix, query) != std::string_view::npos) {
    return std::string(target.substr(0, query)) + "?***";
  }
  constexpr std::string_view marker = "/invitations/";
  std::string logged(target);
  for (auto at = logged.find(marker); at != std::string::npos; at = logged.find(marker, at + 1)) {
    const auto start = at + marker.size();
    const auto end = logged.find_first_of("/?#", start);
    const auto length = (end == std::string::npos ? logged.size() : end) - start;
    const auto segment = std::string_view(logged).substr(start, length);
    if (segment.empty() || segment == "***" ||
        segment.find_first_not_of("0123456789") == std::string_view::npos) {
      continue;
    }
    logged.replace(start, length, "***");
  }
  return logged;
}

void Pipeline::finish(const RequestSummary& request, const DispatchOutcome& outcome,
                      std::chrono::steady_clock::time_point started, std::size_t response_bytes) {
  auto elapsed = std::chrono::steady_clock::now() - started;
  metrics_.request_finished(outcome.route_id, outcome.response.status, elapsed);
  if (!access_log_ || !core::log::enabled(core::log::Level::info)) return;
  core::log::info(
      "http_request",
      {{"request_id", request.request_id},
       {"method", method_name(request.method)},
       {"target", loggable_target(request.target)},
       {"status", outcome.response.status},
       {"duration_us", static_cast<long long>(
                           std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count())},
       {"response_bytes", static_cast<long long>(response_bytes)},
       {"remote", request.remote_address}});
}

void Pipeline::record_rejection(int status, std::string_view remote_address,
                                std::string_view reason) {
  metrics_.request_started();
  metrics_.request_finished(0, status, std::chrono::nanoseconds{0});
  if (!access_log_) return;
  core::log::info("http_rejected",
                  {{"status", status}, {"reason", reason}, {"remote", remote_address}});
}

}  // namespace roost::api::http
