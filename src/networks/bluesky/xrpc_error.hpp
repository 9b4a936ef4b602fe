#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "networks/http_client.hpp"
#include "networks/network.hpp"

// How a failed XRPC call reads to the scheduler (networks::FailureKind). Pure functions, so
// that every status and error name the PDS can send is unit-tested.
namespace roost::networks::bluesky {

// No HTTP answer. Failing to resolve or connect is transient: nothing reached the server. A
// timeout or a broken connection after the request left is outcome_unknown for a write (the
// server may have acted); callers that only read turn that into transient.
NetworkError classify_transport_failure(const TransportFailure& failure);

// A non-2xx answer, from its status, its {"error","message"} body and its headers:
//   ExpiredToken                                  -> auth_expired (refresh, then retry)
//   InvalidToken, AuthenticationRequired, a 401,
//   AccountTakedown, AccountDeactivated, ...      -> auth_revoked (the profile must reconnect)
//   429 or RateLimitExceeded                      -> rate_limited, retry_after from Retry-After
//                                                    (seconds or an HTTP date) or else
//                                                    ratelimit-reset (Unix seconds)
//   408, 5xx                                      -> transient
//   404, RecordNotFound, RepoNotFound, ...        -> not_found
//   anything else (400 InvalidRequest, 413, ...)  -> permanent
NetworkError classify_response(int status, std::string_view body, const HttpHeaders& headers,
                               std::chrono::system_clock::time_point now);

// A failure found on our side of a call (an answer without its fields, a bad key...).
NetworkError failure(FailureKind kind, std::string code, std::string message);

}  // namespace roost::networks::bluesky
